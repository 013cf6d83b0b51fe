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
 * yet seen, the due time when one is given, and no change stamped later than this one. Otherwise the store answers the stored message and the caller
 * decides from it, as if it had read it first.
 *
 * <p>Only a change that writes what it decides (state, times, claim, due time, history and seen events,
 * and at a confirm window's end the fallback's claim) may be presumed: the stand-in's other fields are made
 * up, and the store refuses a change of them.
 *
 * @param dueAt the due time the writer saw in the due index, or null when unknown: the change must not
 *     depend on it (the stand-in then carries a made-up one, so that a change clearing it is written)
 * @param event the webhook event id the change records as seen, or null
 * @param windowChannels for a REVOKED message whose fallback waits out the revoke's confirm window until
 *     {@code dueAt}, the channels it goes to; null when no fallback is presumed (the stand-in has none, and
 *     the store refuses a change of it)
 */
public record Presumption(String messageId, MessageState state, Instant dueAt, String event,
        Set<Channel> windowChannels) {

    public Presumption {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(state, "state");
        windowChannels = windowChannels == null ? null : Set.copyOf(windowChannels);
    }

    /** A change of a message presumed in {@code state}, whatever its due time. */
    public static Presumption of(String messageId, MessageState state) {
        return new Presumption(messageId, state, null, null, null);
    }

    /** A webhook event for a message presumed in {@code state}. */
    public static Presumption ofEvent(String messageId, MessageState state, String eventId) {
        return new Presumption(messageId, state, null, eventId, null);
    }

    /** A message the due index shows in {@code state}, due at {@code dueAt}. */
    public static Presumption ofDue(String messageId, MessageState state, Instant dueAt) {
        return new Presumption(messageId, state, Objects.requireNonNull(dueAt, "dueAt"), null, null);
    }

    /**
     * A REVOKED message the due index shows at the end of its revoke's confirm window ({@code dueAt}),
     * with the channels its fallback then goes to: the window's end and the channels' claim are presumed.
     */
    public static Presumption ofWindowEnd(String messageId, Instant dueAt, Set<Channel> channels) {
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("a confirm window ends only for a fallback with channels");
        }
        return new Presumption(messageId, MessageState.REVOKED, Objects.requireNonNull(dueAt, "dueAt"), null,
                channels);
    }

    /**
     * The stand-in: the presumed state and due time, nothing claimed, uncertain or seen, an empty history,
     * and no fallback unless one waiting out its window is presumed (its SMS text made up, its reason unknown).
     */
    public Message message() {
        boolean delivered = state == MessageState.DELIVERED || state == MessageState.READ;
        Fallback fallback = windowChannels == null ? Fallback.none()
                : new Fallback(windowChannels.contains(Channel.SMS) ? "" : null, windowChannels.contains(Channel.CALLBACK),
                        FallbackState.WAITING, null, null, Map.of(), dueAt);
        return new Message(messageId, "", "", null, state, Instant.EPOCH, null, "", null, Instant.EPOCH, Instant.EPOCH,
                delivered ? Instant.EPOCH : null, state == MessageState.READ ? Instant.EPOCH : null, null,
                Instant.EPOCH, null, dueAt != null ? dueAt : Instant.EPOCH, fallback, List.of(), 0, List.of(), 0,
                false, false, 0);
    }
}
