package dev.rbmrevoker.message;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a writer presumes about a stored message it has not read, so that a step costs one conditional
 * write and no read. The change is computed from {@link #message()}, a stand-in of the presumed shape,
 * and {@link MessageStore#transition(Presumption, Message)} applies it only while the stored message
 * matches the stand-in in everything such a change may read: the state, no revoke claim, no uncertain
 * or refused revoke, no failed RBM expiry, room left in the history and the seen events, the event not
 * yet seen, the due time when one is given, the presumed fallback when there is one, and no change stamped
 * later than this one. Otherwise the store answers the stored message and the caller decides from it, as if
 * it had read it first.
 *
 * <p>Only a change that writes what it decides (state, times, claim, due time, history and seen events,
 * and, when a waiting fallback is presumed, the fallback's trigger or claim) may be presumed: the stand-in's
 * other fields are made up, and the store refuses a change of them.
 *
 * @param dueAt the due time the writer saw in the due index, or null when unknown: the change must not
 *     depend on it (the stand-in then carries a made-up one, so that a change clearing it is written)
 * @param event the webhook event id the change records as seen, or null
 * @param fallback the stand-in's fallback: {@link Fallback#none()} when none is presumed (the store then
 *     refuses a change of it); otherwise one WAITING, with nothing claimed, whose change the store conditions
 *     on the stored fallback having the same state, due time, reason and (when it names them) channels
 */
public record Presumption(String messageId, MessageState state, Instant dueAt, String event, Fallback fallback) {

    public Presumption {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(state, "state");
        fallback = fallback == null ? Fallback.none() : fallback;
    }

    /** A change of a message presumed in {@code state}, whatever its due time. */
    public static Presumption of(String messageId, MessageState state) {
        return new Presumption(messageId, state, null, null, Fallback.none());
    }

    /** A webhook event for a message presumed in {@code state}. */
    public static Presumption ofEvent(String messageId, MessageState state, String eventId) {
        return new Presumption(messageId, state, null, eventId, Fallback.none());
    }

    /** A message the due index shows in {@code state}, due at {@code dueAt}. */
    public static Presumption ofDue(String messageId, MessageState state, Instant dueAt) {
        return new Presumption(messageId, state, Objects.requireNonNull(dueAt, "dueAt"), null, Fallback.none());
    }

    /**
     * A REVOKED message the due index shows at the end of its revoke's confirm window ({@code dueAt}),
     * with the channels its fallback then goes to: the window's end and the channels' claim are presumed.
     */
    public static Presumption ofWindowEnd(String messageId, Instant dueAt, Set<Channel> channels) {
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("a confirm window ends only for a fallback with channels");
        }
        Objects.requireNonNull(dueAt, "dueAt");
        return new Presumption(messageId, MessageState.REVOKED, dueAt, null, new Fallback(
                channels.contains(Channel.SMS) ? "" : null, channels.contains(Channel.CALLBACK), FallbackState.WAITING,
                null, null, Map.of(), dueAt));
    }

    /**
     * RBM's own expiry ({@code TTL_EXPIRATION_REVOKED}) of a PENDING message whose fallback waits, not
     * triggered yet: the fallback is triggered without knowing its channels (the stand-in names none), which
     * the store's item then shows as each requested channel pending.
     */
    public static Presumption ofExpiry(String messageId, String eventId) {
        return new Presumption(messageId, MessageState.PENDING, null, eventId,
                new Fallback(null, false, FallbackState.WAITING, null, null, Map.of(), null));
    }

    /** Whether the change may write the fallback: only when the stand-in's is presumed. */
    public boolean presumesFallback() {
        return fallback.state() != FallbackState.NONE;
    }

    /**
     * The stand-in: the presumed state and due time, nothing claimed, uncertain or seen, an empty history,
     * and the presumed fallback (its SMS text made up, its reason unknown).
     */
    public Message message() {
        boolean delivered = state == MessageState.DELIVERED || state == MessageState.READ;
        return new Message(messageId, "", "", null, state, Instant.EPOCH, null, "", null, Instant.EPOCH, Instant.EPOCH,
                delivered ? Instant.EPOCH : null, state == MessageState.READ ? Instant.EPOCH : null, null,
                Instant.EPOCH, null, dueAt != null ? dueAt : Instant.EPOCH, fallback, List.of(), 0, List.of(), 0,
                false, false, 0);
    }
}
