package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A sweep that died after claiming: its leases run out and a later sweep finishes the work. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class CrashedSweepTest {

    private static final Duration LEASE = Duration.ofMinutes(2);

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
    void sweep_finishesRevokesClaimedByACrashedSweep_onceTheirLeasesExpired() throws Exception {
        List<Message> due = SweepFixtures.pendingAtRbm(store, rbm, 20);
        // The crashed sweep claimed them five minutes ago and died before calling RBM.
        claimAll(due, SweepFixtures.now().minus(Duration.ofMinutes(5)));
        List<String> ids = SweepFixtures.ids(due);

        SweepSummary summary = sweeper.sweep(Duration.ofSeconds(30));

        assertEquals(SweepFixtures.once(ids), SweepFixtures.revokeCalls(0), "RBM revoke calls per message");
        assertEquals(SweepFixtures.once(ids), SweepFixtures.smsPublishes(ids), "SMS per message");
        assertEquals(SweepFixtures.once(ids), SweepFixtures.callbacks(ids), "callbacks per message");
        for (String id : ids) {
            Message stored = store.get(id).orElseThrow();
            assertEquals(MessageState.FALLEN_BACK, stored.state(), id);
            assertEquals(FallbackReason.DEADLINE_PASSED, stored.fallback().reason(), id);
            assertTrue(SweepFixtures.events(stored).contains("REVOKE_RETRY"), "history of " + id + ": " + stored.history());
        }
        assertEquals(20, summary.revoked(), summary.toString());
        assertEquals(20, summary.fallenBack(), summary.toString());
    }

    @Test
    void sweep_leavesALiveLeaseAlone() throws Exception {
        Message claimed = claimAll(SweepFixtures.pendingAtRbm(store, rbm, 1), SweepFixtures.now()).get(0);

        sweeper.sweep(Duration.ofSeconds(10));

        assertEquals(List.of(), RevokerResource.rbm().calls(dev.rbmrevoker.local.rbm.Route.REVOKE));
        Message stored = store.get(claimed.messageId()).orElseThrow();
        assertEquals(MessageState.REVOKING, stored.state());
        assertEquals(claimed.version(), stored.version(), "nobody touched the live claim");
    }

    private List<Message> claimAll(List<Message> messages, Instant claimedAt) {
        List<Message> claimed = new ArrayList<>();
        for (Message message : messages) {
            Message next = message.claimRevoke(FallbackReason.DEADLINE_PASSED, true, LEASE, Source.SWEEP, claimedAt);
            claimed.add(assertInstanceOf(TransitionResult.Applied.class, store.transition(message, next)).message());
        }
        return claimed;
    }
}
