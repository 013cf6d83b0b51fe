package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Messages;
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

/** A message due within the lookahead is revoked at its deadline by a sweep that started before it. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class LookaheadSweepTest {

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
    void messageDueInTwoSeconds_isRevokedAtItsDeadline_notBefore() throws Exception {
        Instant now = SweepFixtures.now();
        Instant deadline = now.plusSeconds(2);
        Message message = SweepFixtures.createAtRbm(store, rbm,
                List.of(Message.tracked(SweepFixtures.spec(deadline), Messages.TIMING, now))).get(0);

        SweepSummary summary = sweeper.sweep(Duration.ofSeconds(20));

        Message stored = store.get(message.messageId()).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, stored.state(), "summary " + summary + ", history " + stored.history());
        assertNotNull(stored.revokedAt());
        assertFalse(stored.revokedAt().isBefore(deadline), "revoked at " + stored.revokedAt() + ", deadline " + deadline);
        List<RecordedCall> revokes = RevokerResource.rbm().calls(Route.REVOKE);
        assertEquals(1, revokes.size());
        assertFalse(revokes.get(0).at().isBefore(deadline), "RBM called at " + revokes.get(0).at() + ", deadline " + deadline);
        // Generous for a busy machine, yet far from the next tick a minute later.
        assertTrue(revokes.get(0).at().isBefore(deadline.plusSeconds(10)), "RBM called at " + revokes.get(0).at());
    }
}
