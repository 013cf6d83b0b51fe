package dev.rbmrevoker.fallback;

import dev.rbmrevoker.message.Backoff;
import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.ChannelDelivery;
import dev.rbmrevoker.message.ChannelState;
import dev.rbmrevoker.message.FallbackState;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageUpdater;
import dev.rbmrevoker.message.PhoneNumbers;
import dev.rbmrevoker.message.Presumption;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.observe.MessageLog;
import dev.rbmrevoker.observe.Metric;
import dev.rbmrevoker.observe.Metrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Hands a message's fallback to its channels: the channels due are claimed in one conditional write (a
 * lease, so a crash is noticed later), handed over, and the results recorded.
 *
 * <p>An SMS goes at most once: a claim found expired (the dispatcher died after claiming it) or a publish
 * whose answer was lost ends the channel UNCONFIRMED, counted as sent, never published again. A callback
 * goes at least once: a lost answer or an expired claim is retried, every attempt with the same
 * {@code Idempotency-Key}. A channel is started only when the budget covers it: an SMS left over (say,
 * within a webhook's short budget) stays PENDING and due now, for the sweep.
 */
@ApplicationScoped
public class FallbackDispatcher {

    private static final Logger LOG = Logger.getLogger(FallbackDispatcher.class);
    /** How long a claimed hand-over may take before another dispatcher may retry it. */
    static final Duration CLAIM_LEASE = Duration.ofMinutes(2);
    static final Duration LONGEST_RETRY = Duration.ofHours(1);

    private final MessageStore store;
    private final MessageUpdater updater;
    private final Map<Channel, FallbackChannel> channels = new EnumMap<>(Channel.class);
    private final Clock clock;
    private final int maxAttempts;
    private final Backoff retries;
    private final Metrics metrics;

    public FallbackDispatcher(MessageStore store, MessageUpdater updater, Instance<FallbackChannel> channels,
            Clock clock, FallbackConfig config, Metrics metrics) {
        this.store = store;
        this.updater = updater;
        channels.forEach(channel -> this.channels.put(channel.channel(), channel));
        this.clock = clock;
        this.maxAttempts = config.maxAttempts();
        Duration firstRetry = config.firstRetry();
        if (firstRetry.isNegative() || firstRetry.isZero()) {
            throw new IllegalStateException("FALLBACK_FIRST_RETRY must be positive, is " + firstRetry);
        }
        this.retries = new Backoff(firstRetry, LONGEST_RETRY);
        this.metrics = metrics;
    }

    /** Whether this deployment can serve the channel. */
    public boolean canServe(Channel channel) {
        FallbackChannel served = channels.get(channel);
        return served != null && served.isAvailable();
    }

    /**
     * Hands over every channel that is due; returns the message as stored afterwards. Channels not
     * due, or claimed by someone else, are left alone.
     */
    public Message dispatch(Message message, Source source, Duration budget) {
        return handOver(message, source, budget).message();
    }

    /** What a dispatch did: the message as stored after it, and whether this dispatch settled the fallback. */
    public record Dispatch(Message message, boolean settledHere) {
    }

    /** As {@link #dispatch}, telling also whether this call finished the fallback (for counting). */
    public Dispatch handOver(Message message, Source source, Duration budget) {
        try (MessageLog log = MessageLog.of(message.messageId(), message.agentId())) {
            return dispatchLogged(message, message, source, budget);
        }
    }

    /**
     * Hands over the fallback of a REVOKED message whose confirm window has passed with no delivery
     * reported: the confirmation and the channels' claim are one conditional write (a delivery, RBM's
     * expiry or another sweep that came first makes it fail, and whatever is still owed stays due), then
     * it is dispatched as usual.
     */
    public Dispatch confirmAndHandOver(Message message, Source source, Duration budget) {
        try (MessageLog log = MessageLog.of(message.messageId(), message.agentId())) {
            Instant started = clock.instant();
            if (!windowOver(message, started)) {
                return new Dispatch(message, false);
            }
            logWindowOver(message);
            // Settled here only by this claim: a delivery or another sweep that came first settled it, not this.
            return dispatchLogged(message, message.revokeConfirmed(source, started), source, budget);
        }
    }

    /** What a hand-over of a message known only from the due index did. */
    public sealed interface WindowEnd {
        /** The window's end and the channels' claim were written; what the hand-over then did. */
        record Claimed(Dispatch dispatch) implements WindowEnd {
        }

        /**
         * Nothing was written or handed over: the message is not as the index showed it (a delivery came, a
         * retry is due instead, another sweep claimed it first).
         *
         * @param stored the message as stored, to decide from as if it had been read; empty when it is gone,
         *     or when the window had not ended yet and nothing was tried
         */
        record NotClaimed(Optional<Message> stored) implements WindowEnd {
        }
    }

    /**
     * As {@link #confirmAndHandOver(Message, Source, Duration)}, for a message the due index shows REVOKED
     * at the end of its confirm window, with its channels: the window's end and the channels' claim are
     * presumed, so the hand-over costs one conditional write and no read. The write is conditioned on the
     * fallback still waiting out that window with nothing claimed, so a delivery, RBM's expiry or another
     * sweep that came first makes it fail; the stored message it answers then is the caller's to decide from.
     */
    public WindowEnd confirmAndHandOver(Presumption presumed, Source source, Duration budget) {
        Message standIn = presumed.message();
        Instant started = clock.instant();
        if (!windowOver(standIn, started)) {
            return new WindowEnd.NotClaimed(Optional.empty());
        }
        Message confirmed = standIn.revokeConfirmed(source, started);
        Claim claim = claim(confirmed, source, budget);
        TransitionResult written = store.transition(presumed, claim.message());
        if (!(written instanceof TransitionResult.Applied applied)) {
            return new WindowEnd.NotClaimed(((TransitionResult.Conflict) written).current());
        }
        Message claimed = applied.message();
        try (MessageLog log = MessageLog.of(claimed.messageId(), claimed.agentId())) {
            logWindowOver(claimed);
            return new WindowEnd.Claimed(handOverClaimed(claim, claimed, confirmed.state(), source, budget));
        }
    }

    /** Whether a revoke's confirm window has passed, with the fallback still waiting for it. */
    private static boolean windowOver(Message message, Instant now) {
        return message.revokeUnconfirmed() && !message.fallback().nextAttemptAt().isAfter(now);
    }

    private static void logWindowOver(Message message) {
        LOG.infof("No delivery of message %s of agent %s reported within the revoke's confirm window:"
                + " handing its fallback over", message.messageId(), message.agentId());
    }

    /**
     * @param stored the message as stored: the claim is written over this version
     * @param message what the hand-over starts from: {@code stored}, or a change of it not written yet (the
     *     confirm window's end), which the claim's write then carries
     */
    private Dispatch dispatchLogged(Message stored, Message message, Source source, Duration budget) {
        Claim claim = claim(message, source, budget);
        if (claim.lost().isEmpty() && claim.startable().isEmpty() && stored == message) {
            return new Dispatch(message, false);
        }
        TransitionResult written = store.transition(stored, claim.message());
        if (!(written instanceof TransitionResult.Applied applied)) {
            // Someone else changed the message first; what is still due is theirs or the sweep's.
            return new Dispatch(((TransitionResult.Conflict) written).current().orElse(stored), false);
        }
        return handOverClaimed(claim, applied.message(), message.state(), source, budget);
    }

    /**
     * The channels a hand-over takes: those due, less those left for later.
     *
     * @param lost claimed SMS whose lease ran out: ended UNCONFIRMED, never published again
     * @param startable handed over by this dispatch
     * @param leftForLater a channel due was not started for lack of budget
     * @param message the message with the claim, to write
     */
    private record Claim(List<Channel> lost, List<Channel> startable, boolean leftForLater, Message message) {
    }

    private Claim claim(Message message, Source source, Duration budget) {
        Instant now = clock.instant();
        List<Channel> due = dueChannels(message, now);
        // A claimed SMS whose lease ran out may have been published by the dispatcher that died: never again.
        List<Channel> lost = due.stream().filter(channel -> channel == Channel.SMS
                && message.fallback().deliveries().get(channel).state() == ChannelState.SENDING).toList();
        List<Channel> startable = due.stream().filter(channel -> !lost.contains(channel) && fits(channel, budget))
                .toList();
        boolean leftForLater = lost.size() + startable.size() < due.size();
        Message claimed = message;
        for (Channel channel : lost) {
            ChannelDelivery before = claimed.fallback().deliveries().get(channel);
            claimed = claimed.fallbackProgress(channel, new ChannelDelivery(ChannelState.UNCONFIRMED,
                    before.attempts(), now, "claimed at attempt " + before.attempts() + " by a hand-over that never"
                            + " recorded its result; it may have been sent"), null, source, now);
        }
        for (Channel channel : startable) {
            ChannelDelivery before = claimed.fallback().deliveries().get(channel);
            claimed = claimed.fallbackProgress(channel,
                    new ChannelDelivery(ChannelState.SENDING, before.attempts() + 1, null, before.lastError()),
                    now.plus(CLAIM_LEASE), source, now);
        }
        return new Claim(lost, startable, leftForLater, claimed);
    }

    /**
     * Hands the claimed channels over and records their results.
     *
     * @param claimed the message as the claim's write stored it
     * @param before the message's state before the claim: a change from it settled the fallback here
     */
    private Dispatch handOverClaimed(Claim claim, Message claimed, MessageState before, Source source,
            Duration budget) {
        for (Channel channel : claim.lost()) {
            LOG.warnf("Fallback %s of message %s of agent %s was claimed but never recorded: UNCONFIRMED, not"
                    + " sent again", channel, claimed.messageId(), claimed.agentId());
            metrics.count(Metric.FALLBACK_UNCONFIRMED);
        }
        Map<Channel, ChannelDelivery> results = new EnumMap<>(Channel.class);
        Instant started = clock.instant();
        for (Channel channel : claim.startable()) {
            Duration left = budget.minus(Duration.between(started, clock.instant()));
            ChannelDelivery attempt = claimed.fallback().deliveries().get(channel);
            results.put(channel, handOverTo(channel, claimed, attempt.attempts(), left));
        }
        Message recorded = results.isEmpty() ? claimed
                : updater.apply(claimed, current -> record(current, results, claim.leftForLater(), source));
        results.forEach((channel, result) -> {
            if (result.state() == ChannelState.UNCONFIRMED
                    && result.equals(recorded.fallback().deliveries().get(channel))) {
                metrics.count(Metric.FALLBACK_UNCONFIRMED);
            }
        });
        boolean settledHere = recorded.state() != before;
        if (settledHere) {
            if (recorded.state() == MessageState.FALLEN_BACK) {
                metrics.count(Metric.FALLEN_BACK);
            } else if (recorded.state() == MessageState.FALLBACK_FAILED) {
                LOG.errorf("Fallback of message %s of agent %s failed for good", recorded.messageId(),
                        recorded.agentId());
                metrics.count(Metric.FALLBACK_FAILED);
            }
        }
        return new Dispatch(recorded, settledHere);
    }

    /**
     * @param leftForLater a channel due was not started for lack of budget: the fallback stays due now
     */
    private Message record(Message current, Map<Channel, ChannelDelivery> results, boolean leftForLater,
            Source source) {
        Instant now = clock.instant();
        // The earliest retry of any channel; every write of this record keeps it, whichever channel comes last.
        Instant due = leftForLater ? now : null;
        for (ChannelDelivery delivery : results.values()) {
            Instant retry = nextAttempt(delivery, now);
            if (retry != null && (due == null || retry.isBefore(due))) {
                due = retry;
            }
        }
        Message next = current;
        for (Map.Entry<Channel, ChannelDelivery> result : results.entrySet()) {
            ChannelDelivery stored = next.fallback().deliveries().get(result.getKey());
            ChannelDelivery delivery = result.getValue();
            // Only over the claim this hand-over was made under: a later claim of the channel counts one more attempt.
            if (next.fallback().state() != FallbackState.PENDING || stored == null
                    || stored.state() != ChannelState.SENDING || stored.attempts() != delivery.attempts()) {
                LOG.infof("Fallback %s result of message %s not recorded: its claim (attempt %d) was taken over"
                        + " or settled meanwhile", result.getKey(), current.messageId(), delivery.attempts());
                continue;
            }
            next = next.fallbackProgress(result.getKey(), delivery, due, source, now);
        }
        return next;
    }

    private ChannelDelivery handOverTo(Channel channel, Message message, int attempt, Duration budget) {
        FallbackChannel served = channels.get(channel);
        if (served == null || !served.isAvailable()) {
            return new ChannelDelivery(ChannelState.FAILED, attempt, null, channel + " is not available here");
        }
        if (budget.isNegative() || budget.isZero()) {
            return retryOrFail(attempt, "no time left in this invocation");
        }
        HandOver outcome;
        try {
            outcome = served.handOver(message, budget);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Fallback %s of message %s of agent %s failed unexpectedly", channel,
                    message.messageId(), message.agentId());
            outcome = new HandOver.RetryLater(e.getClass().getSimpleName());
        }
        if (outcome instanceof HandOver.Accepted) {
            LOG.infof("Fallback %s of message %s of agent %s to %s accepted (attempt %d)", channel,
                    message.messageId(), message.agentId(), PhoneNumbers.mask(message.phoneNumber()), attempt);
            return new ChannelDelivery(ChannelState.SENT, attempt, clock.instant(), null);
        }
        if (outcome instanceof HandOver.Unconfirmed unconfirmed) {
            LOG.warnf("Fallback %s of message %s of agent %s handed over without an answer (attempt %d): %s",
                    channel, message.messageId(), message.agentId(), attempt, unconfirmed.reason());
            return new ChannelDelivery(ChannelState.UNCONFIRMED, attempt, clock.instant(), unconfirmed.reason());
        }
        if (outcome instanceof HandOver.Refused refused) {
            LOG.errorf("Fallback %s of message %s of agent %s refused for good: %s", channel,
                    message.messageId(), message.agentId(), refused.reason());
            return new ChannelDelivery(ChannelState.FAILED, attempt, null, refused.reason());
        }
        String reason = ((HandOver.RetryLater) outcome).reason();
        LOG.warnf("Fallback %s of message %s of agent %s failed (attempt %d of %d): %s", channel,
                message.messageId(), message.agentId(), attempt, maxAttempts, reason);
        return retryOrFail(attempt, reason);
    }

    private boolean fits(Channel channel, Duration budget) {
        FallbackChannel served = channels.get(channel);
        // An unavailable channel is failed at once, which takes no time.
        return served == null || !served.isAvailable() || budget.compareTo(served.shortestBudget()) >= 0;
    }

    private ChannelDelivery retryOrFail(int attempt, String reason) {
        return attempt >= maxAttempts
                ? new ChannelDelivery(ChannelState.FAILED, attempt, null, reason + " (attempts exhausted)")
                : new ChannelDelivery(ChannelState.PENDING, attempt, null, reason);
    }

    /** Exponential backoff between attempts: FALLBACK_FIRST_RETRY (30 s), then doubling, at most an hour. */
    private Instant nextAttempt(ChannelDelivery delivery, Instant now) {
        if (delivery.state() != ChannelState.PENDING) {
            return null;
        }
        return now.plus(retries.after(delivery.attempts()));
    }

    /** Channels waiting for a hand-over, or whose claimed hand-over outlived its lease. */
    private static List<Channel> dueChannels(Message message, Instant now) {
        List<Channel> due = new ArrayList<>();
        if (message.fallback().state() != FallbackState.PENDING) {
            return due;
        }
        Instant nextAttempt = message.fallback().nextAttemptAt();
        boolean timeHasCome = nextAttempt == null || !nextAttempt.isAfter(now);
        message.fallback().deliveries().forEach((channel, delivery) -> {
            boolean waiting = delivery.state() == ChannelState.PENDING || delivery.state() == ChannelState.SENDING;
            if (waiting && timeHasCome) {
                due.add(channel);
            }
        });
        return due;
    }
}
