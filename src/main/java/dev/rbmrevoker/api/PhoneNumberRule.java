package dev.rbmrevoker.api;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.regex.Pattern;

/**
 * Strict E.164: a plus and 7 to 15 ASCII digits, nothing else, and a number libphonenumber calls
 * valid. The form is checked first because libphonenumber alone accepts spaces, punctuation, a
 * full-width plus and non-ASCII digits, and we never normalise a number silently.
 */
final class PhoneNumberRule {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private PhoneNumberRule() {
    }

    /** Why the number is not acceptable, or null when it is. */
    static String problem(String number) {
        if (!E164.matcher(number).matches()) {
            return "must be E.164: '+' then 7 to 15 digits, no spaces or punctuation";
        }
        try {
            if (!PHONES.isValidNumber(PHONES.parse(number, null))) {
                return "is not a valid phone number";
            }
        } catch (NumberParseException e) {
            return "is not a valid phone number";
        }
        return null;
    }
}
