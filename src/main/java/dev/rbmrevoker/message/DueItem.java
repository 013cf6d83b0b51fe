package dev.rbmrevoker.message;

import java.time.Instant;
import java.util.Set;

/**
 * Work owed, as the due index shows it (possibly a little stale).
 *
 * @param id a messageId, or a pending webhook forward's id
 * @param state the message's state; null for a forward
 * @param windowChannels for a REVOKED message whose fallback waits out its revoke's confirm window until
 *     {@code dueAt}, the channels it goes to then; null otherwise, and for items stored before the index
 *     showed them
 */
public record DueItem(String id, DueKind kind, Instant dueAt, MessageState state, Set<Channel> windowChannels) {

    public DueItem {
        windowChannels = windowChannels == null ? null : Set.copyOf(windowChannels);
    }
}
