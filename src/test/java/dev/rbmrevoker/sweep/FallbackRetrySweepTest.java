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
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fallback callback answered 500 is retried by a later sweep after its backoff (30 s), without
 * sending the SMS again; with attempts exhausted the message ends FALLBACK_FAILED.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(FallbackRetrySweepTest.TwoAttempts.class)
class FallbackRetrySweepTest {

    public static class TwoAttempts extends SweepProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("fallback.max-attempts", "2");
            return config;
        }
    }

    /** Outlasts the 30 s backoff, which the second sweep waits for through its lookahead. */
    private static final Duration RETRY_SWEEP_BUDGET = Duration.ofSeconds(50);

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

    @Test
    void callbackFailingOnce_isRetriedByALaterSweep_andEndsFallenBack() throws Exception {
        String id = SweepFixtures.pendingAtRbm(store, rbm, 1).get(0).messageId();
        List<String> ids = List.of(id);
        RevokerResource.callbacks().failNext(1, 500);

        sweeper.sweep(Duration.ofSeconds(10));

        Message afterFailure = store.get(id).orElseThrow();
        assertEquals(MessageState.REVOKED, afterFailure.state());
        assertEquals(FallbackState.PENDING, afterFailure.fallback().state());
        assertTrue(SweepFixtures.events(afterFailure).contains("FALLBACK_RETRY"), afterFailure.history().toString());
        assertEquals(Map.of(id, 1L), SweepFixtures.callbacks(ids));

        SweepSummary retry = sweeper.sweep(RETRY_SWEEP_BUDGET);

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

        sweeper.sweep(Duration.ofSeconds(10));
        SweepSummary last = sweeper.sweep(RETRY_SWEEP_BUDGET);

        Message stored = store.get(id).orElseThrow();
        assertEquals(MessageState.FALLBACK_FAILED, stored.state(), stored.history().toString());
        assertEquals(FallbackState.FAILED, stored.fallback().state());
        assertNull(stored.dueAt(), "nothing owed any more");
        assertEquals(Map.of(id, 2L), SweepFixtures.callbacks(ids), "two attempts, as configured");
        assertEquals(1, last.failed(), last.toString());

        sweeper.sweep(Duration.ofSeconds(10));

        assertEquals(Map.of(id, 2L), SweepFixtures.callbacks(ids), "a later sweep does not try again");
        assertEquals(MessageState.FALLBACK_FAILED, store.get(id).orElseThrow().state());
    }
}
