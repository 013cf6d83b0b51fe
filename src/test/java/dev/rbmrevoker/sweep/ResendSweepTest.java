package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.local.rbm.StoredMessage;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A send left in SENDING (the API's RBM call died) is finished by the sweep, once, with the same messageId. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class ResendSweepTest {

    @Inject
    Sweeper sweeper;
    @Inject
    MessageStore store;

    @BeforeEach
    void reset() {
        SweepFixtures.clearTable();
        RevokerResource.resetAll();
    }

    @Test
    void sendingOlderThanAMinute_isResentOnceWithItsMessageId_andBecomesPending() throws Exception {
        Instant now = SweepFixtures.now();
        Message sending = store.create(Message.sending(SweepFixtures.spec(now.plus(Duration.ofMinutes(10))),
                Messages.TIMING, now.minusSeconds(90)));
        String id = sending.messageId();

        SweepFixtures.sweepConcurrently(sweeper, 2, Duration.ofSeconds(30));

        assertEquals(Map.of(id, 1L), SweepFixtures.sendCalls(), "RBM sends, by messageId");
        StoredMessage atRbm = RevokerResource.rbm().message(id).orElseThrow();
        assertEquals(StoredMessage.State.QUEUED, atRbm.state());
        assertTrue(atRbm.body().contains("Your code is 1234"), atRbm.body());
        Message stored = store.get(id).orElseThrow();
        assertEquals(MessageState.PENDING, stored.state());
        assertTrue(stored.history().stream().anyMatch(e -> e.event().equals("SENT") && e.source() == Source.SWEEP),
                stored.history().toString());

        sweeper.sweep(Duration.ofSeconds(10));

        assertEquals(1, RevokerResource.rbm().calls(Route.SEND).size(), "a later sweep sends nothing again");
        assertEquals(MessageState.PENDING, store.get(id).orElseThrow().state());
    }
}
