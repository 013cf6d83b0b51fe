package dev.rbmrevoker.local.rbm;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Builds RBM webhook bodies the way RBM does: the event JSON, base64 in a Pub/Sub push envelope, signed
 * with {@code X-Goog-Signature} = base64(HMAC-SHA512(key = client token, bytes = decoded data)).
 * Tests use it to sign their own payloads.
 */
public final class WebhookSigner {

    public static final String SIGNATURE_HEADER = "X-Goog-Signature";
    public static final String PROJECT_NUMBER = "123456789012";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String clientToken;

    public WebhookSigner(String clientToken) {
        if (clientToken == null || clientToken.isEmpty()) {
            throw new IllegalArgumentException("a webhook client token is required");
        }
        this.clientToken = clientToken;
    }

    /** A webhook body and the signature header that goes with it. */
    public record SignedEnvelope(String body, String signature, String eventJson) {
    }

    /** base64(HMAC-SHA512(clientToken, data)). */
    public static String sign(String clientToken, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(clientToken.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA512 is not available", e);
        }
    }

    public String sign(byte[] data) {
        return sign(clientToken, data);
    }

    /** Wraps any event JSON (also data that is not JSON) in a signed envelope with the given attributes. */
    public SignedEnvelope envelope(String eventJson, Map<String, String> attributes) {
        byte[] data = eventJson.getBytes(StandardCharsets.UTF_8);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("attributes", attributes);
        message.put("data", Base64.getEncoder().encodeToString(data));
        message.put("messageId", String.valueOf(1_000_000_000_000_000L + (RANDOM.nextLong() & Long.MAX_VALUE) % 9_000_000_000_000_000L));
        message.put("message_id", message.get("messageId"));
        message.put("publishTime", Instant.now().toString());
        message.put("publish_time", message.get("publishTime"));
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("message", message);
        envelope.put("subscription", "projects/rbm-" + PROJECT_NUMBER + "/subscriptions/rbm-agent-subscription");
        return new SignedEnvelope(write(envelope), sign(data), eventJson);
    }

    /** A user event ({@code DELIVERED}, {@code READ}, {@code IS_TYPING}...): {@code senderPhoneNumber}. */
    public SignedEnvelope userEvent(String agentId, String phoneNumber, String eventType, String messageId, Instant sendTime) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("senderPhoneNumber", phoneNumber);
        event.put("eventType", eventType);
        event.put("eventId", "Mx" + UUID.randomUUID().toString().replace("-", "").substring(0, 20));
        if (messageId != null) {
            event.put("messageId", messageId);
        }
        event.put("sendTime", sendTime.toString());
        event.put("agentId", agentId);
        return envelope(write(event), attributes(agentId, eventType));
    }

    /** A server event ({@code TTL_EXPIRATION_REVOKED}, {@code TTL_EXPIRATION_REVOKE_FAILED}): {@code phoneNumber}. */
    public SignedEnvelope serverEvent(String agentId, String phoneNumber, String eventType, String messageId, Instant sendTime) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("phoneNumber", phoneNumber);
        event.put("messageId", messageId);
        event.put("agentId", agentId);
        event.put("eventType", eventType);
        event.put("eventId", "srv-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        event.put("sendTime", sendTime.toString());
        return envelope(write(event), attributes(agentId, eventType));
    }

    /** The verification handshake body RBM posts when a webhook is configured; no signature. */
    public String handshake(String secret) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clientToken", clientToken);
        body.put("secret", secret);
        return write(body);
    }

    static Map<String, String> attributes(String agentId, String eventType) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("business_id", agentId + "@rbm.goog");
        attributes.put("event_type", eventType);
        attributes.put("product", "RBM");
        attributes.put("project_number", PROJECT_NUMBER);
        return attributes;
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
