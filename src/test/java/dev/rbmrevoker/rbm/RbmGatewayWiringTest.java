package dev.rbmrevoker.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.rbmrevoker.local.rbm.InjectRbmTestServer;
import dev.rbmrevoker.local.rbm.RbmTestServer;
import dev.rbmrevoker.local.rbm.RbmTestServerResource;
import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.OutgoingMessage;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.RevokeOutcome;
import dev.rbmrevoker.message.SendOutcome;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The CDI beans, configured through properties as a deployment would be, against the test server. */
@QuarkusTest
@WithTestResource(RbmTestServerResource.class)
class RbmGatewayWiringTest {

    @Inject
    RbmGateway gateway;

    @Inject
    RbmConfig config;

    @Inject
    RbmSecrets secrets;

    @InjectRbmTestServer
    RbmTestServer server;

    @Test
    void configuredGateway_sendsAndRevokes_throughTheTestServer() {
        String id = UUID.randomUUID().toString();
        OutgoingMessage message = new OutgoingMessage(RbmTestServerResource.AGENT_ID, "+16502530001", id,
                "{\"contentMessage\":{\"text\":\"hi\"}}", null);
        assertInstanceOf(SendOutcome.Accepted.class, gateway.send(message, Duration.ofSeconds(5)));
        assertInstanceOf(RevokeOutcome.Revoked.class,
                gateway.revoke(RbmTestServerResource.AGENT_ID, "+16502530001", id, Duration.ofSeconds(5)));
        RecordedCall send = server.calls(Route.SEND).stream().filter(c -> id.equals(c.query().get("messageId")))
                .findFirst().orElseThrow();
        assertEquals(RbmTestServerResource.AGENT_ID, send.query().get("agentId"));
    }

    @Test
    void configMapping_readsPropertiesAndDefaults() {
        assertEquals(Optional.of(RbmTestServerResource.AGENT_ID), config.agentId());
        assertEquals("global", config.region());
        assertEquals(Duration.ofSeconds(2), config.connectTimeout());
        assertEquals(Duration.ofSeconds(5), config.readTimeout());
        assertEquals(4, config.retry().maxAttempts());
        assertEquals(Duration.ofMillis(200), config.retry().initialBackoff());
        assertEquals(Duration.ofSeconds(2), config.retry().maxBackoff());
        assertEquals(Optional.of(RbmTestServerResource.WEBHOOK_CLIENT_TOKEN), secrets.webhookClientToken());
        assertTrue(secrets.serviceAccountJson().isPresent());
    }
}
