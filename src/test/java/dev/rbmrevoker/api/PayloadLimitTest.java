package dev.rbmrevoker.api;

import static dev.rbmrevoker.api.Api.PHONE;
import static dev.rbmrevoker.api.Api.PROBLEM;
import static dev.rbmrevoker.api.Api.PROBLEM_JSON;
import static dev.rbmrevoker.api.Api.newId;
import static dev.rbmrevoker.api.Api.post;
import static dev.rbmrevoker.api.Api.put;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bodies over 256 KiB reach the function (as in Lambda, where API Gateway lets them through) and get 413. */
@QuarkusTest
@TestProfile(NarrowDeploymentProfile.class)
class PayloadLimitTest {

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @Test
    void send_bodyOver256KiB_answers413PayloadTooLarge_andSendsNothing() {
        String text = "x".repeat(256 * 1024);
        post("/v1/messages", "{\"phoneNumber\":\"" + PHONE + "\",\"ttl\":\"PT10M\",\"contentMessage\":{\"text\":\""
                + text + "\"}}")
                .then().statusCode(413)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "payload-too-large"))
                .body("status", equalTo(413));

        assertEquals(0, RevokerResource.rbm().calls(Route.SEND).size());
    }

    @Test
    void trackAndRevoke_bodyOver256KiB_answer413PayloadTooLarge() {
        String big = "x".repeat(300 * 1024);
        put("/v1/messages/" + newId(), "{\"phoneNumber\":\"" + PHONE + "\",\"ttl\":\"PT10M\",\"agentId\":\"" + big + "\"}")
                .then().statusCode(413).contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "payload-too-large"));
        Api.revoke(newId(), "{\"agentId\":\"" + big + "\"}")
                .then().statusCode(413).contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "payload-too-large"));
    }
}
