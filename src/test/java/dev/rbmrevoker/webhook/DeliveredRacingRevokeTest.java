package dev.rbmrevoker.webhook;

import static dev.rbmrevoker.webhook.RbmWebhooks.PHONE;
import static dev.rbmrevoker.webhook.RbmWebhooks.newEnvelopeId;
import static dev.rbmrevoker.webhook.RbmWebhooks.newEventId;
import static dev.rbmrevoker.webhook.RbmWebhooks.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.HistoryEntry;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.revoke.RevokeCommand;
import dev.rbmrevoker.revoke.RevokeResult;
import dev.rbmrevoker.revoke.RevokeService;
import dev.rbmrevoker.testing.HandOvers;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A DELIVERED webhook arriving while a revoke is in flight (claimed, RBM still answering). The
 * delivery came first as far as we can know, so it wins: the message ends DELIVERED, RBM's later
 * "revoked" is kept as REVOKED_AFTER_DELIVERY, and no fallback goes out. Also RBM's own expiry racing
 * an API revoke, and one expiry event applied twice at once: the fallback goes out once. On the
 * service layer with threads, because the Lambda event loop handles one request at a time.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class DeliveredRacingRevokeTest {

    private static final String FALLBACK = "{\"sms\":{\"text\":\"Your code is 1234\"},\"callback\":{}}";

    @Inject
    RevokeService revokes;

    @Inject
    WebhookService webhooks;

    @Inject
    MessageStore store;

    private ExecutorService executor;

    @BeforeEach
    void setUp() {
        RbmWebhooks.warmUpFallback();
        RevokerResource.resetAll();
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdownNow();
        RevokerResource.rbm().awaitIdle(Duration.ofSeconds(10));
    }

    @Test
    void deliveredWhileTheRevokeIsInFlight_endsDeliveredWithRevokedAfterDeliveryAndNoFallback() throws Exception {
        String id = send(FALLBACK);
        RevokerResource.rbm().inject(Route.REVOKE, Fault.delay(Duration.ofSeconds(2)));

        CompletableFuture<RevokeResult> revoke = CompletableFuture.supplyAsync(
                () -> revokes.revoke(new RevokeCommand(id, null, null, null)), executor);
        awaitTrue(() -> RevokerResource.rbm().calls(Route.REVOKE).size() == 1, "the revoke reached RBM");
        assertEquals(MessageState.REVOKING, store.get(id).orElseThrow().state(), "the revoke is in flight");

        Message afterDelivered = webhooks.apply(
                new RbmEvent("DELIVERED", newEventId(), id, PHONE, RevokerResource.AGENT), newEnvelopeId())
                .orElseThrow();
        assertEquals(MessageState.DELIVERED, afterDelivered.state());
        assertFalse(revoke.isDone(), "the delivery was applied while RBM was still answering the revoke");

        RevokeResult result = revoke.get(20, TimeUnit.SECONDS);

        assertInstanceOf(RevokeResult.AlreadyDelivered.class, result, "the caller is told it was delivered");
        Message end = store.get(id).orElseThrow();
        assertEquals(MessageState.DELIVERED, end.state());
        List<String> events = end.history().stream().map(HistoryEntry::event).toList();
        assertEquals(List.of("SENDING", "SENT", "REVOKING", "DELIVERED", "REVOKED_AFTER_DELIVERY"), events);
        assertEquals(null, end.revokedAt());
        assertEquals(null, end.dueAt(), "nothing left for the sweep");
        assertEquals(0, RevokerResource.sns().publishes().size(), "no SMS");
        assertEquals(0, RevokerResource.callbacks().received().size(), "no callback");
        assertEquals("REVOKED", RevokerResource.rbm().message(id).orElseThrow().state().name(),
                "RBM did revoke it: the race really happened");
    }

    @Test
    void readWhileTheRevokeIsInFlight_endsRead() throws Exception {
        String id = send(FALLBACK);
        RevokerResource.rbm().inject(Route.REVOKE, Fault.delay(Duration.ofSeconds(2)));

        CompletableFuture<RevokeResult> revoke = CompletableFuture.supplyAsync(
                () -> revokes.revoke(new RevokeCommand(id, null, null, null)), executor);
        awaitTrue(() -> RevokerResource.rbm().calls(Route.REVOKE).size() == 1, "the revoke reached RBM");

        webhooks.apply(new RbmEvent("READ", newEventId(), id, PHONE, RevokerResource.AGENT), newEnvelopeId());
        revoke.get(20, TimeUnit.SECONDS);

        Message end = store.get(id).orElseThrow();
        assertEquals(MessageState.READ, end.state());
        assertTrue(end.history().stream().anyMatch(e -> e.event().equals("REVOKED_AFTER_DELIVERY")));
        assertEquals(0, RevokerResource.sns().publishes().size());
        assertEquals(0, RevokerResource.callbacks().received().size());
    }

    @Test
    void ttlExpirationRevokedWhileAnApiRevokeIsInFlight_fallsBackOnceWithTheFirstReason() throws Exception {
        String id = send(FALLBACK);
        RevokerResource.rbm().inject(Route.REVOKE, Fault.delay(Duration.ofSeconds(2)));

        CompletableFuture<RevokeResult> revoke = CompletableFuture.supplyAsync(
                () -> revokes.revoke(new RevokeCommand(id, null, null, null)), executor);
        awaitTrue(() -> RevokerResource.rbm().calls(Route.REVOKE).size() == 1, "the revoke reached RBM");

        webhooks.apply(new RbmEvent("TTL_EXPIRATION_REVOKED", "srv-" + newEventId(), id, PHONE,
                RevokerResource.AGENT), newEnvelopeId());
        RevokeResult result = revoke.get(20, TimeUnit.SECONDS);

        assertInstanceOf(RevokeResult.Revoked.class, result);
        Message end = store.get(id).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, end.state());
        assertEquals("TTL_EXPIRATION_REVOKED", end.fallback().reason().name(), "RBM's expiry came first");
        assertEquals(1, end.history().stream().filter(e -> e.event().equals("REVOKED")).count());
        assertEquals(1, RevokerResource.sns().publishes().size(), "one SMS");
        assertEquals(1, RevokerResource.callbacks().received().size(), "one callback");
    }

    @Test
    void sameTtlExpirationRevokedAppliedByTwoThreadsAtOnce_fallsBackOnce() throws Exception {
        String id = send(FALLBACK);
        RbmEvent event = new RbmEvent("TTL_EXPIRATION_REVOKED", "srv-" + newEventId(), id, PHONE,
                RevokerResource.AGENT);
        String envelopeId = newEnvelopeId();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<CompletableFuture<?>> both = List.of(
                    CompletableFuture.runAsync(() -> awaitLatch(start).apply(event, envelopeId), two),
                    CompletableFuture.runAsync(() -> awaitLatch(start).apply(event, envelopeId), two));
            start.countDown();
            CompletableFuture.allOf(both.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        } finally {
            two.shutdownNow();
        }

        // The webhook's budget is too short to start an SMS: the sweep publishes it.
        assertEquals(0, RevokerResource.sns().requests(), "no SMS started within the webhook");
        HandOvers.now(id);
        Message end = store.get(id).orElseThrow();
        assertEquals(1, end.history().stream().filter(e -> e.event().equals("REVOKED")).count());
        assertEquals(1, RevokerResource.sns().publishes().size(), "one SMS");
        assertEquals(1, RevokerResource.callbacks().received().size(), "one callback");
    }

    private WebhookService awaitLatch(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return webhooks;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(10);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
