package dev.rbmrevoker.webhook;

import static dev.rbmrevoker.webhook.RbmWebhooks.PHONE;
import static dev.rbmrevoker.webhook.RbmWebhooks.user;
import static dev.rbmrevoker.webhook.RbmWebhooks.view;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regression for issue 12 item 5: the API lower-cased ids while the webhook looked them up as received,
 * so events for a message tracked with upper-case hex were "not tracked" and its revoke named an id RBM
 * may not know. Ids are kept exactly as given; ids differing only in case are different messages.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class MessageIdCaseTest {

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @Test
    void upperCaseTrackedId_webhookDeliveredWithThatId_applies() {
        String id = upperCaseId();
        track(id).statusCode(201).body("messageId", equalTo(id));

        user("DELIVERED", id).post().statusCode(200);

        assertEquals("DELIVERED", view(id).getString("state"));
    }

    @Test
    void upperCaseTrackedId_revokeCallsRbmWithThatExactId() {
        String id = upperCaseId();
        track(id).statusCode(201);

        given().when().post("/v1/messages/" + id + "/revoke").then().statusCode(409)
                .body("type", equalTo("urn:rbm-revoker:problem:already-delivered"));

        List<RecordedCall> revokes = RevokerResource.rbm().calls(Route.REVOKE);
        assertEquals(1, revokes.size());
        assertEquals("/v1/phones/%2B16502530001/agentMessages/" + id, revokes.get(0).rawPath());
    }

    @Test
    void upperCaseSentId_isSentToRbmAsGiven() {
        String id = upperCaseId();
        given().contentType("application/json")
                .body("""
                        {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"hi"},"ttl":"PT10M"}"""
                        .formatted(id, PHONE))
                .when().post("/v1/messages").then().statusCode(201).body("messageId", equalTo(id));

        assertEquals(List.of(id), RevokerResource.rbm().calls(Route.SEND).stream()
                .map(c -> c.query().get("messageId")).toList());
        assertEquals(id, view(id).getString("messageId"));
    }

    @Test
    void idsDifferingOnlyInCase_areDifferentMessages() {
        String upper = upperCaseId();
        String lower = upper.toLowerCase(Locale.ROOT);
        track(upper).statusCode(201);

        given().when().get("/v1/messages/" + lower).then().statusCode(404);
        track(lower).statusCode(201).body("messageId", equalTo(lower));
        user("DELIVERED", lower).post().statusCode(200);

        assertEquals("DELIVERED", view(lower).getString("state"));
        assertEquals("PENDING", view(upper).getString("state"));
    }

    private static String upperCaseId() {
        return UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
    }

    private static io.restassured.response.ValidatableResponse track(String id) {
        return given().contentType("application/json")
                .body("{\"phoneNumber\":\"%s\",\"ttl\":\"PT10M\"}".formatted(PHONE))
                .when().put("/v1/messages/" + id).then();
    }
}
