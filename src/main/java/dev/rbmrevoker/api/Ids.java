package dev.rbmrevoker.api;

import dev.rbmrevoker.message.MessageIds;
import java.util.List;
import java.util.Locale;

/** messageIds are UUIDs, in the canonical lower-case form. */
final class Ids {

    private Ids() {
    }

    static boolean isUuid(String value) {
        return MessageIds.isValid(value);
    }

    /** The id in lower case, or a 400 naming the field. */
    static String requireUuid(String value) {
        if (!isUuid(value)) {
            throw new ProblemException(Problem.invalid("messageId must be a UUID.",
                    List.of(new Problem.FieldError("messageId", "must be a UUID"))));
        }
        return value.toLowerCase(Locale.ROOT);
    }
}
