package dev.rbmrevoker.rbm;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.rbmrevoker.local.rbm.RbmTestServer;
import dev.rbmrevoker.message.OutgoingMessage;
import dev.rbmrevoker.message.SendOutcome;
import dev.rbmrevoker.webhook.WebhookSignature;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A secret (RBM_SECRET_ARN) filled or rotated while instances run is picked up without a restart: after
 * RBM's 401 and after a webhook signature or handshake that the cached token refuses. No value is logged.
 */
@QuarkusTest
class SecretRotationTest {

    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rbm-rotation";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RbmTestServer rbm;
    /** Another project's token endpoint: its tokens mean nothing to {@link #rbm}, which answers them 401. */
    private static RbmTestServer otherProject;

    private final AtomicReference<String> stored = new AtomicReference<>();
    private final RbmSecretsTest.MutableClock clock = new RbmSecretsTest.MutableClock(Instant.now());
    private final RbmSecrets secrets = new RbmSecrets(Optional.of(ARN), Optional.empty(), Optional.empty(),
            Optional.empty(), arn -> stored.get(), clock, Duration.ofMinutes(5), RbmSecrets.MIN_REREAD_INTERVAL);

    @BeforeAll
    static void start() {
        rbm = RbmTestServer.start();
        otherProject = RbmTestServer.start();
    }

    @AfterAll
    static void stop() {
        rbm.close();
        otherProject.close();
    }

    @Test
    void keyRotatedInTheSecret_isUsedAfterRbmAnswers401() {
        store(otherProject.serviceAccountJson(), "token");
        RbmClient client = new RbmClient(TestRbmConfig.forServer(rbm), new RbmCredentials(secrets));
        try (LogCapture logs = LogCapture.install()) {
            assertInstanceOf(SendOutcome.Unavailable.class, client.send(message(), Duration.ofSeconds(5)),
                    "RBM refuses the other project's tokens, even fresh ones");

            store(rbm.serviceAccountJson(), "token");
            clock.advance(RbmSecrets.MIN_REREAD_INTERVAL);
            assertInstanceOf(SendOutcome.Accepted.class, client.send(message(), Duration.ofSeconds(5)),
                    "the 401 re-reads the secret, and the retry uses its new key");
            assertNoSecretIn(logs.text());
        }
    }

    @Test
    void webhookTokenFilledAfterStart_isUsedAfterASignatureFails() {
        QuarkusMock.installMockForType(secrets, RbmSecrets.class);
        store(rbm.serviceAccountJson(), "old-client-token");
        try (LogCapture logs = LogCapture.install()) {
            postSigned("old-client-token").then().statusCode(200);

            store(rbm.serviceAccountJson(), "new-client-token");
            clock.advance(RbmSecrets.MIN_REREAD_INTERVAL);
            postSigned("new-client-token").then().statusCode(200);
            postSigned("old-client-token").then().statusCode(401);
            assertNoSecretIn(logs.text());
        }
    }

    @Test
    void handshakeWithATokenFilledAfterStart_isAnswered() {
        QuarkusMock.installMockForType(secrets, RbmSecrets.class);
        store(rbm.serviceAccountJson(), "");
        given().contentType("application/json")
                .body("{\"clientToken\":\"first-client-token\",\"secret\":\"handshake-secret\"}")
                .post("/webhooks/rbm").then().statusCode(403);

        store(rbm.serviceAccountJson(), "first-client-token");
        clock.advance(RbmSecrets.MIN_REREAD_INTERVAL);
        given().contentType("application/json")
                .body("{\"clientToken\":\"first-client-token\",\"secret\":\"handshake-secret\"}")
                .post("/webhooks/rbm").then().statusCode(200).body(equalTo("handshake-secret"));
    }

    private void store(String serviceAccountJson, String clientToken) {
        ObjectNode secret = JSON.createObjectNode();
        secret.put("serviceAccountJson", serviceAccountJson);
        secret.put("webhookClientToken", clientToken);
        stored.set(secret.toString());
    }

    /** A signed envelope whose data is not JSON: acknowledged once verified, without touching the store. */
    private static io.restassured.response.Response postSigned(String clientToken) {
        byte[] data = "not an event".getBytes(StandardCharsets.UTF_8);
        String body = "{\"message\":{\"messageId\":\"" + UUID.randomUUID() + "\",\"data\":\""
                + Base64.getEncoder().encodeToString(data) + "\"}}";
        return given().contentType("application/json").header("X-Goog-Signature", WebhookSignature.sign(data, clientToken))
                .body(body).post("/webhooks/rbm");
    }

    private static OutgoingMessage message() {
        return RbmClientTest.message(UUID.randomUUID().toString());
    }

    private static void assertNoSecretIn(String logs) {
        for (String secret : new String[] {"old-client-token", "new-client-token", "PRIVATE KEY", "private_key",
                "MII"}) {
            assertFalse(logs.contains(secret), () -> "a secret value reached the logs: " + secret);
        }
    }
}
