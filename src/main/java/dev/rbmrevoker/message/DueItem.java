package dev.rbmrevoker.message;

import java.time.Instant;

/** A message owed work, as the due index shows it (possibly a little stale). */
public record DueItem(String messageId, Instant dueAt, MessageState state, long version) {
}
