package dev.rbmrevoker.revoke;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.webhook.RbmWebhooks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 6: what RBM's 404 on a revoke means. A 404 is a delivery unless something of ours or
 * RBM's may have removed the message: an earlier attempt that got no answer (not one RBM answered, even
 * with a 5xx), or RBM's own expiry (ours, or the one the agent gave RBM itself, {@code rbmExpireTime}),
 * unless RBM reported that expiry failed. An ambiguous 404 falls back (FALLBACK_ON_AMBIGUOUS).
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class RevokeAnswerReadingTest {

    private static final String SMS = "{\"sms\":{\"text\":\"code 1234\"}}";

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @Test
    void a404_afterAnAttemptRbmAnsweredWith5xx_isADelivery() {
        String id = sent();
        RevokerResource.rbm().inject(Route.REVOKE, Fault.status(503), 50);
        revoke(id).then().statusCode(503);
        RevokerResource.rbm().clearFaults();
        assertTrue(RevokerResource.rbm().deliver(id));

        revoke(id).then().statusCode(409).body("type", equalTo("urn:rbm-revoker:problem:already-delivered"));

        assertEquals("DELIVERED", state(id));
        assertEquals(0, RevokerResource.sns().publishes().size(), "no SMS to a user who got the message");
    }

    @Test
    void a404_afterAnUnansweredAttempt_isAmbiguous_andFallsBack() {
        String id = sent();
        RevokerResource.rbm().inject(Route.REVOKE, Fault.drop(), 50);
        revoke(id).then().statusCode(503);
        RevokerResource.rbm().clearFaults();
        assertTrue(RevokerResource.rbm().deliver(id));

        revoke(id).then().statusCode(200).body("fallback.reason", equalTo("REVOKED_ON_REQUEST"));

        assertEquals(1, RevokerResource.sns().publishes().size());
    }

    @Test
    void a404_afterTheExpiryTheAgentGaveRbm_isAmbiguous_andFallsBack() {
        String id = tracked(",\"rbmExpireTime\":\"" + Instant.now().minusSeconds(1) + "\"");

        revoke(id).then().statusCode(200).body("fallback.reason", equalTo("REVOKED_ON_REQUEST"));

        assertEquals(1, RevokerResource.sns().publishes().size());
    }

    @Test
    void a404_beforeTheExpiryTheAgentGaveRbm_isADelivery() {
        String id = tracked(",\"rbmExpireTime\":\"" + Instant.now().plusSeconds(300) + "\"");

        revoke(id).then().statusCode(409);

        assertEquals("DELIVERED", state(id));
    }

    @Test
    void a404_afterRbmReportedItsExpiryFailed_isADelivery() {
        String id = tracked(",\"rbmExpireTime\":\"" + Instant.now().minusSeconds(1) + "\"");
        RbmWebhooks.server("TTL_EXPIRATION_REVOKE_FAILED", id).post().statusCode(200);

        revoke(id).then().statusCode(409).body("type", equalTo("urn:rbm-revoker:problem:already-delivered"));

        assertEquals("DELIVERED", state(id));
        assertEquals(0, RevokerResource.sns().publishes().size());
    }

    private static String sent() {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json").body("""
                {"messageId":"%s","phoneNumber":"+16502530001","contentMessage":{"text":"code 1234"},
                 "ttl":"PT10M","fallback":%s}""".formatted(id, SMS))
                .post("/v1/messages").then().statusCode(201);
        return id;
    }

    /** A message the agent sent itself (RBM's test server never had it, so it answers a revoke with 404). */
    private static String tracked(String extra) {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json").body("""
                {"phoneNumber":"+16502530001","ttl":"PT10M","fallback":%s%s}""".formatted(SMS, extra))
                .put("/v1/messages/" + id).then().statusCode(201);
        return id;
    }

    private static io.restassured.response.Response revoke(String id) {
        return given().post("/v1/messages/" + id + "/revoke");
    }

    private static String state(String id) {
        return given().get("/v1/messages/" + id).then().statusCode(200).extract().path("state");
    }
}
