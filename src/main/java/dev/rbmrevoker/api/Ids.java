package dev.rbmrevoker.api;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** messageIds are UUIDs, in the canonical lower-case form. */
final class Ids {

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Ids() {
    }

    static boolean isUuid(String value) {
        return value != null && UUID.matcher(value).matches();
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
