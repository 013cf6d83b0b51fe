package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.FallbackState;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.testing.CapturingMetricSink;
import dev.rbmrevoker.testing.MessagesTableResource;
import dev.rbmrevoker.testing.RevokerResource;
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
 * WAITING out {@code REVOKE_CONFIRM_WINDOW} (the default, 5 s); a later sweep's lookahead hands it over
 * at the window's end, unless a DELIVERED event came first.
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
    private static final Duration SWEEP_BUDGET = Duration.ofSeconds(20);

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

    /** Past its deadline, queued at RBM, revoked by one sweep: REVOKED, its fallback waiting out the window. */
    private Message revokedBySweep() throws Exception {
        Instant now = SweepFixtures.now();
        Message message = SweepFixtures.createAtRbm(store, rbm,
                List.of(Message.tracked(SweepFixtures.spec(now.minusSeconds(1)), Messages.TIMING, now.minusSeconds(60))))
                .get(0);
        SweepSummary first = sweeper.sweep(SWEEP_BUDGET);

        Message revoked = store.get(message.messageId()).orElseThrow();
        assertEquals(1, first.revoked(), first.toString());
        assertEquals(0, first.fallenBack(), "no fallback on the 200 alone: " + first);
        assertEquals(MessageState.REVOKED, revoked.state(), revoked.history().toString());
        assertEquals(FallbackState.WAITING, revoked.fallback().state());
        assertEquals(revoked.revokedAt().plus(WINDOW), revoked.fallback().nextAttemptAt());
        assertEquals(revoked.fallback().nextAttemptAt(), revoked.dueAt());
        assertEquals(0, RevokerResource.sns().requests());
        assertEquals(0, RevokerResource.callbacks().received().size());
        return revoked;
    }

    @Test
    void afterTheWindow_theNextSweepFallsBackOnce_atTheWindowsEnd() throws Exception {
        Message revoked = revokedBySweep();

        SweepSummary second = sweeper.sweep(SWEEP_BUDGET);
        SweepSummary third = sweeper.sweep(Duration.ofSeconds(2));

        Message after = store.get(revoked.messageId()).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, after.state(), after.history().toString());
        assertEquals(1, second.fallenBack(), second.toString());
        assertEquals(0, third.due(), third.toString());
        assertFalse(after.fallback().sentAt().isBefore(revoked.dueAt()), "not before the window's end");
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
        assertEquals(1, RevokerResource.rbm().calls(Route.REVOKE).size());
    }

    @Test
    void deliveredInsideTheWindow_whileASweepWaitsForIt_endsDelivered_andNoFallbackEverGoes() throws Exception {
        Message revoked = revokedBySweep();

        CompletableFuture<SweepSummary> second = CompletableFuture.supplyAsync(() -> sweeper.sweep(SWEEP_BUDGET));
        Thread.sleep(1000);
        webhooks.apply(new RbmEvent("DELIVERED", "delivered-" + revoked.messageId(), revoked.messageId(),
                revoked.phoneNumber(), revoked.agentId()), "envelope-" + revoked.messageId());
        SweepSummary summary = second.get(60, TimeUnit.SECONDS);
        sweeper.sweep(Duration.ofSeconds(2));

        Message after = store.get(revoked.messageId()).orElseThrow();
        assertEquals(MessageState.DELIVERED, after.state(), after.history().toString());
        assertEquals("REVOKE_NOT_HONOURED", SweepFixtures.events(after).get(SweepFixtures.events(after).size() - 1));
        assertNull(after.dueAt());
        assertEquals(0, summary.fallenBack(), summary.toString());
        assertEquals(0, RevokerResource.sns().requests());
        assertEquals(0, RevokerResource.callbacks().received().size());
        assertEquals(1, metrics.lines().stream().filter(l -> l.contains("\"revokeNotHonoured\"")).count());
    }
}
