package dev.rbmrevoker.api;

import dev.rbmrevoker.message.MessageIds;
import java.util.List;

/**
 * messageIds are UUIDs, kept exactly as the agent gave them: RBM knows a message by the id it was sent
 * with, so ids that differ only in case are different messages.
 */
final class Ids {

    private Ids() {
    }

    static boolean isUuid(String value) {
        return MessageIds.isValid(value);
    }

    /** The id as given, or a 400 naming the field. */
    static String requireUuid(String value) {
        if (!isUuid(value)) {
            throw new ProblemException(Problem.invalid("messageId must be a UUID.",
                    List.of(new Problem.FieldError("messageId", "must be a UUID"))));
        }
        return value;
    }
}
