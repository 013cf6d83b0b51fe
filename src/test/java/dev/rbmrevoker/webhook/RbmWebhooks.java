package dev.rbmrevoker.webhook;

import static io.restassured.RestAssured.given;

import dev.rbmrevoker.testing.RevokerResource;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds and posts RBM webhook envelopes the way Google documents them, signing them here (not with
 * the application's own verifier): X-Goog-Signature = base64(HMAC-SHA512(client token, decoded data)).
 */
public final class RbmWebhooks {

    public static final String PATH = "/webhooks/rbm";
    public static final String PHONE = "+16502530001";

    private RbmWebhooks() {
    }

    /** A push envelope as it goes over the wire, with the signature RBM would send alongside. */
    public record Envelope(String envelopeId, String body, String signature) {

        public ValidatableResponse post() {
            return RbmWebhooks.post(body, signature);
        }
    }

    public static String hmacSha512Base64(String key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new Pub/Sub message id, digits as Pub/Sub makes them. */
    public static String newEnvelopeId() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000_000_000L, 9_000_000_000_000_000L));
    }

    public static Envelope signed(String data) {
        return signed(newEnvelopeId(), data, "\"event_type\":\"X\"");
    }

    public static Envelope signed(String envelopeId, String data) {
        return signed(envelopeId, data, "\"event_type\":\"X\"");
    }

    /** Signs {@code data} with our client token and wraps it; {@code attributes} is the inside of the attributes object. */
    public static Envelope signed(String envelopeId, String data, String attributes) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return new Envelope(envelopeId, envelopeBody(envelopeId, Base64.getEncoder().encodeToString(bytes), attributes),
                hmacSha512Base64(RevokerResource.CLIENT_TOKEN, bytes));
    }

    public static String envelopeBody(String envelopeId, String base64Data, String attributes) {
        return """
                {"message":{"attributes":{"business_id":"test-agent@rbm.goog","product":"RBM",%s},
                 "data":"%s","messageId":"%s","publishTime":"2026-11-22T10:00:01.123Z"},
                 "subscription":"projects/rbm-test-agent/subscriptions/rbm-agent-subscription"}"""
                .formatted(attributes, base64Data, envelopeId);
    }

    /** A user event (DELIVERED, READ, IS_TYPING...): the phone is {@code senderPhoneNumber}. */
    public static String userEvent(String eventType, String eventId, String messageId) {
        return """
                {"senderPhoneNumber":"%s","eventType":"%s","eventId":"%s","messageId":"%s",
                 "sendTime":"2026-11-22T10:00:00.812Z","agentId":"test-agent"}"""
                .formatted(PHONE, eventType, eventId, messageId);
    }

    /** A server event (TTL_EXPIRATION_REVOKED, TTL_EXPIRATION_REVOKE_FAILED): the phone is {@code phoneNumber}. */
    public static String serverEvent(String eventType, String eventId, String messageId) {
        return """
                {"phoneNumber":"%s","messageId":"%s","agentId":"test-agent","eventType":"%s","eventId":"%s",
                 "sendTime":"2026-11-22T10:10:00Z"}"""
                .formatted(PHONE, messageId, eventType, eventId);
    }

    public static String newEventId() {
        return "Mx" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    public static Envelope user(String eventType, String messageId) {
        return signed(userEvent(eventType, newEventId(), messageId));
    }

    public static Envelope server(String eventType, String messageId) {
        return signed(serverEvent(eventType, "srv-" + newEventId(), messageId));
    }

    public static ValidatableResponse post(String body, String signature) {
        RequestSpecification request = given().contentType("application/json").body(body);
        if (signature != null) {
            request = request.header("X-Goog-Signature", signature);
        }
        return request.when().post(PATH).then();
    }

    /** Starts tracking a new message (PENDING, nothing sent through RBM); fallback JSON or null. */
    public static String track(String fallback) {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json")
                .body("""
                        {"phoneNumber":"%s","ttl":"PT10M"%s}"""
                        .formatted(PHONE, fallback == null ? "" : ",\"fallback\":" + fallback))
                .when().put("/v1/messages/" + id)
                .then().statusCode(201);
        return id;
    }

    /** Sends a new message through RBM (the test server) and tracks it. */
    public static String send(String fallback) {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json")
                .body("""
                        {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"Your code is 1234"},
                         "ttl":"PT10M"%s}"""
                        .formatted(id, PHONE, fallback == null ? "" : ",\"fallback\":" + fallback))
                .when().post("/v1/messages")
                .then().statusCode(201);
        return id;
    }

    private static volatile boolean fallbackWarm;

    /**
     * Runs one fallback through SNS and the callback so that their clients are warm: the webhook
     * hands a fallback over within a 0.5 s budget, which a JVM's very first SNS call can exceed (the
     * rest is then left to the sweep, by design). Call before resetting the stand-ins.
     */
    public static void warmUpFallback() {
        if (fallbackWarm) {
            return;
        }
        String id = track("{\"sms\":{\"text\":\"warm-up\"},\"callback\":{}}");
        server("TTL_EXPIRATION_REVOKED", id).post().statusCode(200);
        // A publish that outlived its budget still lands at SNS: let it, before the stand-ins are reset.
        long end = System.nanoTime() + 5_000_000_000L;
        while (RevokerResource.sns().publishes().isEmpty() && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        fallbackWarm = true;
    }

    /** The message as the API shows it. */
    public static JsonPath view(String messageId) {
        return given().when().get("/v1/messages/" + messageId).then().statusCode(200).extract().jsonPath();
    }
}
