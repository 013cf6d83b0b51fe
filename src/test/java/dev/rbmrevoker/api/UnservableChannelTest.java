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

/** A fallback channel the deployment cannot serve is a 400 at request time, before RBM sees anything. */
@QuarkusTest
@TestProfile(NarrowDeploymentProfile.class)
class UnservableChannelTest {

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @Test
    void send_withSmsFallback_whenSmsIsDisabled_answers400NoFallbackChannel_andSendsNothing() {
        String id = newId();

        post("/v1/messages", Api.send(id, PHONE, "{\"sms\":{\"text\":\"hi\"}}")).then().statusCode(400)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "no-fallback-channel"));

        assertEquals(0, RevokerResource.rbm().calls(Route.SEND).size());
        Api.get(id).then().statusCode(404);
    }

    @Test
    void send_withCallbackFallback_withoutCallbackUrl_answers400NoFallbackChannel_andSendsNothing() {
        post("/v1/messages", Api.send(newId(), PHONE, "{\"callback\":{}}")).then().statusCode(400)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "no-fallback-channel"));

        assertEquals(0, RevokerResource.rbm().calls(Route.SEND).size());
    }

    @Test
    void track_withAChannelTheDeploymentCannotServe_answers400NoFallbackChannel() {
        put("/v1/messages/" + newId(), "{\"phoneNumber\":\"" + PHONE + "\",\"ttl\":\"PT10M\",\"fallback\":{\"callback\":{}}}")
                .then().statusCode(400)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "no-fallback-channel"));
    }

    @Test
    void send_withoutFallback_stillWorks() {
        post("/v1/messages", Api.send(newId(), PHONE, null)).then().statusCode(201).body("state", equalTo("PENDING"));
    }
}
