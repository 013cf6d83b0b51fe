package dev.rbmrevoker.api;

import static dev.rbmrevoker.api.Api.PHONE;
import static dev.rbmrevoker.api.Api.PROBLEM;
import static dev.rbmrevoker.api.Api.PROBLEM_JSON;
import static dev.rbmrevoker.api.Api.newId;
import static dev.rbmrevoker.api.Api.put;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PUT /v1/messages/{id} (track) and GET /v1/messages/{id}. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class TrackAndGetTest {

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    private static String track(Instant deadline, String fallback) {
        return "{\"phoneNumber\":\"" + PHONE + "\",\"deadline\":\"" + deadline + "\""
                + (fallback == null ? "" : ",\"fallback\":" + fallback) + "}";
    }

    @Test
    void track_new_answers201Pending_withoutCallingRbm() {
        String id = newId();
        Instant deadline = Api.inMinutes(10).truncatedTo(ChronoUnit.SECONDS);

        put("/v1/messages/" + id, track(deadline, Api.bothChannels())).then().statusCode(201)
                .contentType("application/json")
                .body("messageId", equalTo(id))
                .body("agentId", equalTo(RevokerResource.AGENT))
                .body("state", equalTo("PENDING"))
                .body("fallback.state", equalTo("WAITING"))
                .body("fallback.sms.text", equalTo("Your code is 1234"))
                .body("history[0].event", equalTo("TRACKED"))
                .body("history[0].source", equalTo("api"));

        assertEquals(0, RevokerResource.rbm().calls(Route.SEND).size());
    }

    @Test
    void track_sameAgain_answers200WithTheStoredMessage() {
        String id = newId();
        String body = track(Api.inMinutes(10), null);
        String createdAt = put("/v1/messages/" + id, body).then().statusCode(201).extract().path("createdAt");

        put("/v1/messages/" + id, body).then().statusCode(200)
                .body("createdAt", equalTo(createdAt))
                .body("history", hasSize(1));
    }

    @Test
    void track_sameIdOtherBody_answers409Conflict() {
        String id = newId();
        put("/v1/messages/" + id, track(Api.inMinutes(10), null)).then().statusCode(201);

        put("/v1/messages/" + id, track(Api.inMinutes(20), null)).then().statusCode(409)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "conflict"));
    }

    @Test
    void track_anIdAlreadySentThroughUs_answers409Conflict() {
        String id = newId();
        Api.post("/v1/messages", Api.send(id, PHONE, null)).then().statusCode(201);

        put("/v1/messages/" + id, track(Api.inMinutes(10), null)).then().statusCode(409)
                .body("type", equalTo(PROBLEM + "conflict"));
    }

    @Test
    void get_answers200WithTheMessageResource() {
        String id = newId();
        Instant deadline = Api.inMinutes(10).truncatedTo(ChronoUnit.SECONDS);
        put("/v1/messages/" + id, track(deadline, "{\"callback\":{}}")).then().statusCode(201);

        Api.get(id).then().statusCode(200)
                .contentType("application/json")
                .body("messageId", equalTo(id))
                .body("agentId", equalTo(RevokerResource.AGENT))
                .body("phoneNumber", equalTo(PHONE))
                .body("state", equalTo("PENDING"))
                .body("deadline", equalTo(deadline.toString()))
                .body("createdAt", notNullValue())
                .body("updatedAt", notNullValue())
                .body("deliveredAt", nullValue())
                .body("readAt", nullValue())
                .body("revokedAt", nullValue())
                .body("fallback.callback", notNullValue())
                .body("fallback.state", equalTo("WAITING"))
                .body("fallback.reason", nullValue())
                .body("fallback.sentAt", nullValue())
                .body("history", hasSize(1))
                .body("history[0].at", notNullValue());
    }

    @Test
    void get_unknown_answers404NotFound() {
        Api.get(newId()).then().statusCode(404)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "not-found"));
    }
}
