package dev.rbmrevoker.message;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.UnaryOperator;

/**
 * Applies a change to a stored message, re-reading and re-applying it when someone else changed the
 * message first. The change decides from the current message each time, so evidence that arrived
 * first is never overwritten.
 */
@ApplicationScoped
public class MessageUpdater {

    /** Conflicts come from a handful of parties at most (API, webhook, sweep); more means a bug. */
    private static final int MAX_ROUNDS = 16;

    private final MessageStore store;

    public MessageUpdater(MessageStore store) {
        this.store = store;
    }

    /**
     * @param change from the current message to the next; returning the same instance means nothing to do
     * @return the message as stored after the change (or unchanged)
     * @throws IllegalTransitionException when the change is not allowed in the current state
     * @throws MessageGoneException when the message disappeared meanwhile
     */
    public Message apply(Message current, UnaryOperator<Message> change) {
        Message message = current;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Message next = change.apply(message);
            if (next == message) {
                return message;
            }
            TransitionResult result = store.transition(message, next);
            if (result instanceof TransitionResult.Applied applied) {
                return applied.message();
            }
            TransitionResult.Conflict conflict = (TransitionResult.Conflict) result;
            message = conflict.current().orElseThrow(() -> new MessageGoneException(current.messageId()));
        }
        throw new IllegalStateException("message " + current.messageId() + " kept changing under "
                + MAX_ROUNDS + " attempts to update it");
    }
}
