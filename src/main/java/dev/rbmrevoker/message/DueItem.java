package dev.rbmrevoker.message;

import java.time.Instant;

/**
 * Work owed, as the due index shows it (possibly a little stale).
 *
 * @param id a messageId, or a pending webhook forward's id
 * @param state the message's state; null for a forward
 */
public record DueItem(String id, DueKind kind, Instant dueAt, MessageState state) {
}
