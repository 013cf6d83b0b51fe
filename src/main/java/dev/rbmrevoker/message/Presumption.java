package dev.rbmrevoker.message;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a writer presumes about a stored message it has not read, so that a step costs one conditional
 * write and no read. The change is computed from {@link #message()}, a stand-in of the presumed shape,
 * and {@link MessageStore#transition(Presumption, Message)} applies it only while the stored message
 * matches the stand-in in everything such a change may read: the state, no revoke claim, no uncertain
 * or refused revoke, no failed RBM expiry, room left in the history and the seen events, the event not
 * yet seen, the due time when one is given, and no change stamped later than this one. Otherwise the store answers the stored message and the caller
 * decides from it, as if it had read it first.
 *
 * <p>Only a change that writes what it decides (state, times, claim, due time, history and seen events)
 * may be presumed: the stand-in's other fields are made up, and the store refuses a change of them.
 *
 * @param dueAt the due time the writer saw in the due index, or null when unknown: the change must not
 *     depend on it (the stand-in then carries a made-up one, so that a change clearing it is written)
 * @param event the webhook event id the change records as seen, or null
 */
public record Presumption(String messageId, MessageState state, Instant dueAt, String event) {

    public Presumption {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(state, "state");
    }

    /** A change of a message presumed in {@code state}, whatever its due time. */
    public static Presumption of(String messageId, MessageState state) {
        return new Presumption(messageId, state, null, null);
    }

    /** A webhook event for a message presumed in {@code state}. */
    public static Presumption ofEvent(String messageId, MessageState state, String eventId) {
        return new Presumption(messageId, state, null, eventId);
    }

    /** A message the due index shows in {@code state}, due at {@code dueAt}. */
    public static Presumption ofDue(String messageId, MessageState state, Instant dueAt) {
        return new Presumption(messageId, state, Objects.requireNonNull(dueAt, "dueAt"), null);
    }

    /** The stand-in: the presumed state and due time, nothing claimed, uncertain or seen, an empty history. */
    public Message message() {
        boolean delivered = state == MessageState.DELIVERED || state == MessageState.READ;
        return new Message(messageId, "", "", null, state, Instant.EPOCH, null, "", null, Instant.EPOCH, Instant.EPOCH,
                delivered ? Instant.EPOCH : null, state == MessageState.READ ? Instant.EPOCH : null, null,
                Instant.EPOCH, null, dueAt != null ? dueAt : Instant.EPOCH, Fallback.none(), List.of(), 0, List.of(), 0,
                false, false, 0);
    }
}
