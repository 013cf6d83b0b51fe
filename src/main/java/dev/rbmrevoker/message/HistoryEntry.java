package dev.rbmrevoker.message;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a message's history.
 *
 * @param event a {@link MessageState} name or a {@link Fact} name
 * @param detail free text for humans, or null
 */
public record HistoryEntry(Instant at, String event, Source source, String detail) {
    public HistoryEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(source, "source");
    }
}
