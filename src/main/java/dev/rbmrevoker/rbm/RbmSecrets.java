package dev.rbmrevoker.rbm;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.crac.Core;
import org.crac.Resource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The secrets of a deployment: the RBM service-account key, the webhook client token and the fallback
 * callback's HMAC key. With {@code RBM_SECRET_ARN} they come from that Secrets Manager secret (fields
 * {@code serviceAccountJson}, {@code webhookClientToken}, {@code callbackSecret}); otherwise from
 * {@code RBM_SERVICE_ACCOUNT_JSON}, {@code RBM_WEBHOOK_CLIENT_TOKEN} and {@code FALLBACK_CALLBACK_SECRET}.
 *
 * <p>The secret is read on first use, never at start: a SnapStart snapshot is taken when the version is
 * published, perhaps before anyone filled the secret, and every instance restored from it would keep what
 * it saw. Hence also: a restore forgets what was read (CRaC's {@code afterRestore}); what was read is kept
 * for {@code RBM_SECRET_MAX_AGE} only; and a value the other side refused (RBM's 401, a webhook signature
 * that does not verify) makes the next use re-read the secret, so a rotation or a late fill is seen at once.
 */
@ApplicationScoped
public class RbmSecrets implements Resource {

    /**
     * Re-reads after a refusal are at most this frequent: anyone can post a badly signed webhook, and each
     * must not cost a Secrets Manager call.
     */
    static final Duration MIN_REREAD_INTERVAL = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(RbmSecrets.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The secret's values and when they were read; never printed. */
    private record Values(Optional<String> serviceAccountJson, Optional<String> webhookClientToken,
            Optional<String> callbackSecret, Instant readAt) {
        @Override
        public String toString() {
            return "RbmSecrets.Values[redacted]";
        }
    }

    private final Optional<String> secretArn;
    private final Values plain;
    private final Function<String, String> secretReader;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration minRereadInterval;
    private volatile Values values;

    @Inject
    public RbmSecrets(RbmConfig config,
            @ConfigProperty(name = "fallback.callback-secret") Optional<String> callbackSecret,
            SecretsManagerClient secretsManager, Clock clock) {
        this(config.secretArn(), config.serviceAccountJson(), config.webhookClientToken(), callbackSecret,
                arn -> secretsManager.getSecretValue(request -> request.secretId(arn)).secretString(), clock,
                config.secretMaxAge(), MIN_REREAD_INTERVAL);
        // The global context holds its resources weakly; this bean lives as long as the application.
        Core.getGlobalContext().register(this);
    }

    /**
     * @param secretReader reads the secret string of an ARN (Secrets Manager in production)
     * @param maxAge how long a read is used before the next use reads again
     * @param minRereadInterval how soon after a read a refusal may cause another
     */
    public RbmSecrets(Optional<String> secretArn, Optional<String> serviceAccountJson,
            Optional<String> webhookClientToken, Optional<String> callbackSecret,
            Function<String, String> secretReader, Clock clock, Duration maxAge, Duration minRereadInterval) {
        this.secretArn = secretArn.filter(s -> !s.isBlank());
        this.plain = new Values(nonBlank(serviceAccountJson), nonBlank(webhookClientToken), nonBlank(callbackSecret),
                Instant.MIN);
        this.secretReader = secretReader;
        this.clock = clock;
        this.maxAge = maxAge;
        this.minRereadInterval = minRereadInterval;
        if (this.secretArn.isPresent() && (maxAge.isNegative() || maxAge.isZero())) {
            throw new RbmConfigurationException("RBM_SECRET_MAX_AGE must be positive, is " + maxAge, null);
        }
    }

    /** Secrets given directly, as in tests and local runs. */
    public static RbmSecrets of(String serviceAccountJson, String webhookClientToken, String callbackSecret) {
        return new RbmSecrets(Optional.empty(), Optional.ofNullable(serviceAccountJson),
                Optional.ofNullable(webhookClientToken), Optional.ofNullable(callbackSecret), arn -> {
                    throw new IllegalStateException("no secret ARN");
                }, Clock.systemUTC(), Duration.ofMinutes(5), MIN_REREAD_INTERVAL);
    }

    public Optional<String> serviceAccountJson() {
        return values().serviceAccountJson();
    }

    public Optional<String> webhookClientToken() {
        return values().webhookClientToken();
    }

    public Optional<String> callbackSecret() {
        return values().callbackSecret();
    }

    /**
     * RBM refused the credentials of this key (a 401 even with a fresh token): re-reads the secret, once
     * for all callers that saw the same key refused.
     *
     * @return whether another key is now current
     */
    public boolean serviceAccountJsonRefused(Optional<String> refused) {
        return refused(refused, Values::serviceAccountJson, "serviceAccountJson");
    }

    /**
     * A webhook's signature or handshake token did not match this client token: re-reads the secret, once
     * for all requests that saw the same token fail.
     *
     * @return whether another token is now current (worth checking the request again)
     */
    public boolean webhookClientTokenRefused(Optional<String> refused) {
        return refused(refused, Values::webhookClientToken, "webhookClientToken");
    }

    /** Whether a secret ARN is configured (the values then come from Secrets Manager). */
    public boolean fromSecretsManager() {
        return secretArn.isPresent();
    }

    /** Where the service-account key is expected, for error messages. */
    String serviceAccountSource() {
        return secretArn.isPresent() ? "field serviceAccountJson of the secret RBM_SECRET_ARN"
                : "RBM_SERVICE_ACCOUNT_JSON (or RBM_SECRET_ARN)";
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        values = null;
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Whatever was read before the snapshot may be older than any max age: the clock jumped.
        values = null;
    }

    private boolean refused(Optional<String> refused, Function<Values, Optional<String>> field, String name) {
        if (secretArn.isEmpty()) {
            return false;
        }
        synchronized (this) {
            Values current = values;
            if (current != null && !field.apply(current).equals(refused)) {
                // Someone re-read it since this value was used.
                return true;
            }
            Instant now = clock.instant();
            if (current != null && now.isBefore(current.readAt().plus(minRereadInterval))) {
                return false;
            }
            LOG.infof("The secret's %s was refused; reading RBM_SECRET_ARN again", name);
            Values fresh = read(secretArn.get(), now);
            values = fresh;
            return !field.apply(fresh).equals(refused);
        }
    }

    private Values values() {
        if (secretArn.isEmpty()) {
            return plain;
        }
        Values current = values;
        Instant now = clock.instant();
        if (current == null || !now.isBefore(current.readAt().plus(maxAge))) {
            synchronized (this) {
                current = values;
                if (current == null || !now.isBefore(current.readAt().plus(maxAge))) {
                    current = read(secretArn.get(), now);
                    values = current;
                }
            }
        }
        return current;
    }

    private Values read(String arn, Instant now) {
        String secret;
        try {
            secret = secretReader.apply(arn);
        } catch (RuntimeException e) {
            // The SDK's message names the secret and the cause, never its value.
            throw new RbmConfigurationException("cannot read the secret of RBM_SECRET_ARN " + arn + ": " + e.getMessage(), e);
        }
        JsonNode node;
        try {
            node = secret == null ? null : JSON.readTree(secret);
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            throw new RbmConfigurationException("the secret of RBM_SECRET_ARN " + arn
                    + " is not a JSON object with serviceAccountJson, webhookClientToken and callbackSecret", null);
        }
        LOG.infof("Read RBM secrets from %s (fields present: serviceAccountJson=%b webhookClientToken=%b callbackSecret=%b)",
                arn, node.hasNonNull("serviceAccountJson"), node.hasNonNull("webhookClientToken"),
                node.hasNonNull("callbackSecret"));
        return new Values(field(node, "serviceAccountJson"), field(node, "webhookClientToken"),
                field(node, "callbackSecret"), now);
    }

    /** A string field; an object (a key file pasted as JSON rather than as a string) is taken as its JSON text. */
    private static Optional<String> field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        return nonBlank(Optional.of(value.isTextual() ? value.asText() : value.toString()));
    }

    private static Optional<String> nonBlank(Optional<String> value) {
        return value.filter(v -> !v.isBlank());
    }
}
