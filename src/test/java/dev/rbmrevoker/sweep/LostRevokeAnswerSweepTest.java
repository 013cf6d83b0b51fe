package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.local.rbm.StoredMessage;
import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.RevokeOutcome;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RBM revoked the message but we never learnt it (answer lost, or the sweep died after the call): the
 * next attempt's 404 comes from our own revoke, and the user, who got nothing, must get the fallback.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class LostRevokeAnswerSweepTest {

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
    void revokeWhoseAnswerWasLost_stillFallsBack() throws Exception {
        String id = SweepFixtures.pendingAtRbm(store, rbm, 1).get(0).messageId();
        RevokerResource.rbm().inject(Route.REVOKE, Fault.lostAnswer());

        sweeper.sweep(Duration.ofSeconds(20));

        assertEquals(StoredMessage.State.REVOKED, RevokerResource.rbm().message(id).orElseThrow().state(),
                "RBM revoked it");
        Message stored = store.get(id).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, stored.state(), stored.history().toString());
        assertEquals(Map.of(id, 1L), SweepFixtures.smsPublishes(List.of(id)));
    }

    @Test
    void crashAfterRbmRevoked_nextSweepStillFallsBack() throws Exception {
        Message message = SweepFixtures.pendingAtRbm(store, rbm, 1).get(0);
        String id = message.messageId();
        Message claimed = message.claimRevoke(FallbackReason.DEADLINE_PASSED, true, Duration.ofMinutes(2),
                Source.SWEEP, SweepFixtures.now().minus(Duration.ofMinutes(5)));
        assertInstanceOf(TransitionResult.Applied.class, store.transition(message, claimed));
        // The crashed sweep's RBM call went through; it died before recording the answer.
        assertInstanceOf(RevokeOutcome.Revoked.class,
                rbm.revoke(message.agentId(), message.phoneNumber(), id, Duration.ofSeconds(5)));

        sweeper.sweep(Duration.ofSeconds(20));

        Message stored = store.get(id).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, stored.state(), stored.history().toString());
        assertEquals(Map.of(id, 1L), SweepFixtures.smsPublishes(List.of(id)));
    }
}
