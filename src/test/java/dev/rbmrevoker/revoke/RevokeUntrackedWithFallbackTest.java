package dev.rbmrevoker.revoke;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Found by EndpointFuzzTest (seed 5830366335138): a revoke of a message not tracked yet, asking for a
 * fallback it cannot have, is refused with 400 no-fallback-channel, but only after RevokeService
 * tracked the message (PENDING, due now): the rejected request leaves a message the sweep will revoke.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class RevokeUntrackedWithFallbackTest {

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @Test
    void revoke_ofAnUntrackedMessage_askingForAFallback_isRefused_andTracksNothing() {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json").body("{\"fallback\":true,\"phoneNumber\":\"+16502530001\"}")
                .post("/v1/messages/" + id + "/revoke")
                .then().statusCode(400).body("type", equalTo("urn:rbm-revoker:problem:no-fallback-channel"));

        given().get("/v1/messages/" + id).then().statusCode(404);
    }
}
