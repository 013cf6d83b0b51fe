package dev.rbmrevoker.webhook;

import static dev.rbmrevoker.webhook.RbmWebhooks.track;
import static dev.rbmrevoker.webhook.RbmWebhooks.user;
import static dev.rbmrevoker.webhook.RbmWebhooks.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.testing.HttpRecorder;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every validly signed envelope reaches the agent's own webhook unchanged, with RBM's signature; a
 * failed forward never changes RBM's 200, is stored for the sweep, and a retry delivers it once.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class WebhookForwardTest {

    @Inject
    ForwardStore forwardStore;

    @Inject
    WebhookForwarder forwarder;

    @BeforeEach
    void reset() {
        RbmWebhooks.warmUpFallback();
        RevokerResource.resetAll();
    }

    @Test
    void signedEnvelope_isForwardedWithTheIdenticalBodyAndTheOriginalSignature() {
        String id = track(null);
        RbmWebhooks.Envelope envelope = user("DELIVERED", id);

        envelope.post().statusCode(200);

        List<HttpRecorder.Received> forwarded = RevokerResource.forwards().received();
        assertEquals(1, forwarded.size());
        assertEquals("POST", forwarded.get(0).method());
        assertEquals(RevokerResource.FORWARD_PATH, forwarded.get(0).path());
        assertEquals(envelope.body(), forwarded.get(0).text(), "the body byte for byte");
        assertEquals(envelope.signature(), forwarded.get(0).header("X-Goog-Signature"));
        assertTrue(forwardStore.get(envelope.envelopeId()).isEmpty(), "nothing left for the sweep");
    }

    @Test
    void forward_isPlainHttp11WithoutAnH2cUpgrade() {
        // The agent's webhook gets the request as RBM sent it: no "Upgrade: h2c" dance added on the way,
        // which receivers that do not speak HTTP/2 may refuse (the fallback callback avoids it too).
        RbmWebhooks.Envelope envelope = user("DELIVERED", track(null));

        envelope.post().statusCode(200);

        HttpRecorder.Received forwarded = RevokerResource.forwards().received().get(0);
        assertEquals(null, forwarded.header("Upgrade"));
        assertEquals(null, forwarded.header("HTTP2-Settings"));
        assertEquals("application/json", forwarded.header("Content-Type"));
    }

    @Test
    void forwardAnswering500_rbmStillGets200_andTheEnvelopeIsStoredForTheSweep() {
        String id = track(null);
        RbmWebhooks.Envelope envelope = user("DELIVERED", id);
        RevokerResource.forwards().answering(500);

        envelope.post().statusCode(200);

        assertEquals("DELIVERED", view(id).getString("state"), "the event is applied all the same");
        PendingForward pending = forwardStore.get(envelope.envelopeId()).orElseThrow();
        assertEquals(envelope.body(), pending.body());
        assertEquals(envelope.signature(), pending.signature());
        assertEquals(1, pending.attempts());
        assertTrue(pending.nextAttemptAt().isAfter(Instant.now()), "retried later, by the sweep");
    }

    @Test
    void forwardTimingOut_rbmStillGets200Quickly_andTheEnvelopeIsStored() {
        String id = track(null);
        RbmWebhooks.Envelope envelope = user("DELIVERED", id);
        RevokerResource.forwards().delaying(Duration.ofSeconds(3));

        long started = System.nanoTime();
        envelope.post().statusCode(200);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(took.compareTo(Duration.ofMillis(2500)) < 0, "RBM is not kept waiting for the agent: " + took);
        assertTrue(forwardStore.get(envelope.envelopeId()).isPresent());
    }

    @Test
    void slowAgentWebhookAndSlowSms_rbmIsAnsweredWithinOneSharedBudget_regressionForwardPlusFallbackExceededOneSecond() throws Exception {
        String id = track("{\"sms\":{\"text\":\"Your code is 1234\"},\"callback\":{}}");
        RevokerResource.forwards().delaying(Duration.ofSeconds(3));
        RevokerResource.sns().delayNext(1, Duration.ofSeconds(3));

        RbmWebhooks.Envelope envelope = RbmWebhooks.server("TTL_EXPIRATION_REVOKED", id);
        long started = System.nanoTime();
        envelope.post().statusCode(200);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // The agent webhook and SNS each take 3 s; RBM must not wait for either. The bound is loose on
        // purpose (a busy CI machine): what proves the shared budget is that both were left to the sweep.
        assertTrue(took.compareTo(Duration.ofMillis(2500)) < 0, "answered in " + took.toMillis() + " ms");
        assertEquals("REVOKED", view(id).getString("state"));
        assertTrue(forwardStore.get(envelope.envelopeId()).isPresent(), "the forward is left to the sweep");
        // Let a slow SNS answer land before the next test resets the stand-ins (none is started within the
        // webhook's budget today, so there is nothing to wait for then).
        Instant end = Instant.now().plusSeconds(10);
        while (RevokerResource.sns().requests() > 0 && RevokerResource.sns().publishes().isEmpty()
                && Instant.now().isBefore(end)) {
            Thread.sleep(50);
        }
    }

    @Test
    void storedForward_isDeliveredOnceByARetry_andRemoved() throws Exception {
        String id = track(null);
        RbmWebhooks.Envelope envelope = user("DELIVERED", id);
        RevokerResource.forwards().failNext(1, 503);
        envelope.post().statusCode(200);
        PendingForward pending = forwardStore.get(envelope.envelopeId()).orElseThrow();

        assertTrue(forwarder.retry(pending, Duration.ofSeconds(5)), "settled by the retry");

        List<HttpRecorder.Received> forwarded = RevokerResource.forwards().received();
        assertEquals(2, forwarded.size(), "the failed forward, then the retry");
        assertEquals(envelope.body(), forwarded.get(1).text());
        assertEquals(envelope.signature(), forwarded.get(1).header("X-Goog-Signature"));
        assertTrue(forwardStore.get(envelope.envelopeId()).isEmpty(), "removed once delivered");

        // A second sweep holding the same stale copy posts nothing.
        assertFalse(forwarder.retry(pending, Duration.ofSeconds(5)));
        assertEquals(2, RevokerResource.forwards().received().size());
    }

    @Test
    void retryThatFailsAgain_keepsTheForwardWithOneMoreAttempt() {
        String id = track(null);
        RbmWebhooks.Envelope envelope = user("DELIVERED", id);
        RevokerResource.forwards().answering(500);
        envelope.post().statusCode(200);
        PendingForward pending = forwardStore.get(envelope.envelopeId()).orElseThrow();

        assertFalse(forwarder.retry(pending, Duration.ofSeconds(5)));

        PendingForward after = forwardStore.get(envelope.envelopeId()).orElseThrow();
        assertEquals(2, after.attempts());
        assertTrue(after.nextAttemptAt().isAfter(Instant.now()));
        assertEquals(envelope.signature(), after.signature());
    }

    @Test
    void replayedEnvelopeThatFailsToForwardAgain_isStoredOnce() {
        String id = track(null);
        RbmWebhooks.Envelope envelope = user("DELIVERED", id);
        RevokerResource.forwards().answering(500);

        envelope.post().statusCode(200);
        envelope.post().statusCode(200);

        assertEquals(1, forwardStore.get(envelope.envelopeId()).orElseThrow().attempts());
    }

    @Test
    void envelopeWithABadSignature_isNotForwarded() {
        String id = track(null);
        RbmWebhooks.Envelope envelope = user("DELIVERED", id);

        RbmWebhooks.post(envelope.body(), RbmWebhooks.hmacSha512Base64("forger", new byte[] {1})).statusCode(401);

        assertEquals(0, RevokerResource.forwards().received().size());
        assertTrue(forwardStore.get(envelope.envelopeId()).isEmpty());
    }
}
