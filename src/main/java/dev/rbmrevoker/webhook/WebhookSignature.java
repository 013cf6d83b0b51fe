package dev.rbmrevoker.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RBM's webhook signature: {@code X-Goog-Signature} = base64(HMAC-SHA512(key = client token,
 * bytes = the base64-decoded {@code message.data})). Compared in constant time.
 */
public final class WebhookSignature {

    private WebhookSignature() {
    }

    public static boolean isValid(byte[] data, String header, String clientToken) {
        if (header == null || header.isBlank() || clientToken == null || clientToken.isEmpty()) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.trim());
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        return MessageDigest.isEqual(hmac(data, clientToken), given);
    }

    public static String sign(byte[] data, String clientToken) {
        return Base64.getEncoder().encodeToString(hmac(data, clientToken));
    }

    private static byte[] hmac(byte[] data, String clientToken) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(clientToken.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA512 is part of every JDK", e);
        }
    }
}
