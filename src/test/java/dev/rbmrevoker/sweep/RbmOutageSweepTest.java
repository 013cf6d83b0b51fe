package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
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
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RBM answering 503 to every revoke loses no message; once it recovers each is revoked once. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class RbmOutageSweepTest {

    private static final int MESSAGES = 12;

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
    void sweepDuring503Storm_leavesEveryMessagePendingAndDue_thenNextSweepRevokesEachOnce() throws Exception {
        List<String> ids = SweepFixtures.ids(SweepFixtures.pendingAtRbm(store, rbm, MESSAGES));
        RevokerResource.rbm().inject(Route.REVOKE, Fault.status(503), 10_000);

        SweepSummary stormy = sweeper.sweep(Duration.ofSeconds(30));

        assertFalse(RevokerResource.rbm().calls(Route.REVOKE).isEmpty(), "the sweep tried RBM");
        Instant afterStorm = SweepFixtures.now();
        for (String id : ids) {
            Message stored = store.get(id).orElseThrow();
            assertEquals(MessageState.PENDING, stored.state(), id);
            assertNull(stored.claim(), "no lease left behind on " + id);
            assertNotNull(stored.dueAt(), id);
            assertFalse(stored.dueAt().isAfter(afterStorm), "still due: " + id + " at " + stored.dueAt());
            assertTrue(SweepFixtures.events(stored).contains("REVOKE_RETRY"), "history of " + id + ": " + stored.history());
        }
        assertEquals(Map.of(), nonZero(SweepFixtures.smsPublishes(ids)), "no SMS while nothing was revoked");
        assertEquals(Map.of(), nonZero(SweepFixtures.callbacks(ids)), "no callback while nothing was revoked");
        assertEquals(0, stormy.revoked(), stormy.toString());
        assertEquals(MESSAGES, stormy.failed(), stormy.toString());

        RevokerResource.rbm().clearFaults();
        SweepSummary recovered = sweeper.sweep(Duration.ofSeconds(30));

        assertEquals(SweepFixtures.once(ids), SweepFixtures.revokeCalls(200), "successful RBM revokes per message");
        assertEquals(SweepFixtures.once(ids), SweepFixtures.smsPublishes(ids), "SMS per message");
        assertEquals(SweepFixtures.once(ids), SweepFixtures.callbacks(ids), "callbacks per message");
        for (String id : ids) {
            assertEquals(MessageState.FALLEN_BACK, store.get(id).orElseThrow().state(), id);
        }
        assertEquals(MESSAGES, recovered.revoked(), recovered.toString());
    }

    private static Map<String, Long> nonZero(Map<String, Long> counts) {
        return counts.entrySet().stream().filter(e -> e.getValue() > 0)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
