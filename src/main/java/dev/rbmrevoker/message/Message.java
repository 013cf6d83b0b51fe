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
 * @param campaign the agent's label for the send this message is part of, or null; a campaign revocation
 *     revokes every undelivered message with the label (campaigns are per agent)
 * @param rbmPayload what is sent to RBM; only while SENDING, so that a stored message stays small after its send
 * @param rbmExpireTime the expiry RBM was given with the message (any send attempt that carried one, or
 *     the agent's own for a message it sent itself), or null: RBM does not expire it by itself
 * @param revokeAt when a PENDING message is owed a revoke: its deadline, or after RBM's own expiry plus
 *     the TTL grace when RBM expires it by then
 * @param claim the revoke in progress while REVOKING, else null
 * @param dueAt when the sweep owes this message work, or null when nothing is owed
 * @param historyDropped how many of the oldest history entries were dropped to keep the newest
 * @param seenEvents ids of the newest webhook events applied, to ignore replays
 * @param revokeRefusals automatic revokes RBM refused (400/403) since the last revoke asked for through
 *     the API; at {@code REVOKE_MAX_ATTEMPTS} the sweep stops revoking
 * @param revokeUncertain an earlier revoke may have removed the message without our hearing (an attempt
 *     RBM never answered, a claim that died, a send never confirmed): RBM's 404 then proves no delivery
 * @param rbmExpiryFailed RBM reported {@code TTL_EXPIRATION_REVOKE_FAILED}: its own expiry did not remove
 *     the message (kept apart from the history, whose oldest entries may be dropped)
 * @param version incremented by every stored change; a change is stored only over the version it read
 */
public record Message(
        String messageId,
        String agentId,
        String phoneNumber,
        String campaign,
        MessageState state,
        Instant deadline,
        Instant rbmExpireTime,
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
        int revokeRefusals,
        boolean revokeUncertain,
        boolean rbmExpiryFailed,
        long version) {

    /** The newest entries kept; {@link #historyDropped} counts the rest. */
    public static final int HISTORY_LIMIT = 20;
    /** Google advises an expiry at least this far ahead; a nearer deadline is left to the sweep. */
    public static final Duration RBM_EXPIRY_MIN_AHEAD = Duration.ofSeconds(10);
    public static final int SEEN_EVENTS_LIMIT = 20;
    /** The wait after RBM's first refusal of an automatic revoke; it doubles with each further refusal. */
    public static final Duration REVOKE_REFUSED_BACKOFF = Duration.ofMinutes(1);
    private static final Backoff REVOKE_REFUSED = new Backoff(REVOKE_REFUSED_BACKOFF,
            REVOKE_REFUSED_BACKOFF.multipliedBy(1L << 10));

    public Message {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(fallback, "fallback");
        history = List.copyOf(history);
        seenEvents = List.copyOf(seenEvents);
    }

    /**
     * A message about to be sent through RBM: recorded before the send so nothing goes untracked. If the
     * send dies, the sweep finishes it after {@code resendAfter}, or settles it by a revoke at its
     * deadline if that comes first.
     */
    public static Message sending(NewMessage spec, Timing timing, Instant now) {
        return create(spec, MessageState.SENDING, earlier(now.plus(timing.resendAfter()), spec.deadline()), timing,
                now, new HistoryEntry(now, MessageState.SENDING.name(), Source.API, null));
    }

    /** A message the agent sent itself and asks us to watch. */
    public static Message tracked(NewMessage spec, Timing timing, Instant now) {
        Instant revokeAt = revokeAt(spec, timing);
        return create(spec, MessageState.PENDING, revokeAt, timing, now,
                new HistoryEntry(now, Fact.TRACKED.name(), Source.API, null));
    }

    private static Message create(NewMessage spec, MessageState state, Instant dueAt, Timing timing,
            Instant now, HistoryEntry first) {
        return new Message(spec.messageId(), spec.agentId(), spec.phoneNumber(), spec.campaign(), state,
                spec.deadline(),
                spec.rbmExpireTime(), spec.fingerprint(), spec.rbmPayload(), now, now, null, null, null,
                revokeAt(spec, timing), null, dueAt, spec.fallback(), List.of(first), 0, List.of(), 0, false, false, 0);
    }

    /** RBM's own expiry by the deadline is waited for (plus the grace, for its event) before we revoke. */
    private static Instant revokeAt(NewMessage spec, Timing timing) {
        Instant expiry = spec.rbmExpireTime();
        if (expiry == null || expiry.isAfter(spec.deadline())) {
            return spec.deadline();
        }
        return later(spec.deadline(), expiry.plus(timing.ttlGrace()));
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** Whether RBM was given an expiry with the message. */
    public boolean rbmExpires() {
        return rbmExpireTime != null;
    }

    /** Whether RBM should be told to expire a message with this deadline by itself. */
    public static boolean rbmShouldExpire(Instant deadline, Instant now) {
        return !deadline.isBefore(now.plus(RBM_EXPIRY_MIN_AHEAD));
    }

    /**
     * Whether RBM's 404 on a revoke leaves open that the message was not delivered: RBM's own expiry may
     * have struck (unless RBM reported that it failed), an earlier revoke may have removed it, or RBM may
     * never have had it.
     */
    public boolean revokeGoneIsAmbiguous(Instant now) {
        boolean rbmMayHaveExpiredIt = rbmExpireTime != null && !now.isBefore(rbmExpireTime) && !rbmExpiryFailed();
        return rbmMayHaveExpiredIt || revokeUncertain || (claim != null && claim.uncertain());
    }

    /**
     * RBM refused {@code REVOKE_MAX_ATTEMPTS} automatic revokes: nothing is due, no fallback goes, and the
     * message expires a retention after its deadline unless an event or a revoke through the API moves it.
     */
    public boolean revokesGaveUp() {
        return state == MessageState.PENDING && dueAt == null;
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
                : new RevokeClaim(now.plus(lease), reason, withFallback, source,
                        state == MessageState.SENDING || revokeUncertain);
        String event = retake ? Fact.REVOKE_RETRY.name() : move.target().name();
        Builder builder = builder(move.target(), now).claim(next).dueAt(next.leaseUntil())
                .log(new HistoryEntry(now, event, source, null));
        // A revoke asked for through the API re-arms the automatic ones, e.g. after a fixed misconfiguration.
        return (source == Source.API ? builder.revokeRefusals(0) : builder).build();
    }

    /**
     * Claims the resend of a send left in SENDING, so that two sweeps never both resend it: the
     * message stays SENDING and is due again after {@code lease} if this resend dies too, or at its
     * deadline if that comes first (then a revoke settles it).
     */
    public Message claimResend(Duration lease, Source source, Instant now) {
        if (state != MessageState.SENDING || (dueAt != null && dueAt.isAfter(now))) {
            throw new IllegalTransitionException(state, Event.ACCEPTED);
        }
        return toBuilder().updatedAt(now).dueAt(earlier(now.plus(lease), deadline)).build();
    }

    /**
     * The revoke could not reach RBM: the message is PENDING again and owed a revoke at revokeAt.
     *
     * @param mayHaveRevoked an attempt got no answer (timeout, dropped connection, lost answer), so it may
     *     have removed the message; an attempt RBM answered, even with a 5xx, revoked nothing
     */
    public Message releaseRevoke(String why, boolean mayHaveRevoked, Source source, Instant now) {
        if (outcome(Event.RELEASE_REVOKE) instanceof Outcome.Move move) {
            return builder(move.target(), now).claim(null).dueAt(revokeAt)
                    .revokeUncertain(revokeUncertain || mayHaveRevoked || claimUncertain())
                    .log(new HistoryEntry(now, Fact.REVOKE_RETRY.name(), source, why)).build();
        }
        return this;
    }

    /**
     * RBM refused the revoke (400/403): it revoked nothing, and the message is PENDING again. An automatic
     * revoke is tried again after 1, 2, 4, 8... minutes; after {@code maxAttempts} refusals nothing is due
     * any more ({@link #revokesGaveUp()}). A refused revoke asked for through the API leaves the automatic
     * ones re-armed: no refusal counted, and due after the first backoff step (or at revokeAt if later).
     *
     * @param source who asked for the revoke: {@link Source#API} is a revoke on request, anything else automatic
     */
    public Message revokeRefused(String why, int maxAttempts, Source source, Instant now) {
        if (!(outcome(Event.RELEASE_REVOKE) instanceof Outcome.Move move)) {
            return this;
        }
        boolean automatic = source != Source.API;
        int refusals = automatic ? revokeRefusals + 1 : 0;
        boolean gaveUp = automatic && refusals >= maxAttempts;
        Instant due = gaveUp ? null : later(revokeAt, now.plus(REVOKE_REFUSED.after(refusals)));
        Builder builder = builder(move.target(), now).claim(null).dueAt(due).revokeRefusals(refusals)
                .revokeUncertain(revokeUncertain || claimUncertain())
                .log(new HistoryEntry(now, Fact.REVOKE_REFUSED.name(), source, why));
        if (gaveUp) {
            builder.log(new HistoryEntry(now, Fact.REVOKE_GAVE_UP.name(), source,
                    refusals + " automatic revokes refused"));
        }
        return builder.build();
    }

    private boolean claimUncertain() {
        return claim != null && claim.uncertain();
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

    /**
     * A send refused before RBM saw it (its campaign was revoked meanwhile): REVOKED with no RBM call and
     * no fallback, since the agent is told at once that nothing went out.
     */
    public Message withdrawn(FallbackReason reason, Source source, Instant now) {
        if (state != MessageState.SENDING) {
            throw new IllegalTransitionException(state, Event.REVOKED);
        }
        Fallback next = fallback.trigger(reason, false, now);
        return builder(MessageState.REVOKED, now).claim(null).revokedAt(now).fallback(next).dueAt(null)
                .log(entry(MessageState.REVOKED, source, now, reason.name())).build();
    }

    /** Whether RBM refused a revoke that {@code source} asked for, as far as the kept history tells. */
    public boolean revokeRefusedFor(Source source) {
        return history.stream().anyMatch(e -> e.source() == source && Fact.REVOKE_REFUSED.name().equals(e.event()));
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
        return builder(state, now).rbmExpiryFailed(true)
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
        private int revokeRefusals;
        private boolean revokeUncertain;
        private boolean rbmExpiryFailed;
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
            this.revokeRefusals = from.revokeRefusals;
            this.revokeUncertain = from.revokeUncertain;
            this.rbmExpiryFailed = from.rbmExpiryFailed;
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

        public Builder revokeRefusals(int value) {
            revokeRefusals = value;
            return this;
        }

        public Builder revokeUncertain(boolean value) {
            revokeUncertain = value;
            return this;
        }

        public Builder rbmExpiryFailed(boolean value) {
            rbmExpiryFailed = value;
            return this;
        }

        public Builder version(long value) {
            version = value;
            return this;
        }

        public Message build() {
            // RBM has the content once the send is answered: only a send still owed needs it.
            String payload = state == MessageState.SENDING ? from.rbmPayload : null;
            return new Message(from.messageId, from.agentId, from.phoneNumber, from.campaign, state, from.deadline,
                    from.rbmExpireTime, from.fingerprint, payload, from.createdAt, updatedAt,
                    deliveredAt, readAt, revokedAt, from.revokeAt, claim, dueAt, fallback, history,
                    historyDropped, seenEvents, revokeRefusals, revokeUncertain, rbmExpiryFailed, version);
        }
    }
}
