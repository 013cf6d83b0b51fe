package dev.rbmrevoker.message;

import java.util.regex.Pattern;

/** The rule for campaign labels: 1 to 64 of {@code A-Z a-z 0-9 . _ -}. */
public final class CampaignLabels {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private CampaignLabels() {
    }

    public static boolean isValid(String label) {
        return label != null && LABEL.matcher(label).matches();
    }
}
