package dev.rbmrevoker.api;

import static dev.rbmrevoker.api.Api.PHONE;
import static dev.rbmrevoker.api.Api.PROBLEM;
import static dev.rbmrevoker.api.Api.PROBLEM_JSON;
import static dev.rbmrevoker.api.Api.newId;
import static dev.rbmrevoker.api.Api.post;
import static dev.rbmrevoker.api.Api.send;
import static dev.rbmrevoker.api.Api.state;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.testing.HttpRecorder;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /v1/messages, every answer of API.md's row. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class SendMessageTest {

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    private static List<RecordedCall> sendsOf(String id) {
        return RevokerResource.rbm().calls(Route.SEND).stream()
                .filter(c -> id.equals(c.query().get("messageId"))).toList();
    }

    private static long messagesAtRbm(String id) {
        return RevokerResource.rbm().messages().stream().filter(m -> m.messageId().equals(id)).count();
    }

    @Test
    void send_answers201Pending_andGivesRbmTheDeadlineAsExpireTime_whenItIsFarEnough() {
        String id = newId();
        Instant deadline = Api.inMinutes(10).truncatedTo(ChronoUnit.SECONDS);
        String body = """
                {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"hi"},"deadline":"%s",
                 "messageTrafficType":"TRANSACTION"}
                """.formatted(id, PHONE, deadline);

        post("/v1/messages", body).then().statusCode(201)
                .contentType("application/json")
                .body("messageId", equalTo(id))
                .body("agentId", equalTo(RevokerResource.AGENT))
                .body("phoneNumber", equalTo(PHONE))
                .body("state", equalTo("PENDING"))
                .body("fallback.state", equalTo("NONE"))
                .body("history.event", hasItem("SENT"));

        Api.get(id).then().body("deadline", equalTo(deadline.toString()));
        List<RecordedCall> calls = sendsOf(id);
        assertEquals(1, calls.size());
        RecordedCall call = calls.get(0);
        assertEquals(PHONE, call.phoneNumber());
        assertEquals(RevokerResource.AGENT, call.query().get("agentId"));
        JsonNode sent = Api.json(call.body());
        assertEquals(deadline, Instant.parse(sent.path("expireTime").asText()));
        assertFalse(sent.has("ttl"));
        assertEquals("hi", sent.path("contentMessage").path("text").asText());
        assertEquals("TRANSACTION", sent.path("messageTrafficType").asText());
    }

    @Test
    void send_givesRbmNoExpireTime_whenTheDeadlineIsLessThanTenSecondsAway() {
        String id = newId();
        String body = """
                {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"hi"},"deadline":"%s"}
                """.formatted(id, PHONE, Instant.now().plusSeconds(9));

        post("/v1/messages", body).then().statusCode(201).body("state", equalTo("PENDING"));

        JsonNode sent = Api.json(sendsOf(id).get(0).body());
        assertFalse(sent.has("expireTime"), sent.toString());
        assertFalse(sent.has("ttl"), sent.toString());
    }

    @Test
    void send_withTtl_setsTheDeadlineThatFarAhead() {
        String id = newId();
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String body = """
                {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"hi"},"ttl":"PT10M"}
                """.formatted(id, PHONE);

        String deadline = post("/v1/messages", body).then().statusCode(201)
                .body("state", equalTo("PENDING")).extract().path("deadline");

        Instant at = Instant.parse(deadline);
        assertTrue(!at.isBefore(before.plusSeconds(600)) && !at.isAfter(Instant.now().plusSeconds(600)), deadline);
        Instant expireTime = Instant.parse(Api.json(sendsOf(id).get(0).body()).path("expireTime").asText());
        assertEquals(at, expireTime.truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void send_withoutMessageId_makesAUuid_andUsesItAtRbm() {
        String body = """
                {"phoneNumber":"%s","contentMessage":{"text":"hi"},"ttl":"PT5M"}
                """.formatted(PHONE);

        String id = post("/v1/messages", body).then().statusCode(201)
                .body("messageId", matchesPattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"))
                .extract().path("messageId");

        assertEquals(1, sendsOf(id).size());
        Api.get(id).then().statusCode(200).body("state", equalTo("PENDING"));
    }

    @Test
    void send_repeatedWithTheSameBody_answers200WithTheStoredMessage_andCallsRbmOnce() {
        String id = newId();
        String body = send(id, PHONE, null);
        String createdAt = post("/v1/messages", body).then().statusCode(201).extract().path("createdAt");

        post("/v1/messages", body).then().statusCode(200)
                .body("messageId", equalTo(id))
                .body("state", equalTo("PENDING"))
                .body("createdAt", equalTo(createdAt));

        assertEquals(1, sendsOf(id).size());
    }

    @Test
    void send_sameIdWithAnotherBody_answers409Conflict_andLeavesTheMessageAlone() {
        String id = newId();
        post("/v1/messages", send(id, PHONE, null)).then().statusCode(201);

        post("/v1/messages", send(id, "+16502530002", null)).then().statusCode(409)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "conflict"))
                .body("status", equalTo(409));

        Api.get(id).then().body("phoneNumber", equalTo(PHONE));
        assertEquals(1, sendsOf(id).size());
    }

    @Test
    void send_toAUserRcsCannotReach_answers201Undeliverable_andFallsBackToEachChannelOnce() throws Exception {
        String id = newId();
        String phone = "+16502530003";
        RevokerResource.rbm().setUnreachable(phone);

        post("/v1/messages", send(id, phone, Api.bothChannels())).then().statusCode(201)
                .body("state", equalTo("FALLEN_BACK"))
                .body("fallback.reason", equalTo("UNDELIVERABLE"))
                .body("fallback.state", equalTo("SENT"))
                .body("fallback.sentAt", notNullValue())
                .body("history.event", hasItem("UNDELIVERABLE"));

        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(phone, RevokerResource.sns().publishes().get(0).phoneNumber());
        assertEquals("Your code is 1234", RevokerResource.sns().publishes().get(0).message());
        List<HttpRecorder.Received> callbacks = RevokerResource.callbacks().received();
        assertEquals(1, callbacks.size());
        HttpRecorder.Received callback = callbacks.get(0);
        JsonNode payload = Api.json(callback.text());
        assertEquals(id, payload.path("messageId").asText());
        assertEquals(RevokerResource.AGENT, payload.path("agentId").asText());
        assertEquals(phone, payload.path("phoneNumber").asText());
        assertEquals("UNDELIVERABLE", payload.path("reason").asText());
        assertTrue(payload.has("revokedAt"));
        assertEquals("Your code is 1234", payload.path("fallback").path("sms").path("text").asText());
        assertTrue(payload.path("fallback").path("callback").isObject());
        String timestamp = callback.header("X-Rbm-Revoker-Timestamp");
        assertNotNull(timestamp);
        assertEquals(Api.hmac(RevokerResource.CALLBACK_SECRET, timestamp, callback.body()),
                callback.header("X-Rbm-Revoker-Signature"));

        // A repeat neither sends again nor falls back again.
        post("/v1/messages", send(id, phone, Api.bothChannels()));
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }

    @Test
    void send_toAUserRcsCannotReach_withoutFallback_staysUndeliverable() {
        String id = newId();
        String phone = "+16502530004";
        RevokerResource.rbm().setUnreachable(phone);

        post("/v1/messages", send(id, phone, null)).then().statusCode(201).body("state", equalTo("UNDELIVERABLE"));
    }

    @Test
    void send_rbm400_answers422RbmRejected_andRecordsRejected() {
        String id = newId();
        RevokerResource.rbm().inject(Route.SEND, Fault.status(400));

        post("/v1/messages", send(id, PHONE, null)).then().statusCode(422)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "rbm-rejected"))
                .body("status", equalTo(422));

        assertEquals("REJECTED", state(id));
        assertEquals(1, sendsOf(id).size());
    }

    @Test
    void send_rbm403_answers422RbmRejected_andRecordsRejected() {
        String id = newId();
        RevokerResource.rbm().inject(Route.SEND, Fault.status(403));

        post("/v1/messages", send(id, PHONE, null)).then().statusCode(422)
                .body("type", equalTo(PROBLEM + "rbm-rejected"));

        assertEquals("REJECTED", state(id));
    }

    @Test
    void send_rbm503Storm_answers503WithRetryAfter_staysSending_andARepeatFinishesIt() {
        String id = newId();
        String body = send(id, PHONE, null);
        RevokerResource.rbm().inject(Route.SEND, Fault.status(503), 50);

        post("/v1/messages", body).then().statusCode(503)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "rbm-unavailable"))
                .header("Retry-After", matchesPattern("[1-9][0-9]*"));
        assertEquals("SENDING", state(id));
        assertEquals(0, messagesAtRbm(id));

        RevokerResource.rbm().clearFaults();
        int status = post("/v1/messages", body).then().body("state", equalTo("PENDING")).extract().statusCode();

        assertTrue(status == 201 || status == 200, "status " + status);
        assertEquals(1, messagesAtRbm(id));
        assertEquals("PENDING", state(id));
    }

    @Test
    void send_whoseAnswersRbmLost_answers503_andARepeatLeavesOneMessageAtRbm() {
        String id = newId();
        String body = send(id, PHONE, null);
        RevokerResource.rbm().inject(Route.SEND, Fault.lostAnswer(), 50);

        post("/v1/messages", body).then().statusCode(503)
                .body("type", equalTo(PROBLEM + "rbm-unavailable"))
                .header("Retry-After", notNullValue());
        assertEquals(1, messagesAtRbm(id), "RBM processed the send even though its answer was lost");

        RevokerResource.rbm().clearFaults();
        post("/v1/messages", body).then().body("state", equalTo("PENDING"));

        assertEquals(1, messagesAtRbm(id));
        assertEquals("PENDING", state(id));
    }

    @Test
    void send_withAnAgentId_sendsAsThatAgent() {
        String id = newId();
        String body = """
                {"messageId":"%s","phoneNumber":"%s","agentId":"other-agent","contentMessage":{"text":"hi"},"ttl":"PT10M"}
                """.formatted(id, PHONE);

        post("/v1/messages", body).then().statusCode(201).body("agentId", equalTo("other-agent"));

        assertEquals("other-agent", sendsOf(id).get(0).query().get("agentId"));
    }

    @Test
    void send_upperCaseMessageId_isKeptAsGiven() {
        String id = newId().toUpperCase(java.util.Locale.ROOT);
        post("/v1/messages", send(id, PHONE, null)).then().statusCode(201)
                .body("messageId", equalTo(id));

        Api.get(id).then().statusCode(200);
        assertEquals(1, sendsOf(id).size());
    }

    @Test
    void send_rbmTooManyRequestsWithALongRetryAfter_answers503WithThatRetryAfter() {
        String id = newId();
        RevokerResource.rbm().inject(Route.SEND, Fault.tooManyRequests(java.time.Duration.ofSeconds(30)));

        post("/v1/messages", send(id, PHONE, null)).then().statusCode(503)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "rbm-unavailable"))
                .header("Retry-After", equalTo("30"));

        assertEquals("SENDING", state(id));
    }

    @Test
    void get_idInAnotherCase_isAnotherMessage() {
        String id = newId();
        post("/v1/messages", send(id, PHONE, null)).then().statusCode(201);

        Api.get(id.toUpperCase(java.util.Locale.ROOT)).then().statusCode(404);
    }

    @Test
    void send_repeatedWithKeysReorderedAndTheDefaultAgentSpelledOut_isTheSameRequest() {
        String id = newId();
        Instant deadline = Api.inMinutes(10);
        post("/v1/messages", """
                {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"hi","suggestions":[]},"deadline":"%s"}
                """.formatted(id, PHONE, deadline)).then().statusCode(201);

        post("/v1/messages", """
                {  "deadline" : "%s", "agentId":"%s", "contentMessage":{"suggestions":[],"text":"hi"},
                   "phoneNumber":"%s", "messageId":"%s" }
                """.formatted(deadline, RevokerResource.AGENT, PHONE, id)).then().statusCode(200);

        assertEquals(1, sendsOf(id).size());
    }

    @Test
    void send_repeatedWithTheSameTtlLater_isTheSameRequest() {
        String id = newId();
        String body = """
                {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"hi"},"ttl":"PT10M"}
                """.formatted(id, PHONE);
        String deadline = post("/v1/messages", body).then().statusCode(201).extract().path("deadline");

        post("/v1/messages", body).then().statusCode(200).body("deadline", equalTo(deadline));

        assertEquals(1, sendsOf(id).size());
    }

    @Test
    void send_withATtlOfExactly15Days_isAccepted() {
        String id = newId();
        post("/v1/messages", """
                {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"hi"},"ttl":"P15D"}
                """.formatted(id, PHONE)).then().statusCode(201).body("state", equalTo("PENDING"));
    }
}
