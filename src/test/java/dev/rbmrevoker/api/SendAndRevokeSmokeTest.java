package dev.rbmrevoker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.testing.HandOvers;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class SendAndRevokeSmokeTest {

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @Test
    void send_thenRevoke_fallsBackToSmsAndCallbackOnce() throws Exception {
        String id = UUID.randomUUID().toString();
        String body = """
                {"messageId":"%s","phoneNumber":"+16502530001","contentMessage":{"text":"Your code is 1234"},
                 "deadline":"%s","fallback":{"sms":{"text":"Your code is 1234"},"callback":{}}}
                """.formatted(id, Instant.now().plusSeconds(600));

        given().contentType("application/json").body(body)
                .when().post("/v1/messages")
                .then().statusCode(201).body("state", equalTo("PENDING"));
        assertEquals(1, RevokerResource.rbm().calls(Route.SEND).size());

        given().when().post("/v1/messages/" + id + "/revoke")
                .then().statusCode(200).body("state", equalTo("REVOKED"))
                .body("fallback.state", equalTo("WAITING"))
                .body("fallback.reason", equalTo("REVOKED_ON_REQUEST"));
        // RBM's 200 is not proof: the fallback goes once the confirm window has passed (the sweep's job).
        assertEquals(MessageState.FALLEN_BACK, HandOvers.now(id).state());

        assertEquals(1, RevokerResource.rbm().calls(Route.REVOKE).size());
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }
}
