package dev.rbmrevoker.api;

import static dev.rbmrevoker.webhook.RbmWebhooks.envelopeBody;
import static dev.rbmrevoker.webhook.RbmWebhooks.hmacSha512Base64;
import static dev.rbmrevoker.webhook.RbmWebhooks.newEnvelopeId;
import static dev.rbmrevoker.webhook.RbmWebhooks.newEventId;
import static dev.rbmrevoker.webhook.RbmWebhooks.post;
import static dev.rbmrevoker.webhook.RbmWebhooks.track;
import static dev.rbmrevoker.webhook.RbmWebhooks.userEvent;
import static dev.rbmrevoker.webhook.RbmWebhooks.view;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.webhook.RbmWebhooks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POST /webhooks/rbm at the HTTP level, through the Lambda event path: the handshake, then API.md's
 * order of checks (parseable envelope, then signature). Every refused envelope leaves the message
 * untouched and is not forwarded.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class WebhookEndpointTest {

    private static final String ATTRIBUTES = "\"event_type\":\"DELIVERED\"";

    private String messageId;

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
        messageId = track(null);
    }

    // ------------------------------------------------------------------ handshake

    @Test
    void handshake_withOurClientToken_answersTheSecretAsPlainText() {
        given().contentType("application/json")
                .body("{\"clientToken\":\"" + RevokerResource.CLIENT_TOKEN + "\",\"secret\":\"1234567890\"}")
                .when().post(RbmWebhooks.PATH)
                .then().statusCode(200)
                .contentType(startsWith("text/plain"))
                .body(equalTo("1234567890"));
    }

    @Test
    void handshake_withAnotherClientToken_answers403WrongClientToken() {
        given().contentType("application/json")
                .body("{\"clientToken\":\"someone-elses-token\",\"secret\":\"1234567890\"}")
                .when().post(RbmWebhooks.PATH)
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:rbm-revoker:problem:wrong-client-token"))
                .body("status", equalTo(403));
    }

    @Test
    void handshake_withOurTokenAsAPrefix_answers403() {
        given().contentType("application/json")
                .body("{\"clientToken\":\"" + RevokerResource.CLIENT_TOKEN.substring(0, 10) + "\",\"secret\":\"1\"}")
                .when().post(RbmWebhooks.PATH)
                .then().statusCode(403)
                .body("type", equalTo("urn:rbm-revoker:problem:wrong-client-token"));
    }

    // ------------------------------------------------------------------ signature: 401

    @Test
    void delivered_signedWithAnotherKey_answers401AndChangesNothing() {
        byte[] data = delivered();
        String forged = hmacSha512Base64("not-our-token", data);

        post(body(data), forged)
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:rbm-revoker:problem:bad-signature"));

        assertUntouched();
    }

    @Test
    void delivered_withASignatureOverOtherData_answers401AndChangesNothing() {
        byte[] data = delivered();
        String otherSignature = hmacSha512Base64(RevokerResource.CLIENT_TOKEN,
                userEvent("READ", newEventId(), messageId).getBytes(StandardCharsets.UTF_8));

        post(body(data), otherSignature)
                .statusCode(401)
                .body("type", equalTo("urn:rbm-revoker:problem:bad-signature"));

        assertUntouched();
    }

    @Test
    void delivered_withTheSignatureOverTheBase64TextInsteadOfTheDecodedData_answers401() {
        byte[] data = delivered();
        String overBase64 = hmacSha512Base64(RevokerResource.CLIENT_TOKEN,
                Base64.getEncoder().encodeToString(data).getBytes(StandardCharsets.US_ASCII));

        post(body(data), overBase64).statusCode(401);

        assertUntouched();
    }

    @Test
    void delivered_withoutSignatureHeader_answers401AndChangesNothing() {
        post(body(delivered()), null)
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:rbm-revoker:problem:bad-signature"));

        assertUntouched();
    }

    @Test
    void delivered_withATruncatedSignature_answers401AndChangesNothing() {
        byte[] data = delivered();
        byte[] mac = Base64.getDecoder().decode(hmacSha512Base64(RevokerResource.CLIENT_TOKEN, data));
        byte[] half = java.util.Arrays.copyOf(mac, mac.length / 2);

        post(body(data), Base64.getEncoder().encodeToString(half))
                .statusCode(401)
                .body("type", equalTo("urn:rbm-revoker:problem:bad-signature"));

        assertUntouched();
    }

    @Test
    void delivered_withASignatureThatIsNotBase64_answers401AndChangesNothing() {
        byte[] data = delivered();

        post(body(data), "%%not*base64%%")
                .statusCode(401)
                .body("type", equalTo("urn:rbm-revoker:problem:bad-signature"));

        assertUntouched();
    }

    @Test
    void delivered_withAnEmptySignature_answers401() {
        post(body(delivered()), "").statusCode(401);

        assertUntouched();
    }

    // ------------------------------------------------------------------ envelope: 400

    @Test
    void bodyThatIsNotJson_answers400MalformedEvent() {
        post("this is not json", hmacSha512Base64(RevokerResource.CLIENT_TOKEN,
                "this is not json".getBytes(StandardCharsets.UTF_8)))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:rbm-revoker:problem:malformed-event"));

        assertUntouched();
    }

    @Test
    void envelopeWithoutMessageData_answers400MalformedEvent() {
        String body = """
                {"message":{"attributes":{},"messageId":"%s"},"subscription":"s"}""".formatted(newEnvelopeId());

        post(body, hmacSha512Base64(RevokerResource.CLIENT_TOKEN, new byte[0]))
                .statusCode(400)
                .body("type", equalTo("urn:rbm-revoker:problem:malformed-event"));

        assertUntouched();
    }

    @Test
    void envelopeWhoseDataIsNotBase64_answers400MalformedEvent() {
        String data = userEvent("DELIVERED", newEventId(), messageId);
        // The event JSON put in as is, not base64-encoded: signed over its bytes all the same.
        String body = envelopeBody(newEnvelopeId(), data.replace("\"", "'"), ATTRIBUTES);

        post(body, hmacSha512Base64(RevokerResource.CLIENT_TOKEN, data.getBytes(StandardCharsets.UTF_8)))
                .statusCode(400)
                .body("type", equalTo("urn:rbm-revoker:problem:malformed-event"));

        assertUntouched();
    }

    @Test
    void malformedEnvelope_isRefusedBeforeTheSignatureIsChecked() {
        // No signature at all: the parse failure still decides the answer (API.md's order).
        post("[1,2,3]", null)
                .statusCode(400)
                .body("type", equalTo("urn:rbm-revoker:problem:malformed-event"));
    }

    // ------------------------------------------------------------------ valid

    @Test
    void delivered_signedAsGoogleDocuments_answers200AndIsApplied() {
        byte[] data = delivered();

        post(body(data), hmacSha512Base64(RevokerResource.CLIENT_TOKEN, data)).statusCode(200);

        assertEquals("DELIVERED", view(messageId).getString("state"));
    }

    private byte[] delivered() {
        return userEvent("DELIVERED", newEventId(), messageId).getBytes(StandardCharsets.UTF_8);
    }

    private static String body(byte[] data) {
        return envelopeBody(newEnvelopeId(), Base64.getEncoder().encodeToString(data), ATTRIBUTES);
    }

    private void assertUntouched() {
        assertEquals("PENDING", view(messageId).getString("state"));
        assertEquals(List.of("TRACKED"), view(messageId).getList("history.event"));
        assertEquals(0, RevokerResource.forwards().received().size(), "a refused envelope is not forwarded");
    }
}
