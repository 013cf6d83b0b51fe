package dev.rbmrevoker.api;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Plain jqwik properties (no Quarkus): the strict E.164 rule refuses every spelling that is not a
 * plus and ASCII digits, however plausible libphonenumber would find it. Runs on jqwik's own engine
 * beside Jupiter; the seed of a failure is printed by jqwik and replayed with {@code @Property(seed=...)}.
 */
class PhoneNumberRuleProperties {

    @Property(tries = 500)
    void aValidNumber_withAnyNonDigitInsertedAfterThePlus_isRefused(@ForAll("oddCharacters") String odd,
            @ForAll("positions") int position) {
        String valid = "+16502530001";
        int at = 1 + position % (valid.length());
        String spelled = valid.substring(0, at) + odd + valid.substring(at);
        if (PhoneNumberRule.problem(spelled) == null) {
            throw new AssertionError("accepted " + escape(spelled));
        }
    }

    @Property(tries = 300)
    void nonAsciiDigits_areRefused(@ForAll("nonAsciiDigitNumbers") String number) {
        if (PhoneNumberRule.problem(number) == null) {
            throw new AssertionError("accepted " + escape(number));
        }
    }

    @Provide
    Arbitrary<String> oddCharacters() {
        return Arbitraries.oneOf(
                Arbitraries.of("\u200F", "\u200E", "\u202E", "\u200B", "\uFEFF", "\u00A0", " ", "-", "(", ")", ".",
                        "\u2060", "\u0301", "\uD83D\uDCF1", "\uD83D", "\uDC00", "\u0000", "\t", "\n", "\uFF11", "\u0661"),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(3)
                        .filter(s -> s.chars().anyMatch(c -> c < '0' || c > '9')));
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 100);
    }

    @Provide
    Arbitrary<String> nonAsciiDigitNumbers() {
        // Arabic-Indic, Extended Arabic-Indic, Devanagari and full-width digits, mixed with ASCII ones.
        return Arbitraries.strings().withCharRange('\u0660', '\u0669').withCharRange('\u06F0', '\u06F9')
                .withCharRange('\u0966', '\u096F').withCharRange('\uFF10', '\uFF19').withCharRange('0', '9')
                .ofMinLength(7).ofMaxLength(15)
                .filter(s -> s.chars().anyMatch(c -> c > 127))
                .map(s -> "+" + s);
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }
}
