package dev.rbmrevoker.message;

import java.util.regex.Pattern;

/** messageIds are UUIDs. */
public final class MessageIds {

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private MessageIds() {
    }

    public static boolean isValid(String value) {
        return value != null && UUID.matcher(value).matches();
    }
}
