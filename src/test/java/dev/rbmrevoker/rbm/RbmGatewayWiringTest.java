package dev.rbmrevoker.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.OutgoingMessage;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.RevokeOutcome;
import dev.rbmrevoker.message.SendOutcome;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The CDI beans, configured through properties as a deployment would be, against the test server. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class RbmGatewayWiringTest {

    @Inject
    RbmGateway gateway;

    @Inject
    RbmConfig config;

    @Inject
    RbmSecrets secrets;

    @Test
    void configuredGateway_sendsAndRevokes_throughTheTestServer() {
        String id = UUID.randomUUID().toString();
        OutgoingMessage message = new OutgoingMessage(RevokerResource.AGENT, "+16502530001", id,
                "{\"contentMessage\":{\"text\":\"hi\"}}", null);
        assertInstanceOf(SendOutcome.Accepted.class, gateway.send(message, Duration.ofSeconds(5)));
        assertInstanceOf(RevokeOutcome.Revoked.class,
                gateway.revoke(RevokerResource.AGENT, "+16502530001", id, Duration.ofSeconds(5)));
        RecordedCall send = RevokerResource.rbm().calls(Route.SEND).stream().filter(c -> id.equals(c.query().get("messageId")))
                .findFirst().orElseThrow();
        assertEquals(RevokerResource.AGENT, send.query().get("agentId"));
    }

    @Test
    void configMapping_readsPropertiesAndDefaults() {
        assertEquals(Optional.of(RevokerResource.AGENT), config.agentId());
        assertEquals("global", config.region());
        assertEquals(Duration.ofSeconds(2), config.connectTimeout());
        assertEquals(Duration.ofSeconds(5), config.readTimeout());
        assertEquals(4, config.retry().maxAttempts());
        assertEquals(Duration.ofMillis(200), config.retry().initialBackoff());
        assertEquals(Duration.ofSeconds(2), config.retry().maxBackoff());
        assertEquals(Optional.of(RevokerResource.CLIENT_TOKEN), secrets.webhookClientToken());
        assertTrue(secrets.serviceAccountJson().isPresent());
    }
}
