package dev.rbmrevoker.message;

import java.time.Instant;

/** Where the next page of a due query starts. */
public record DueCursor(String id, Instant dueAt) {
}
