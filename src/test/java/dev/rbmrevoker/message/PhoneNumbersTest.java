package dev.rbmrevoker.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PhoneNumbersTest {

    @Test
    void mask_keepsPlusAndLastFourDigits() {
        assertEquals("+*******0001", PhoneNumbers.mask("+16502530001"));
        assertEquals("+********0123", PhoneNumbers.mask("+447700900123"));
    }

    @Test
    void mask_hidesShortOrOddInputEntirely() {
        assertEquals("****", PhoneNumbers.mask("1234"));
        assertEquals("", PhoneNumbers.mask(""));
        assertEquals("null", PhoneNumbers.mask(null));
        assertEquals("*****6789", PhoneNumbers.mask("123456789"));
    }

    @Test
    void redact_masksNumbersInForeignText_inAnySpelling() {
        assertEquals("POST /v1/phones/+*******0001/agentMessages timed out",
                PhoneNumbers.redact("POST /v1/phones/%2B16502530001/agentMessages timed out"));
        assertEquals("invalid number +*******0001", PhoneNumbers.redact("invalid number +16502530001"));
        assertEquals("got *******0001", PhoneNumbers.redact("got 16502530001"));
        assertEquals("status 503 after 300ms", PhoneNumbers.redact("status 503 after 300ms"));
    }
}
