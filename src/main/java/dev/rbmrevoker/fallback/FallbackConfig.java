package dev.rbmrevoker.fallback;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The fallback channels. Every property is also read from the environment variable of the same name
 * in upper case with {@code _} for {@code .} and {@code -} ({@code FALLBACK_CALLBACK_URL} is
 * {@code fallback.callback-url}); docs/config-fallback.md lists them.
 */
@ConfigMapping(prefix = "fallback")
public interface FallbackConfig {

    /** Where the signed fallback callback is POSTed ({@code FALLBACK_CALLBACK_URL}, http or https); none: no callback channel. */
    Optional<URI> callbackUrl();

    /** HMAC-SHA256 key of the callback signature ({@code FALLBACK_CALLBACK_SECRET}); required with a callback URL. */
    Optional<String> callbackSecret();

    /** The longest one callback attempt may take, connecting included ({@code FALLBACK_CALLBACK_TIMEOUT}). */
    @WithDefault("PT5S")
    Duration callbackTimeout();

    /** Whether the SMS channel (Amazon SNS Publish) is served ({@code FALLBACK_SMS_ENABLED}). */
    @WithDefault("false")
    boolean smsEnabled();

    /**
     * The fixed limit of one SNS {@code Publish}, connecting included ({@code FALLBACK_SMS_TIMEOUT}); a
     * publish starts only with this much budget left, so it must be shorter than {@code CALL_BUDGET}.
     */
    @WithDefault("PT3S")
    Duration smsTimeout();

    /** The SNS {@code AWS.SNS.SMS.SenderID} of fallback SMS ({@code FALLBACK_SMS_SENDER_ID}); none: the carrier's default. */
    Optional<String> smsSenderId();

    /**
     * The wait after a channel's first failed hand-over ({@code FALLBACK_FIRST_RETRY}); it doubles with each
     * further failure, up to an hour.
     */
    @WithDefault("PT30S")
    Duration firstRetry();

    /** Hand-over attempts per channel before the message is {@code FALLBACK_FAILED} ({@code FALLBACK_MAX_ATTEMPTS}). */
    @WithDefault("10")
    int maxAttempts();

    /** Whether to fall back after an ambiguous late 404 on revoke ({@code FALLBACK_ON_AMBIGUOUS}). */
    @WithDefault("true")
    boolean onAmbiguous();

    /** How the SNS client is reached; in Lambda all of it comes from the function's environment. */
    Sms sms();

    /** The SNS client. */
    interface Sms {

        /** SNS endpoint ({@code FALLBACK_SMS_ENDPOINT_OVERRIDE}), for the local SNS stand-in and tests; none: AWS. */
        Optional<URI> endpointOverride();

        /** SNS region ({@code FALLBACK_SMS_REGION}); none: the environment's ({@code AWS_REGION} in Lambda). */
        Optional<String> region();

        /** Static access key id ({@code FALLBACK_SMS_ACCESS_KEY_ID}), local runs and tests only; none: the default credentials chain. */
        Optional<String> accessKeyId();

        /** Static secret access key ({@code FALLBACK_SMS_SECRET_ACCESS_KEY}), set together with the access key id. */
        Optional<String> secretAccessKey();
    }
}
