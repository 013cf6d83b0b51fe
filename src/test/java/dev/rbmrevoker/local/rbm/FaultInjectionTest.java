package dev.rbmrevoker.local.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FaultInjectionTest {

    private static final String ENCODED = "%2B16502530001";
    private static final String BODY = "{\"contentMessage\":{\"text\":\"x\"}}";

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

    @ParameterizedTest
    @ValueSource(ints = { 500, 502, 503, 504 })
    void statusFault_answersThatStatus_withoutStoring_thenRecovers(int status) throws Exception {
        server.inject(Route.SEND, Fault.status(status), 2);
        assertEquals(status, send("m1").statusCode());
        assertEquals(status, send("m1").statusCode());
        assertTrue(server.messages().isEmpty());
        assertEquals(200, send("m1").statusCode());
        assertEquals(1, server.messages().size());
    }

    @Test
    void tooManyRequests_carriesRetryAfter() throws Exception {
        server.inject(Route.SEND, Fault.tooManyRequests(Duration.ofSeconds(3)));
        HttpResponse<String> answer = send("m1");
        assertEquals(429, answer.statusCode());
        assertEquals("3", answer.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(answer.body().contains("RESOURCE_EXHAUSTED"));
    }

    @Test
    void faults_applyOnlyToTheirRoute() throws Exception {
        server.inject(Route.REVOKE, Fault.status(503));
        assertEquals(200, send("m1").statusCode());
        assertEquals(503, Http.revoke(server, token, ENCODED, "m1", "?agentId=a").statusCode());
        assertEquals(200, Http.revoke(server, token, ENCODED, "m1", "?agentId=a").statusCode());
    }

    @Test
    void delay_slowsTheAnswer() throws Exception {
        server.inject(Route.SEND, Fault.delay(Duration.ofMillis(600)));
        long start = System.nanoTime();
        assertEquals(200, send("m1").statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 600);
    }

    @Test
    void drop_closesWithoutAnswer_andWithoutStoring() throws Exception {
        server.inject(Route.SEND, Fault.drop());
        assertThrows(IOException.class, () -> send("m1"));
        assertTrue(server.messages().isEmpty());
        assertEquals(-1, server.calls(Route.SEND).get(0).status());
        assertEquals(200, send("m1").statusCode());
    }

    @Test
    void lostAnswer_storesTheMessage_butTheCallerGetsNoAnswer() throws Exception {
        server.inject(Route.SEND, Fault.lostAnswer());
        assertThrows(IOException.class, () -> send("m1"));
        assertEquals(1, server.messages().size());
        assertEquals(200, send("m1").statusCode());
        assertEquals(1, server.messages().size());
    }

    @Test
    void revokeIgnored_answers200_keepsTheMessageQueued_andDeliversItLater() throws Exception {
        assertEquals(200, send("m1").statusCode());
        server.inject(Route.REVOKE, Fault.revokeIgnored(Duration.ofMillis(300)));

        assertEquals(200, Http.revoke(server, token, ENCODED, "m1", "?agentId=a").statusCode());
        assertEquals(StoredMessage.State.QUEUED, server.message("m1").orElseThrow().state());

        List<WebhookPost> posts = server.awaitWebhookPosts(1, Duration.ofSeconds(10));
        assertEquals(1, posts.size());
        assertEquals("DELIVERED", posts.get(0).eventType());
        assertEquals(StoredMessage.State.DELIVERED, server.message("m1").orElseThrow().state());
        assertEquals(404, Http.revoke(server, token, ENCODED, "m1", "?agentId=a").statusCode(),
                "a later revoke finds it delivered");
    }

    @Test
    void revokeIgnored_ofAMessageNotQueued_answers404AsUsual() throws Exception {
        server.inject(Route.REVOKE, Fault.revokeIgnored(Duration.ofMillis(100)));

        assertEquals(404, Http.revoke(server, token, ENCODED, "unknown", "?agentId=a").statusCode());
        Thread.sleep(300);
        assertTrue(server.webhookPosts().isEmpty());
    }

    @Test
    void tokenRouteFault_failsTheTokenRequest() {
        // google-auth retries 5xx of the token endpoint itself, so fail more often than it retries.
        server.inject(Route.TOKEN, Fault.status(503), 10);
        assertThrows(IOException.class, () -> Http.token(server));
        assertEquals(0, server.tokenGrants());
        assertTrue(server.calls(Route.TOKEN).size() > 1, "google-auth retried");
    }

    @Test
    void latency_delaysEveryCall() throws Exception {
        server.setLatency(Duration.ofMillis(150));
        long start = System.nanoTime();
        send("m1");
        send("m2");
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 300);
    }

    @Test
    void calls_areAllRecorded_withStatuses() throws Exception {
        server.inject(Route.SEND, Fault.status(500));
        send("m1");
        send("m1");
        List<RecordedCall> calls = server.calls(Route.SEND);
        assertEquals(2, calls.size());
        assertEquals(500, calls.get(0).status());
        assertEquals(200, calls.get(1).status());
    }

    private static HttpResponse<String> send(String messageId) throws Exception {
        return Http.send(server, token, ENCODED, "?messageId=" + messageId + "&agentId=a", BODY);
    }
}
