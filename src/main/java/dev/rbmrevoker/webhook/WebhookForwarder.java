package dev.rbmrevoker.webhook;

import dev.rbmrevoker.message.Backoff;
import dev.rbmrevoker.observe.Metric;
import dev.rbmrevoker.observe.Metrics;
import dev.rbmrevoker.rbm.RbmConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Forwards every validly signed envelope, unchanged and with RBM's signature, to the agent's own
 * webhook: an agent has one webhook URL, and its bot still needs the events. A failed forward is
 * stored for the sweep, retried with capped backoff for {@link #HORIZON} (RBM's own), then given up at
 * ERROR with a metric; it never changes what RBM is answered. A forward URL that is not absolute http(s)
 * fails the start ({@link Startup}) rather than every webhook.
 */
@Startup
@ApplicationScoped
public class WebhookForwarder {

    private static final Logger LOG = Logger.getLogger(WebhookForwarder.class);
    static final String SIGNATURE_HEADER = "X-Goog-Signature";
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration LONGEST_RETRY = Duration.ofHours(1);
    private static final Backoff BACKOFF = new Backoff(FIRST_RETRY, LONGEST_RETRY);
    /** A retry in progress; another sweep may take it over after this. */
    static final Duration RETRY_LEASE = Duration.ofMinutes(1);
    /** How long a failed forward is retried: RBM's own retry horizon, so the agent never misses less than RBM would. */
    static final Duration HORIZON = Duration.ofDays(7);

    private final Optional<URI> target;
    private final ForwardStore store;
    private final Clock clock;
    private final Duration timeout;
    private final Metrics metrics;
    private final HttpClient http;

    /** @throws IllegalStateException when RBM_WEBHOOK_FORWARD_URL is set but not an absolute http(s) URL */
    public WebhookForwarder(RbmConfig rbm, ForwardStore store, Clock clock, WebhookConfig config, Metrics metrics) {
        this.target = rbm.webhookForwardUrl().filter(url -> !url.isBlank()).map(WebhookForwarder::checked);
        this.store = store;
        this.clock = clock;
        this.timeout = config.forwardTimeout();
        this.metrics = metrics;
        // HTTP/1.1 as RBM posts it: no h2c upgrade headers added to what the agent's webhook receives.
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    private static URI checked(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            uri = null;
        }
        String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalStateException(
                    "RBM_WEBHOOK_FORWARD_URL must be an absolute http or https URL, is '" + url + "'");
        }
        return uri;
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
     * @return whether the forward is settled (delivered, or given up once {@link #HORIZON} has passed)
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
        Instant failedAt = clock.instant();
        if (!failedAt.isBefore(forward.createdAt().plus(HORIZON))) {
            LOG.errorf("Gave up forwarding webhook envelope %s: it failed %d times since %s (%s), and RBM itself"
                    + " retries no longer than %s", forward.id(), attempt, forward.createdAt(), error, HORIZON);
            metrics.count(Metric.FORWARD_GAVE_UP);
            return store.remove(claimed);
        }
        Instant next = failedAt.plus(backoff(attempt));
        store.update(claimed, claimed.attempt(attempt, next, error));
        LOG.warnf("Forward of webhook envelope %s failed on attempt %d (%s); next at %s, given up after %s",
                forward.id(), attempt, error, next, forward.createdAt().plus(HORIZON));
        return false;
    }

    static Duration backoff(int attempt) {
        return BACKOFF.after(attempt);
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
