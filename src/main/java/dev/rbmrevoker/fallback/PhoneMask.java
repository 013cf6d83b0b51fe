package dev.rbmrevoker.fallback;

/** Phone numbers in logs: enough to tell two apart, not enough to call one. */
final class PhoneMask {

    private static final int SHOWN = 4;

    private PhoneMask() {
    }

    /** {@code +16502530001} becomes {@code +*******0001}; a number of four digits or fewer is masked whole. */
    static String mask(String phoneNumber) {
        if (phoneNumber == null) {
            return "null";
        }
        int digits = (int) phoneNumber.chars().filter(Character::isDigit).count();
        int toMask = digits > SHOWN ? digits - SHOWN : digits;
        StringBuilder masked = new StringBuilder(phoneNumber.length());
        for (int i = 0; i < phoneNumber.length(); i++) {
            char c = phoneNumber.charAt(i);
            if (Character.isDigit(c) && toMask > 0) {
                masked.append('*');
                toMask--;
            } else {
                masked.append(c);
            }
        }
        return masked.toString();
    }
}
