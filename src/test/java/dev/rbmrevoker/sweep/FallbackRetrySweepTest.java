package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.message.FallbackState;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.testing.TestClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fallback callback answered 500 is retried by a later sweep after its backoff (30 s), without
 * sending the SMS again; with attempts exhausted (two, SweepProfile's) the message ends FALLBACK_FAILED.
 * The backoff is passed by moving the application's clock ({@link TestClock}), not waited out.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class FallbackRetrySweepTest {

    /** FallbackDispatcher's first backoff. */
    private static final Duration BACKOFF = Duration.ofSeconds(30);
    private static final Duration SWEEP_BUDGET = Duration.ofSeconds(10);

    @Inject
    Sweeper sweeper;
    @Inject
    MessageStore store;
    @Inject
    RbmGateway rbm;

    @BeforeEach
    void reset() {
        SweepFixtures.clearTable();
        RevokerResource.resetAll();
    }

    @AfterEach
    void resetClock() {
        TestClock.reset();
    }

    @Test
    void callbackFailingOnce_isRetriedByALaterSweep_andEndsFallenBack() throws Exception {
        String id = SweepFixtures.pendingAtRbm(store, rbm, 1).get(0).messageId();
        List<String> ids = List.of(id);
        RevokerResource.callbacks().failNext(1, 500);

        sweeper.sweep(SWEEP_BUDGET);

        Message afterFailure = store.get(id).orElseThrow();
        assertEquals(MessageState.REVOKED, afterFailure.state());
        assertEquals(FallbackState.PENDING, afterFailure.fallback().state());
        assertTrue(SweepFixtures.events(afterFailure).contains("FALLBACK_RETRY"), afterFailure.history().toString());
        assertEquals(Map.of(id, 1L), SweepFixtures.callbacks(ids));
        // Loose enough for a busy machine, far from "due now".
        assertTrue(afterFailure.dueAt().isAfter(TestClock.now().plus(BACKOFF).minusSeconds(15)),
                "due again after the backoff: " + afterFailure.dueAt());
        sweeper.sweep(SWEEP_BUDGET);
        assertEquals(Map.of(id, 1L), SweepFixtures.callbacks(ids), "not retried before its backoff");

        TestClock.advance(BACKOFF);
        SweepSummary retry = sweeper.sweep(SWEEP_BUDGET);

        Message stored = store.get(id).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, stored.state(), stored.history().toString());
        assertNull(stored.dueAt(), "nothing owed any more");
        assertEquals(Map.of(id, 2L), SweepFixtures.callbacks(ids), "callback tried twice");
        assertEquals(Map.of(id, 1L), SweepFixtures.smsPublishes(ids), "the SMS that went through is not repeated");
        assertEquals(1, RevokerResource.rbm().calls(dev.rbmrevoker.local.rbm.Route.REVOKE).size(), "revoked once");
        assertEquals(1, retry.fallenBack(), retry.toString());
    }

    @Test
    void callbackFailingEveryTime_endsFallbackFailedAfterMaxAttempts_andIsNotTriedAgain() throws Exception {
        String id = SweepFixtures.pendingAtRbm(store, rbm, 1).get(0).messageId();
        List<String> ids = List.of(id);
        RevokerResource.callbacks().answering(500);

        sweeper.sweep(SWEEP_BUDGET);
        TestClock.advance(BACKOFF);
        SweepSummary last = sweeper.sweep(SWEEP_BUDGET);

        Message stored = store.get(id).orElseThrow();
        assertEquals(MessageState.FALLBACK_FAILED, stored.state(), stored.history().toString());
        assertEquals(FallbackState.FAILED, stored.fallback().state());
        assertNull(stored.dueAt(), "nothing owed any more");
        assertEquals(Map.of(id, 2L), SweepFixtures.callbacks(ids), "two attempts, as configured");
        assertEquals(1, last.failed(), last.toString());

        TestClock.advance(Duration.ofHours(2));
        sweeper.sweep(SWEEP_BUDGET);

        assertEquals(Map.of(id, 2L), SweepFixtures.callbacks(ids), "a later sweep does not try again");
        assertEquals(MessageState.FALLBACK_FAILED, store.get(id).orElseThrow().state());
    }
}
