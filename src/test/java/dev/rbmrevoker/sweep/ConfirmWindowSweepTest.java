package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.FallbackState;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.testing.CapturingMetricSink;
import dev.rbmrevoker.testing.MessagesTableResource;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.testing.StoreFaults;
import dev.rbmrevoker.webhook.RbmEvent;
import dev.rbmrevoker.webhook.WebhookService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: RBM's 200 on the sweep's revoke is not proof. The message is REVOKED with its fallback
 * WAITING out {@code REVOKE_CONFIRM_WINDOW} (the default, 5 s), unless a DELIVERED event comes first.
 * The sweep that revoked it hands the fallback over at the window's end itself, from the message as its
 * revoke left it (no read), when it still claims work then; a sweep that ends sooner (or a revoke on
 * request, which answers at once) leaves it to a later sweep, whose lookahead hands it over at the window's
 * end from what the due index shows: the window's end and the channels (no read either).
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(ConfirmWindowSweepTest.DefaultWindow.class)
class ConfirmWindowSweepTest {

    /** A table of its own, so that no other test's due messages reach these sweeps; the default window. */
    public static class DefaultWindow implements QuarkusTestProfile {
        static final String TABLE = "rbm-revoker-confirm-window-test";

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("messages.table", TABLE);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MessagesTableResource.class,
                    Map.of(MessagesTableResource.TABLE, TABLE)));
        }
    }

    private static final Duration WINDOW = Duration.ofSeconds(5);
    /** Long enough that the sweep still claims work when the window ends (the margin is 5 s, claims stop 2 s before it). */
    private static final Duration SWEEP_BUDGET = Duration.ofSeconds(20);
    /** Claims stop 3 s into this sweep, before the window of a message it revokes at once ends. */
    private static final Duration SHORT_SWEEP = Duration.ofSeconds(10);

    @Inject
    Sweeper sweeper;
    @Inject
    MessageStore store;
    @Inject
    RbmGateway rbm;
    @Inject
    WebhookService webhooks;
    @Inject
    CapturingMetricSink metrics;

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
        metrics.clear();
    }

    /** Past its deadline and queued at RBM, with an SMS and a callback to fall back to. */
    private Message dueAtRbm() throws Exception {
        Instant now = SweepFixtures.now();
        return SweepFixtures.createAtRbm(store, rbm,
                List.of(Message.tracked(SweepFixtures.spec(now.minusSeconds(1)), Messages.TIMING, now.minusSeconds(60))))
                .get(0);
    }

    @Test
    void theRevokingSweep_fallsBackOnceAtTheWindowsEnd_withoutReadingTheMessage() throws Exception {
        Message message = dueAtRbm();

        int readsBefore = StoreFaults.reads();
        SweepSummary sweep = sweeper.sweep(SWEEP_BUDGET);
        int reads = StoreFaults.reads() - readsBefore;
        SweepSummary next = sweeper.sweep(Duration.ofSeconds(2));

        Message after = store.get(message.messageId()).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, after.state(), after.history().toString());
        assertEquals(1, sweep.revoked(), sweep.toString());
        assertEquals(1, sweep.fallenBack(), "the same sweep fell back: " + sweep);
        assertEquals(0, reads, "the hand-over started from the message the revoke left, not from a read");
        assertFalse(after.fallback().sentAt().isBefore(after.revokedAt().plus(WINDOW)), "not before the window's end");
        assertEquals(0, next.due(), next.toString());
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
        assertEquals(1, RevokerResource.rbm().calls(Route.REVOKE).size());
    }

    @Test
    void deliveredInsideTheWindow_whileTheRevokingSweepWaits_endsDelivered_andNoFallbackEverGoes() throws Exception {
        Message message = dueAtRbm();

        CompletableFuture<SweepSummary> sweep = CompletableFuture.supplyAsync(() -> sweeper.sweep(SWEEP_BUDGET));
        Message revoked = awaitRevoked(message.messageId());
        assertEquals(FallbackState.WAITING, revoked.fallback().state(), "the window is still open");
        webhooks.apply(new RbmEvent("DELIVERED", "delivered-" + revoked.messageId(), revoked.messageId(),
                revoked.phoneNumber(), revoked.agentId()), "envelope-" + revoked.messageId());
        SweepSummary summary = sweep.get(60, TimeUnit.SECONDS);
        sweeper.sweep(Duration.ofSeconds(2));

        Message after = store.get(revoked.messageId()).orElseThrow();
        assertEquals(MessageState.DELIVERED, after.state(), after.history().toString());
        assertEquals("REVOKE_NOT_HONOURED", SweepFixtures.events(after).get(SweepFixtures.events(after).size() - 1));
        assertNull(after.dueAt());
        assertEquals(1, summary.revoked(), summary.toString());
        assertEquals(0, summary.fallenBack(), summary.toString());
        assertEquals(0, RevokerResource.sns().requests());
        assertEquals(0, RevokerResource.callbacks().received().size());
        assertEquals(1, metrics.lines().stream().filter(l -> l.contains("\"revokeNotHonoured\"")).count());
    }

    @Test
    void aSweepEndingBeforeTheWindow_leavesTheFallbackDue_andTheNextSweepFallsBackOnceAtTheWindowsEnd() throws Exception {
        Message message = dueAtRbm();

        SweepSummary first = sweeper.sweep(SHORT_SWEEP);
        Message revoked = store.get(message.messageId()).orElseThrow();
        int readsBefore = StoreFaults.reads();
        SweepSummary second = sweeper.sweep(SWEEP_BUDGET);
        int reads = StoreFaults.reads() - readsBefore;
        SweepSummary third = sweeper.sweep(Duration.ofSeconds(2));

        assertEquals(1, first.revoked(), first.toString());
        assertEquals(0, first.fallenBack(), "no fallback on the 200 alone: " + first);
        assertEquals(MessageState.REVOKED, revoked.state(), revoked.history().toString());
        assertEquals(FallbackState.WAITING, revoked.fallback().state());
        assertEquals(revoked.revokedAt().plus(WINDOW), revoked.fallback().nextAttemptAt());
        assertEquals(revoked.fallback().nextAttemptAt(), revoked.dueAt(), "due for a later sweep at the window's end");
        Message after = store.get(message.messageId()).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, after.state(), after.history().toString());
        assertEquals(1, second.fallenBack(), second.toString());
        assertEquals(0, reads, "the window's end and the channels were taken from the due index, not from a read");
        assertEquals(0, third.due(), third.toString());
        assertFalse(after.fallback().sentAt().isBefore(revoked.dueAt()), "not before the window's end");
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
        assertEquals(1, RevokerResource.rbm().calls(Route.REVOKE).size());
    }

    @Test
    void twoSweepsAtTheWindowsEnd_claimItFromTheIndexOnce_andTheFallbackGoesOnce() throws Exception {
        Message message = dueAtRbm();
        sweeper.sweep(SHORT_SWEEP);

        CompletableFuture<SweepSummary> one = CompletableFuture.supplyAsync(() -> sweeper.sweep(SWEEP_BUDGET));
        CompletableFuture<SweepSummary> other = CompletableFuture.supplyAsync(() -> sweeper.sweep(SWEEP_BUDGET));
        SweepSummary first = one.get(60, TimeUnit.SECONDS);
        SweepSummary second = other.get(60, TimeUnit.SECONDS);

        Message after = store.get(message.messageId()).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, after.state(), after.history().toString());
        assertEquals(1, first.fallenBack() + second.fallenBack(), first + " / " + second);
        assertEquals(1, RevokerResource.sns().requests(), "one SMS publish");
        assertEquals(1, RevokerResource.callbacks().received().size());
        assertEquals(1, after.fallback().deliveries().get(Channel.SMS).attempts());
    }

    private Message awaitRevoked(String messageId) throws InterruptedException {
        Instant giveUp = Instant.now().plus(WINDOW);
        while (Instant.now().isBefore(giveUp)) {
            Message current = store.get(messageId).orElseThrow();
            if (current.state() == MessageState.REVOKED) {
                return current;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the sweep did not revoke " + messageId + " within " + WINDOW);
    }
}
