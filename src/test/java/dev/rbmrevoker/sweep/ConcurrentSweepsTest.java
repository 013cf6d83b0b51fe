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

    @Test
    void twoSweepsAtOnce_revokeAndFallBackEachDueMessageExactlyOnce() throws Exception {
        List<String> ids = SweepFixtures.ids(SweepFixtures.pendingAtRbm(store, rbm, MESSAGES));

        SweepFixtures.sweepConcurrently(sweeper, 2, Duration.ofMinutes(2));
        // On a busy machine a revoke can leave too little of its budget to start an SMS: the next tick sends it.
        sweeper.sweep(Duration.ofMinutes(1));

        assertEquals(SweepFixtures.once(ids), SweepFixtures.revokeCalls(0), "RBM revoke calls per message");
        assertEquals(SweepFixtures.once(ids), SweepFixtures.smsPublishes(ids), "SMS per message");
        assertEquals(SweepFixtures.once(ids), SweepFixtures.callbacks(ids), "callbacks per message");
        for (String id : ids) {
            assertEquals(MessageState.FALLEN_BACK, store.get(id).orElseThrow().state(), id);
        }
    }

    @Test
    void twoSweepsAtOnce_summariesCountEachMessageOnce() throws Exception {
        SweepFixtures.pendingAtRbm(store, rbm, MESSAGES);

        List<SweepSummary> summaries = new java.util.ArrayList<>(
                SweepFixtures.sweepConcurrently(sweeper, 2, Duration.ofMinutes(2)));
        // An SMS left for lack of budget on a busy machine is counted by the tick that sends it.
        summaries.add(sweeper.sweep(Duration.ofMinutes(1)));

        assertEquals(MESSAGES, summaries.stream().mapToInt(SweepSummary::revoked).sum(), "revoked: " + summaries);
        assertEquals(MESSAGES, summaries.stream().mapToInt(SweepSummary::fallenBack).sum(), "fallenBack: " + summaries);
    }
}
