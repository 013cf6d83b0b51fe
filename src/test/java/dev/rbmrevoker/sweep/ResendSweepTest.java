package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.local.rbm.StoredMessage;
import dev.rbmrevoker.message.FallbackReason;
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
import java.util.List;
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

    @Test
    void resendWhileRbmIsDown_staysSending_andIsDueAgainLater() throws Exception {
        Message sending = store.create(sendingAMinuteAgo());
        RevokerResource.rbm().inject(Route.SEND, Fault.status(503), 1_000);

        SweepSummary summary = sweeper.sweep(Duration.ofSeconds(20));

        Message stored = store.get(sending.messageId()).orElseThrow();
        assertEquals(MessageState.SENDING, stored.state());
        assertTrue(stored.dueAt().isAfter(SweepFixtures.now()), "not retried in a loop: due at " + stored.dueAt());
        assertTrue(stored.dueAt().isBefore(SweepFixtures.now().plus(Duration.ofMinutes(2))), "but soon: " + stored.dueAt());
        assertEquals(1, summary.failed(), summary.toString());
    }

    @Test
    void resendToAUserRcsCannotReach_endsUndeliverable_andFallsBack() throws Exception {
        Message sending = store.create(sendingAMinuteAgo());
        RevokerResource.rbm().setUnreachable(sending.phoneNumber());

        sweeper.sweep(Duration.ofSeconds(20));

        Message stored = store.get(sending.messageId()).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, stored.state(), stored.history().toString());
        assertEquals(FallbackReason.UNDELIVERABLE, stored.fallback().reason());
        assertEquals(Map.of(sending.messageId(), 1L), SweepFixtures.smsPublishes(List.of(sending.messageId())));
    }

    private static Message sendingAMinuteAgo() {
        Instant now = SweepFixtures.now();
        return Message.sending(SweepFixtures.spec(now.plus(Duration.ofMinutes(10))), Messages.TIMING,
                now.minusSeconds(90));
    }
}
