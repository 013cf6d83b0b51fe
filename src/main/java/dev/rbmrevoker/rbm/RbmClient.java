package dev.rbmrevoker.rbm;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.rbmrevoker.message.OutgoingMessage;
import dev.rbmrevoker.message.PhoneNumbers;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.RevokeOutcome;
import dev.rbmrevoker.message.SendOutcome;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.TypedGuard;

/**
 * Google's RBM API for the domain: sends and revokes with service-account auth, translating every status
 * into an outcome and retrying 408, 429, 5xx, timeouts and dropped connections with exponential backoff
 * and jitter (honouring {@code Retry-After}) within the caller's budget. No wait starts that would overrun
 * the budget, and each attempt stops waiting when the budget ends, so a call returns within its budget
 * plus a few milliseconds.
 *
 * <p>Calls block the calling thread (never call them on a Vert.x event loop). The REST client behind it is
 * generated at build time, so even a directly constructed instance needs a running Quarkus (a
 * {@code @QuarkusTest} is enough).
 */
@ApplicationScoped
public class RbmClient implements RbmGateway {

    /** Google advises at least 10 s of expiry; a shorter one is left to the sweep. */
    public static final Duration MIN_EXPIRY = Duration.ofSeconds(10);
    /** Less budget than this is not worth an attempt. */
    static final Duration MIN_ATTEMPT = Duration.ofMillis(50);
    /** What a caller should wait when RBM did not say, after it kept failing. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
    /** What a caller should wait after RBM refused even a fresh token: a configuration problem. */
    static final Duration AUTH_RETRY_AFTER = Duration.ofSeconds(60);

    private static final Logger LOG = Logger.getLogger(RbmClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RbmConfig config;
    private final RbmCredentials credentials;
    private final RbmApi api;
    private final Clock clock;

    @Inject
    public RbmClient(RbmConfig config, RbmCredentials credentials) {
        this(config, credentials, Clock.systemUTC());
    }

    public RbmClient(RbmConfig config, RbmCredentials credentials, Clock clock) {
        this.config = config;
        this.credentials = credentials;
        this.clock = clock;
        URI base = RbmEndpoints.baseUri(config.region(), config.endpoint());
        this.api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(base)
                .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .disableDefaultMapper(true)
                .followRedirects(false)
                .userAgent("rbm-revoker")
                .build(RbmApi.class);
        LOG.infof("RBM client for %s (region %s), connect timeout %d ms, read timeout %d ms, %d attempts",
                base, config.region(), config.connectTimeout().toMillis(), config.readTimeout().toMillis(),
                config.retry().maxAttempts());
    }

    @Override
    public SendOutcome send(OutgoingMessage message, Duration budget) {
        String body = agentMessage(message);
        String phone = pathSegment(message.phoneNumber());
        Call call = new Call("send", message.agentId(), message.phoneNumber(), message.messageId(), budget);
        HttpAnswer answer;
        try {
            answer = call.run(auth -> api.send(phone, message.messageId(), message.agentId(), auth, body));
        } catch (GiveUp e) {
            call.log(Logger.Level.WARN, "unavailable: " + e.reason, -1);
            return new SendOutcome.Unavailable(e.reason, e.retryAfter);
        }
        int status = answer.status();
        if (status >= 200 && status < 300) {
            call.log(Logger.Level.DEBUG, "accepted", status);
            return new SendOutcome.Accepted();
        }
        if (status == 404) {
            call.log(Logger.Level.INFO, "unreachable over RCS", status);
            return new SendOutcome.Unreachable();
        }
        if (status == 401) {
            String reason = "RBM refused a freshly fetched access token (401): check the service account and agent";
            call.log(Logger.Level.ERROR, reason, status);
            return new SendOutcome.Unavailable(reason, AUTH_RETRY_AFTER);
        }
        if (status >= 400 && status < 500) {
            String reason = answer.reason();
            call.log(Logger.Level.WARN, "rejected: " + reason, status);
            return new SendOutcome.Rejected(status, reason);
        }
        String reason = "unexpected answer " + status + ": " + answer.reason();
        call.log(Logger.Level.WARN, reason, status);
        return new SendOutcome.Unavailable(reason, DEFAULT_RETRY_AFTER);
    }

    @Override
    public RevokeOutcome revoke(String agentId, String phoneNumber, String messageId, Duration budget) {
        String phone = pathSegment(phoneNumber);
        Call call = new Call("revoke", agentId, phoneNumber, messageId, budget);
        HttpAnswer answer;
        try {
            answer = call.run(auth -> api.revoke(phone, messageId, agentId, auth));
        } catch (GiveUp e) {
            call.log(Logger.Level.WARN, "unavailable: " + e.reason, -1);
            return new RevokeOutcome.Unavailable(e.reason, e.retryAfter, call.unansweredAttempts > 0, e.throttled);
        }
        int status = answer.status();
        if (status >= 200 && status < 300) {
            call.log(Logger.Level.INFO, "revoked", status);
            return new RevokeOutcome.Revoked();
        }
        if (status == 404) {
            if (call.unansweredAttempts > 0) {
                // An earlier attempt of this call may have revoked it without our hearing: 404 is then our own doing.
                call.log(Logger.Level.WARN, "gone, but after " + call.unansweredAttempts
                        + " unanswered attempt(s): it may have been revoked by this call rather than delivered", status);
            } else {
                call.log(Logger.Level.INFO, "gone (delivered or expired)", status);
            }
            return new RevokeOutcome.Gone(call.unansweredAttempts > 0);
        }
        if (status == 401) {
            String reason = "RBM refused a freshly fetched access token (401): check the service account and agent";
            call.log(Logger.Level.ERROR, reason, status);
            return new RevokeOutcome.Unavailable(reason, AUTH_RETRY_AFTER, call.unansweredAttempts > 0, false);
        }
        if (status >= 400 && status < 500) {
            String reason = answer.reason();
            call.log(Logger.Level.WARN, "rejected: " + reason, status);
            return new RevokeOutcome.Rejected(status, reason);
        }
        String reason = "unexpected answer " + status + ": " + answer.reason();
        call.log(Logger.Level.WARN, reason, status);
        return new RevokeOutcome.Unavailable(reason, DEFAULT_RETRY_AFTER, call.unansweredAttempts > 0, false);
    }

    /**
     * The AgentMessage to send: the caller's JSON plus {@code expireTime} (RFC 3339 UTC) when one is asked
     * for and at least {@link #MIN_EXPIRY} away, never together with {@code ttl}.
     */
    String agentMessage(OutgoingMessage message) {
        JsonNode node;
        try {
            node = JSON.readTree(message.agentMessageJson());
        } catch (IOException e) {
            throw new IllegalArgumentException("agentMessageJson of " + message.messageId() + " is not JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("agentMessageJson of " + message.messageId() + " is not a JSON object");
        }
        ObjectNode agentMessage = (ObjectNode) node;
        Instant expireTime = message.expireTime();
        if (expireTime != null) {
            Duration ahead = Duration.between(clock.instant(), expireTime);
            if (ahead.compareTo(MIN_EXPIRY) < 0) {
                // Also covers a resend after the deadline: RBM would refuse an expiry in the past.
                LOG.infof("RBM send messageId=%s: expireTime %s is %d ms ahead, under %d s; sent without expiry",
                        message.messageId(), expireTime, ahead.toMillis(), MIN_EXPIRY.toSeconds());
            } else {
                agentMessage.remove("ttl");
                agentMessage.put("expireTime", expireTime.truncatedTo(ChronoUnit.MILLIS).toString());
            }
        }
        return agentMessage.toString();
    }

    /** The E.164 number as a path segment, its {@code +} as {@code %2B}. */
    static String pathSegment(String phoneNumber) {
        StringBuilder encoded = new StringBuilder(phoneNumber.length() + 2);
        for (char c : phoneNumber.toCharArray()) {
            if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                encoded.append(c);
            } else {
                for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    encoded.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
            }
        }
        return encoded.toString();
    }

    /** An answer RBM gave that is final for this call. */
    record HttpAnswer(int status, String body) {
        /** RBM's own error message, or a short description of what came back. */
        String reason() {
            return errorMessage(status, body);
        }
    }

    /** A failure worth another attempt. */
    static final class Retryable extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient Duration retryAfter;
        final boolean immediate;

        Retryable(String reason, int status, Duration retryAfter, boolean immediate) {
            super(reason, null, false, false);
            this.status = status;
            this.retryAfter = retryAfter;
            this.immediate = immediate;
        }
    }

    /** No more attempts: the budget or the attempts ran out, or the caller was interrupted. */
    static final class GiveUp extends Exception {
        private static final long serialVersionUID = 1L;
        final String reason;
        final transient Duration retryAfter;
        /** The last attempt was answered 429: the agent's quota at RBM, not an outage. */
        final boolean throttled;

        GiveUp(String reason, Duration retryAfter) {
            this(reason, retryAfter, false);
        }

        GiveUp(String reason, Duration retryAfter, boolean throttled) {
            super(reason, null, false, false);
            this.reason = reason;
            this.retryAfter = retryAfter;
            this.throttled = throttled;
        }
    }

    /** One send or revoke with its budget, attempts and retry decisions. */
    private final class Call implements CustomBackoffStrategy {
        final String operation;
        final String agentId;
        final String maskedPhone;
        final String messageId;
        final Duration budget;
        final long startNanos = System.nanoTime();
        final long deadlineNanos;
        int attempt;
        /** Attempts whose request may have reached RBM without an answer reaching us. */
        int unansweredAttempts;
        String rejectedAuthorization;
        boolean tokenRefreshed;
        long nextDelayMillis;
        Retryable lastFailure;
        String stopReason;

        Call(String operation, String agentId, String phoneNumber, String messageId, Duration budget) {
            this.operation = operation;
            this.agentId = agentId;
            this.maskedPhone = PhoneNumbers.mask(phoneNumber);
            this.messageId = messageId;
            this.budget = budget;
            this.deadlineNanos = startNanos + budget.toNanos();
        }

        HttpAnswer run(Function<String, java.util.concurrent.CompletionStage<Response>> exchange) throws GiveUp {
            int maxAttempts = Math.max(1, config.retry().maxAttempts());
            TypedGuard<HttpAnswer> guard = TypedGuard.create(HttpAnswer.class)
                    .withRetry()
                    .maxRetries(maxAttempts - 1)
                    .delay(config.retry().initialBackoff().toMillis(), ChronoUnit.MILLIS)
                    .jitter(0, ChronoUnit.MILLIS)
                    // The budget check in shouldRetry is the real bound; this only keeps the library out of the way.
                    .maxDuration(budget.toMillis() + 60_000, ChronoUnit.MILLIS)
                    .whenException(this::shouldRetry)
                    .withCustomBackoff().strategy(() -> this).done()
                    .done()
                    .build();
            try {
                return guard.call(() -> attempt(exchange));
            } catch (Retryable e) {
                throw giveUp(e);
            } catch (GiveUp e) {
                throw e;
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("unexpected failure of RBM " + operation, e);
            }
        }

        private HttpAnswer attempt(Function<String, java.util.concurrent.CompletionStage<Response>> exchange)
                throws Retryable, GiveUp {
            attempt++;
            Duration remaining = remaining();
            if (remaining.compareTo(MIN_ATTEMPT) < 0) {
                throw new Retryable("budget of " + budget.toMillis() + " ms used up before attempt " + attempt, 0, null, false);
            }
            if (LOG.isDebugEnabled()) {
                LOG.debugf("RBM %s messageId=%s agentId=%s phone=%s attempt=%d remainingMs=%d", operation, messageId,
                        agentId, maskedPhone, attempt, remaining.toMillis());
            }
            String authorization = await(credentials.authorization(rejectedAuthorization), "access token");
            rejectedAuthorization = null;
            Duration wait = min(config.connectTimeout().plus(config.readTimeout()), remaining());
            CompletableFuture<Response> pending = exchange.apply(authorization).toCompletableFuture();
            Response response;
            try {
                response = pending.get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                pending.cancel(true);
                unansweredAttempts++;
                throw new Retryable("no answer within " + wait.toMillis() + " ms", 0, null, false);
            } catch (ExecutionException e) {
                unansweredAttempts++;
                throw new Retryable("connection failed: " + describe(e.getCause()), 0, null, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pending.cancel(true);
                // The request may have gone out: its answer is what we stopped waiting for.
                unansweredAttempts++;
                throw new GiveUp("interrupted", DEFAULT_RETRY_AFTER);
            }
            int status;
            String body;
            try {
                status = response.getStatus();
                body = response.hasEntity() ? response.readEntity(String.class) : "";
            } catch (RuntimeException e) {
                throw new Retryable("unreadable answer: " + describe(e), 0, null, false);
            } finally {
                response.close();
            }
            if (status == 401 && !tokenRefreshed) {
                tokenRefreshed = true;
                rejectedAuthorization = authorization;
                throw new Retryable("access token refused (401)", 401, null, true);
            }
            if (status == 408 || status == 429 || (status >= 500 && status != 501)) {
                throw new Retryable("RBM answered " + status + ": " + errorMessage(status, body), status,
                        retryAfter(response.getHeaderString("Retry-After")), false);
            }
            return new HttpAnswer(status, body);
        }

        private String await(CompletableFuture<String> future, String what) throws Retryable, GiveUp {
            Duration wait = remaining();
            try {
                return future.get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new Retryable(what + ": none within " + wait.toMillis() + " ms", 0, null, false);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new Retryable(what + ": " + describe(cause), 0, null, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GiveUp("interrupted", DEFAULT_RETRY_AFTER);
            }
        }

        /** Decides whether to try again and how long to wait first; called by the guard before it waits. */
        private boolean shouldRetry(Throwable failure) {
            if (!(failure instanceof Retryable retryable)) {
                return false;
            }
            lastFailure = retryable;
            if (attempt >= config.retry().maxAttempts()) {
                stopReason = attempt + " attempts failed";
                return false;
            }
            long delay = retryable.immediate ? 0 : backoff(attempt);
            if (retryable.retryAfter != null) {
                delay = Math.max(delay, retryable.retryAfter.toMillis());
            }
            long left = remaining().toMillis();
            if (left - delay < MIN_ATTEMPT.toMillis()) {
                stopReason = "no budget for another attempt (" + left + " ms left, next wait " + delay + " ms)";
                return false;
            }
            nextDelayMillis = delay;
            LOG.warnf("RBM %s messageId=%s agentId=%s phone=%s attempt=%d failed: %s; retrying in %d ms, %d ms of budget left",
                    operation, messageId, agentId, maskedPhone, attempt, retryable.getMessage(), delay, left);
            return true;
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            return nextDelayMillis;
        }

        /** Exponential from the initial backoff, capped, with "equal jitter": half fixed, half random. */
        private long backoff(int failedAttempts) {
            long initial = Math.max(1, config.retry().initialBackoff().toMillis());
            long cap = Math.max(initial, config.retry().maxBackoff().toMillis());
            long base = initial << Math.min(20, failedAttempts - 1);
            base = Math.min(cap, base);
            return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        }

        private GiveUp giveUp(Retryable last) {
            Retryable failure = lastFailure != null ? lastFailure : last;
            String why = stopReason != null ? stopReason : "gave up";
            Duration retryAfter = failure.retryAfter != null ? failure.retryAfter
                    : Duration.ofMillis(Math.max(DEFAULT_RETRY_AFTER.toMillis(), backoff(Math.max(1, attempt))));
            return new GiveUp(failure.getMessage() + " (" + why + ")", retryAfter, failure.status == 429);
        }

        Duration remaining() {
            return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
        }

        void log(Logger.Level level, String result, int status) {
            LOG.logf(level, "RBM %s messageId=%s agentId=%s phone=%s status=%d attempts=%d elapsedMs=%d: %s", operation,
                    messageId, agentId, maskedPhone, status, attempt,
                    Duration.ofNanos(System.nanoTime() - startNanos).toMillis(), result);
        }
    }

    /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(clock.instant(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    /** Google's {@code error.message}, or the status and the start of whatever came back. */
    static String errorMessage(int status, String body) {
        if (body != null && !body.isBlank()) {
            try {
                JsonNode message = JSON.readTree(body).path("error").path("message");
                if (message.isTextual()) {
                    return truncate(message.asText());
                }
            } catch (IOException | RuntimeException e) {
                // not JSON: Google's front end answers some errors with HTML
            }
        }
        return "HTTP " + status;
    }

    private static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown";
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message != null && message.indexOf('\n') >= 0) {
            message = message.substring(0, message.indexOf('\n'));
        }
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + truncate(message));
    }

    /** Short, and without phone numbers: texts from elsewhere may quote the request URL or the number. */
    private static String truncate(String text) {
        String shortened = text.length() <= 300 ? text : text.substring(0, 300) + "...";
        return PhoneNumbers.redact(shortened);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
