package dev.rbmrevoker.fallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class CallbackSignatureTest {

    private static final byte[] BODY = "{\"messageId\":\"m-1\"}".getBytes(StandardCharsets.UTF_8);
    private static final long TIMESTAMP = 1_795_341_600L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(TIMESTAMP + 30), ZoneOffset.UTC);
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    @Test
    void sign_isLowercaseHexHmacSha256_ofTimestampDotBody() {
        // Reference value from: printf '1795341600.{"messageId":"m-1"}' | openssl dgst -sha256 -hmac secret
        assertEquals("863b494a722925d058c49c5e1cb7b02a1b60e38e1d1f0b6eca67fa1edb72ea7c",
                CallbackSignature.sign("secret", TIMESTAMP, BODY));
    }

    @Test
    void verify_acceptsItsOwnSignature_withinTheTolerance() {
        String signature = CallbackSignature.sign("secret", TIMESTAMP, BODY);

        assertTrue(CallbackSignature.verify("secret", TIMESTAMP, BODY, signature));
        assertTrue(CallbackSignature.verify("secret", Long.toString(TIMESTAMP), BODY, signature, CLOCK, TOLERANCE));
    }

    @Test
    void verify_rejectsAnotherSecretTimestampOrBody_andUppercaseHex() {
        String signature = CallbackSignature.sign("secret", TIMESTAMP, BODY);

        assertFalse(CallbackSignature.verify("other", TIMESTAMP, BODY, signature));
        assertFalse(CallbackSignature.verify("secret", TIMESTAMP + 1, BODY, signature));
        assertFalse(CallbackSignature.verify("secret", TIMESTAMP, "{}".getBytes(StandardCharsets.UTF_8), signature));
        assertFalse(CallbackSignature.verify("secret", TIMESTAMP, BODY, signature.toUpperCase(Locale.ROOT)));
        assertFalse(CallbackSignature.verify("secret", TIMESTAMP, BODY, null));
    }

    @Test
    void verify_rejectsOldFutureOrMalformedTimestamps() {
        String signature = CallbackSignature.sign("secret", TIMESTAMP, BODY);
        Clock later = Clock.offset(CLOCK, Duration.ofMinutes(10));
        Clock earlier = Clock.offset(CLOCK, Duration.ofMinutes(-10));

        assertFalse(CallbackSignature.verify("secret", Long.toString(TIMESTAMP), BODY, signature, later, TOLERANCE));
        assertFalse(CallbackSignature.verify("secret", Long.toString(TIMESTAMP), BODY, signature, earlier, TOLERANCE));
        assertFalse(CallbackSignature.verify("secret", "yesterday", BODY, signature, CLOCK, TOLERANCE));
        assertFalse(CallbackSignature.verify("secret", null, BODY, signature, CLOCK, TOLERANCE));
    }
}
