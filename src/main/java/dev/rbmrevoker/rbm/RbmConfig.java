package dev.rbmrevoker.rbm;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Google RBM: where the API is, who we are to it, and how hard to try. */
@ConfigMapping(prefix = "rbm")
public interface RbmConfig {

    /** The default RBM agent id ({@code RBM_AGENT_ID}), used when a request names none. */
    Optional<String> agentId();

    /**
     * The region the agent lives in ({@code RBM_REGION}): {@code global}, {@code us}, {@code europe} or
     * {@code asia}; it picks the API host.
     */
    @WithDefault("global")
    String region();

    /** A base URL that overrides the region's host ({@code RBM_ENDPOINT}); tests and the local run use it. */
    Optional<String> endpoint();

    /** The service-account key JSON itself ({@code RBM_SERVICE_ACCOUNT_JSON}); ignored when a secret ARN is set. */
    Optional<String> serviceAccountJson();

    /** The webhook client token, the HMAC key of RBM's signatures ({@code RBM_WEBHOOK_CLIENT_TOKEN}); ignored when a secret ARN is set. */
    Optional<String> webhookClientToken();

    /**
     * A Secrets Manager secret ({@code RBM_SECRET_ARN}) whose JSON holds {@code serviceAccountJson},
     * {@code webhookClientToken} and {@code callbackSecret}; read on first use, it wins over the plain variables.
     */
    Optional<String> secretArn();

    /**
     * How long a read of {@code RBM_SECRET_ARN} is used before the next use reads it again
     * ({@code RBM_SECRET_MAX_AGE}); a refused key or token is re-read sooner.
     */
    @WithDefault("PT5M")
    Duration secretMaxAge();

    /** Where validly signed webhooks are forwarded unchanged ({@code RBM_WEBHOOK_FORWARD_URL}). */
    Optional<String> webhookForwardUrl();

    /** How long to wait for a TCP connection to RBM ({@code RBM_CONNECT_TIMEOUT}). */
    @WithDefault("PT2S")
    Duration connectTimeout();

    /** How long one attempt may wait for RBM's answer ({@code RBM_READ_TIMEOUT}); also capped by the caller's budget. */
    @WithDefault("PT5S")
    Duration readTimeout();

    /** Retries of 408, 429, 5xx, timeouts and dropped connections. */
    Retry retry();

    interface Retry {

        /** Attempts per call, the first included ({@code RBM_RETRY_MAX_ATTEMPTS}). */
        @WithDefault("4")
        int maxAttempts();

        /** The wait before the first retry; it doubles per retry, with jitter ({@code RBM_RETRY_INITIAL_BACKOFF}). */
        @WithDefault("PT0.2S")
        Duration initialBackoff();

        /** The longest wait between attempts, unless RBM's {@code Retry-After} asks for more ({@code RBM_RETRY_MAX_BACKOFF}). */
        @WithDefault("PT2S")
        Duration maxBackoff();
    }
}
