package dev.rbmrevoker.webhook;

import dev.rbmrevoker.fallback.FallbackConfig;
import dev.rbmrevoker.rbm.RbmConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Forwards every validly signed envelope, unchanged and with RBM's signature, to the agent's own
 * webhook: an agent has one webhook URL, and its bot still needs the events. A failed forward is
 * stored for the sweep; it never changes what RBM is answered.
 */
@ApplicationScoped
public class WebhookForwarder {

    private static final Logger LOG = Logger.getLogger(WebhookForwarder.class);
    static final String SIGNATURE_HEADER = "X-Goog-Signature";
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration LONGEST_RETRY = Duration.ofHours(1);
    /** A retry in progress; another sweep may take it over after this. */
    static final Duration RETRY_LEASE = Duration.ofMinutes(1);

    private final Optional<URI> target;
    private final ForwardStore store;
    private final Clock clock;
    private final Duration timeout;
    private final int maxAttempts;
    private final HttpClient http;

    public WebhookForwarder(RbmConfig rbm, ForwardStore store, Clock clock, WebhookConfig config,
            FallbackConfig fallback) {
        this.target = rbm.webhookForwardUrl().map(URI::create);
        this.store = store;
        this.clock = clock;
        this.timeout = config.forwardTimeout();
        this.maxAttempts = fallback.maxAttempts();
        // HTTP/1.1 as RBM posts it: no h2c upgrade headers added to what the agent's webhook receives.
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    public boolean isEnabled() {
        return target.isPresent();
    }

    /** Forwards now; on failure stores the envelope for the sweep. */
    public void forward(String body, String signature, String envelopeId) {
        forward(body, signature, envelopeId, timeout);
    }

    /** Forwards now, waiting at most {@code budget} (and never longer than the forward timeout). */
    public void forward(String body, String signature, String envelopeId, Duration budget) {
        if (target.isEmpty()) {
            return;
        }
        Duration wait = budget.compareTo(timeout) < 0 ? budget : timeout;
        String error = wait.isNegative() || wait.isZero() ? "no time left" : post(body, signature, wait);
        if (error == null) {
            return;
        }
        Instant now = clock.instant();
        String id = envelopeId != null ? envelopeId : UUID.randomUUID().toString();
        LOG.warnf("Forward of webhook envelope %s failed (%s); the sweep retries it", id, error);
        store.add(new PendingForward(id, body, signature, 1, now, now.plus(FIRST_RETRY), error, 0));
    }

    /**
     * One retry of a stored forward, by the sweep. Claims it first so two sweeps never post it twice.
     *
     * @return whether the forward is settled (delivered, or given up after the last attempt)
     */
    public boolean retry(PendingForward forward, Duration budget) {
        Instant now = clock.instant();
        if (target.isEmpty()) {
            LOG.errorf("Dropping stored forward %s: RBM_WEBHOOK_FORWARD_URL is no longer set", forward.id());
            return store.remove(forward);
        }
        int attempt = forward.attempts() + 1;
        Optional<PendingForward> claim = store.update(forward,
                forward.attempt(attempt, now.plus(RETRY_LEASE), forward.lastError()));
        if (claim.isEmpty()) {
            return false;
        }
        PendingForward claimed = claim.get();
        Duration wait = budget.compareTo(timeout) < 0 ? budget : timeout;
        String error = wait.isNegative() || wait.isZero() ? "no time left" : post(claimed.body(), claimed.signature(), wait);
        if (error == null) {
            LOG.infof("Forwarded webhook envelope %s on attempt %d", forward.id(), attempt);
            return store.remove(claimed);
        }
        if (attempt >= maxAttempts) {
            LOG.errorf("Gave up forwarding webhook envelope %s after %d attempts: %s", forward.id(), attempt, error);
            return store.remove(claimed);
        }
        Instant next = clock.instant().plus(backoff(attempt));
        store.update(claimed, claimed.attempt(attempt, next, error));
        LOG.warnf("Forward of webhook envelope %s failed on attempt %d of %d (%s); next at %s", forward.id(),
                attempt, maxAttempts, error, next);
        return false;
    }

    static Duration backoff(int attempt) {
        Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(Math.max(attempt - 1, 0), 20));
        return wait.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait;
    }

    /** Posts the envelope; returns null on a 2xx, else why it failed. */
    private String post(String body, String signature, Duration wait) {
        HttpRequest request = HttpRequest.newBuilder(target.orElseThrow())
                .timeout(wait)
                .header("Content-Type", "application/json")
                .header(SIGNATURE_HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
