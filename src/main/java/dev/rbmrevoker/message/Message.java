package dev.rbmrevoker.message;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A tracked message. Immutable: every change returns a new message, or this same instance when the
 * event changes nothing, so a caller knows when there is nothing to write.
 *
 * @param revokeAt when a PENDING message is owed a revoke: its deadline, plus the TTL grace when RBM
 *     expires it by itself
 * @param claim the revoke in progress while REVOKING, else null
 * @param dueAt when the sweep owes this message work, or null when nothing is owed
 * @param historyDropped how many of the oldest history entries were dropped to keep the newest
 * @param seenEvents ids of the newest webhook events applied, to ignore replays
 * @param version incremented by every stored change; a change is stored only over the version it read
 */
public record Message(
        String messageId,
        String agentId,
        String phoneNumber,
        MessageState state,
        Instant deadline,
        boolean rbmExpires,
        String fingerprint,
        String rbmPayload,
        Instant createdAt,
        Instant updatedAt,
        Instant deliveredAt,
        Instant readAt,
        Instant revokedAt,
        Instant revokeAt,
        RevokeClaim claim,
        Instant dueAt,
        Fallback fallback,
        List<HistoryEntry> history,
        int historyDropped,
        List<String> seenEvents,
        long version) {

    public static final int HISTORY_LIMIT = 50;
    /** Google advises an expiry at least this far ahead; a nearer deadline is left to the sweep. */
    public static final Duration RBM_EXPIRY_MIN_AHEAD = Duration.ofSeconds(10);
    public static final int SEEN_EVENTS_LIMIT = 20;

    public Message {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(fallback, "fallback");
        history = List.copyOf(history);
        seenEvents = List.copyOf(seenEvents);
    }

    /** A message about to be sent through RBM: recorded before the send so nothing goes untracked. */
    public static Message sending(NewMessage spec, Timing timing, Instant now) {
        return create(spec, MessageState.SENDING, now.plus(timing.resendAfter()), timing, now,
                new HistoryEntry(now, MessageState.SENDING.name(), Source.API, null));
    }

    /** A message the agent sent itself and asks us to watch. */
    public static Message tracked(NewMessage spec, Timing timing, Instant now) {
        Instant revokeAt = revokeAt(spec, timing);
        return create(spec, MessageState.PENDING, revokeAt, timing, now,
                new HistoryEntry(now, Fact.TRACKED.name(), Source.API, null));
    }

    private static Message create(NewMessage spec, MessageState state, Instant dueAt, Timing timing,
            Instant now, HistoryEntry first) {
        return new Message(spec.messageId(), spec.agentId(), spec.phoneNumber(), state, spec.deadline(),
                spec.rbmExpires(), spec.fingerprint(), spec.rbmPayload(), now, now, null, null, null,
                revokeAt(spec, timing), null, dueAt, spec.fallback(), List.of(first), 0, List.of(), 0);
    }

    private static Instant revokeAt(NewMessage spec, Timing timing) {
        return spec.rbmExpires() ? spec.deadline().plus(timing.ttlGrace()) : spec.deadline();
    }

    /** Whether RBM should be told to expire a message with this deadline by itself. */
    public static boolean rbmShouldExpire(Instant deadline, Instant now) {
        return !deadline.isBefore(now.plus(RBM_EXPIRY_MIN_AHEAD));
    }

    /**
     * Whether RBM's 404 on a revoke leaves open that the message was not delivered: RBM's own expiry may
     * have struck, an earlier revoke may have removed it, or RBM may never have had it.
     */
    public boolean revokeGoneIsAmbiguous(Instant now) {
        return (rbmExpires && !now.isBefore(deadline)) || (claim != null && claim.uncertain());
    }

    /** RBM accepted the send. */
    public Message accepted(Source source, Instant now) {
        if (outcome(Event.ACCEPTED) instanceof Outcome.Move move) {
            return builder(move.target(), now).dueAt(revokeAt)
                    .log(new HistoryEntry(now, Fact.SENT.name(), source, null)).build();
        }
        return this;
    }

    /** RBM cannot reach the user over RCS: fall back at once. */
    public Message unreachable(Source source, Instant now) {
        if (outcome(Event.UNREACHABLE) instanceof Outcome.Move move) {
            Fallback next = fallback.trigger(FallbackReason.UNDELIVERABLE, true, now);
            return builder(move.target(), now).fallback(next).dueAt(next.nextAttemptAt())
                    .log(entry(move.target(), source, now, null)).build();
        }
        return this;
    }

    /** RBM refused the send for good. */
    public Message rejected(String why, Source source, Instant now) {
        if (outcome(Event.REJECTED) instanceof Outcome.Move move) {
            return builder(move.target(), now).dueAt(null).log(entry(move.target(), source, now, why)).build();
        }
        return this;
    }

    /**
     * Takes the revoke lease: from PENDING, or from REVOKING whose lease ran out.
     *
     * @throws IllegalTransitionException when the state allows no revoke or someone holds a live lease
     */
    public Message claimRevoke(FallbackReason reason, boolean withFallback, Duration lease, Source source,
            Instant now) {
        Outcome outcome = outcome(Event.CLAIM_REVOKE);
        if (!(outcome instanceof Outcome.Move move) || (claim != null && claim.isLive(now))) {
            throw new IllegalTransitionException(state, Event.CLAIM_REVOKE);
        }
        boolean retake = state == MessageState.REVOKING;
        RevokeClaim next = retake
                ? new RevokeClaim(now.plus(lease), claim.reason(), claim.fallback(), source, true)
                : new RevokeClaim(now.plus(lease), reason, withFallback, source, state == MessageState.SENDING);
        String event = retake ? Fact.REVOKE_RETRY.name() : move.target().name();
        return builder(move.target(), now).claim(next).dueAt(next.leaseUntil())
                .log(new HistoryEntry(now, event, source, null)).build();
    }

    /**
     * Claims the resend of a send left in SENDING, so that two sweeps never both resend it: the
     * message stays SENDING and is due again after {@code lease} if this resend dies too.
     */
    public Message claimResend(Duration lease, Source source, Instant now) {
        if (state != MessageState.SENDING || (dueAt != null && dueAt.isAfter(now))) {
            throw new IllegalTransitionException(state, Event.ACCEPTED);
        }
        return toBuilder().updatedAt(now).dueAt(now.plus(lease)).build();
    }

    /** The revoke could not reach RBM: the message is PENDING again and owed a revoke at revokeAt. */
    public Message releaseRevoke(String why, Source source, Instant now) {
        if (outcome(Event.RELEASE_REVOKE) instanceof Outcome.Move move) {
            return builder(move.target(), now).claim(null).dueAt(revokeAt)
                    .log(new HistoryEntry(now, Fact.REVOKE_RETRY.name(), source, why)).build();
        }
        return this;
    }

    /**
     * RBM removed the message. A claimed revoke decides whether the fallback follows.
     *
     * @param reason why, or null to take the claim's reason when this completes a claimed revoke
     */
    public Message revoked(FallbackReason reason, Source source, Instant now) {
        Outcome outcome = outcome(Event.REVOKED);
        if (outcome instanceof Outcome.Move move) {
            // Whatever moved it first gives the reason: RBM's own expiry may beat a claimed revoke.
            FallbackReason why = reason != null ? reason : Objects.requireNonNull(claim, "no reason and no claim").reason();
            boolean wanted = claim == null || claim.fallback();
            Fallback next = fallback.trigger(why, wanted, now);
            return builder(move.target(), now).claim(null).revokedAt(now).fallback(next)
                    .dueAt(next.nextAttemptAt()).log(entry(move.target(), source, now, why.name())).build();
        }
        if (outcome instanceof Outcome.Note note) {
            return noted(note, source, now, reason == null ? null : reason.name());
        }
        return this;
    }

    /**
     * RBM answered 200 to our revoke. That is not proof (a DELIVERED event may follow), so the fallback
     * waits {@code confirmWindow} for a contradicting delivery before it is handed over; a zero window
     * trusts the 200 and hands it over at once, as does a revoke that asked for no fallback.
     *
     * @param reason why, or null to take the claim's reason when this completes a claimed revoke
     */
    public Message revokeAccepted(FallbackReason reason, Duration confirmWindow, Source source, Instant now) {
        boolean wanted = claim == null || claim.fallback();
        if (!(outcome(Event.REVOKED) instanceof Outcome.Move move) || confirmWindow.isZero() || !wanted
                || fallback.state() != FallbackState.WAITING) {
            return revoked(reason, source, now);
        }
        FallbackReason why = reason != null ? reason : Objects.requireNonNull(claim, "no reason and no claim").reason();
        Fallback next = fallback.awaitConfirmation(why, now.plus(confirmWindow));
        return builder(move.target(), now).claim(null).revokedAt(now).fallback(next).dueAt(next.nextAttemptAt())
                .log(entry(move.target(), source, now, why.name())).build();
    }

    /** Whether this is REVOKED by a 200 whose fallback waits out the confirm window. */
    public boolean revokeUnconfirmed() {
        return state == MessageState.REVOKED && fallback.awaitsConfirmation();
    }

    /** The confirm window passed with no contradicting delivery: the fallback is handed over now. */
    public Message revokeConfirmed(Source source, Instant now) {
        if (outcome(Event.REVOKE_CONFIRMED) instanceof Outcome.Move move) {
            Fallback next = fallback.trigger(fallback.reason(), true, now);
            return builder(move.target(), now).fallback(next).dueAt(next.nextAttemptAt()).build();
        }
        return this;
    }

    /**
     * RBM's own expiry removed the message ({@code TTL_EXPIRATION_REVOKED}): proof that it was not
     * delivered, so it also confirms a revoke of ours that waits out its window.
     */
    public Message expiredByRbm(Source source, Instant now) {
        return revokeUnconfirmed() ? revokeConfirmed(source, now)
                : revoked(FallbackReason.TTL_EXPIRATION_REVOKED, source, now);
    }

    /** RBM reported the message delivered. */
    public Message delivered(Source source, Instant now) {
        Outcome outcome = outcome(Event.DELIVERED);
        if (outcome instanceof Outcome.Overturn overturn) {
            return overturned(overturn, source, now).deliveredAt(now).build();
        }
        if (outcome instanceof Outcome.Move move) {
            return builder(move.target(), now).claim(null).dueAt(null).deliveredAt(now)
                    .log(entry(move.target(), source, now, null)).build();
        }
        if (outcome instanceof Outcome.Note note) {
            return noted(note, source, now, MessageState.DELIVERED.name());
        }
        return this;
    }

    /** RBM reported the message read; a read message was delivered even if DELIVERED never came. */
    public Message read(Source source, Instant now) {
        Outcome outcome = outcome(Event.READ);
        if (outcome instanceof Outcome.Overturn overturn) {
            return overturned(overturn, source, now).deliveredAt(deliveredAt != null ? deliveredAt : now).readAt(now)
                    .build();
        }
        if (outcome instanceof Outcome.Move move) {
            return builder(move.target(), now).claim(null).dueAt(null)
                    .deliveredAt(deliveredAt != null ? deliveredAt : now).readAt(now)
                    .log(entry(move.target(), source, now, null)).build();
        }
        if (outcome instanceof Outcome.Note note) {
            return noted(note, source, now, MessageState.READ.name());
        }
        return this;
    }

    /** RBM could not expire the message by itself: it may still be delivered. The sweep stays owed. */
    public Message ttlRevokeFailed(Source source, Instant now) {
        if (state != MessageState.PENDING && state != MessageState.REVOKING && state != MessageState.SENDING) {
            return this;
        }
        return builder(state, now)
                .log(new HistoryEntry(now, Fact.TTL_EXPIRATION_REVOKE_FAILED.name(), source, null)).build();
    }

    /**
     * Records one channel's fallback progress. When every channel has accepted, the message is
     * FALLEN_BACK; when one failed for good and none is left to try, FALLBACK_FAILED.
     *
     * @param nextAttempt when the fallback is due again if it is still pending
     */
    public Message fallbackProgress(Channel channel, ChannelDelivery delivery, Instant nextAttempt,
            Source source, Instant now) {
        if (fallback.state() != FallbackState.PENDING || !fallback.deliveries().containsKey(channel)) {
            throw new IllegalTransitionException(state, Event.FALLEN_BACK);
        }
        Fallback next = fallback.withDelivery(channel, delivery, nextAttempt);
        Builder builder = builder(state, now).fallback(next).dueAt(next.nextAttemptAt());
        switch (next.state()) {
            case SENT -> builder.state(require(Event.FALLEN_BACK))
                    .log(entry(MessageState.FALLEN_BACK, source, now, null));
            case FAILED -> builder.state(require(Event.FALLBACK_FAILED))
                    .log(entry(MessageState.FALLBACK_FAILED, source, now, failures(next)));
            default -> {
                if (delivery.state() == ChannelState.PENDING && delivery.attempts() > 0) {
                    builder.log(new HistoryEntry(now, Fact.FALLBACK_RETRY.name(), source,
                            channel + ": " + delivery.lastError()));
                }
            }
        }
        return builder.build();
    }

    private static String failures(Fallback fallback) {
        return fallback.deliveries().entrySet().stream()
                .filter(e -> e.getValue().state() == ChannelState.FAILED)
                .map(e -> e.getKey() + ": " + e.getValue().lastError())
                .collect(java.util.stream.Collectors.joining("; "));
    }

    /** Remembers a webhook event id so that its replay changes nothing. */
    public Message withSeenEvent(String eventId) {
        if (eventId == null || seenEvents.contains(eventId)) {
            return this;
        }
        List<String> seen = new ArrayList<>(seenEvents);
        seen.add(eventId);
        while (seen.size() > SEEN_EVENTS_LIMIT) {
            seen.remove(0);
        }
        return toBuilder().seenEvents(seen).build();
    }

    public boolean hasSeen(String eventId) {
        return eventId != null && seenEvents.contains(eventId);
    }

    /** Nothing is owed and nothing more is expected: the message may expire after the retention. */
    public boolean isSettled() {
        return dueAt == null && state != MessageState.SENDING && state != MessageState.PENDING
                && state != MessageState.REVOKING;
    }

    /** A delivery inside the confirm window: the revoke was not honoured, and no fallback goes. */
    private Builder overturned(Outcome.Overturn overturn, Source source, Instant now) {
        return builder(overturn.target(), now).claim(null).dueAt(null).fallback(fallback.withdrawn())
                .log(entry(overturn.target(), source, now, null))
                .log(new HistoryEntry(now, overturn.fact().name(), source, "RBM answered 200 to the revoke at "
                        + revokedAt));
    }

    private Outcome outcome(Event event) {
        Outcome outcome = revokeUnconfirmed() ? Transitions.ofUnconfirmedRevoke(event) : Transitions.of(state, event);
        if (outcome instanceof Outcome.Refuse) {
            throw new IllegalTransitionException(state, event);
        }
        return outcome;
    }

    private MessageState require(Event event) {
        if (outcome(event) instanceof Outcome.Move move) {
            return move.target();
        }
        throw new IllegalTransitionException(state, event);
    }

    private Message noted(Outcome.Note note, Source source, Instant now, String detail) {
        return builder(state, now).log(new HistoryEntry(now, note.fact().name(), source, detail)).build();
    }

    private static HistoryEntry entry(MessageState state, Source source, Instant now, String detail) {
        return new HistoryEntry(now, state.name(), source, detail);
    }

    private Builder builder(MessageState next, Instant now) {
        return toBuilder().state(next).updatedAt(now);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Copies a message with some fields changed. */
    public static final class Builder {
        private final Message from;
        private MessageState state;
        private Instant updatedAt;
        private Instant deliveredAt;
        private Instant readAt;
        private Instant revokedAt;
        private RevokeClaim claim;
        private Instant dueAt;
        private Fallback fallback;
        private final List<HistoryEntry> history;
        private int historyDropped;
        private List<String> seenEvents;
        private long version;

        private Builder(Message from) {
            this.from = from;
            this.state = from.state;
            this.updatedAt = from.updatedAt;
            this.deliveredAt = from.deliveredAt;
            this.readAt = from.readAt;
            this.revokedAt = from.revokedAt;
            this.claim = from.claim;
            this.dueAt = from.dueAt;
            this.fallback = from.fallback;
            this.history = new ArrayList<>(from.history);
            this.historyDropped = from.historyDropped;
            this.seenEvents = from.seenEvents;
            this.version = from.version;
        }

        public Builder state(MessageState value) {
            state = value;
            return this;
        }

        public Builder updatedAt(Instant value) {
            updatedAt = value;
            return this;
        }

        public Builder deliveredAt(Instant value) {
            deliveredAt = value;
            return this;
        }

        public Builder readAt(Instant value) {
            readAt = value;
            return this;
        }

        public Builder revokedAt(Instant value) {
            revokedAt = value;
            return this;
        }

        public Builder claim(RevokeClaim value) {
            claim = value;
            return this;
        }

        public Builder dueAt(Instant value) {
            dueAt = value;
            return this;
        }

        public Builder fallback(Fallback value) {
            fallback = value;
            return this;
        }

        /** Appends to the history, dropping the oldest entries beyond {@link #HISTORY_LIMIT}. */
        public Builder log(HistoryEntry entry) {
            history.add(entry);
            while (history.size() > HISTORY_LIMIT) {
                history.remove(0);
                historyDropped++;
            }
            return this;
        }

        public Builder seenEvents(List<String> value) {
            seenEvents = value;
            return this;
        }

        public Builder version(long value) {
            version = value;
            return this;
        }

        public Message build() {
            return new Message(from.messageId, from.agentId, from.phoneNumber, state, from.deadline,
                    from.rbmExpires, from.fingerprint, from.rbmPayload, from.createdAt, updatedAt,
                    deliveredAt, readAt, revokedAt, from.revokeAt, claim, dueAt, fallback, history,
                    historyDropped, seenEvents, version);
        }
    }
}
