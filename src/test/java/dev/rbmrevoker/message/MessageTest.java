package dev.rbmrevoker.message;

import static dev.rbmrevoker.message.Messages.TIMING;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Behaviour of a message through its lifecycle. Fixed instants only; TIMING: lease 2m, grace 2m, resend 1m. */
class MessageTest {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final Instant DEADLINE = T0.plus(Duration.ofMinutes(10));
    static final Duration LEASE = TIMING.lease();

    /** PENDING, tracked at T0, deadline DEADLINE, fallback SMS + callback WAITING. */
    static Message pending() {
        return Messages.pending(T0, DEADLINE);
    }

    /** SENDING, recorded at T0, fallback SMS only WAITING. */
    static Message sending() {
        return Messages.sending(T0, DEADLINE);
    }

    static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    static List<String> events(Message message) {
        return message.history().stream().map(HistoryEntry::event).toList();
    }

    static HistoryEntry last(Message message) {
        return message.history().get(message.history().size() - 1);
    }

    static void assertLast(Message message, String event, Source source, Instant at, String detail) {
        HistoryEntry last = last(message);
        assertAll(
                () -> assertEquals(event, last.event(), "last history event"),
                () -> assertEquals(source, last.source(), "last history source"),
                () -> assertEquals(at, last.at(), "last history time"),
                () -> assertEquals(detail, last.detail(), "last history detail"));
    }

    @Nested
    class Creating {

        @Test
        void aSendingRecordIsSendingAndDueForResendAMinuteLaterWhenItsDeadlineIsFurther() {
            Message message = sending();

            assertEquals(MessageState.SENDING, message.state());
            assertEquals(T0.plus(Duration.ofMinutes(1)), message.dueAt());
            assertEquals(List.of("SENDING"), events(message));
            assertEquals(FallbackState.WAITING, message.fallback().state());
            assertEquals(T0, message.createdAt());
            assertFalse(message.isSettled());
        }

        @Test
        void acceptedMovesToPendingDueAtTheDeadline() {
            Message message = sending().accepted(Source.API, at(2));

            assertEquals(MessageState.PENDING, message.state());
            assertEquals(DEADLINE, message.dueAt());
            assertEquals(at(2), message.updatedAt());
            assertEquals(List.of("SENDING", "SENT"), events(message));
            assertLast(message, "SENT", Source.API, at(2), null);
        }

        @Test
        void acceptedWhenRbmExpiresTheMessageIsDueOnlyAfterTheTtlGrace() {
            Message sending = Message.sending(
                    Messages.rbmExpiringSpec(DEADLINE, Fallback.requested("sms", false)), TIMING, T0);

            Message message = sending.accepted(Source.API, at(2));

            assertEquals(T0.plus(Duration.ofMinutes(1)), sending.dueAt(), "the resend is not delayed by the grace");
            assertEquals(MessageState.PENDING, message.state());
            assertEquals(DEADLINE.plus(Duration.ofMinutes(2)), message.dueAt());
        }

        @Test
        void trackedIsPendingDueAtTheDeadlineWithATrackedHistoryEntry() {
            Message message = pending();

            assertEquals(MessageState.PENDING, message.state());
            assertEquals(DEADLINE, message.dueAt());
            assertEquals(List.of("TRACKED"), events(message));
            assertLast(message, "TRACKED", Source.API, T0, null);
            assertEquals(0, message.historyDropped());
        }

        @Test
        void trackedWhenRbmExpiresTheMessageIsDueAfterTheTtlGrace() {
            Message message = Message.tracked(
                    Messages.rbmExpiringSpec(DEADLINE, Fallback.none()), TIMING, T0);

            assertEquals(MessageState.PENDING, message.state());
            assertEquals(DEADLINE.plus(Duration.ofMinutes(2)), message.dueAt());
        }
    }

    @Nested
    class SendAnswers {

        @Test
        void unreachableTriggersTheFallbackWithReasonUndeliverableAndMakesItDueNow() {
            Message message = sending().unreachable(Source.API, at(1));

            assertEquals(MessageState.UNDELIVERABLE, message.state());
            assertEquals(at(1), message.dueAt());
            assertEquals(FallbackState.PENDING, message.fallback().state());
            assertEquals(FallbackReason.UNDELIVERABLE, message.fallback().reason());
            assertEquals(Map.of(Channel.SMS, ChannelDelivery.pending()), message.fallback().deliveries());
            assertLast(message, "UNDELIVERABLE", Source.API, at(1), null);
            assertFalse(message.isSettled());
        }

        @Test
        void unreachableWithoutAFallbackOwesNothing() {
            Message sending = Message.sending(Messages.spec(DEADLINE, Fallback.none()), TIMING, T0);

            Message message = sending.unreachable(Source.API, at(1));

            assertEquals(MessageState.UNDELIVERABLE, message.state());
            assertNull(message.dueAt());
            assertEquals(FallbackState.NONE, message.fallback().state());
            assertTrue(message.isSettled());
        }

        @Test
        void rejectedIsTerminal() {
            Message message = sending().rejected("HTTP 400: invalid contentMessage", Source.API, at(1));

            assertEquals(MessageState.REJECTED, message.state());
            assertNull(message.dueAt());
            assertLast(message, "REJECTED", Source.API, at(1), "HTTP 400: invalid contentMessage");
            assertTrue(message.isSettled());
            assertSame(message, message.rejected("again", Source.API, at(2)));
            assertThrows(IllegalTransitionException.class, () -> message.accepted(Source.API, at(2)));
            assertThrows(IllegalTransitionException.class, () -> message.delivered(Source.WEBHOOK, at(2)));
            assertThrows(IllegalTransitionException.class, () -> message.read(Source.WEBHOOK, at(2)));
            assertThrows(IllegalTransitionException.class,
                    () -> message.revoked(FallbackReason.TTL_EXPIRATION_REVOKED, Source.WEBHOOK, at(2)));
            assertThrows(IllegalTransitionException.class,
                    () -> message.claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API, at(2)));
        }
    }

    @Nested
    class Claims {

        @Test
        void claimRevokeFromPendingTakesALease() {
            Message message = pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, false, LEASE, Source.API,
                    at(60));

            assertEquals(MessageState.REVOKING, message.state());
            assertEquals(at(60).plus(LEASE), message.dueAt());
            assertEquals(new RevokeClaim(at(60).plus(LEASE), FallbackReason.REVOKED_ON_REQUEST, false, Source.API, false),
                    message.claim());
            assertLast(message, "REVOKING", Source.API, at(60), null);
            assertFalse(message.isSettled());
        }

        @Test
        void claimRevokeIsRefusedWhileTheLeaseIsLive() {
            Message claimed = pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API,
                    at(60));

            IllegalTransitionException refused = assertThrows(IllegalTransitionException.class,
                    () -> claimed.claimRevoke(FallbackReason.DEADLINE_PASSED, true, LEASE, Source.SWEEP,
                            at(60).plus(LEASE).minusMillis(1)));
            assertEquals(MessageState.REVOKING, refused.state());
            assertEquals(Event.CLAIM_REVOKE, refused.event());
        }

        @Test
        void anExpiredLeaseCanBeRetakenKeepingTheOriginalReasonAndFallbackChoice() {
            Message claimed = pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, false, LEASE, Source.API,
                    at(60));
            Instant later = at(60).plus(LEASE).plusSeconds(5);

            Message retaken = claimed.claimRevoke(FallbackReason.DEADLINE_PASSED, true, LEASE, Source.SWEEP, later);

            assertEquals(MessageState.REVOKING, retaken.state());
            assertEquals(later.plus(LEASE), retaken.dueAt());
            assertEquals(later.plus(LEASE), retaken.claim().leaseUntil());
            assertEquals(FallbackReason.REVOKED_ON_REQUEST, retaken.claim().reason());
            assertFalse(retaken.claim().fallback());
            assertEquals(Source.SWEEP, retaken.claim().by());
            assertEquals(List.of("TRACKED", "REVOKING", "REVOKE_RETRY"), events(retaken));
            assertLast(retaken, "REVOKE_RETRY", Source.SWEEP, later, null);
        }

        @Test
        void anUnconfirmedSendPastItsDeadlineCanBeClaimedForARevokeThatSettlesWhetherRbmHasIt() {
            Message claimed = sending().claimRevoke(FallbackReason.DEADLINE_PASSED, true, LEASE, Source.SWEEP, at(1));

            assertEquals(MessageState.REVOKING, claimed.state());
            assertEquals(at(1).plus(LEASE), claimed.dueAt());
        }

        @Test
        void aDeliveredOrReadMessageIsNeverRevoked() {
            Message delivered = pending().delivered(Source.WEBHOOK, at(5));
            Message read = delivered.read(Source.WEBHOOK, at(6));

            assertThrows(IllegalTransitionException.class, () -> delivered.claimRevoke(
                    FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API, at(7)));
            assertThrows(IllegalTransitionException.class, () -> read.claimRevoke(
                    FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API, at(7)));
        }

        @Test
        void releaseRevokeReturnsToPendingOwedARevokeAtTheDeadline() {
            Message claimed = pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API,
                    at(60));

            Message released = claimed.releaseRevoke("RBM unavailable", false, Source.API, at(70));

            assertEquals(MessageState.PENDING, released.state());
            assertNull(released.claim());
            assertEquals(DEADLINE, released.dueAt());
            assertLast(released, "REVOKE_RETRY", Source.API, at(70), "RBM unavailable");
            // The lease is gone: a new claim does not have to wait for it.
            assertEquals(MessageState.REVOKING, released.claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE,
                    Source.API, at(71)).state());
        }
    }

    @Nested
    class Revoking {

        @Test
        void revokedAfterAClaimTriggersTheFallbackWithTheClaimsReason() {
            Message claimed = pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API,
                    at(60));

            Message revoked = claimed.revoked(FallbackReason.REVOKED_ON_REQUEST, Source.API, at(61));

            assertEquals(MessageState.REVOKED, revoked.state());
            assertEquals(at(61), revoked.revokedAt());
            assertNull(revoked.claim());
            assertEquals(FallbackState.PENDING, revoked.fallback().state());
            assertEquals(FallbackReason.REVOKED_ON_REQUEST, revoked.fallback().reason());
            assertEquals(Set.of(Channel.SMS, Channel.CALLBACK), revoked.fallback().deliveries().keySet());
            assertEquals(at(61), revoked.dueAt());
            assertLast(revoked, "REVOKED", Source.API, at(61), "REVOKED_ON_REQUEST");
        }

        @Test
        void rbmsOwnExpiryDuringAClaimedRevokeGivesItsReasonButKeepsTheFallbackChoice() {
            Message claimed = pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API,
                    at(60));

            Message revoked = claimed.revoked(FallbackReason.TTL_EXPIRATION_REVOKED, Source.WEBHOOK, at(61));

            assertEquals(MessageState.REVOKED, revoked.state());
            assertEquals(FallbackReason.TTL_EXPIRATION_REVOKED, revoked.fallback().reason());
            assertEquals(FallbackState.PENDING, revoked.fallback().state());
            assertNull(revoked.claim());
        }

        @Test
        void revokedAfterARetakenClaimKeepsTheOriginalCallersReasonAndNoFallbackChoice() {
            Message claimed = pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, false, LEASE, Source.API,
                    at(60));
            Instant retake = at(60).plus(LEASE).plusSeconds(1);
            Message retaken = claimed.claimRevoke(FallbackReason.DEADLINE_PASSED, true, LEASE, Source.SWEEP, retake);

            Message revoked = retaken.revoked(null, Source.SWEEP, retake.plusSeconds(1));

            assertEquals(MessageState.REVOKED, revoked.state());
            assertEquals(FallbackState.NONE, revoked.fallback().state());
            assertEquals(FallbackReason.REVOKED_ON_REQUEST, revoked.fallback().reason());
            assertEquals(Map.of(), revoked.fallback().deliveries());
            assertNull(revoked.dueAt());
            assertTrue(revoked.isSettled());
        }

        @Test
        void revokedAfterAClaimWithoutFallbackOwesNothing() {
            Message claimed = pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, false, LEASE, Source.API,
                    at(60));

            Message revoked = claimed.revoked(FallbackReason.REVOKED_ON_REQUEST, Source.API, at(61));

            assertEquals(MessageState.REVOKED, revoked.state());
            assertEquals(FallbackState.NONE, revoked.fallback().state());
            assertNull(revoked.fallback().nextAttemptAt());
            assertNull(revoked.dueAt());
            assertTrue(revoked.isSettled());
        }

        @Test
        void revokedWithoutAClaimByRbmsTtlExpiryTriggersTheFallbackWithTheGivenReason() {
            Message revoked = pending().revoked(FallbackReason.TTL_EXPIRATION_REVOKED, Source.WEBHOOK, DEADLINE);

            assertEquals(MessageState.REVOKED, revoked.state());
            assertEquals(DEADLINE, revoked.revokedAt());
            assertEquals(FallbackState.PENDING, revoked.fallback().state());
            assertEquals(FallbackReason.TTL_EXPIRATION_REVOKED, revoked.fallback().reason());
            assertEquals(DEADLINE, revoked.fallback().nextAttemptAt());
            assertEquals(DEADLINE, revoked.dueAt());
            assertLast(revoked, "REVOKED", Source.WEBHOOK, DEADLINE, "TTL_EXPIRATION_REVOKED");
        }

        @Test
        void theFirstFallbackReasonStays() {
            Fallback triggered = Fallback.requested("sms", true)
                    .trigger(FallbackReason.DEADLINE_PASSED, true, at(1));

            Fallback again = triggered.trigger(FallbackReason.TTL_EXPIRATION_REVOKED, true, at(2));

            assertEquals(FallbackReason.DEADLINE_PASSED, again.reason());
            assertEquals(FallbackState.PENDING, again.state());
            assertEquals(at(1), again.nextAttemptAt());
        }

        @Test
        void aRevokeReportAfterUndeliverableKeepsTheUndeliverableReason() {
            Message undeliverable = sending().unreachable(Source.API, at(1));

            Message after = undeliverable.revoked(FallbackReason.TTL_EXPIRATION_REVOKED, Source.WEBHOOK, at(20));

            assertSame(undeliverable, after);
            assertEquals(FallbackReason.UNDELIVERABLE, after.fallback().reason());
        }

        @Test
        void ttlRevokeFailedIsRecordedAndTheSweepStaysOwed() {
            Message pending = pending();

            Message message = pending.ttlRevokeFailed(Source.WEBHOOK, DEADLINE);

            assertEquals(MessageState.PENDING, message.state());
            assertEquals(DEADLINE, message.dueAt());
            assertLast(message, "TTL_EXPIRATION_REVOKE_FAILED", Source.WEBHOOK, DEADLINE, null);
        }

        @Test
        void ttlRevokeFailedAfterDeliveryChangesNothing() {
            Message delivered = pending().delivered(Source.WEBHOOK, at(5));

            assertSame(delivered, delivered.ttlRevokeFailed(Source.WEBHOOK, DEADLINE));
        }
    }

    @Nested
    class ConflictingEvidence {

        @Test
        void deliveredDuringRevokingWinsAndALaterRevokedOnlyRecordsRevokedAfterDelivery() {
            Message claimed = pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API,
                    at(60));

            Message delivered = claimed.delivered(Source.WEBHOOK, at(61));

            assertEquals(MessageState.DELIVERED, delivered.state());
            assertEquals(at(61), delivered.deliveredAt());
            assertNull(delivered.claim());
            assertNull(delivered.dueAt());

            Message after = delivered.revoked(FallbackReason.REVOKED_ON_REQUEST, Source.API, at(62));

            assertEquals(MessageState.DELIVERED, after.state());
            assertNull(after.revokedAt());
            assertEquals(FallbackState.WAITING, after.fallback().state(), "no fallback for a delivered message");
            assertNull(after.dueAt());
            assertLast(after, "REVOKED_AFTER_DELIVERY", Source.API, at(62), "REVOKED_ON_REQUEST");
            assertTrue(after.isSettled());
        }

        @Test
        void deliveredAfterRevokedKeepsRevokedAndRecordsDeliveredAfterRevoke() {
            Message revoked = pending().revoked(FallbackReason.TTL_EXPIRATION_REVOKED, Source.WEBHOOK, DEADLINE);

            Message after = revoked.delivered(Source.WEBHOOK, DEADLINE.plusSeconds(3));

            assertEquals(MessageState.REVOKED, after.state());
            assertNull(after.deliveredAt());
            assertEquals(FallbackState.PENDING, after.fallback().state(), "the fallback still goes out");
            assertEquals(DEADLINE, after.dueAt());
            assertLast(after, "DELIVERED_AFTER_REVOKE", Source.WEBHOOK, DEADLINE.plusSeconds(3), "DELIVERED");
        }

        @Test
        void readAfterRevokedKeepsRevokedAndRecordsDeliveredAfterRevoke() {
            Message revoked = pending().revoked(FallbackReason.TTL_EXPIRATION_REVOKED, Source.WEBHOOK, DEADLINE);

            Message after = revoked.read(Source.WEBHOOK, DEADLINE.plusSeconds(3));

            assertEquals(MessageState.REVOKED, after.state());
            assertNull(after.readAt());
            assertLast(after, "DELIVERED_AFTER_REVOKE", Source.WEBHOOK, DEADLINE.plusSeconds(3), "READ");
        }

        @Test
        void deliveredThenReadEndsRead() {
            Message message = pending().delivered(Source.WEBHOOK, at(5)).read(Source.WEBHOOK, at(9));

            assertEquals(MessageState.READ, message.state());
            assertEquals(at(5), message.deliveredAt());
            assertEquals(at(9), message.readAt());
            assertNull(message.dueAt());
            assertEquals(List.of("TRACKED", "DELIVERED", "READ"), events(message));
        }

        @Test
        void readThenDeliveredEndsRead() {
            Message read = pending().read(Source.WEBHOOK, at(9));

            Message message = read.delivered(Source.WEBHOOK, at(10));

            assertEquals(MessageState.READ, message.state());
            assertEquals(at(9), message.deliveredAt(), "read implies delivered");
            assertEquals(at(9), message.readAt());
            assertNull(message.dueAt());
            assertEquals(List.of("TRACKED", "READ"), events(message));
        }

        @Test
        void deliveredBeforeTheSendsAnswerWinsAndTheLateAnswerChangesNothing() {
            Message delivered = sending().delivered(Source.WEBHOOK, at(1));

            assertEquals(MessageState.DELIVERED, delivered.state());
            assertNull(delivered.dueAt(), "no resend owed");
            assertSame(delivered, delivered.accepted(Source.API, at(2)));
        }

        @Test
        void revokedBeforeTheSendsAnswerWinsAndTheLateAnswerChangesNothing() {
            Message revoked = sending().revoked(FallbackReason.TTL_EXPIRATION_REVOKED, Source.WEBHOOK, DEADLINE);

            assertEquals(MessageState.REVOKED, revoked.state());
            assertSame(revoked, revoked.accepted(Source.SWEEP, DEADLINE.plusSeconds(1)));
        }
    }

    @Nested
    class Duplicates {

        @Test
        void repeatedEventsReturnTheSameInstanceSoThereIsNothingToWrite() {
            Message pending = sending().accepted(Source.API, at(1));
            Message delivered = pending().delivered(Source.WEBHOOK, at(5));
            Message read = delivered.read(Source.WEBHOOK, at(6));
            Message revoked = pending().revoked(FallbackReason.TTL_EXPIRATION_REVOKED, Source.WEBHOOK, at(7));
            Message undeliverable = sending().unreachable(Source.API, at(1));
            Message rejected = sending().rejected("HTTP 403", Source.API, at(1));

            assertAll(
                    () -> assertSame(pending, pending.accepted(Source.API, at(2))),
                    () -> assertSame(delivered, delivered.delivered(Source.WEBHOOK, at(8))),
                    () -> assertSame(read, read.read(Source.WEBHOOK, at(8))),
                    () -> assertSame(read, read.delivered(Source.WEBHOOK, at(8))),
                    () -> assertSame(revoked, revoked.revoked(FallbackReason.TTL_EXPIRATION_REVOKED, Source.WEBHOOK,
                            at(8))),
                    () -> assertSame(undeliverable, undeliverable.unreachable(Source.API, at(2))),
                    () -> assertSame(rejected, rejected.rejected("HTTP 403", Source.API, at(2))));
        }

        @Test
        void aChangeReturnsANewInstanceAndLeavesTheOriginalAlone() {
            Message pending = pending();

            Message delivered = pending.delivered(Source.WEBHOOK, at(5));

            assertNotSame(pending, delivered);
            assertEquals(MessageState.PENDING, pending.state());
            assertEquals(List.of("TRACKED"), events(pending));
        }
    }

    /** API.md: a revoke's 200 is not proof; the fallback waits REVOKE_CONFIRM_WINDOW for a contradicting delivery. */
    @Nested
    class ConfirmWindow {

        static final Duration WINDOW = Duration.ofSeconds(5);

        /** RBM answered 200 to a claimed revoke at T0+61s. */
        Message revokeAccepted() {
            return pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API, at(60))
                    .revokeAccepted(null, WINDOW, Source.API, at(61));
        }

        @Test
        void aRevokes200LeavesItRevokedWithTheFallbackWaitingDueAtTheWindowsEnd() {
            Message revoked = revokeAccepted();

            assertEquals(MessageState.REVOKED, revoked.state());
            assertEquals(at(61), revoked.revokedAt());
            assertNull(revoked.claim());
            assertEquals(FallbackState.WAITING, revoked.fallback().state());
            assertEquals(FallbackReason.REVOKED_ON_REQUEST, revoked.fallback().reason());
            assertEquals(at(66), revoked.fallback().nextAttemptAt());
            assertEquals(at(66), revoked.dueAt());
            assertEquals(Map.of(), revoked.fallback().deliveries());
            assertTrue(revoked.revokeUnconfirmed());
            assertFalse(revoked.isSettled());
            assertLast(revoked, "REVOKED", Source.API, at(61), "REVOKED_ON_REQUEST");
        }

        @Test
        void aZeroWindowTrustsThe200AndTriggersTheFallbackAtOnce() {
            Message revoked = pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API, at(60))
                    .revokeAccepted(null, Duration.ZERO, Source.API, at(61));

            assertEquals(FallbackState.PENDING, revoked.fallback().state());
            assertEquals(at(61), revoked.dueAt());
            assertFalse(revoked.revokeUnconfirmed());
        }

        @Test
        void aRevokeWithoutFallbackHasNoWindow() {
            Message revoked = pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, false, LEASE, Source.API, at(60))
                    .revokeAccepted(null, WINDOW, Source.API, at(61));

            assertEquals(FallbackState.NONE, revoked.fallback().state());
            assertNull(revoked.dueAt());
            assertTrue(revoked.isSettled());
        }

        @Test
        void aDeliveryInsideTheWindowWins_withNoFallback_andRevokeNotHonouredInHistory() {
            Message delivered = revokeAccepted().delivered(Source.WEBHOOK, at(63));

            assertEquals(MessageState.DELIVERED, delivered.state());
            assertEquals(at(63), delivered.deliveredAt());
            assertNull(delivered.dueAt());
            assertNull(delivered.fallback().nextAttemptAt());
            assertEquals(FallbackState.WAITING, delivered.fallback().state(), "never triggered");
            assertEquals(List.of("TRACKED", "REVOKING", "REVOKED", "DELIVERED", "REVOKE_NOT_HONOURED"),
                    events(delivered));
            assertTrue(delivered.isSettled());
            assertSame(delivered, delivered.revokeConfirmed(Source.SWEEP, at(70)), "a late confirmation is nothing");
            assertEquals(MessageState.READ, delivered.read(Source.WEBHOOK, at(64)).state());
        }

        @Test
        void aReadInsideTheWindowWinsToo() {
            Message read = revokeAccepted().read(Source.WEBHOOK, at(63));

            assertEquals(MessageState.READ, read.state());
            assertEquals(at(63), read.deliveredAt());
            assertEquals(at(63), read.readAt());
            assertNull(read.dueAt());
            assertLast(read, "REVOKE_NOT_HONOURED", Source.WEBHOOK, at(63), "RBM answered 200 to the revoke at " + at(61));
        }

        @Test
        void theWindowsEndHandsTheFallbackOver_andALaterDeliveryIsOnlyRecorded() {
            Message confirmed = revokeAccepted().revokeConfirmed(Source.SWEEP, at(66));

            assertEquals(MessageState.REVOKED, confirmed.state());
            assertEquals(FallbackState.PENDING, confirmed.fallback().state());
            assertEquals(FallbackReason.REVOKED_ON_REQUEST, confirmed.fallback().reason());
            assertEquals(Set.of(Channel.SMS, Channel.CALLBACK), confirmed.fallback().deliveries().keySet());
            assertEquals(at(66), confirmed.dueAt());
            assertFalse(confirmed.revokeUnconfirmed());

            Message late = confirmed.delivered(Source.WEBHOOK, at(67));
            assertEquals(MessageState.REVOKED, late.state());
            assertLast(late, "DELIVERED_AFTER_REVOKE", Source.WEBHOOK, at(67), "DELIVERED");
        }

        @Test
        void rbmsOwnExpiryConfirmsTheRevokeAtOnce() {
            Message confirmed = revokeAccepted().expiredByRbm(Source.WEBHOOK, at(62));

            assertEquals(MessageState.REVOKED, confirmed.state());
            assertEquals(FallbackState.PENDING, confirmed.fallback().state());
            assertEquals(FallbackReason.REVOKED_ON_REQUEST, confirmed.fallback().reason(), "the first reason stays");
            assertEquals(at(62), confirmed.dueAt());
        }

        @Test
        void rbmsOwnExpiryOfAPendingMessageHasNoWindow() {
            Message revoked = pending().expiredByRbm(Source.WEBHOOK, DEADLINE);

            assertEquals(FallbackState.PENDING, revoked.fallback().state());
            assertEquals(FallbackReason.TTL_EXPIRATION_REVOKED, revoked.fallback().reason());
        }
    }

    @Nested
    class FallbackProgress {

        /** REVOKED at T0+60s, fallback PENDING to SMS and CALLBACK. */
        Message revoked() {
            return pending().revoked(FallbackReason.TTL_EXPIRATION_REVOKED, Source.WEBHOOK, at(60));
        }

        ChannelDelivery sent(Instant at) {
            return new ChannelDelivery(ChannelState.SENT, 1, at, null);
        }

        @Test
        void allChannelsSentMovesToFallenBackWithSentAt() {
            Message smsSent = revoked().fallbackProgress(Channel.SMS, sent(at(61)), null, Source.SWEEP, at(61));

            assertEquals(MessageState.REVOKED, smsSent.state(), "the callback is still owed");
            assertEquals(FallbackState.PENDING, smsSent.fallback().state());

            Message done = smsSent.fallbackProgress(Channel.CALLBACK, sent(at(62)), null, Source.SWEEP, at(62));

            assertEquals(MessageState.FALLEN_BACK, done.state());
            assertEquals(FallbackState.SENT, done.fallback().state());
            assertEquals(at(62), done.fallback().sentAt());
            assertEquals(FallbackReason.TTL_EXPIRATION_REVOKED, done.fallback().reason());
            assertNull(done.dueAt());
            assertLast(done, "FALLEN_BACK", Source.SWEEP, at(62), null);
            assertTrue(done.isSettled());
        }

        @Test
        void anUnconfirmedChannelCountsAsSent() {
            ChannelDelivery unconfirmed = new ChannelDelivery(ChannelState.UNCONFIRMED, 1, at(61), "no answer");
            Message smsUnconfirmed = revoked().fallbackProgress(Channel.SMS, unconfirmed, null, Source.SWEEP, at(61));
            Message done = smsUnconfirmed.fallbackProgress(Channel.CALLBACK, sent(at(62)), null, Source.SWEEP, at(62));

            assertEquals(MessageState.FALLEN_BACK, done.state());
            assertEquals(FallbackState.SENT, done.fallback().state());
            assertNull(done.dueAt());
        }

        @Test
        void anUndeliverableMessageFallsBackToo() {
            Message undeliverable = sending().unreachable(Source.API, at(1));

            Message done = undeliverable.fallbackProgress(Channel.SMS, sent(at(2)), null, Source.API, at(2));

            assertEquals(MessageState.FALLEN_BACK, done.state());
            assertEquals(at(2), done.fallback().sentAt());
            assertEquals(FallbackReason.UNDELIVERABLE, done.fallback().reason());
        }

        @Test
        void aFailedChannelWithNonePendingMovesToFallbackFailed() {
            Message smsSent = revoked().fallbackProgress(Channel.SMS, sent(at(61)), null, Source.SWEEP, at(61));
            ChannelDelivery refused = new ChannelDelivery(ChannelState.FAILED, 1, null, "HTTP 400");

            Message failed = smsSent.fallbackProgress(Channel.CALLBACK, refused, null, Source.SWEEP, at(62));

            assertEquals(MessageState.FALLBACK_FAILED, failed.state());
            assertEquals(FallbackState.FAILED, failed.fallback().state());
            assertNull(failed.dueAt());
            assertLast(failed, "FALLBACK_FAILED", Source.SWEEP, at(62), "CALLBACK: HTTP 400");
            assertTrue(failed.isSettled());
        }

        @Test
        void aFailedChannelWaitsForTheChannelsStillPending() {
            ChannelDelivery refused = new ChannelDelivery(ChannelState.FAILED, 1, null, "SNS: opted out");

            Message smsFailed = revoked().fallbackProgress(Channel.SMS, refused, at(90), Source.SWEEP, at(61));

            assertEquals(MessageState.REVOKED, smsFailed.state());
            assertEquals(FallbackState.PENDING, smsFailed.fallback().state());
            assertEquals(at(90), smsFailed.dueAt());

            Message done = smsFailed.fallbackProgress(Channel.CALLBACK, sent(at(62)), null, Source.SWEEP, at(62));

            assertEquals(MessageState.FALLBACK_FAILED, done.state(), "one channel failed for good");
            assertEquals(FallbackState.FAILED, done.fallback().state());
            assertNull(done.dueAt());
        }

        @Test
        void theFallbackFailedHistoryEntryNamesTheFailedChannelAndItsError() {
            ChannelDelivery refused = new ChannelDelivery(ChannelState.FAILED, 1, null, "SNS: opted out");
            Message smsFailed = revoked().fallbackProgress(Channel.SMS, refused, at(90), Source.SWEEP, at(61));

            Message done = smsFailed.fallbackProgress(Channel.CALLBACK, sent(at(62)), null, Source.SWEEP, at(62));

            assertLast(done, "FALLBACK_FAILED", Source.SWEEP, at(62), "SMS: SNS: opted out");
        }

        @Test
        void aRetryKeepsTheFallbackPendingDueAtTheNextAttempt() {
            ChannelDelivery retry = new ChannelDelivery(ChannelState.PENDING, 1, null, "HTTP 503");

            Message message = revoked().fallbackProgress(Channel.CALLBACK, retry, at(90), Source.SWEEP, at(61));

            assertEquals(MessageState.REVOKED, message.state());
            assertEquals(FallbackState.PENDING, message.fallback().state());
            assertEquals(at(90), message.fallback().nextAttemptAt());
            assertEquals(at(90), message.dueAt());
            assertEquals(retry, message.fallback().deliveries().get(Channel.CALLBACK));
            assertLast(message, "FALLBACK_RETRY", Source.SWEEP, at(61), "CALLBACK: HTTP 503");
            assertFalse(message.isSettled());
        }

        @Test
        void progressIsRefusedBeforeTheFallbackIsTriggered() {
            assertThrows(IllegalTransitionException.class, () -> pending().fallbackProgress(Channel.SMS,
                    sent(at(1)), null, Source.SWEEP, at(1)));
        }

        @Test
        void progressIsRefusedForAChannelThatWasNotRequested() {
            Message undeliverable = sending().unreachable(Source.API, at(1)); // SMS only

            assertThrows(IllegalTransitionException.class, () -> undeliverable.fallbackProgress(Channel.CALLBACK,
                    sent(at(2)), null, Source.SWEEP, at(2)));
        }
    }

    /** Issue 12 items 3, 4 and 6: refused revokes, SENDING due times, and what a revoke's 404 proves. */
    @Nested
    class RefusalsAndAmbiguity {

        static final int MAX = 5;

        Message refusedAutomatically(Message message, Instant now) {
            return message.claimRevoke(FallbackReason.DEADLINE_PASSED, true, LEASE, Source.SWEEP, now)
                    .revokeRefused("RBM 403: no", MAX, Source.SWEEP, now);
        }

        @Test
        void aSendingRecordWhoseDeadlineComesFirstIsDueAtItsDeadline() {
            Message message = Messages.sending(T0, T0.plusSeconds(30));

            assertEquals(T0.plusSeconds(30), message.dueAt());
            assertEquals(T0.plusSeconds(30), message.claimResend(TIMING.resendAfter(), Source.SWEEP, at(30)).dueAt());
        }

        @Test
        void automaticRefusalsBackOff1248MinutesThenGiveUpAfterTheFifth() {
            Message message = pending();
            Instant now = DEADLINE;
            for (int refusal = 1; refusal < MAX; refusal++) {
                message = refusedAutomatically(message, now);
                assertEquals(MessageState.PENDING, message.state());
                assertEquals(refusal, message.revokeRefusals());
                assertEquals(now.plus(Duration.ofMinutes(1L << (refusal - 1))), message.dueAt());
                assertLast(message, "REVOKE_REFUSED", Source.SWEEP, now, "RBM 403: no");
                now = message.dueAt();
            }

            Message gaveUp = refusedAutomatically(message, now);

            assertNull(gaveUp.dueAt());
            assertTrue(gaveUp.revokesGaveUp());
            assertEquals(List.of("REVOKE_REFUSED", "REVOKE_GAVE_UP"),
                    events(gaveUp).subList(gaveUp.history().size() - 2, gaveUp.history().size()));
            assertEquals(FallbackState.WAITING, gaveUp.fallback().state(), "no fallback");
            assertFalse(gaveUp.isSettled());
        }

        @Test
        void aRefusedRevokeOnRequestReArmsTheAutomaticOnes() {
            Message gaveUp = pending().toBuilder().revokeRefusals(MAX).dueAt(null).build();
            Instant now = DEADLINE.plusSeconds(600);

            Message claimed = gaveUp.claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API, now);
            Message refused = claimed.revokeRefused("RBM 400: bad", MAX, Source.API, now);

            assertEquals(0, refused.revokeRefusals());
            assertEquals(now.plus(Duration.ofMinutes(1)), refused.dueAt());
            assertLast(refused, "REVOKE_REFUSED", Source.API, now, "RBM 400: bad");
        }

        @Test
        void aRefusedRevokeOnRequestBeforeTheDeadlineLeavesTheMessageDueAtItsDeadline() {
            Message refused = pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API, at(60))
                    .revokeRefused("RBM 403: no", MAX, Source.API, at(60));

            assertEquals(DEADLINE, refused.dueAt());
        }

        @Test
        void a404AfterTtlExpirationRevokeFailedIsNotAmbiguous() {
            Message expiring = Message.tracked(Messages.rbmExpiringSpec(DEADLINE, Fallback.none()), TIMING, T0);
            assertTrue(expiring.revokeGoneIsAmbiguous(DEADLINE.plusSeconds(1)), "RBM's expiry may have removed it");

            Message failed = expiring.ttlRevokeFailed(Source.WEBHOOK, DEADLINE.plusSeconds(1));

            assertFalse(failed.revokeGoneIsAmbiguous(DEADLINE.plusSeconds(130)));
        }

        @Test
        void aReleaseAfterAnsweredAttemptsLeavesA404Unambiguous_afterAnUnansweredOneNot() {
            Message claimed = pending().claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API, at(60));

            Message answered = claimed.releaseRevoke("RBM unavailable: 503", false, Source.API, at(61));
            Message unanswered = claimed.releaseRevoke("RBM unavailable: timeout", true, Source.API, at(61));

            assertFalse(answered.revokeGoneIsAmbiguous(at(70)));
            assertFalse(answered.claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API, at(70))
                    .claim().uncertain());
            assertTrue(unanswered.revokeGoneIsAmbiguous(at(70)));
            assertTrue(unanswered.claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API, at(70))
                    .claim().uncertain());
        }

        @Test
        void theAgentsOwnRbmExpiryMakesALate404Ambiguous_andIsWaitedForBeforeTheSweepRevokes() {
            Instant agentsExpiry = DEADLINE.minusSeconds(60);
            NewMessage spec = new NewMessage("6f1c9c1e-0000-4000-8000-000000000001", "test-agent", "+16502530001",
                    DEADLINE, agentsExpiry, "fingerprint", null, Fallback.none());

            Message tracked = Message.tracked(spec, TIMING, T0);

            assertEquals(agentsExpiry.plus(TIMING.ttlGrace()), tracked.dueAt());
            assertFalse(tracked.revokeGoneIsAmbiguous(agentsExpiry.minusSeconds(1)));
            assertTrue(tracked.revokeGoneIsAmbiguous(agentsExpiry));
        }
    }

    @Nested
    class Bookkeeping {

        @Test
        void historyKeepsOnlyTheNewest20AndCountsTheDropped_whileFactsTheRulesNeedStay() {
            Message message = pending(); // 1 entry: TRACKED at T0
            for (int i = 1; i <= 60; i++) {
                message = message.ttlRevokeFailed(Source.WEBHOOK, at(i));
            }

            assertEquals(Message.HISTORY_LIMIT, message.history().size());
            assertEquals(20, message.history().size());
            assertEquals(41, message.historyDropped());
            assertEquals(at(41), message.history().get(0).at(), "the oldest kept");
            assertEquals(at(60), last(message).at(), "the newest kept");
            assertFalse(events(message).contains("TRACKED"));
        }

        @Test
        void rbmsFailedExpiry_isRemembered_afterItsHistoryEntryWasDropped() {
            Message message = pending().ttlRevokeFailed(Source.WEBHOOK, at(1));
            for (int i = 2; i <= 40; i++) {
                message = message.claimRevoke(FallbackReason.DEADLINE_PASSED, true, Duration.ofMinutes(2), Source.SWEEP,
                        at(i)).releaseRevoke("RBM unavailable", false, Source.SWEEP, at(i));
            }

            assertFalse(events(message).contains("TTL_EXPIRATION_REVOKE_FAILED"), "dropped from the history");
            assertTrue(message.rbmExpiryFailed(), "a late 404 is still read as delivered");
        }

        @Test
        void seenEventsKeepTheNewest20() {
            Message message = pending();
            for (int i = 0; i < 25; i++) {
                message = message.withSeenEvent("event-" + i);
            }

            assertEquals(20, message.seenEvents().size());
            assertFalse(message.hasSeen("event-4"), "dropped");
            assertTrue(message.hasSeen("event-5"));
            assertTrue(message.hasSeen("event-24"));
            assertFalse(message.hasSeen("event-25"));
            assertFalse(message.hasSeen(null));
        }

        @Test
        void aSeenEventAgainChangesNothing() {
            Message seen = pending().withSeenEvent("event-1");

            assertTrue(seen.hasSeen("event-1"));
            assertSame(seen, seen.withSeenEvent("event-1"));
            assertSame(seen, seen.withSeenEvent(null));
        }

        @Test
        void isSettledOnlyWhenNothingIsOwedAndTheStateIsNotSendingPendingOrRevoking() {
            Message pending = pending();
            Message revoking = pending.claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, LEASE, Source.API, at(1));
            Message revokedWithFallbackDue = pending.revoked(FallbackReason.DEADLINE_PASSED, Source.SWEEP, at(1));

            assertAll(
                    () -> assertFalse(sending().isSettled(), "SENDING"),
                    () -> assertFalse(pending.isSettled(), "PENDING"),
                    () -> assertFalse(revoking.isSettled(), "REVOKING"),
                    () -> assertFalse(revokedWithFallbackDue.isSettled(), "REVOKED, fallback owed"),
                    // The state alone keeps these unsettled, even with nothing due.
                    () -> assertFalse(sending().toBuilder().dueAt(null).build().isSettled(), "SENDING, no due"),
                    () -> assertFalse(pending.toBuilder().dueAt(null).build().isSettled(), "PENDING, no due"),
                    () -> assertFalse(revoking.toBuilder().dueAt(null).build().isSettled(), "REVOKING, no due"),
                    () -> assertTrue(pending.delivered(Source.WEBHOOK, at(1)).isSettled(), "DELIVERED"),
                    () -> assertTrue(pending.read(Source.WEBHOOK, at(1)).isSettled(), "READ"));
        }
    }
}
