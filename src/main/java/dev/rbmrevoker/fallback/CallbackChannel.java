package dev.rbmrevoker.fallback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.PhoneNumbers;
import dev.rbmrevoker.rbm.RbmSecrets;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The signed fallback callback of API.md: one POST per hand-over, classified by its answer. A callback
 * is at least once: an attempt whose answer is lost is retried, with the same {@code Idempotency-Key}.
 *
 * <p>A callback URL without a secret fails the application start ({@link Startup}): an unsigned
 * callback would let anyone who finds the receiver's URL fake fallbacks, and a silently missing channel
 * would only show up later as {@code no-fallback-channel} answers.
 */
@Startup
@ApplicationScoped
public class CallbackChannel implements FallbackChannel {

    private static final Logger LOG = Logger.getLogger(CallbackChannel.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The same on every attempt of a message's callback (the messageId), so the receiver can drop repeats. */
    static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

    private final Optional<URI> url;
    /** Read per hand-over: a secret from Secrets Manager is read after a SnapStart restore, never at start. */
    private final Supplier<Optional<String>> secret;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;

    /**
     * @throws IllegalStateException when a callback URL is configured without a secret, or is not an
     *     absolute http or https URL
     */
    @Inject
    public CallbackChannel(FallbackConfig config, RbmSecrets secrets, Clock clock) {
        // The secret comes from RBM_SECRET_ARN's callbackSecret when set, else FALLBACK_CALLBACK_SECRET.
        this(config, secrets::callbackSecret, !secrets.fromSecretsManager(), clock);
    }

    /** A channel whose secret is FALLBACK_CALLBACK_SECRET itself. */
    public CallbackChannel(FallbackConfig config, Clock clock) {
        this(config, config::callbackSecret, true, clock);
    }

    private CallbackChannel(FallbackConfig config, Supplier<Optional<String>> callbackSecret, boolean checkSecretNow,
            Clock clock) {
        this.url = config.callbackUrl();
        this.secret = () -> callbackSecret.get().filter(s -> !s.isBlank());
        this.timeout = config.callbackTimeout();
        this.clock = clock;
        url.ifPresent(target -> check(target, checkSecretNow));
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalStateException("FALLBACK_CALLBACK_TIMEOUT must be positive, is " + timeout);
        }
        this.http = url.isEmpty() ? null : HttpClient.newBuilder()
                .connectTimeout(timeout)
                // No h2c upgrade dance with plain-http receivers; a webhook gains nothing from HTTP/2.
                .version(HttpClient.Version.HTTP_1_1)
                // A signed POST must reach the configured receiver or fail; a redirect is a misconfiguration.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private void check(URI target, boolean checkSecretNow) {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || target.getHost() == null) {
            throw new IllegalStateException(
                    "FALLBACK_CALLBACK_URL must be an absolute http or https URL, is '" + target + "'");
        }
        if (checkSecretNow && secret.get().isEmpty()) {
            throw new IllegalStateException("FALLBACK_CALLBACK_URL is set but no callback secret is (FALLBACK_CALLBACK_SECRET, or callbackSecret in"
                    + " the secret of RBM_SECRET_ARN):"
                    + " fallback callbacks are always signed; set the secret or remove the URL");
        }
    }

    @Override
    public Channel channel() {
        return Channel.CALLBACK;
    }

    @Override
    public boolean isAvailable() {
        return url.isPresent();
    }

    @Override
    public HandOver handOver(Message message, Duration budget) {
        if (url.isEmpty()) {
            return refused(message, "no callback URL is configured");
        }
        Duration limit = budget.compareTo(timeout) < 0 ? budget : timeout;
        if (limit.isNegative() || limit.isZero()) {
            return retry(message, "no time left in the budget");
        }
        Optional<String> key = secret.get();
        if (key.isEmpty()) {
            return retry(message, "the secret of RBM_SECRET_ARN holds no callbackSecret");
        }
        byte[] body = body(message);
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(url.get())
                .timeout(limit)
                .header("Content-Type", "application/json")
                .header("User-Agent", "rbm-revoker")
                .header(CallbackSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(CallbackSignature.SIGNATURE_HEADER, CallbackSignature.sign(key.get(), timestamp, body))
                .header(IDEMPOTENCY_KEY_HEADER, message.messageId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        CompletableFuture<HttpResponse<Void>> call =
                http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            // The request timeout covers the answer's head only; this bounds the whole exchange.
            return classify(message, call.get(limit.toMillis(), TimeUnit.MILLISECONDS).statusCode());
        } catch (TimeoutException e) {
            call.cancel(true);
            return retry(message, "no answer within " + limit);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return retry(message, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return retry(message, "no answer within " + limit);
            }
            if (cause instanceof IOException) {
                return retry(message, "cannot reach the callback: " + cause.getClass().getSimpleName());
            }
            // Anything else is a bug here, not a state of the receiver: let the dispatcher see it.
            throw new IllegalStateException("callback failed unexpectedly", cause);
        }
    }

    private HandOver classify(Message message, int status) {
        if (status >= 200 && status < 300) {
            LOG.infof("Fallback callback accepted: messageId=%s agentId=%s phone=%s status=%d",
                    message.messageId(), message.agentId(), PhoneNumbers.mask(message.phoneNumber()), status);
            return new HandOver.Accepted();
        }
        if (status >= 500 || status == 408 || status == 429) {
            return retry(message, "callback answered " + status);
        }
        // Other 4xx, and 1xx/3xx that a plain POST never expects: the receiver will answer the same again.
        return refused(message, "callback answered " + status);
    }

    private static HandOver retry(Message message, String reason) {
        LOG.warnf("Fallback callback to retry: messageId=%s agentId=%s phone=%s reason=%s",
                message.messageId(), message.agentId(), PhoneNumbers.mask(message.phoneNumber()), reason);
        return new HandOver.RetryLater(reason);
    }

    private static HandOver refused(Message message, String reason) {
        LOG.errorf("Fallback callback refused: messageId=%s agentId=%s phone=%s reason=%s",
                message.messageId(), message.agentId(), PhoneNumbers.mask(message.phoneNumber()), reason);
        return new HandOver.Refused(reason);
    }

    /** The JSON body of API.md; built as a tree so that native images need no reflection for it. */
    static byte[] body(Message message) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode body = nodes.objectNode();
        Fallback fallback = message.fallback();
        body.put("messageId", message.messageId());
        body.put("agentId", message.agentId());
        body.put("phoneNumber", message.phoneNumber());
        body.put("reason", fallback.reason() == null ? null : fallback.reason().name());
        body.put("revokedAt", message.revokedAt() == null ? null : message.revokedAt().toString());
        ObjectNode requested = body.putObject("fallback");
        if (fallback.smsText() != null) {
            requested.putObject("sms").put("text", fallback.smsText());
        }
        if (fallback.callback()) {
            requested.putObject("callback");
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }
}
