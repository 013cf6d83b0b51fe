package dev.rbmrevoker.message;

/** Phone numbers are personal data: logs show only their last four digits. */
public final class PhoneNumbers {

    private static final int SHOWN = 4;

    private PhoneNumbers() {
    }

    /** {@code +16502530001} becomes {@code +*******0001}. */
    public static String mask(String phoneNumber) {
        if (phoneNumber == null) {
            return null;
        }
        StringBuilder masked = new StringBuilder(phoneNumber.length());
        int keepFrom = phoneNumber.length() - SHOWN;
        for (int i = 0; i < phoneNumber.length(); i++) {
            char c = phoneNumber.charAt(i);
            masked.append(i < keepFrom && c != '+' ? '*' : c);
        }
        return masked.toString();
    }
}
