package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.local.rbm.StoredMessage;
import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.message.NewMessage;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.send.SendResult;
import dev.rbmrevoker.send.SendService;
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
    @Inject
    SendService sends;

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

    /** Regression (issue 12 item 4): SENDING was due a minute after creation even when its deadline came first. */
    @Test
    void sendingWhoseDeadlineComesFirst_isDueAtItsDeadline_andSettledByARevokeThen_neverResent() throws Exception {
        Instant now = SweepFixtures.now();
        Instant deadline = now.plusSeconds(3);
        Message sending = store.create(Message.sending(SweepFixtures.spec(deadline), Messages.TIMING, now));
        assertEquals(deadline, sending.dueAt());

        sweeper.sweep(Duration.ofSeconds(20));

        assertEquals(Map.of(), SweepFixtures.sendCalls(), "nothing sent at or after the deadline");
        Message stored = store.get(sending.messageId()).orElseThrow();
        assertTrue(List.of(MessageState.REVOKED, MessageState.FALLEN_BACK).contains(stored.state()),
                stored.history().toString());
        assertEquals(FallbackReason.DEADLINE_PASSED, stored.fallback().reason());
        assertFalse(stored.revokedAt().isBefore(deadline), "revoked at its deadline: " + stored.revokedAt());
    }

    /** Regression (issue 12 item 4): a resend that reaches its deadline is never sent late. */
    @Test
    void finishingASendAfterItsDeadline_neverCallsRbm() {
        Instant now = SweepFixtures.now();
        Message sending = store.create(Message.sending(SweepFixtures.spec(now.minusMillis(1)), Messages.TIMING,
                now.minusSeconds(30)));

        SendResult result = sends.finishSend(sending, Source.SWEEP, Duration.ofSeconds(10));

        assertInstanceOf(SendResult.DeadlinePassed.class, result);
        assertEquals(Map.of(), SweepFixtures.sendCalls());
        assertEquals(MessageState.SENDING, store.get(sending.messageId()).orElseThrow().state());
    }

    /**
     * A resend with less than 10 s left carries no expireTime, yet the message still counts as
     * RBM-expiring because its first attempt carried one (RBM may hold that one).
     */
    @Test
    void resendUnder10sBeforeTheDeadline_carriesNoExpiry_butStillCountsAsRbmExpiring() throws Exception {
        Instant now = SweepFixtures.now();
        Instant deadline = now.plusSeconds(6);
        NewMessage firstSentWithExpiry = new NewMessage(java.util.UUID.randomUUID().toString(), RevokerResource.AGENT,
                "+16502530001", deadline, true, "fingerprint", SweepFixtures.PAYLOAD,
                dev.rbmrevoker.message.Fallback.requested("sms", false));
        Message sending = store.create(Message.sending(firstSentWithExpiry, Messages.TIMING, now.minusSeconds(90)));

        sweeper.sweep(Duration.ofSeconds(20));

        List<dev.rbmrevoker.local.rbm.RecordedCall> resends = RevokerResource.rbm().calls(Route.SEND);
        assertEquals(1, resends.size());
        assertFalse(resends.get(0).body().contains("expireTime"), resends.get(0).body());
        Message stored = store.get(sending.messageId()).orElseThrow();
        assertEquals(MessageState.PENDING, stored.state());
        assertTrue(stored.rbmExpires());
        assertEquals(deadline.plus(Messages.TIMING.ttlGrace()), stored.dueAt(), "revoked only after RBM's own expiry");
        assertTrue(stored.revokeGoneIsAmbiguous(deadline.plusSeconds(1)), "a late 404 may be RBM's own expiry");
    }

    private static Message sendingAMinuteAgo() {
        Instant now = SweepFixtures.now();
        return Message.sending(SweepFixtures.spec(now.plus(Duration.ofMinutes(10))), Messages.TIMING,
                now.minusSeconds(90));
    }
}
