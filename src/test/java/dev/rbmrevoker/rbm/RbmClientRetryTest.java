package dev.rbmrevoker.rbm;

import static dev.rbmrevoker.rbm.RbmClientTest.AGENT;
import static dev.rbmrevoker.rbm.RbmClientTest.PHONE;
import static dev.rbmrevoker.rbm.RbmClientTest.id;
import static dev.rbmrevoker.rbm.RbmClientTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.RbmTestServer;
import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.RevokeOutcome;
import dev.rbmrevoker.message.SendOutcome;
import io.quarkus.test.junit.QuarkusTest;

/** Retries of RBM's transient failures, bounded by attempts and by the caller's budget. */
@QuarkusTest
class RbmClientRetryTest {

    /** Scheduling noise allowed on top of a budget; a behaviour bound, not a benchmark. */
    private static final Duration SLACK = Duration.ofMillis(500);

    private static RbmTestServer server;
    private static String key;

    @BeforeAll
    static void start() {
        server = RbmTestServer.start();
        key = server.serviceAccountJson();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() throws InterruptedException {
        server.awaitIdle(Duration.ofSeconds(10));
        server.reset();
    }

    private static RbmClient client(TestRbmConfig config) {
        return new RbmClient(config, RbmCredentials.fromJson(key));
    }

    private static TestRbmConfig config() {
        return TestRbmConfig.forServer(server);
    }

    @ParameterizedTest(name = "status {0}")
    @ValueSource(ints = { 500, 502, 503, 504, 408 })
    void transientStatus_isRetried_thenSucceeds(int status) {
        server.inject(Route.SEND, Fault.status(status), 2);
        String id = id();
        assertInstanceOf(SendOutcome.Accepted.class, client(config()).send(message(id), Duration.ofSeconds(5)));
        List<RecordedCall> calls = server.calls(Route.SEND);
        assertEquals(List.of(status, status, 200), calls.stream().map(RecordedCall::status).toList());
        assertTrue(calls.stream().allMatch(c -> id.equals(c.query().get("messageId"))), "same messageId on every attempt");
        assertEquals(1, server.messages().size());
    }

    @Test
    void tooManyRequests_isRetried_afterItsRetryAfter() {
        server.inject(Route.SEND, Fault.tooManyRequests(Duration.ofSeconds(1)));
        assertInstanceOf(SendOutcome.Accepted.class, client(config()).send(message(id()), Duration.ofSeconds(5)));
        List<RecordedCall> calls = server.calls(Route.SEND);
        assertEquals(2, calls.size());
        Duration gap = Duration.between(calls.get(0).at(), calls.get(1).at());
        assertTrue(gap.compareTo(Duration.ofMillis(950)) >= 0, "waited only " + gap.toMillis() + " ms");
    }

    @Test
    void retryAfterBeyondTheBudget_givesUpAtOnce_passingItOn() {
        server.inject(Route.SEND, Fault.tooManyRequests(Duration.ofSeconds(30)));
        long start = System.nanoTime();
        SendOutcome outcome = client(config()).send(message(id()), Duration.ofSeconds(2));
        long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
        SendOutcome.Unavailable unavailable = assertInstanceOf(SendOutcome.Unavailable.class, outcome);
        assertEquals(Duration.ofSeconds(30), unavailable.retryAfter());
        assertEquals(1, server.calls(Route.SEND).size());
        assertTrue(elapsed < 1000, "waited " + elapsed + " ms for nothing");
    }

    @Test
    void slowAnswer_beyondReadTimeout_isRetried_thenSucceeds() {
        server.inject(Route.SEND, Fault.delay(Duration.ofMillis(1500)));
        String id = id();
        SendOutcome outcome = client(config().withReadTimeout(Duration.ofMillis(400))).send(message(id), Duration.ofSeconds(5));
        assertInstanceOf(SendOutcome.Accepted.class, outcome);
        assertEquals(2, server.calls(Route.SEND).size());
    }

    @Test
    void droppedConnection_isRetried_thenSucceeds() {
        server.inject(Route.SEND, Fault.drop(), 2);
        assertInstanceOf(SendOutcome.Accepted.class, client(config()).send(message(id()), Duration.ofSeconds(5)));
        assertEquals(List.of(-1, -1, 200), server.calls(Route.SEND).stream().map(RecordedCall::status).toList());
    }

    @Test
    void lostAnswerOnSend_doesNotDuplicateTheMessage() throws InterruptedException {
        server.inject(Route.SEND, Fault.lostAnswer());
        String id = id();
        assertInstanceOf(SendOutcome.Accepted.class, client(config()).send(message(id), Duration.ofSeconds(5)));
        server.awaitIdle(Duration.ofSeconds(5));
        List<RecordedCall> calls = server.calls(Route.SEND);
        assertEquals(2, calls.size());
        assertEquals(-1, calls.get(0).status());
        assertEquals(id, calls.get(1).query().get("messageId"));
        assertEquals(1, server.messages().size());
    }

    @Test
    void slowAnswerOnSend_retried_doesNotDuplicateTheMessage() throws InterruptedException {
        server.inject(Route.SEND, Fault.delay(Duration.ofMillis(800)));
        client(config().withReadTimeout(Duration.ofMillis(300))).send(message(id()), Duration.ofSeconds(5));
        server.awaitIdle(Duration.ofSeconds(5));
        assertEquals(2, server.calls(Route.SEND).size());
        assertEquals(1, server.messages().size());
    }

    @ParameterizedTest(name = "status {0}")
    @ValueSource(ints = { 429, 500, 502, 503, 504 })
    void revoke_transientStatus_isRetried_thenRevokes(int status) {
        RbmClient client = client(config());
        String id = id();
        client.send(message(id), Duration.ofSeconds(5));
        server.inject(Route.REVOKE, Fault.status(status));
        assertInstanceOf(RevokeOutcome.Revoked.class, client.revoke(AGENT, PHONE, id, Duration.ofSeconds(5)));
        assertEquals(2, server.calls(Route.REVOKE).size());
    }

    @Test
    void revoke_droppedConnection_isRetried_thenRevokes() {
        RbmClient client = client(config());
        String id = id();
        client.send(message(id), Duration.ofSeconds(5));
        server.inject(Route.REVOKE, Fault.drop());
        assertInstanceOf(RevokeOutcome.Revoked.class, client.revoke(AGENT, PHONE, id, Duration.ofSeconds(5)));
    }

    @Test
    void revoke_lostAnswer_thenGone_isReportedAsGoneThatProvesNoDelivery() {
        // The first revoke removed it but its answer was lost: the retry finds it gone, as RBM would say.
        RbmClient client = client(config());
        String id = id();
        client.send(message(id), Duration.ofSeconds(5));
        server.inject(Route.REVOKE, Fault.lostAnswer());
        RevokeOutcome outcome = client.revoke(AGENT, PHONE, id, Duration.ofSeconds(5));
        assertTrue(assertInstanceOf(RevokeOutcome.Gone.class, outcome).afterUnansweredAttempt());
    }

    @ParameterizedTest(name = "status {0}")
    @ValueSource(ints = { 500, 502, 503, 504 })
    void persistentStatus_givesUpWithinTheBudget(int status) {
        server.inject(Route.SEND, Fault.status(status), 1000);
        assertGivesUpWithin(config().withMaxAttempts(50), Duration.ofMillis(1500));
    }

    @Test
    void persistentTooManyRequests_givesUpWithinTheBudget() {
        server.inject(Route.SEND, Fault.tooManyRequests(Duration.ofSeconds(1)), 1000);
        SendOutcome.Unavailable unavailable = assertGivesUpWithin(config().withMaxAttempts(50), Duration.ofMillis(2500));
        assertEquals(Duration.ofSeconds(1), unavailable.retryAfter());
    }

    @Test
    void persistentSlowAnswers_giveUpWithinTheBudget() {
        server.inject(Route.SEND, Fault.delay(Duration.ofSeconds(3)), 1000);
        // The read timeout is longer than the budget: each attempt stops waiting when the budget ends.
        assertGivesUpWithin(config().withReadTimeout(Duration.ofSeconds(10)).withMaxAttempts(50), Duration.ofMillis(1200));
    }

    @Test
    void persistentDroppedConnections_giveUpWithinTheBudget() {
        server.inject(Route.SEND, Fault.drop(), 1000);
        assertGivesUpWithin(config().withMaxAttempts(50), Duration.ofMillis(1500));
    }

    @Test
    void persistentTokenEndpointFailure_givesUpWithinTheBudget() {
        server.inject(Route.TOKEN, Fault.status(503), 1000);
        assertGivesUpWithin(config().withMaxAttempts(50), Duration.ofMillis(1500));
        assertEquals(0, server.calls(Route.SEND).size());
    }

    @Test
    void tokenEndpointFailure_isRetried_thenSucceeds() {
        server.inject(Route.TOKEN, Fault.status(503));
        assertInstanceOf(SendOutcome.Accepted.class, client(config()).send(message(id()), Duration.ofSeconds(5)));
        assertEquals(2, server.calls(Route.TOKEN).size());
    }

    @Test
    void transientFailures_stopAfterMaxAttempts() {
        server.inject(Route.SEND, Fault.status(503), 1000);
        SendOutcome outcome = client(config().withMaxAttempts(3)).send(message(id()), Duration.ofSeconds(10));
        SendOutcome.Unavailable unavailable = assertInstanceOf(SendOutcome.Unavailable.class, outcome);
        assertEquals(3, server.calls(Route.SEND).size());
        assertTrue(unavailable.reason().contains("503"), unavailable.reason());
        assertTrue(unavailable.retryAfter().compareTo(Duration.ZERO) > 0);
    }

    @Test
    void badRequest_isNotRetried() {
        server.inject(Route.SEND, Fault.status(400), 5);
        SendOutcome.Rejected rejected = assertInstanceOf(SendOutcome.Rejected.class,
                client(config()).send(message(id()), Duration.ofSeconds(5)));
        assertEquals(400, rejected.status());
        assertEquals(1, server.calls(Route.SEND).size());
    }

    @Test
    void notFound_isNotRetried() {
        server.setUnreachable(PHONE);
        assertInstanceOf(SendOutcome.Unreachable.class, client(config()).send(message(id()), Duration.ofSeconds(5)));
        assertEquals(1, server.calls(Route.SEND).size());
    }

    @Test
    void revoke_badRequest_isNotRetried() {
        server.inject(Route.REVOKE, Fault.status(400), 5);
        assertInstanceOf(RevokeOutcome.Rejected.class, client(config()).revoke(AGENT, PHONE, id(), Duration.ofSeconds(5)));
        assertEquals(1, server.calls(Route.REVOKE).size());
    }

    @Test
    void revoke_persistentFailure_givesUpWithinTheBudget() {
        server.inject(Route.REVOKE, Fault.status(503), 1000);
        Duration budget = Duration.ofMillis(1500);
        long start = System.nanoTime();
        RevokeOutcome outcome = client(config().withMaxAttempts(50)).revoke(AGENT, PHONE, id(), budget);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertInstanceOf(RevokeOutcome.Unavailable.class, outcome);
        assertTrue(elapsed.compareTo(budget.plus(SLACK)) < 0, "took " + elapsed.toMillis() + " ms");
        assertTrue(server.calls(Route.REVOKE).size() > 1, "retried");
    }

    private static SendOutcome.Unavailable assertGivesUpWithin(TestRbmConfig config, Duration budget) {
        RbmClient client = client(config);
        long start = System.nanoTime();
        SendOutcome outcome = client.send(message(id()), budget);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        SendOutcome.Unavailable unavailable = assertInstanceOf(SendOutcome.Unavailable.class, outcome);
        assertTrue(elapsed.compareTo(budget.plus(SLACK)) < 0,
                "took " + elapsed.toMillis() + " ms for a budget of " + budget.toMillis() + " ms");
        assertTrue(server.calls(Route.SEND).size() + server.calls(Route.TOKEN).size() > 1, "retried at least once");
        return unavailable;
    }
}
