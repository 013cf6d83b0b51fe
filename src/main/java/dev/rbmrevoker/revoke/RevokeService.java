package dev.rbmrevoker.revoke;

import dev.rbmrevoker.config.LifecycleConfig;
import dev.rbmrevoker.fallback.FallbackConfig;
import dev.rbmrevoker.fallback.FallbackDispatcher;
import dev.rbmrevoker.message.DueItem;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.FallbackState;
import dev.rbmrevoker.message.IllegalTransitionException;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageExistsException;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.MessageUpdater;
import dev.rbmrevoker.message.NewMessage;
import dev.rbmrevoker.message.NoFallbackChannelException;
import dev.rbmrevoker.message.PhoneNumbers;
import dev.rbmrevoker.message.Presumption;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.RevokeOutcome;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.Timing;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.observe.MessageLog;
import dev.rbmrevoker.observe.Metric;
import dev.rbmrevoker.observe.Metrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * The revoke flow, for the API and the sweep alike: claim PENDING -> REVOKING with a lease, call RBM
 * once, record its answer, then hand the fallback over. Whoever loses the claim does not call RBM. The
 * sweep takes a due revoke's steps apart ({@link #claimDue}, {@link #callRbm}, {@link #recordAnswer}) so
 * that its RBM calls never wait on the store.
 */
@ApplicationScoped
public class RevokeService {

    private static final Logger LOG = Logger.getLogger(RevokeService.class);

    private final MessageStore store;
    private final MessageUpdater updater;
    private final RbmGateway rbm;
    private final FallbackDispatcher fallback;
    private final Timing timing;
    private final Clock clock;
    private final Duration callBudget;
    private final boolean fallbackOnAmbiguous;
    private final int revokeMaxAttempts;
    private final Duration confirmWindow;
    private final Metrics metrics;

    public RevokeService(MessageStore store, MessageUpdater updater, RbmGateway rbm, FallbackDispatcher fallback,
            Timing timing, Clock clock, LifecycleConfig lifecycle, FallbackConfig fallbackConfig, Metrics metrics) {
        this.store = store;
        this.updater = updater;
        this.rbm = rbm;
        this.fallback = fallback;
        this.timing = timing;
        this.clock = clock;
        this.callBudget = lifecycle.callBudget();
        this.fallbackOnAmbiguous = fallbackConfig.onAmbiguous();
        this.revokeMaxAttempts = Math.max(1, lifecycle.revokeMaxAttempts());
        this.confirmWindow = lifecycle.revokeConfirmWindow();
        if (confirmWindow.isNegative()) {
            throw new IllegalStateException("REVOKE_CONFIRM_WINDOW must not be negative, is " + confirmWindow);
        }
        this.metrics = metrics;
    }

    /** A revoke asked for through the API. */
    public RevokeResult revoke(RevokeCommand command) {
        Optional<Message> stored;
        if (Boolean.TRUE.equals(command.fallback())) {
            // Asking for a fallback needs the message's channels first.
            stored = store.get(command.messageId());
        } else {
            // The common case, a PENDING message: claimed with one conditional write and no read. Without a
            // fallback flag the revoke hands over whatever fallback the message asked for.
            Instant started = clock.instant();
            TransitionResult result = claimPresumed(Presumption.of(command.messageId(), MessageState.PENDING),
                    FallbackReason.REVOKED_ON_REQUEST, command.fallback() == null, Source.API, started);
            if (result instanceof TransitionResult.Applied applied) {
                return revokeClaimed(new ClaimedRevoke(applied.message(), FallbackReason.REVOKED_ON_REQUEST,
                        Source.API, callBudget, started));
            }
            stored = ((TransitionResult.Conflict) result).current();
        }
        if (stored.isEmpty() && command.phoneNumber() == null) {
            return new RevokeResult.NotFound();
        }
        if (stored.isEmpty() && Boolean.TRUE.equals(command.fallback())) {
            // Refused before tracking: a message tracked by a refused request would still be revoked by the sweep.
            throw new NoFallbackChannelException("message " + command.messageId() + " is not tracked, so it has no"
                    + " fallback channel");
        }
        Message message = stored.orElseGet(() -> trackNow(command));
        boolean withFallback = command.fallback() != null ? command.fallback() : message.fallback().isRequested();
        if (withFallback && !message.fallback().isRequested()) {
            throw new NoFallbackChannelException("message " + message.messageId() + " has no fallback channel");
        }
        return revoke(message, FallbackReason.REVOKED_ON_REQUEST, withFallback, Source.API, callBudget,
                Claims.ON_REQUEST);
    }

    /**
     * Revokes a message that is due, for the sweep: unlike a revoke on request, it also settles a send
     * that was never confirmed before its deadline passed. An automatic revoke hands over whatever
     * fallback the message asked for.
     *
     * @param budget time the RBM call and the fallback hand-over may take
     */
    public RevokeResult revokeDue(Message message, Duration budget) {
        return revoke(message, dueReason(message), true, Source.SWEEP, budget, Claims.DUE);
    }

    /**
     * Revokes a message of a revoked campaign that the campaign index shows PENDING, whatever its deadline:
     * claimed with one conditional write and no read, as {@link #revokeDue(DueItem, Duration)} does; a
     * message that is not as presumed is decided from its stored version, as
     * {@link #revokeForCampaign(Message, boolean, Duration)} would.
     *
     * @param fallback whether the revocation asked for the message's fallback
     */
    public RevokeResult revokeForCampaign(String messageId, boolean fallback, Duration budget) {
        Instant started = clock.instant();
        TransitionResult result = claimPresumed(Presumption.of(messageId, MessageState.PENDING),
                FallbackReason.CAMPAIGN_REVOKED, fallback, Source.CAMPAIGN, started);
        if (result instanceof TransitionResult.Applied applied) {
            try (MessageLog log = MessageLog.of(applied.message().messageId(), applied.message().agentId())) {
                return revokeClaimed(new ClaimedRevoke(applied.message(), FallbackReason.CAMPAIGN_REVOKED,
                        Source.CAMPAIGN, budget, started));
            }
        }
        Optional<Message> current = ((TransitionResult.Conflict) result).current();
        if (current.isEmpty()) {
            return new RevokeResult.NotFound();
        }
        return revokeForCampaign(current.get(), fallback, budget.minus(Duration.between(started, clock.instant())));
    }

    /**
     * Revokes a message of a revoked campaign, whatever its deadline. A send left in SENDING is settled
     * by the revoke (never finished): the caller holds its send (a resend it claimed, or a lease that ran
     * out); one someone is still sending answers {@link RevokeResult.NotSent}. A message RBM refused this
     * campaign's revoke for before is left alone ({@link RevokeResult.NotDue}): the sweep revokes it at
     * its deadline.
     */
    public RevokeResult revokeForCampaign(Message message, boolean fallback, Duration budget) {
        if (message.state() == MessageState.PENDING && message.revokeRefusedFor(Source.CAMPAIGN)) {
            return new RevokeResult.NotDue(message);
        }
        return revoke(message, FallbackReason.CAMPAIGN_REVOKED, fallback, Source.CAMPAIGN, budget, Claims.CAMPAIGN);
    }

    /**
     * Revokes a message the due index shows PENDING and due, claiming it with one conditional write and
     * no read: the claim applies while the message is still as the index showed it (and nothing makes
     * its revoke differ, see {@link Presumption}); otherwise the stored message it answers decides, as
     * {@link #revokeDue(Message, Duration)} would.
     */
    public RevokeResult revokeDue(DueItem item, Duration budget) {
        DueClaim claim = claimDue(item, budget);
        return claim instanceof ClaimedRevoke claimed
                ? revokeClaimed(claimed)
                : revokeUnclaimed((DueClaim.Unclaimed) claim);
    }

    /**
     * The first step of {@link #revokeDue(DueItem, Duration)}, for a caller that makes the RBM call apart
     * from the claim: the claim alone, one conditional write and no read.
     *
     * @param budget time the RBM call and the fallback hand-over may take, counted from now
     */
    public DueClaim claimDue(DueItem item, Duration budget) {
        Instant started = clock.instant();
        TransitionResult result = claimPresumed(Presumption.ofDue(item.id(), MessageState.PENDING, item.dueAt()),
                FallbackReason.DEADLINE_PASSED, true, Source.SWEEP, started);
        if (result instanceof TransitionResult.Applied applied) {
            return new ClaimedRevoke(applied.message(), FallbackReason.DEADLINE_PASSED, Source.SWEEP, budget, started);
        }
        return new DueClaim.Unclaimed(((TransitionResult.Conflict) result).current(), budget, started);
    }

    /** A due revoke whose claim someone else's change beat: the stored message decides, and RBM may be called. */
    public RevokeResult revokeUnclaimed(DueClaim.Unclaimed unclaimed) {
        if (unclaimed.current().isEmpty()) {
            return new RevokeResult.NotFound();
        }
        Message stored = unclaimed.current().get();
        if (stored.dueAt() == null || stored.dueAt().isAfter(clock.instant())) {
            return new RevokeResult.NotDue(stored);
        }
        return revokeDue(stored, unclaimed.budget().minus(Duration.between(unclaimed.started(), clock.instant())));
    }

    /** The revoke lease, taken with one conditional write and no read while the message is as presumed. */
    private TransitionResult claimPresumed(Presumption presumed, FallbackReason reason, boolean withFallback,
            Source source, Instant now) {
        return store.transition(presumed, presumed.message().claimRevoke(reason, withFallback, timing.lease(), source,
                now));
    }

    private static FallbackReason dueReason(Message message) {
        return message.rbmExpiryFailed() ? FallbackReason.TTL_EXPIRATION_REVOKE_FAILED : FallbackReason.DEADLINE_PASSED;
    }

    private RevokeResult revoke(Message message, FallbackReason reason, boolean withFallback, Source source,
            Duration budget, Claims claims) {
        try (MessageLog log = MessageLog.of(message.messageId(), message.agentId())) {
            return revokeLogged(message, reason, withFallback, source, budget, claims);
        }
    }

    private RevokeResult revokeLogged(Message message, FallbackReason reason, boolean withFallback, Source source,
            Duration budget, Claims claims) {
        Instant started = clock.instant();
        Message current = message;
        Message claimed = null;
        while (claimed == null) {
            Instant now = clock.instant();
            Optional<RevokeResult> settled = claims != Claims.ON_REQUEST && current.state() == MessageState.SENDING
                    ? Optional.empty()
                    : settledBy(current, now);
            if (settled.isPresent()) {
                return settled.get();
            }
            Message next = current.claimRevoke(reason, withFallback, timing.lease(), source, now);
            TransitionResult result = store.transition(current, next);
            if (result instanceof TransitionResult.Applied applied) {
                claimed = applied.message();
            } else {
                Optional<Message> latest = ((TransitionResult.Conflict) result).current();
                if (latest.isEmpty()) {
                    return new RevokeResult.NotFound();
                }
                current = latest.get();
                // Whoever changed it first decided: an automatic revoke claims only what is still owed one.
                if (claims == Claims.DUE && (current.dueAt() == null || current.dueAt().isAfter(clock.instant()))) {
                    return new RevokeResult.NotDue(current);
                }
                // A send someone took up again meanwhile is theirs until its lease runs out.
                if (claims == Claims.CAMPAIGN && current.state() == MessageState.SENDING && current.dueAt() != null
                        && current.dueAt().isAfter(clock.instant())) {
                    return new RevokeResult.NotSent(current);
                }
            }
        }
        return revokeClaimed(new ClaimedRevoke(claimed, reason, source, budget, started));
    }

    private RevokeResult revokeClaimed(ClaimedRevoke claim) {
        return recordAnswer(claim, callRbm(claim));
    }

    /** The RBM call of a claimed revoke, with what is left of its budget; nothing is recorded yet. */
    public RevokeOutcome callRbm(ClaimedRevoke claim) {
        Message claimed = claim.message;
        try (MessageLog log = MessageLog.of(claimed.messageId(), claimed.agentId())) {
            LOG.infof("Revoking message %s of agent %s to %s (%s, by %s)", claimed.messageId(), claimed.agentId(),
                    PhoneNumbers.mask(claimed.phoneNumber()), claim.reason, claim.source.wireName());
            // The budget ends where the caller's does, however long the claim (and a wait for the call's turn) took.
            return rbm.revoke(claimed.agentId(), claimed.phoneNumber(), claimed.messageId(),
                    Duration.between(clock.instant(), claim.budgetEnd()));
        }
    }

    /**
     * Records RBM's answer to a claimed revoke (only under that claim), then hands the fallback over
     * when the answer settles the message.
     */
    public RevokeResult recordAnswer(ClaimedRevoke claim, RevokeOutcome outcome) {
        try (MessageLog log = MessageLog.of(claim.message.messageId(), claim.message.agentId())) {
            return recordLogged(claim, outcome);
        }
    }

    private RevokeResult recordLogged(ClaimedRevoke claim, RevokeOutcome outcome) {
        Message claimed = claim.message;
        Source source = claim.source;
        Message recorded = record(claimed, outcome, source);
        LOG.infof("Message %s of agent %s is %s after RBM's revoke answer %s", recorded.messageId(),
                recorded.agentId(), recorded.state(), outcome.getClass().getSimpleName());
        if (recorded.state() == MessageState.REVOKED && claimed.state() == MessageState.REVOKING) {
            metrics.count(Metric.REVOKED);
        } else if (recorded.state() == MessageState.DELIVERED && claimed.state() == MessageState.REVOKING) {
            metrics.count(Metric.DELIVERED);
        } else if (outcome instanceof RevokeOutcome.Rejected && recorded.revokesGaveUp()) {
            metrics.count(Metric.REVOKE_REFUSED);
            LOG.errorf("RBM refused %d automatic revokes of message %s of agent %s: the sweep stops revoking it"
                    + " (REVOKE_GAVE_UP); a revoke through the API re-arms it", recorded.revokeRefusals(),
                    recorded.messageId(), recorded.agentId());
        }
        FallbackDispatcher.Dispatch dispatch = recorded.fallback().state() == FallbackState.PENDING
                ? fallback.handOver(recorded, source, Duration.between(clock.instant(), claim.budgetEnd()))
                : new FallbackDispatcher.Dispatch(recorded, false);
        Message after = dispatch.message();
        if (outcome instanceof RevokeOutcome.Unavailable unavailable && after.state() == MessageState.PENDING) {
            return new RevokeResult.Unavailable(after, unavailable.reason(), unavailable.retryAfter(),
                    unavailable.throttled());
        }
        if (outcome instanceof RevokeOutcome.Rejected rejected && after.state() == MessageState.PENDING) {
            return new RevokeResult.Rejected(after, "RBM " + rejected.status() + ": " + rejected.reason());
        }
        boolean revokedHere = recorded.state() == MessageState.REVOKED && claimed.state() == MessageState.REVOKING;
        return settledBy(after, clock.instant())
                .map(settled -> settled instanceof RevokeResult.Revoked
                        ? new RevokeResult.Revoked(after, revokedHere, dispatch.settledHere())
                        : settled)
                .orElseGet(() -> new RevokeResult.Revoked(after, revokedHere, dispatch.settledHere()));
    }

    private Message record(Message claimed, RevokeOutcome outcome, Source source) {
        UnaryOperator<Message> answer = answer(claimed, outcome, source);
        return updater.apply(claimed, current -> underClaim(claimed, current, answer, outcome));
    }

    /**
     * RBM's answer is recorded only under the claim the call was made under. Once someone else took the
     * message over (a newer claim, live or released, after this lease expired), a late answer may at most
     * add a history note: it never changes what the newer claim decides.
     */
    private static Message underClaim(Message claimed, Message current, UnaryOperator<Message> answer,
            RevokeOutcome outcome) {
        if (current.claim() != null && current.claim().isSameClaim(claimed.claim())) {
            return answer.apply(current);
        }
        Message next;
        try {
            next = answer.apply(current);
        } catch (IllegalTransitionException e) {
            next = null;
        }
        boolean noteOnly = next != null && next.state() == current.state()
                && Objects.equals(next.claim(), current.claim()) && next.fallback().equals(current.fallback())
                && Objects.equals(next.dueAt(), current.dueAt());
        if (noteOnly) {
            return next;
        }
        LOG.warnf("RBM's late revoke answer %s for message %s of agent %s is not recorded: its claim was"
                + " taken over meanwhile (now %s)", outcome.getClass().getSimpleName(), current.messageId(),
                current.agentId(), current.state());
        return current;
    }

    private UnaryOperator<Message> answer(Message claimed, RevokeOutcome outcome, Source source) {
        return current -> {
            Instant now = clock.instant();
            // The claim's reason stands unless the claim is gone (someone else settled it meanwhile).
            FallbackReason explicit = current.claim() == null ? FallbackReason.DEADLINE_PASSED : null;
            if (outcome instanceof RevokeOutcome.Revoked) {
                // A 200 is not proof: the fallback waits out the confirm window for a contradicting delivery.
                return current.revokeAccepted(explicit, confirmWindow, source, now);
            }
            if (outcome instanceof RevokeOutcome.Gone gone) {
                boolean ambiguous = gone.afterUnansweredAttempt() || current.revokeGoneIsAmbiguous(now);
                if (ambiguous && fallbackOnAmbiguous) {
                    return current.revoked(explicit, source, now);
                }
                return current.delivered(source, now);
            }
            if (current.state() != MessageState.REVOKING) {
                return current;
            }
            if (outcome instanceof RevokeOutcome.Rejected rejected) {
                return current.revokeRefused("RBM " + rejected.status() + ": " + rejected.reason(), revokeMaxAttempts,
                        source, now);
            }
            RevokeOutcome.Unavailable unavailable = (RevokeOutcome.Unavailable) outcome;
            return current.releaseRevoke("RBM unavailable: " + unavailable.reason(),
                    unavailable.afterUnansweredAttempt(), source, now);
        };
    }

    /** Which messages a revoke claims. */
    private enum Claims {
        /** A revoke asked for through the API: a message not sent yet is refused. */
        ON_REQUEST,
        /** The sweep's at the due time: also settles a send never confirmed, and only what is still due. */
        DUE,
        /** A campaign revocation's: whatever the deadline, and a send left in SENDING too. */
        CAMPAIGN
    }

    /** The answer when the state leaves nothing to revoke, or empty when a revoke may be claimed. */
    private static Optional<RevokeResult> settledBy(Message message, Instant now) {
        return Optional.ofNullable(switch (message.state()) {
            case REVOKED, FALLEN_BACK, FALLBACK_FAILED, UNDELIVERABLE -> new RevokeResult.Revoked(message, false, false);
            case DELIVERED, READ -> new RevokeResult.AlreadyDelivered(message);
            case SENDING, REJECTED -> new RevokeResult.NotSent(message);
            case REVOKING -> message.claim().isLive(now)
                    ? new RevokeResult.InProgress(message, Duration.between(now, message.claim().leaseUntil()))
                    : null;
            case PENDING -> null;
        });
    }

    /** A revoke of a message the agent never asked us to track: track it as due now, then revoke it. */
    private Message trackNow(RevokeCommand command) {
        Instant now = clock.instant();
        String agentId = command.agentId();
        NewMessage spec = new NewMessage(command.messageId(), agentId, command.phoneNumber(), now, false,
                "revoke:" + agentId + ":" + command.phoneNumber(), null, Fallback.none());
        try {
            return store.create(Message.tracked(spec, timing, now));
        } catch (MessageExistsException e) {
            return e.existing();
        }
    }
}
