package dev.rbmrevoker.api;

import static dev.rbmrevoker.api.Api.PHONE;
import static dev.rbmrevoker.api.Api.PROBLEM;
import static dev.rbmrevoker.api.Api.PROBLEM_JSON;
import static dev.rbmrevoker.api.Api.newId;
import static dev.rbmrevoker.api.Api.post;
import static dev.rbmrevoker.api.Api.put;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.OutgoingMessage;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.SendOutcome;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The campaign routes and the campaign field, through the lambda-http event path. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class CampaignApiTest {

    @Inject
    RbmGateway rbm;

    private String campaign;

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
        campaign = "promo-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String send(String id, String label) {
        return """
                {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"20%% off"},"ttl":"PT1H",
                 "campaign":"%s","fallback":{"sms":{"text":"20%% off"}}}
                """.formatted(id, PHONE, label);
    }

    @Test
    void aRevokedCampaign_revokesItsSentMessage_refusesTheNextSend_andRevokesATrackedOneAtOnce() {
        String sent = newId();
        post("/v1/messages", send(sent, campaign)).then().statusCode(201)
                .body("campaign", equalTo(campaign)).body("state", equalTo("PENDING"));
        given().get("/v1/messages/" + sent).then().statusCode(200).body("campaign", equalTo(campaign));

        given().contentType("application/json").body("{}").post("/v1/campaigns/" + campaign + "/revoke")
                .then().statusCode(202)
                .body("campaign", equalTo(campaign))
                .body("agentId", equalTo(RevokerResource.AGENT))
                .body("revocation.state", equalTo("RUNNING"))
                .body("revocation.fallback", equalTo(false))
                .body("revocation.revoked", equalTo(1))
                .body("messages.REVOKED", equalTo(1));
        given().get("/v1/messages/" + sent).then().statusCode(200)
                .body("state", equalTo("REVOKED"))
                .body("fallback.reason", equalTo("CAMPAIGN_REVOKED"))
                .body("fallback.state", equalTo("NONE"))
                .body("history.source", hasItem("campaign"));

        String refused = newId();
        post("/v1/messages", send(refused, campaign)).then().statusCode(409).contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "campaign-revoked"))
                .body("message.state", equalTo("REVOKED"));
        assertEquals(1, RevokerResource.rbm().calls(Route.SEND).size(), "a send into the revoked campaign reached RBM");

        // The agent sent this one itself: RBM holds it.
        String tracked = newId();
        assertInstanceOf(SendOutcome.Accepted.class, rbm.send(new OutgoingMessage(RevokerResource.AGENT, PHONE, tracked,
                "{\"contentMessage\":{\"text\":\"20% off\"}}", null), Duration.ofSeconds(10)));
        put("/v1/messages/" + tracked, "{\"phoneNumber\":\"" + PHONE + "\",\"ttl\":\"PT1H\",\"campaign\":\""
                + campaign + "\"}").then().statusCode(201)
                .body("campaign", equalTo(campaign))
                .body("state", equalTo("REVOKED"))
                .body("fallback.reason", equalTo("CAMPAIGN_REVOKED"));
        assertEquals(2, RevokerResource.rbm().calls(Route.REVOKE).size(), "RBM revokes: the sent one, the tracked one");

        given().get("/v1/campaigns/" + campaign).then().statusCode(200)
                .body("revocation.state", equalTo("RUNNING"))
                .body("messages.REVOKED", equalTo(3))
                .body("total", equalTo(3))
                .body("partial", equalTo(false));
    }

    @Test
    void aRepeatedRevoke_answers200WithTheSameRevocation_andTheOtherFallbackChoiceIs409() {
        post("/v1/messages", send(newId(), campaign)).then().statusCode(201);
        String startedAt = given().post("/v1/campaigns/" + campaign + "/revoke").then().statusCode(202)
                .extract().path("revocation.startedAt");

        given().post("/v1/campaigns/" + campaign + "/revoke").then().statusCode(200)
                .body("revocation.startedAt", equalTo(startedAt));
        given().contentType("application/json").body("{\"fallback\":true}")
                .post("/v1/campaigns/" + campaign + "/revoke").then().statusCode(409)
                .body("type", equalTo(PROBLEM + "conflict"));
        assertEquals(1, RevokerResource.rbm().calls(Route.REVOKE).size(), "a repeat called RBM again");
    }

    @Test
    void badInput_is400_neverA5xx() {
        post("/v1/messages", send(newId(), "no spaces allowed")).then().statusCode(400)
                .body("errors.field", hasItem("campaign"));
        post("/v1/messages", send(newId(), "x".repeat(65))).then().statusCode(400)
                .body("errors.field", hasItem("campaign"));
        given().post("/v1/campaigns/" + "x".repeat(65) + "/revoke").then().statusCode(400)
                .contentType(PROBLEM_JSON).body("errors.field", hasItem("campaign"));
        given().contentType("application/json").body("{\"fallback\":\"yes\"}")
                .post("/v1/campaigns/" + campaign + "/revoke").then().statusCode(400);
        given().contentType("application/json").body("{\"fallbak\":true}")
                .post("/v1/campaigns/" + campaign + "/revoke").then().statusCode(400);
        given().queryParam("agentId", " ").get("/v1/campaigns/" + campaign).then().statusCode(400)
                .body("errors.field", hasItem("agentId"));
    }

    @Test
    void anUnknownCampaign_is404_andCampaignsArePerAgent() {
        given().get("/v1/campaigns/" + campaign).then().statusCode(404).contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "not-found"));
        post("/v1/messages", send(newId(), campaign)).then().statusCode(201);
        given().get("/v1/campaigns/" + campaign).then().statusCode(200)
                .body("revocation", nullValue())
                .body("messages.PENDING", equalTo(1));
        given().queryParam("agentId", "another-agent").get("/v1/campaigns/" + campaign).then().statusCode(404);
    }
}
