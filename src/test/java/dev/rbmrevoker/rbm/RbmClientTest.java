package dev.rbmrevoker.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.rbmrevoker.local.rbm.RbmTestServer;
import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.local.rbm.StoredMessage;
import dev.rbmrevoker.message.OutgoingMessage;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.RevokeOutcome;
import dev.rbmrevoker.message.SendOutcome;
import io.quarkus.test.junit.QuarkusTest;

/** Sends, revokes, status translation and tokens against the RBM test server, with the real google-auth. */
@QuarkusTest
class RbmClientTest {

    static final String PHONE = "+16502530001";
    static final String AGENT = "agent-a";
    static final Duration BUDGET = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RbmTestServer server;
    private RbmClient client;

    @Inject
    RbmGateway gateway;

    @BeforeAll
    static void start() {
        server = RbmTestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() throws InterruptedException {
        server.awaitIdle(Duration.ofSeconds(5));
        server.reset();
        // Fresh credentials each test: some tests expire every token the server granted.
        client = newClient();
    }

    private static RbmClient newClient() {
        return new RbmClient(TestRbmConfig.forServer(server), RbmCredentials.fromJson(server.serviceAccountJson()));
    }

    @Test
    void send_encodesPlusAsPercent2B_andPutsMessageIdAndAgentIdInQuery() {
        String id = id();
        assertInstanceOf(SendOutcome.Accepted.class, client.send(message(id), BUDGET));
        RecordedCall call = server.calls(Route.SEND).get(0);
        assertEquals("/v1/phones/%2B16502530001/agentMessages", call.rawPath());
        assertEquals(id, call.query().get("messageId"));
        assertEquals(AGENT, call.query().get("agentId"));
        assertTrue(call.header("Authorization").startsWith("Bearer ya29."));
        assertEquals(PHONE, server.message(id).orElseThrow().phoneNumber());
    }

    @Test
    void agentId_isOnEveryCall_sendAndRevoke() {
        String id = id();
        client.send(message(id), BUDGET);
        client.revoke(AGENT, PHONE, id, BUDGET);
        client.revoke(AGENT, PHONE, id, BUDGET);
        List<RecordedCall> calls = server.calls().stream().filter(c -> c.route() != Route.TOKEN).toList();
        assertEquals(3, calls.size());
        for (RecordedCall call : calls) {
            assertEquals(AGENT, call.query().get("agentId"), call.method() + " " + call.rawPath());
        }
        RecordedCall revoke = server.calls(Route.REVOKE).get(0);
        assertEquals("/v1/phones/%2B16502530001/agentMessages/" + id, revoke.rawPath());
    }

    @Test
    void send200_isAccepted() {
        assertInstanceOf(SendOutcome.Accepted.class, client.send(message(id()), BUDGET));
    }

    @Test
    void send404_isUnreachable() {
        server.setUnreachable(PHONE);
        assertInstanceOf(SendOutcome.Unreachable.class, client.send(message(id()), BUDGET));
        assertEquals(1, server.calls(Route.SEND).size());
    }

    @Test
    void send400_isRejected_withRbmsMessage() {
        OutgoingMessage bad = new OutgoingMessage(AGENT, PHONE, id(), "{\"contentMessage\":{\"text\":\"x\"},\"bogus\":1}", null);
        SendOutcome outcome = client.send(bad, BUDGET);
        SendOutcome.Rejected rejected = assertInstanceOf(SendOutcome.Rejected.class, outcome);
        assertEquals(400, rejected.status());
        assertTrue(rejected.reason().contains("Unknown name \"bogus\""), rejected.reason());
    }

    @Test
    void send403_isRejected() {
        OutgoingMessage noAgent = new OutgoingMessage("", PHONE, id(), "{\"contentMessage\":{\"text\":\"x\"}}", null);
        SendOutcome.Rejected rejected = assertInstanceOf(SendOutcome.Rejected.class, client.send(noAgent, BUDGET));
        assertEquals(403, rejected.status());
        assertEquals("The caller does not have permission", rejected.reason());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "status {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = { 409, 413, 422 })
    void otherClientErrors_areRejected_notRetried(int status) {
        server.inject(Route.SEND, dev.rbmrevoker.local.rbm.Fault.status(status), 5);
        server.inject(Route.REVOKE, dev.rbmrevoker.local.rbm.Fault.status(status), 5);
        assertEquals(status, assertInstanceOf(SendOutcome.Rejected.class, client.send(message(id()), BUDGET)).status());
        assertEquals(status, assertInstanceOf(RevokeOutcome.Rejected.class, client.revoke(AGENT, PHONE, id(), BUDGET)).status());
        assertEquals(1, server.calls(Route.SEND).size());
        assertEquals(1, server.calls(Route.REVOKE).size());
    }

    @Test
    void notImplemented_isUnavailable_notRetried() {
        server.inject(Route.SEND, dev.rbmrevoker.local.rbm.Fault.status(501), 5);
        assertInstanceOf(SendOutcome.Unavailable.class, client.send(message(id()), BUDGET));
        assertEquals(1, server.calls(Route.SEND).size());
    }

    @Test
    void revoke200_isRevoked_andRemovesTheMessage() {
        String id = id();
        client.send(message(id), BUDGET);
        assertInstanceOf(RevokeOutcome.Revoked.class, client.revoke(AGENT, PHONE, id, BUDGET));
        assertEquals(StoredMessage.State.REVOKED, server.message(id).orElseThrow().state());
    }

    @Test
    void revoke404_isGone_whenDelivered() {
        String id = id();
        client.send(message(id), BUDGET);
        server.deliver(id);
        assertInstanceOf(RevokeOutcome.Gone.class, client.revoke(AGENT, PHONE, id, BUDGET));
    }

    @Test
    void revoke403_isRejected() {
        String id = id();
        client.send(message(id), BUDGET);
        RevokeOutcome.Rejected rejected = assertInstanceOf(RevokeOutcome.Rejected.class, client.revoke("", PHONE, id, BUDGET));
        assertEquals(403, rejected.status());
        assertEquals(StoredMessage.State.QUEUED, server.message(id).orElseThrow().state());
    }

    @Test
    void send_withExpireTime_sendsItAsRfc3339Utc_andNeverWithTtl() throws Exception {
        String id = id();
        Instant expireTime = Instant.now().plusSeconds(600).truncatedTo(ChronoUnit.SECONDS);
        OutgoingMessage withTtl = new OutgoingMessage(AGENT, PHONE, id,
                "{\"contentMessage\":{\"text\":\"x\"},\"ttl\":\"30s\",\"messageTrafficType\":\"TRANSACTION\"}", expireTime);
        assertInstanceOf(SendOutcome.Accepted.class, client.send(withTtl, BUDGET));
        JsonNode sent = JSON.readTree(server.calls(Route.SEND).get(0).body());
        assertEquals(expireTime.toString(), sent.get("expireTime").asText());
        assertTrue(sent.get("expireTime").asText().endsWith("Z"));
        assertFalse(sent.has("ttl"));
        assertEquals("TRANSACTION", sent.get("messageTrafficType").asText());
        assertEquals(expireTime, server.message(id).orElseThrow().expireTime());
    }

    @Test
    void send_withExpireTimeUnder10s_sendsNoExpiry() throws Exception {
        String id = id();
        OutgoingMessage soon = new OutgoingMessage(AGENT, PHONE, id, "{\"contentMessage\":{\"text\":\"x\"}}",
                Instant.now().plusSeconds(5));
        assertInstanceOf(SendOutcome.Accepted.class, client.send(soon, BUDGET));
        JsonNode sent = JSON.readTree(server.calls(Route.SEND).get(0).body());
        assertFalse(sent.has("expireTime"));
        assertFalse(sent.has("ttl"));
        assertNull(server.message(id).orElseThrow().expireTime());
    }

    @Test
    void hundredCalls_fetchOneToken() throws Exception {
        RbmClient fresh = newClient();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<SendOutcome>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                results.add(pool.submit(() -> fresh.send(message(id()), BUDGET)));
            }
            for (Future<SendOutcome> result : results) {
                assertInstanceOf(SendOutcome.Accepted.class, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, server.tokenGrants());
        assertEquals(100, server.messages().size());
    }

    @Test
    void expiredToken_isRefreshedOnce_andTheCallSucceeds() {
        RbmClient fresh = newClient();
        assertInstanceOf(SendOutcome.Accepted.class, fresh.send(message(id()), BUDGET));
        server.expireAllTokens();
        assertInstanceOf(SendOutcome.Accepted.class, fresh.send(message(id()), BUDGET));
        assertEquals(2, server.tokenGrants());
        List<Integer> statuses = server.calls(Route.SEND).stream().map(RecordedCall::status).toList();
        assertEquals(List.of(200, 401, 200), statuses);
    }

    @Test
    void expiredToken_seenByConcurrentCalls_isRefreshedOnce() throws Exception {
        RbmClient fresh = newClient();
        fresh.send(message(id()), BUDGET);
        server.expireAllTokens();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<SendOutcome>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                results.add(pool.submit(() -> fresh.send(message(id()), BUDGET)));
            }
            for (Future<SendOutcome> result : results) {
                assertInstanceOf(SendOutcome.Accepted.class, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, server.tokenGrants());
        assertEquals(21, server.messages().size());
    }

    @Test
    void tokenRefusedEvenWhenFresh_isUnavailable_notRejected() {
        RbmClient fresh = newClient();
        fresh.send(message(id()), BUDGET);
        server.setTokenLifetime(Duration.ofSeconds(-1));
        server.expireAllTokens();
        SendOutcome outcome = fresh.send(message(id()), BUDGET);
        assertInstanceOf(SendOutcome.Unavailable.class, outcome);
        assertEquals(List.of(200, 401, 401), server.calls(Route.SEND).stream().map(RecordedCall::status).toList());
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    static OutgoingMessage message(String id) {
        return new OutgoingMessage(AGENT, PHONE, id, "{\"contentMessage\":{\"text\":\"hello\"}}", null);
    }
}
