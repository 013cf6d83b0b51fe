package dev.rbmrevoker.rbm;

/** Phone numbers as logs may show them. */
public final class PhoneNumbers {

    private static final int VISIBLE = 4;

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
}
