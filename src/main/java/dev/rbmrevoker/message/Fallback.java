package dev.rbmrevoker.message;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What to do when the message is revoked or undeliverable, and how far that has got.
 *
 * @param smsText the SMS to send, or null for no SMS
 * @param callback whether to call the deployment's fallback callback
 * @param reason set by whatever first moved the message to REVOKED or UNDELIVERABLE
 * @param sentAt when the last channel accepted the fallback
 * @param deliveries per requested channel, once the fallback is triggered
 * @param nextAttemptAt when the hand-over is due: while WAITING after a revoke RBM answered 200, the end
 *     of its confirm window; while PENDING, the next attempt; else null
 */
public record Fallback(
        String smsText,
        boolean callback,
        FallbackState state,
        FallbackReason reason,
        Instant sentAt,
        Map<Channel, ChannelDelivery> deliveries,
        Instant nextAttemptAt) {

    public Fallback {
        deliveries = deliveries.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new EnumMap<>(deliveries));
    }

    public static Fallback none() {
        return new Fallback(null, false, FallbackState.NONE, null, null, Map.of(), null);
    }

    public static Fallback requested(String smsText, boolean callback) {
        boolean any = smsText != null || callback;
        return new Fallback(smsText, callback, any ? FallbackState.WAITING : FallbackState.NONE,
                null, null, Map.of(), null);
    }

    public Set<Channel> channels() {
        Set<Channel> channels = EnumSet.noneOf(Channel.class);
        if (smsText != null) {
            channels.add(Channel.SMS);
        }
        if (callback) {
            channels.add(Channel.CALLBACK);
        }
        return channels;
    }

    public boolean isRequested() {
        return !channels().isEmpty();
    }

    /** Starts the fallback (when one is wanted) and records why; the first reason stays. */
    Fallback trigger(FallbackReason why, boolean wanted, Instant now) {
        FallbackReason firstReason = reason != null ? reason : why;
        if (state != FallbackState.WAITING) {
            return new Fallback(smsText, callback, state, firstReason, sentAt, deliveries, nextAttemptAt);
        }
        if (!wanted) {
            return new Fallback(smsText, callback, FallbackState.NONE, firstReason, null, Map.of(), null);
        }
        Map<Channel, ChannelDelivery> pending = new EnumMap<>(Channel.class);
        channels().forEach(channel -> pending.put(channel, ChannelDelivery.pending()));
        return new Fallback(smsText, callback, FallbackState.PENDING, firstReason, null, pending, now);
    }

    /**
     * A revoke RBM answered 200 for, not proven yet: the fallback stays WAITING until {@code handOverAt}
     * (the confirm window's end) unless a delivery is reported first; the first reason stays.
     */
    Fallback awaitConfirmation(FallbackReason why, Instant handOverAt) {
        FallbackReason firstReason = reason != null ? reason : why;
        return new Fallback(smsText, callback, state, firstReason, sentAt, deliveries, handOverAt);
    }

    /** Whether a hand-over waits out a confirm window. */
    boolean awaitsConfirmation() {
        return state == FallbackState.WAITING && nextAttemptAt != null;
    }

    /** A delivery overturned the revoke: nothing is handed over or due any more. */
    Fallback withdrawn() {
        return new Fallback(smsText, callback, state, reason, sentAt, deliveries, null);
    }

    Fallback withDelivery(Channel channel, ChannelDelivery delivery, Instant nextAttempt) {
        Map<Channel, ChannelDelivery> next = new EnumMap<>(Channel.class);
        next.putAll(deliveries);
        next.put(channel, delivery);
        FallbackState nextState = FallbackState.PENDING;
        Instant lastSent = sentAt;
        if (next.values().stream().anyMatch(d -> d.state() == ChannelState.FAILED)
                && next.values().stream().noneMatch(d -> d.state() == ChannelState.PENDING
                        || d.state() == ChannelState.SENDING)) {
            nextState = FallbackState.FAILED;
        } else if (next.values().stream().allMatch(ChannelDelivery::handedOver)) {
            nextState = FallbackState.SENT;
            lastSent = delivery.sentAt();
        }
        // A channel that finished says nothing about when the others are due: keep their time.
        Instant due = nextState != FallbackState.PENDING ? null : nextAttempt != null ? nextAttempt : nextAttemptAt;
        return new Fallback(smsText, callback, nextState, reason, lastSent, next, due);
    }
}
