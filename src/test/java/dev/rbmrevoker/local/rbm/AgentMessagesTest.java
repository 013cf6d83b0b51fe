package dev.rbmrevoker.local.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class AgentMessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PHONE = "+16502530001";
    private static final String ENCODED = "%2B16502530001";
    private static final String BODY = "{\"contentMessage\":{\"text\":\"Your code is 1234\"},\"messageTrafficType\":\"TRANSACTION\"}";

    private static RbmTestServer server;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        server = RbmTestServer.start();
        token = Http.token(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        server.reset();
    }

    @Test
    void send_storesMessage_andAnswersAgentMessage() throws Exception {
        HttpResponse<String> answer = Http.send(server, token, ENCODED, "?messageId=m1&agentId=agent-a", BODY);
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode message = JSON.readTree(answer.body());
        assertEquals("phones/" + PHONE + "/agentMessages/m1", message.get("name").asText());
        assertEquals("Your code is 1234", message.at("/contentMessage/text").asText());
        assertTrue(message.has("sendTime"));
        StoredMessage stored = server.message("m1").orElseThrow();
        assertEquals(PHONE, stored.phoneNumber());
        assertEquals("agent-a", stored.agentId());
        assertEquals(StoredMessage.State.QUEUED, stored.state());
    }

    @Test
    void send_acceptsLiteralPlusInPath() throws Exception {
        assertEquals(200, Http.send(server, token, PHONE, "?messageId=m1&agentId=a", BODY).statusCode());
        assertEquals(PHONE, server.message("m1").orElseThrow().phoneNumber());
    }

    @Test
    void send_recordsTheCallAsItArrived() throws Exception {
        Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", BODY);
        RecordedCall call = server.calls(Route.SEND).get(0);
        assertEquals("POST", call.method());
        assertEquals("/v1/phones/%2B16502530001/agentMessages", call.rawPath());
        assertEquals(PHONE, call.phoneNumber());
        assertEquals("m1", call.query().get("messageId"));
        assertEquals("a", call.query().get("agentId"));
        assertEquals("Bearer " + token, call.header("authorization"));
        assertEquals(BODY, call.body());
        assertEquals(200, call.status());
    }

    @Test
    void send_repeatedMessageId_isIgnored() throws Exception {
        assertEquals(200, Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", BODY).statusCode());
        HttpResponse<String> again = Http.send(server, token, ENCODED, "?messageId=m1&agentId=a",
                "{\"contentMessage\":{\"text\":\"other\"}}");
        assertEquals(200, again.statusCode());
        assertEquals(1, server.messages().size());
        assertEquals("Your code is 1234", JSON.readTree(again.body()).at("/contentMessage/text").asText());
    }

    @Test
    void send_withoutToken_is401() throws Exception {
        HttpResponse<String> answer = Http.send(server, null, ENCODED, "?messageId=m1&agentId=a", BODY);
        assertEquals(401, answer.statusCode());
        JsonNode error = JSON.readTree(answer.body()).get("error");
        assertEquals(401, error.get("code").asInt());
        assertEquals("UNAUTHENTICATED", error.get("status").asText());
        assertTrue(server.messages().isEmpty());
    }

    @Test
    void send_withUnknownToken_is401() throws Exception {
        assertEquals(401, Http.send(server, "ya29.made-up", ENCODED, "?messageId=m1&agentId=a", BODY).statusCode());
    }

    @Test
    void send_withoutAgentId_is403() throws Exception {
        HttpResponse<String> answer = Http.send(server, token, ENCODED, "?messageId=m1", BODY);
        assertEquals(403, answer.statusCode());
        assertEquals("PERMISSION_DENIED", JSON.readTree(answer.body()).at("/error/status").asText());
    }

    @Test
    void send_toUnreachableNumber_is404() throws Exception {
        server.setUnreachable(PHONE);
        HttpResponse<String> answer = Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", BODY);
        assertEquals(404, answer.statusCode());
        assertEquals("NOT_FOUND", JSON.readTree(answer.body()).at("/error/status").asText());
        assertTrue(server.messages().isEmpty());
    }

    @Test
    void send_withTtlAndExpireTime_is400() throws Exception {
        String body = "{\"contentMessage\":{\"text\":\"x\"},\"ttl\":\"600s\",\"expireTime\":\""
                + Instant.now().plusSeconds(600) + "\"}";
        HttpResponse<String> answer = Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", body);
        assertEquals(400, answer.statusCode());
        assertEquals("INVALID_ARGUMENT", JSON.readTree(answer.body()).at("/error/status").asText());
        assertTrue(server.messages().isEmpty());
    }

    @Test
    void send_withoutContentMessage_is400() throws Exception {
        assertEquals(400, Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", "{\"text\":\"x\"}").statusCode());
        assertEquals(400, Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", "{}").statusCode());
        assertEquals(400, Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", "not json").statusCode());
    }

    @Test
    void send_withoutMessageId_is400() throws Exception {
        assertEquals(400, Http.send(server, token, ENCODED, "?agentId=a", BODY).statusCode());
    }

    @Test
    void send_withMangledNumber_is400() throws Exception {
        // A "+" sent raw in a query-style encoding ends up as a space: RBM refuses it.
        assertEquals(400, Http.send(server, token, "%2016502530001", "?messageId=m1&agentId=a", BODY).statusCode());
    }

    @Test
    void revoke_queuedMessage_is200_andRemovesIt() throws Exception {
        Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", BODY);
        HttpResponse<String> answer = Http.revoke(server, token, ENCODED, "m1", "?agentId=a");
        assertEquals(200, answer.statusCode());
        assertEquals("{}", answer.body());
        assertEquals(StoredMessage.State.REVOKED, server.message("m1").orElseThrow().state());
        assertEquals(404, Http.revoke(server, token, ENCODED, "m1", "?agentId=a").statusCode());
    }

    @Test
    void revoke_deliveredMessage_is404() throws Exception {
        Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", BODY);
        assertTrue(server.deliver("m1"));
        assertEquals(404, Http.revoke(server, token, ENCODED, "m1", "?agentId=a").statusCode());
    }

    @Test
    void revoke_unknownMessage_is404() throws Exception {
        assertEquals(404, Http.revoke(server, token, ENCODED, "nope", "?agentId=a").statusCode());
    }

    @Test
    void revoke_withoutAgentId_is403_andKeepsTheMessage() throws Exception {
        Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", BODY);
        assertEquals(403, Http.revoke(server, token, ENCODED, "m1", "").statusCode());
        assertEquals(StoredMessage.State.QUEUED, server.message("m1").orElseThrow().state());
    }

    @Test
    void revoke_ofAnotherAgent_is404() throws Exception {
        Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", BODY);
        assertEquals(404, Http.revoke(server, token, ENCODED, "m1", "?agentId=b").statusCode());
    }

    @Test
    void revoke_withoutToken_is401() throws Exception {
        Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", BODY);
        assertEquals(401, Http.revoke(server, null, ENCODED, "m1", "?agentId=a").statusCode());
        assertEquals(StoredMessage.State.QUEUED, server.message("m1").orElseThrow().state());
    }

    @Test
    void reset_forgetsMessagesAndCalls_butTokensStayValid() throws Exception {
        Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", BODY);
        server.reset();
        assertTrue(server.messages().isEmpty());
        assertTrue(server.calls().isEmpty());
        assertEquals(200, Http.send(server, token, ENCODED, "?messageId=m1&agentId=a", BODY).statusCode());
    }
}
