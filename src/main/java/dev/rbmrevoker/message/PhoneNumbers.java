package dev.rbmrevoker.message;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Phone numbers as logs may show them. */
public final class PhoneNumbers {

    private static final int VISIBLE = 4;
    /** A number as it may appear in text from elsewhere: {@code +1650...}, {@code %2B1650...} or bare digits. */
    private static final Pattern NUMBER_IN_TEXT = Pattern.compile("(\\+|%2[Bb])?\\d{7,15}");

    private PhoneNumbers() {
    }

    /**
     * {@code +16502530001} becomes {@code +*******0001}: the leading {@code +} and the last four characters
     * stay, everything else is masked; anything of four characters or less is masked entirely.
     */
    public static String mask(String phoneNumber) {
        if (phoneNumber == null) {
            return "null";
        }
        int length = phoneNumber.length();
        if (length <= VISIBLE) {
            return "*".repeat(length);
        }
        StringBuilder masked = new StringBuilder(length);
        for (int i = 0; i < length - VISIBLE; i++) {
            masked.append(i == 0 && phoneNumber.charAt(0) == '+' ? '+' : '*');
        }
        return masked.append(phoneNumber, length - VISIBLE, length).toString();
    }

    /**
     * Masks every phone-number-like run of digits in a text that did not come from us (exception messages
     * that quote a URL, RBM error messages), so that it can be logged or kept.
     */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        Matcher matcher = NUMBER_IN_TEXT.matcher(text);
        StringBuilder redacted = new StringBuilder(text.length());
        while (matcher.find()) {
            String found = matcher.group();
            String sign = matcher.group(1) == null ? "" : "+";
            String digits = found.substring(matcher.group(1) == null ? 0 : matcher.group(1).length());
            matcher.appendReplacement(redacted, Matcher.quoteReplacement(sign.isEmpty() ? mask(digits)
                    : mask("+" + digits)));
        }
        matcher.appendTail(redacted);
        return redacted.toString();
    }
}
