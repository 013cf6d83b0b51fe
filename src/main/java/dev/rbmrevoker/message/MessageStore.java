package dev.rbmrevoker.message;

import java.time.Instant;
import java.util.Optional;

/** Where messages live. Every change is conditional: it happens once, or not at all. */
public interface MessageStore {

    /**
     * Stores a new message.
     *
     * @return the stored message (its first version)
     * @throws MessageExistsException when a message with that id exists; it carries the stored one
     */
    Message create(Message message);

    Optional<Message> get(String messageId);

    /**
     * Replaces {@code from} by {@code to} if the stored message is still {@code from} (same state and
     * version).
     */
    TransitionResult transition(Message from, Message to);

    /**
     * Stores {@code to}, a change computed from {@code presumed.message()}, without reading first: it
     * applies only while the stored message matches the presumption (see {@link Presumption}), and the
     * conflict carries the stored message otherwise.
     *
     * @return the message as stored after the change, or the conflict
     * @throws IllegalArgumentException when the change writes more than a presumed change may
     */
    TransitionResult transition(Presumption presumed, Message to);

    /** How many shards the due index has; {@link #queryDue} is asked once per shard. */
    int dueShards();

    /**
     * One page of the messages of a shard that are owed work at or before {@code upTo}, oldest first.
     *
     * @param after the previous page's cursor, or null for the first page
     */
    DuePage queryDue(int shard, Instant upTo, int pageSize, DueCursor after);
}
