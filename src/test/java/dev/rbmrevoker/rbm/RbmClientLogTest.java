package dev.rbmrevoker.rbm;

import static dev.rbmrevoker.rbm.RbmClientTest.AGENT;
import static dev.rbmrevoker.rbm.RbmClientTest.PHONE;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.RbmTestServer;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.OutgoingMessage;
import dev.rbmrevoker.message.PhoneNumbers;
import io.quarkus.test.junit.QuarkusTest;

/** What the client logs while things go right and wrong: useful at 3 a.m., and never a secret. */
@QuarkusTest
class RbmClientLogTest {

    private static final String OTHER_PHONE = "+447700900123";

    @Test
    void logs_containNoTokenNoPrivateKeyAndNoFullPhoneNumber() throws Exception {
        List<String> ids = new ArrayList<>();
        Set<String> tokens;
        String keyJson;
        String text;
        try (RbmTestServer server = RbmTestServer.start(); LogCapture capture = LogCapture.install()) {
            keyJson = server.serviceAccountJson();
            RbmClient client = new RbmClient(TestRbmConfig.forServer(server).withReadTimeout(Duration.ofMillis(300)),
                    RbmCredentials.fromJson(keyJson));
            Duration budget = Duration.ofSeconds(3);

            ids.add(send(client, PHONE, Instant.now().plusSeconds(60), budget));
            server.inject(Route.SEND, Fault.status(503));
            server.inject(Route.SEND, Fault.drop());
            ids.add(send(client, PHONE, null, budget));
            server.inject(Route.SEND, Fault.delay(Duration.ofMillis(600)));
            ids.add(send(client, OTHER_PHONE, Instant.now().plusSeconds(5), budget));
            server.inject(Route.SEND, Fault.status(400));
            ids.add(send(client, PHONE, null, budget));
            server.expireAllTokens();
            ids.add(send(client, PHONE, null, budget));
            server.setUnreachable(OTHER_PHONE);
            ids.add(send(client, OTHER_PHONE, null, budget));
            server.inject(Route.REVOKE, Fault.status(500));
            client.revoke(AGENT, PHONE, ids.get(0), budget);
            client.revoke(AGENT, PHONE, ids.get(0), budget);
            client.revoke("", PHONE, ids.get(1), budget);
            server.inject(Route.SEND, Fault.status(503), 100);
            ids.add(send(client, PHONE, null, Duration.ofMillis(700)));
            server.clearFaults();
            server.inject(Route.TOKEN, Fault.status(500), 100);
            server.expireAllTokens();
            ids.add(send(client, PHONE, null, Duration.ofMillis(700)));

            server.awaitIdle(Duration.ofSeconds(5));
            tokens = server.issuedTokens();
            text = capture.text();
        }

        // The capture works: it saw these calls, with ids and masked numbers.
        for (String id : ids) {
            assertTrue(text.contains(id), "no log line names messageId " + id);
        }
        assertTrue(text.contains("+*******0001"), "masked number missing");
        assertTrue(text.contains("attempt"), "no attempt logged");
        assertFalse(tokens.isEmpty());

        for (String token : tokens) {
            assertFalse(text.contains(token), "an access token was logged");
            assertFalse(text.contains(token.substring(0, 20)), "part of an access token was logged");
        }
        assertFalse(text.contains("ya29."), "an access token prefix was logged");
        assertFalse(text.contains("Bearer "), "an Authorization header was logged");
        assertFalse(text.contains("PRIVATE KEY"), "a private key was logged");
        for (String line : privateKeyLines(keyJson)) {
            assertFalse(text.contains(line), "a line of the private key was logged");
        }
        assertFalse(text.contains("\"private_key\""), "the key file was logged");
        for (String phone : List.of(PHONE, OTHER_PHONE)) {
            String digits = phone.substring(1);
            assertFalse(text.contains(digits), "full phone number " + PhoneNumbers.mask(phone) + " was logged");
            assertFalse(text.contains(digits.substring(0, digits.length() - 4)), "the hidden digits of a number were logged");
        }
    }

    private static String send(RbmClient client, String phone, Instant expireTime, Duration budget) {
        String id = UUID.randomUUID().toString();
        client.send(new OutgoingMessage(AGENT, phone, id, "{\"contentMessage\":{\"text\":\"hi\"}}", expireTime), budget);
        return id;
    }

    private static List<String> privateKeyLines(String keyJson) throws Exception {
        String pem = new com.fasterxml.jackson.databind.ObjectMapper().readTree(keyJson).get("private_key").asText();
        List<String> lines = new ArrayList<>();
        for (String line : pem.split("\n")) {
            if (line.length() >= 32 && !line.startsWith("-----")) {
                lines.add(line.substring(0, 32));
            }
        }
        return lines;
    }
}
