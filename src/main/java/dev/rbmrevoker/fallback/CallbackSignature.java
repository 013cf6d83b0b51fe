package dev.rbmrevoker.fallback;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a fallback callback: lowercase hex HMAC-SHA256, keyed with the UTF-8 bytes of the
 * callback secret, of the ASCII bytes of {@code timestamp + "."} followed by the exact body bytes.
 * Receivers verify the raw body before parsing it, and reject old timestamps to refuse replays.
 */
public final class CallbackSignature {

    /** Epoch seconds at which the callback was signed. */
    public static final String TIMESTAMP_HEADER = "X-Rbm-Revoker-Timestamp";
    /** {@link #sign} of the timestamp header and the body. */
    public static final String SIGNATURE_HEADER = "X-Rbm-Revoker-Signature";

    private static final String ALGORITHM = "HmacSHA256";

    private CallbackSignature() {
    }

    /** The lowercase hex signature of {@code body} sent at {@code timestamp} (epoch seconds). */
    public static String sign(String secret, long timestamp, byte[] body) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(body, "body");
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every Java runtime ships HmacSHA256; an empty secret is refused before it gets here.
            throw new IllegalStateException("HMAC-SHA256 is not usable: " + e.getMessage(), e);
        }
    }

    /** Whether {@code signature} is the signature of {@code body} at {@code timestamp}, compared in constant time. */
    public static boolean verify(String secret, long timestamp, byte[] body, String signature) {
        if (signature == null) {
            return false;
        }
        byte[] expected = sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Verifies the two headers of a received callback against its raw body, accepting a timestamp at
     * most {@code tolerance} away from {@code clock}'s time.
     *
     * @return false for a missing or malformed header, an old or future timestamp, or a wrong signature
     */
    public static boolean verify(String secret, String timestampHeader, byte[] body, String signatureHeader,
            Clock clock, Duration tolerance) {
        if (timestampHeader == null || signatureHeader == null) {
            return false;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        long age = Math.abs(clock.instant().getEpochSecond() - timestamp);
        if (age > tolerance.toSeconds()) {
            return false;
        }
        return verify(secret, timestamp, body, signatureHeader.trim());
    }
}
