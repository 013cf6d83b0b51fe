package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RBM's 429 is the agent's quota, not an outage: once a revoke kept getting it, the sweep holds its
 * other RBM work back for the Retry-After instead of spending the quota on calls RBM would refuse too,
 * and says so in its summary.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class SweepThrottleTest {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    @Inject
    Sweepers sweepers;
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
    void aRevokeThatKeptGetting429_holdsTheOtherRevokesBackForItsRetryAfter_andIsReported() throws Exception {
        SweepFixtures.pendingAtRbm(store, rbm, 3);
        // Every attempt of the first revoke (RBM_RETRY_MAX_ATTEMPTS, 4) is answered 429.
        RevokerResource.rbm().inject(Route.REVOKE, Fault.tooManyRequests(RETRY_AFTER), 4);
        Sweeper oneAtATime = sweepers.with(new OneWorker(sweepers.config()));

        SweepSummary summary = oneAtATime.sweep(Duration.ofSeconds(30));

        assertEquals(1, summary.throttled(), summary.toString());
        assertEquals(2, summary.revoked(), summary.toString());
        List<RecordedCall> calls = RevokerResource.rbm().calls(Route.REVOKE);
        assertEquals(6, calls.size(), "4 refused attempts, then the two others: " + calls);
        Instant lastRefused = calls.get(3).at();
        Instant nextTried = calls.get(4).at();
        assertEquals(429, calls.get(3).status());
        assertFalse(nextTried.isBefore(lastRefused.plus(RETRY_AFTER).minusMillis(50)),
                "the next revoke went to RBM " + Duration.between(lastRefused, nextTried).toMillis()
                        + " ms after its 429, inside the Retry-After");
        assertTrue(calls.subList(4, 6).stream().allMatch(c -> c.status() == 200), calls.toString());
    }

    /** The deployment's sweep settings with one worker, so that the revokes come one after another. */
    private record OneWorker(SweepConfig config) implements SweepConfig {
        @Override
        public boolean enabled() {
            return config.enabled();
        }

        @Override
        public int concurrency() {
            return 1;
        }

        @Override
        public Duration lookahead() {
            return config.lookahead();
        }

        @Override
        public Duration budget() {
            return config.budget();
        }

        @Override
        public Duration margin() {
            return config.margin();
        }

        @Override
        public int maxItems() {
            return config.maxItems();
        }
    }
}
