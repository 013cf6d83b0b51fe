package dev.rbmrevoker.api;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.HexFormat;

/** Request bodies and calls of the HTTP API, as a client script would make them. */
final class Api {

    static final String PHONE = "+16502530001";
    static final String PROBLEM_JSON = "application/problem+json";
    static final String PROBLEM = "urn:rbm-revoker:problem:";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Api() {
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    static Instant inMinutes(long minutes) {
        return Instant.now().plusSeconds(minutes * 60);
    }

    /** A send with a deadline ten minutes ahead and the given fallback JSON (or null). */
    static String send(String id, String phone, String fallback) {
        return """
                {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"Your code is 1234"},
                 "deadline":"%s"%s}
                """.formatted(id, phone, inMinutes(10), fallback == null ? "" : ",\"fallback\":" + fallback);
    }

    static String bothChannels() {
        return "{\"sms\":{\"text\":\"Your code is 1234\"},\"callback\":{}}";
    }

    static Response post(String path, String body) {
        return given().contentType("application/json").body(body).when().post(path);
    }

    static Response put(String path, String body) {
        return given().contentType("application/json").body(body).when().put(path);
    }

    static Response revoke(String id) {
        return given().when().post("/v1/messages/" + id + "/revoke");
    }

    static Response revoke(String id, String body) {
        return post("/v1/messages/" + id + "/revoke", body);
    }

    static Response get(String id) {
        return given().when().get("/v1/messages/" + id);
    }

    static String state(String id) {
        return get(id).then().statusCode(200).extract().path("state");
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lowercase hex HMAC-SHA256 of {@code timestamp + "." + body}, computed here, not by the code under test. */
    static String hmac(String secret, String timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
