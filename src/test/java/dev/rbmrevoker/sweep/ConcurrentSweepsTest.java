package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class ConcurrentSweepsTest {

    private static final int MESSAGES = 500;

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

    /** One run for both checks: 500 messages take a while to set up and sweep. */
    @Test
    void twoSweepsAtOnce_revokeAndFallBackEachDueMessageExactlyOnce_andTheirSummariesCountEachOnce() throws Exception {
        List<String> ids = SweepFixtures.ids(SweepFixtures.pendingAtRbm(store, rbm, MESSAGES));

        List<SweepSummary> summaries = new ArrayList<>(SweepFixtures.sweepConcurrently(sweeper, 2, Duration.ofMinutes(2)));
        // On a busy machine a revoke can leave too little of its budget to start an SMS: the next tick sends it,
        // and its summary counts it.
        summaries.add(sweeper.sweep(Duration.ofMinutes(1)));

        assertEquals(SweepFixtures.once(ids), SweepFixtures.revokeCalls(0), "RBM revoke calls per message");
        assertEquals(SweepFixtures.once(ids), SweepFixtures.smsPublishes(ids), "SMS per message");
        assertEquals(SweepFixtures.once(ids), SweepFixtures.callbacks(ids), "callbacks per message");
        for (String id : ids) {
            assertEquals(MessageState.FALLEN_BACK, store.get(id).orElseThrow().state(), id);
        }
        assertEquals(MESSAGES, summaries.stream().mapToInt(SweepSummary::revoked).sum(), "revoked: " + summaries);
        assertEquals(MESSAGES, summaries.stream().mapToInt(SweepSummary::fallenBack).sum(), "fallenBack: " + summaries);
    }
}
