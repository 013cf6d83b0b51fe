package dev.rbmrevoker.rbm;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The secrets of a deployment: the RBM service-account key, the webhook client token and the fallback
 * callback's HMAC key. With {@code RBM_SECRET_ARN} they come from that Secrets Manager secret (fields
 * {@code serviceAccountJson}, {@code webhookClientToken}, {@code callbackSecret}), read once on first use
 * and kept for the life of the instance; otherwise from {@code RBM_SERVICE_ACCOUNT_JSON},
 * {@code RBM_WEBHOOK_CLIENT_TOKEN} and {@code FALLBACK_CALLBACK_SECRET}.
 */
@ApplicationScoped
public class RbmSecrets {

    private static final Logger LOG = Logger.getLogger(RbmSecrets.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The secret's values; never printed. */
    private record Values(Optional<String> serviceAccountJson, Optional<String> webhookClientToken,
            Optional<String> callbackSecret) {
        @Override
        public String toString() {
            return "RbmSecrets.Values[redacted]";
        }
    }

    private final Optional<String> secretArn;
    private final Values plain;
    private final Function<String, String> secretReader;
    private volatile Values values;

    @Inject
    public RbmSecrets(RbmConfig config,
            @ConfigProperty(name = "fallback.callback-secret") Optional<String> callbackSecret,
            SecretsManagerClient secretsManager) {
        this(config.secretArn(), config.serviceAccountJson(), config.webhookClientToken(), callbackSecret,
                arn -> secretsManager.getSecretValue(request -> request.secretId(arn)).secretString());
    }

    /**
     * @param secretReader reads the secret string of an ARN (Secrets Manager in production)
     */
    public RbmSecrets(Optional<String> secretArn, Optional<String> serviceAccountJson,
            Optional<String> webhookClientToken, Optional<String> callbackSecret,
            Function<String, String> secretReader) {
        this.secretArn = secretArn.filter(s -> !s.isBlank());
        this.plain = new Values(nonBlank(serviceAccountJson), nonBlank(webhookClientToken), nonBlank(callbackSecret));
        this.secretReader = secretReader;
    }

    /** Secrets given directly, as in tests and local runs. */
    public static RbmSecrets of(String serviceAccountJson, String webhookClientToken, String callbackSecret) {
        return new RbmSecrets(Optional.empty(), Optional.ofNullable(serviceAccountJson),
                Optional.ofNullable(webhookClientToken), Optional.ofNullable(callbackSecret), arn -> {
                    throw new IllegalStateException("no secret ARN");
                });
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

    /** Whether a secret ARN is configured (the values then come from Secrets Manager). */
    public boolean fromSecretsManager() {
        return secretArn.isPresent();
    }

    /** Where the service-account key is expected, for error messages. */
    String serviceAccountSource() {
        return secretArn.isPresent() ? "field serviceAccountJson of the secret RBM_SECRET_ARN"
                : "RBM_SERVICE_ACCOUNT_JSON (or RBM_SECRET_ARN)";
    }

    private Values values() {
        Values current = values;
        if (current == null) {
            synchronized (this) {
                current = values;
                if (current == null) {
                    current = secretArn.isPresent() ? read(secretArn.get()) : plain;
                    values = current;
                }
            }
        }
        return current;
    }

    private Values read(String arn) {
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
            throw new RbmConfigurationException("the secret of RBM_SECRET_ARN " + arn
                    + " is not a JSON object with serviceAccountJson, webhookClientToken and callbackSecret", null);
        }
        if (node == null || !node.isObject()) {
            throw new RbmConfigurationException("the secret of RBM_SECRET_ARN " + arn
                    + " is not a JSON object with serviceAccountJson, webhookClientToken and callbackSecret", null);
        }
        LOG.infof("Read RBM secrets from %s (fields present: serviceAccountJson=%b webhookClientToken=%b callbackSecret=%b)",
                arn, node.hasNonNull("serviceAccountJson"), node.hasNonNull("webhookClientToken"),
                node.hasNonNull("callbackSecret"));
        return new Values(field(node, "serviceAccountJson"), field(node, "webhookClientToken"), field(node, "callbackSecret"));
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
