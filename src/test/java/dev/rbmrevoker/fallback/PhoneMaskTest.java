package dev.rbmrevoker.fallback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhoneMaskTest {

    @ParameterizedTest
    @CsvSource({
        "+16502530001, +*******0001",
        "+447700900123, +********0123",
        "+1234567, +***4567",
        "+1234, +****",
        "'', ''",
    })
    void mask_keepsThePlusAndTheLastFourDigits(String phone, String masked) {
        assertEquals(masked, PhoneMask.mask(phone));
    }

    @Test
    void mask_namesAMissingNumber() {
        assertEquals("null", PhoneMask.mask(null));
    }
}
