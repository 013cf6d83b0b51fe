package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.FallbackReason;
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
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A send never confirmed whose deadline passed: the sweep revokes instead of re-sending, and falls back. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class UnconfirmedSendSweepTest {

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
    void sendingPastItsDeadline_thatRbmHas_isRevokedNotResent_andFallsBack() throws Exception {
        Message sending = SweepFixtures.createAtRbm(store, rbm, List.of(sendingPastDeadline())).get(0);
        String id = sending.messageId();
        int sendsBefore = RevokerResource.rbm().calls(Route.SEND).size();

        sweeper.sweep(Duration.ofSeconds(20));

        assertEquals(sendsBefore, RevokerResource.rbm().calls(Route.SEND).size(), "not re-sent after its deadline");
        assertEquals(Map.of(id, 1L), SweepFixtures.revokeCalls(200));
        Message stored = store.get(id).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, stored.state(), stored.history().toString());
        assertEquals(FallbackReason.DEADLINE_PASSED, stored.fallback().reason());
        assertEquals(Map.of(id, 1L), SweepFixtures.smsPublishes(List.of(id)));
    }

    @Test
    void sendingPastItsDeadline_thatNeverReachedRbm_isNotCalledDelivered() throws Exception {
        Message sending = store.create(sendingPastDeadline());
        String id = sending.messageId();

        sweeper.sweep(Duration.ofSeconds(20));

        assertTrue(RevokerResource.rbm().calls(Route.SEND).isEmpty(), "not re-sent after its deadline");
        Message stored = store.get(id).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, stored.state(), stored.history().toString());
        assertEquals(Map.of(id, 1L), SweepFixtures.smsPublishes(List.of(id)));
    }

    private static Message sendingPastDeadline() {
        Instant now = SweepFixtures.now();
        return Message.sending(SweepFixtures.spec(now.minusSeconds(60)), Messages.TIMING, now.minusSeconds(180));
    }
}
