package dev.rbmrevoker.revoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.HistoryEntry;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.send.SendCommand;
import dev.rbmrevoker.send.SendResult;
import dev.rbmrevoker.send.SendService;
import dev.rbmrevoker.testing.GatedRbm;
import dev.rbmrevoker.testing.HandOvers;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.webhook.RbmEvent;
import dev.rbmrevoker.webhook.WebhookService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Revokes from several threads at once, and revokes racing RBM's DELIVERED event. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class ConcurrentRevokeTest {

    private static final String PHONE = "+16502530001";

    @Inject
    SendService sends;
    @Inject
    RevokeService revokes;
    @Inject
    WebhookService webhooks;
    @Inject
    MessageStore store;

    private final ExecutorService threads = Executors.newFixedThreadPool(8);

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @AfterEach
    void stop() {
        GatedRbm.clear();
        threads.shutdownNow();
    }

    private String sent() {
        String id = UUID.randomUUID().toString();
        SendResult result = sends.send(new SendCommand(id, RevokerResource.AGENT, PHONE,
                "{\"contentMessage\":{\"text\":\"Your code is 1234\"}}", Instant.now().plusSeconds(600),
                Fallback.requested("Your code is 1234", true), "fingerprint-" + id));
        assertEquals(MessageState.PENDING, result.message().state());
        return id;
    }

    private static RevokeCommand revokeOf(String id) {
        return new RevokeCommand(id, null, null, null);
    }

    private Message stored(String id) {
        return store.get(id).orElseThrow();
    }

    private static List<String> events(Message message) {
        return message.history().stream().map(HistoryEntry::event).toList();
    }

    private void delivered(String id) {
        webhooks.apply(new RbmEvent("DELIVERED", "delivered-" + id, id, PHONE, RevokerResource.AGENT),
                "envelope-" + id);
    }

    @RepeatedTest(3)
    void eightConcurrentRevokes_callRbmOnce_andFallBackToEachChannelOnce() throws Exception {
        String id = sent();
        // A slower RBM widens the window in which the others find the claim taken.
        RevokerResource.rbm().inject(Route.REVOKE, Fault.delay(Duration.ofMillis(300)));
        CyclicBarrier start = new CyclicBarrier(8);
        List<Future<RevokeResult>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(threads.submit(() -> {
                start.await();
                return revokes.revoke(revokeOf(id));
            }));
        }

        int revoked = 0;
        for (Future<RevokeResult> result : results) {
            RevokeResult answer = result.get(60, TimeUnit.SECONDS);
            assertTrue(answer instanceof RevokeResult.Revoked || answer instanceof RevokeResult.InProgress,
                    "every revoke either saw it revoked or found the revoke in progress: " + answer);
            if (answer instanceof RevokeResult.Revoked) {
                revoked++;
            }
        }
        assertTrue(revoked >= 1);
        HandOvers.now(id);
        assertEquals(1, RevokerResource.rbm().calls(Route.REVOKE).size(), "RBM revokes");
        assertEquals(1, RevokerResource.sns().publishes().size(), "SMS");
        assertEquals(1, RevokerResource.callbacks().received().size(), "callbacks");
        Message after = stored(id);
        assertEquals(MessageState.FALLEN_BACK, after.state());
        assertEquals(1, events(after).stream().filter("REVOKING"::equals).count());
    }

    @Test
    void twoConcurrentRevokes_callRbmOnce() throws Exception {
        String id = sent();
        CyclicBarrier start = new CyclicBarrier(2);
        Future<RevokeResult> first = threads.submit(() -> {
            start.await();
            return revokes.revoke(revokeOf(id));
        });
        Future<RevokeResult> second = threads.submit(() -> {
            start.await();
            return revokes.revoke(revokeOf(id));
        });
        first.get(60, TimeUnit.SECONDS);
        second.get(60, TimeUnit.SECONDS);
        HandOvers.now(id);

        assertEquals(1, RevokerResource.rbm().calls(Route.REVOKE).size());
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
        assertEquals(MessageState.FALLEN_BACK, stored(id).state());
    }

    @Test
    void deliveredWhileRbmAnswersTheRevoke_staysDelivered_withoutFallback_andKeepsTheLateRevokeInHistory()
            throws Exception {
        String id = sent();
        GatedRbm.close();
        Future<RevokeResult> revoke = threads.submit(() -> revokes.revoke(revokeOf(id)));

        GatedRbm.awaitRevokeAnswered();
        assertEquals(MessageState.REVOKING, stored(id).state());
        threads.submit(() -> delivered(id)).get(60, TimeUnit.SECONDS);
        assertEquals(MessageState.DELIVERED, stored(id).state());
        GatedRbm.open();
        RevokeResult result = revoke.get(60, TimeUnit.SECONDS);

        assertInstanceOf(RevokeResult.AlreadyDelivered.class, result);
        Message after = stored(id);
        assertEquals(MessageState.DELIVERED, after.state());
        assertTrue(events(after).contains("REVOKED_AFTER_DELIVERY"), events(after).toString());
        assertTrue(!events(after).contains("REVOKED"), events(after).toString());
        assertEquals(0, RevokerResource.sns().publishes().size(), "no SMS for a delivered message");
        assertEquals(0, RevokerResource.callbacks().received().size(), "no callback for a delivered message");
    }

    @Test
    void deliveredAfterTheFallbackWasHandedOver_keepsItFallenBack_andRecordsDeliveredAfterRevoke() throws Exception {
        String id = sent();
        revokes.revoke(revokeOf(id));
        assertEquals(MessageState.FALLEN_BACK, HandOvers.now(id).state());

        threads.submit(() -> delivered(id)).get(60, TimeUnit.SECONDS);

        Message after = stored(id);
        assertEquals(MessageState.FALLEN_BACK, after.state());
        assertTrue(events(after).contains("DELIVERED_AFTER_REVOKE"), events(after).toString());
        assertEquals(1, RevokerResource.sns().publishes().size());
    }

    /** Issue 12: RBM's 200 did not prove the revoke; a delivery inside the confirm window wins. */
    @Test
    void deliveredInsideTheConfirmWindow_endsDelivered_withRevokeNotHonoured_andNoFallbackEver() throws Exception {
        String id = sent();
        assertInstanceOf(RevokeResult.Revoked.class, revokes.revoke(revokeOf(id)));
        assertEquals(MessageState.REVOKED, stored(id).state());

        threads.submit(() -> delivered(id)).get(60, TimeUnit.SECONDS);
        HandOvers.now(id);

        Message after = stored(id);
        assertEquals(MessageState.DELIVERED, after.state());
        assertEquals("REVOKE_NOT_HONOURED", events(after).get(events(after).size() - 1));
        assertEquals(null, after.dueAt());
        assertEquals(0, RevokerResource.sns().requests());
        assertEquals(0, RevokerResource.callbacks().received().size());
    }

    @RepeatedTest(5)
    void revokeRacingDelivered_neverEndsRevokedAfterDeliveredWon() throws Exception {
        String id = sent();
        CyclicBarrier start = new CyclicBarrier(2);
        Future<RevokeResult> revoke = threads.submit(() -> {
            start.await();
            return revokes.revoke(revokeOf(id));
        });
        Future<?> delivery = threads.submit(() -> {
            start.await();
            delivered(id);
            return null;
        });
        RevokeResult result = revoke.get(60, TimeUnit.SECONDS);
        delivery.get(60, TimeUnit.SECONDS);

        HandOvers.now(id);
        Message after = stored(id);
        List<String> events = events(after);
        // The delivery comes within the confirm window either way: it wins, and no fallback goes.
        assertEquals(MessageState.DELIVERED, after.state(), events.toString());
        assertEquals(0, RevokerResource.sns().publishes().size());
        assertEquals(0, RevokerResource.callbacks().received().size());
        if (result instanceof RevokeResult.Revoked) {
            assertTrue(events.indexOf("REVOKED") < events.indexOf("REVOKE_NOT_HONOURED"), events.toString());
        } else {
            assertInstanceOf(RevokeResult.AlreadyDelivered.class, result);
            assertTrue(!events.contains("REVOKED"), events.toString());
            if (!RevokerResource.rbm().calls(Route.REVOKE).isEmpty()) {
                assertTrue(events.contains("REVOKED_AFTER_DELIVERY"), events.toString());
            }
        }
    }

    @RepeatedTest(3)
    void apiRevokeRacingTheSweepsRevoke_callsRbmOnce_andFallsBackOnce() throws Exception {
        String id = sent();
        Message pending = stored(id);
        CyclicBarrier start = new CyclicBarrier(2);
        Future<RevokeResult> api = threads.submit(() -> {
            start.await();
            return revokes.revoke(revokeOf(id));
        });
        Future<RevokeResult> sweep = threads.submit(() -> {
            start.await();
            return revokes.revokeDue(pending, Duration.ofSeconds(10));
        });
        api.get(60, TimeUnit.SECONDS);
        sweep.get(60, TimeUnit.SECONDS);
        HandOvers.now(id);

        assertEquals(1, RevokerResource.rbm().calls(Route.REVOKE).size());
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
        assertEquals(MessageState.FALLEN_BACK, stored(id).state());
    }
}
