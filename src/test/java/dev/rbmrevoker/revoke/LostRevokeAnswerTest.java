package dev.rbmrevoker.revoke;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.local.rbm.StoredMessage;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Found by the chaos test (RBM test server REVOKED, our message DELIVERED): a revoke whose every
 * answer was lost is given back (PENDING, REVOKE_RETRY "RBM unavailable"), and the next revoke's 404
 * is read as a delivery, although it was our own lost revoke that removed the message. The user gets
 * neither the RCS message nor the fallback.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class LostRevokeAnswerTest {

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @Test
    void revoke_after_aRevokeWhoseAnswersWereLost_fallsBack_ratherThanCallingItDelivered() {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json").body("""
                {"messageId":"%s","phoneNumber":"+16502530001","contentMessage":{"text":"code 1234"},
                 "deadline":"%s","fallback":{"sms":{"text":"code 1234"}}}
                """.formatted(id, Instant.now().plusSeconds(600)))
                .post("/v1/messages").then().statusCode(201);
        // Every attempt of the first revoke reaches RBM (the first one removes the message), no answer comes back.
        RevokerResource.rbm().inject(Route.REVOKE, Fault.lostAnswer(), 10);
        given().post("/v1/messages/" + id + "/revoke").then().statusCode(503);
        assertEquals(StoredMessage.State.REVOKED, RevokerResource.rbm().message(id).orElseThrow().state());
        RevokerResource.rbm().clearFaults();

        given().post("/v1/messages/" + id + "/revoke")
                .then().statusCode(200).body("state", equalTo("FALLEN_BACK"));
        assertEquals(1, RevokerResource.sns().publishes().size());
    }
}
