package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.message.NewMessage;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.Timing;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.testing.TestClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RBM's slots never wait on the store: revokes are claimed ahead of their RBM call and RBM's answers
 * recorded after it, so while the store is slow the sweep still keeps {@code SWEEP_CONCURRENCY} calls
 * in flight. A revoke claimed and never called is left to its lease, never lost.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class SweepPipelineTest {

    @Inject
    Sweeper sweeper;
    @Inject
    SweepConfig config;
    @Inject
    MessageStore store;
    @Inject
    RbmGateway rbm;
    @Inject
    Timing timing;

    @BeforeEach
    void reset() {
        SweepFixtures.clearTable();
        RevokerResource.resetAll();
    }

    @AfterEach
    void letEverythingThrough() {
        HeldRecords.clear();
        HeldRevokes.clear();
        TestClock.reset();
    }

    @Test
    void whileRbmsAnswersWaitForTheStore_theNextClaimedRevokesFillEveryRbmSlot() throws Exception {
        int slots = config.concurrency();
        List<String> ids = SweepFixtures.ids(dueAtRbm(2 * slots));
        HeldRevokes.hold();
        HeldRecords.hold();
        ExecutorService background = Executors.newSingleThreadExecutor();
        try {
            Future<SweepSummary> sweep = background.submit(() -> sweeper.sweep(Duration.ofSeconds(60)));
            awaitThat(() -> HeldRevokes.inFlight() == slots, () -> "the first " + slots + " revokes at RBM, "
                    + HeldRevokes.inFlight() + " in flight");
            HeldRevokes.let(slots);
            // Their answers now wait for the store: RBM's slots must not.
            awaitThat(() -> HeldRecords.waiting() == slots && HeldRevokes.inFlight() == slots,
                    () -> slots + " answers waiting for the store and " + slots + " more revokes at RBM; "
                            + HeldRecords.waiting() + " waiting and " + HeldRevokes.inFlight() + " in flight");
            assertEquals(2 * slots, HeldRevokes.started());

            HeldRecords.clear();
            HeldRevokes.clear();
            SweepSummary summary = sweep.get(60, TimeUnit.SECONDS);
            assertEquals(2 * slots, summary.revoked(), summary.toString());
            assertEquals(SweepFixtures.once(ids), SweepFixtures.revokeCalls(200));
            assertTrue(ids.stream().allMatch(id -> store.get(id).orElseThrow().state() == MessageState.REVOKED));
        } finally {
            HeldRecords.clear();
            HeldRevokes.clear();
            background.shutdownNow();
        }
    }

    @Test
    void revokesClaimedAndNeverCalledBeforeTheSweepEnds_areRetakenAfterTheirLease_andRevokedOnce() throws Exception {
        int slots = config.concurrency();
        List<String> ids = SweepFixtures.ids(dueAtRbm(2 * slots));
        HeldRevokes.hold();

        // RBM's slots stay taken until the sweep must answer: the revokes claimed behind them are never called.
        sweeper.sweep(Duration.ofSeconds(10));
        HeldRevokes.clear();

        assertEquals(slots, HeldRevokes.started(), "only the first revokes reached the RBM gateway");
        long claimed = ids.stream().filter(id -> store.get(id).orElseThrow().state() == MessageState.REVOKING).count();
        assertTrue(claimed > slots, claimed + " revokes claimed: more than the ones called");
        TestClock.advance(timing.lease().plusSeconds(1));
        SweepSummary retake = sweeper.sweep(Duration.ofSeconds(30));

        assertEquals(2 * slots, retake.revoked(), retake.toString());
        assertEquals(SweepFixtures.once(ids), SweepFixtures.revokeCalls(200));
    }

    /** Messages queued at RBM whose deadline passed, without a fallback: a revoke is all they owe. */
    private List<Message> dueAtRbm(int count) throws Exception {
        Instant now = SweepFixtures.now();
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            NewMessage spec = new NewMessage(UUID.randomUUID().toString(), RevokerResource.AGENT, "+16502530001",
                    now.minusSeconds(60), false, "fingerprint", SweepFixtures.PAYLOAD, Fallback.none());
            messages.add(Message.tracked(spec, Messages.TIMING, now.minusSeconds(120)));
        }
        return SweepFixtures.createAtRbm(store, rbm, messages);
    }

    /** Waits until {@code condition} holds; a liveness bound, far beyond what the step takes. */
    private static void awaitThat(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > giveUpAt) {
                throw new AssertionError("never reached: " + what.get());
            }
            Thread.sleep(10);
        }
    }
}
