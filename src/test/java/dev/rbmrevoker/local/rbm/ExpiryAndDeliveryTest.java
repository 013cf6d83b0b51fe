package dev.rbmrevoker.local.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ExpiryAndDeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_TOKEN = "test-client-token";
    private static final String PHONE = "+16502530001";
    private static final String ENCODED = "%2B16502530001";

    private static RbmTestServer server;
    private static WebhookReceiver receiver;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        server = RbmTestServer.start();
        receiver = new WebhookReceiver();
        token = Http.token(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        receiver.close();
    }

    @BeforeEach
    void reset() {
        server.reset();
        server.setWebhook(receiver.url(), CLIENT_TOKEN);
        receiver.answer(200);
        receiver.clear();
    }

    @Test
    void expireTime_revokesOnTime_andPostsSignedTtlExpirationRevoked() throws Exception {
        Instant expireTime = Instant.now().plusMillis(700);
        send("m1", "{\"contentMessage\":{\"text\":\"x\"},\"expireTime\":\"" + expireTime + "\"}");
        assertEquals(StoredMessage.State.QUEUED, server.message("m1").orElseThrow().state());

        List<WebhookReceiver.Received> received = receiver.await(1, Duration.ofSeconds(5));
        Instant arrived = Instant.now();
        assertEquals(1, received.size());
        assertFalse(arrived.isBefore(expireTime), "posted before the expiry");
        assertTrue(arrived.isBefore(expireTime.plusSeconds(2)), "posted late: " + arrived);

        JsonNode event = verifyAndDecode(received.get(0));
        assertEquals("TTL_EXPIRATION_REVOKED", event.get("eventType").asText());
        assertEquals("m1", event.get("messageId").asText());
        assertEquals(PHONE, event.get("phoneNumber").asText());
        assertEquals("agent-a", event.get("agentId").asText());
        assertNotNull(event.get("eventId"));
        assertEquals(StoredMessage.State.EXPIRED, server.message("m1").orElseThrow().state());
        assertEquals(404, Http.revoke(server, token, ENCODED, "m1", "?agentId=agent-a").statusCode());
    }

    @Test
    void ttl_revokesOnTime() throws Exception {
        send("m1", "{\"contentMessage\":{\"text\":\"x\"},\"ttl\":\"1s\"}");
        List<WebhookReceiver.Received> received = receiver.await(1, Duration.ofSeconds(5));
        assertEquals("TTL_EXPIRATION_REVOKED", verifyAndDecode(received.get(0)).get("eventType").asText());
    }

    @Test
    void expiry_whenToldToFail_postsRevokeFailed_andStaysDeliverable() throws Exception {
        server.failExpiryRevoke("m1");
        send("m1", "{\"contentMessage\":{\"text\":\"x\"},\"expireTime\":\"" + Instant.now().plusMillis(300) + "\"}");
        JsonNode event = verifyAndDecode(receiver.await(1, Duration.ofSeconds(5)).get(0));
        assertEquals("TTL_EXPIRATION_REVOKE_FAILED", event.get("eventType").asText());
        assertTrue(server.deliver("m1"));
        assertEquals("DELIVERED", verifyAndDecode(receiver.await(2, Duration.ofSeconds(5)).get(1)).get("eventType").asText());
    }

    @Test
    void revokedMessage_neverExpires() throws Exception {
        send("m1", "{\"contentMessage\":{\"text\":\"x\"},\"expireTime\":\"" + Instant.now().plusMillis(300) + "\"}");
        assertEquals(200, Http.revoke(server, token, ENCODED, "m1", "?agentId=agent-a").statusCode());
        Thread.sleep(800);
        assertTrue(server.webhookPosts().isEmpty());
        assertTrue(receiver.await(1, Duration.ofMillis(200)).isEmpty());
    }

    @Test
    void deliver_postsDelivered_thenRead() throws Exception {
        send("m1", "{\"contentMessage\":{\"text\":\"x\"}}");
        assertTrue(server.deliver("m1", true));
        List<WebhookReceiver.Received> received = receiver.await(2, Duration.ofSeconds(5));
        JsonNode delivered = verifyAndDecode(received.get(0));
        JsonNode read = verifyAndDecode(received.get(1));
        assertEquals("DELIVERED", delivered.get("eventType").asText());
        assertEquals(PHONE, delivered.get("senderPhoneNumber").asText());
        assertEquals("m1", delivered.get("messageId").asText());
        assertEquals("agent-a", delivered.get("agentId").asText());
        assertEquals("READ", read.get("eventType").asText());
        assertEquals(StoredMessage.State.READ, server.message("m1").orElseThrow().state());
        JsonNode envelope = JSON.readTree(received.get(0).body());
        assertEquals("DELIVERED", envelope.at("/message/attributes/event_type").asText());
        assertEquals("agent-a@rbm.goog", envelope.at("/message/attributes/business_id").asText());
        assertTrue(envelope.at("/subscription").asText().startsWith("projects/"));
    }

    @Test
    void deliverAt_deliversLater_andExpiryAfterwardsDoesNothing() throws Exception {
        send("m1", "{\"contentMessage\":{\"text\":\"x\"},\"expireTime\":\"" + Instant.now().plusMillis(900) + "\"}");
        server.deliverAt("m1", Instant.now().plusMillis(200), false);
        assertEquals(StoredMessage.State.QUEUED, server.message("m1").orElseThrow().state());
        assertEquals("DELIVERED", verifyAndDecode(receiver.await(1, Duration.ofSeconds(5)).get(0)).get("eventType").asText());
        Thread.sleep(1000);
        assertEquals(1, receiver.received().size());
    }

    @Test
    void deliver_ofRevokedMessage_doesNothing() throws Exception {
        send("m1", "{\"contentMessage\":{\"text\":\"x\"}}");
        Http.revoke(server, token, ENCODED, "m1", "?agentId=agent-a");
        assertFalse(server.deliver("m1"));
        assertTrue(server.webhookPosts().isEmpty());
    }

    @Test
    void failedWebhookPost_isRecorded_notThrown() throws Exception {
        // Ids of their own: deliveries scheduled by earlier tests may still post about theirs.
        String refused = "refused-" + java.util.UUID.randomUUID();
        String unreachableId = "unreachable-" + java.util.UUID.randomUUID();
        receiver.answer(500);
        send(refused, "{\"contentMessage\":{\"text\":\"x\"}}");
        assertTrue(server.deliver(refused));
        WebhookPost post = postFor(refused);
        assertEquals(500, post.status());
        assertFalse(post.succeeded());

        server.setWebhook(java.net.URI.create("http://127.0.0.1:1/nowhere"), CLIENT_TOKEN);
        send(unreachableId, "{\"contentMessage\":{\"text\":\"x\"}}");
        assertTrue(server.deliver(unreachableId));
        WebhookPost unreachable = postFor(unreachableId);
        assertEquals(-1, unreachable.status());
        assertNotNull(unreachable.error());
    }

    /** The post about one message: posts scheduled by earlier tests may still land in between. */
    private static WebhookPost postFor(String messageId) {
        return server.webhookPosts().stream().filter(p -> messageId.equals(p.messageId())).findFirst().orElseThrow();
    }

    @Test
    void webhookSigner_signsAsRbmDoes() {
        byte[] data = "{\"eventType\":\"DELIVERED\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(hmac(CLIENT_TOKEN, data), new WebhookSigner(CLIENT_TOKEN).sign(data));
    }

    private static void send(String messageId, String body) throws Exception {
        assertEquals(200, Http.send(server, token, ENCODED, "?messageId=" + messageId + "&agentId=agent-a", body).statusCode());
    }

    /** Checks the signature independently of WebhookSigner, then returns the decoded event. */
    private static JsonNode verifyAndDecode(WebhookReceiver.Received received) throws Exception {
        JsonNode envelope = JSON.readTree(received.body());
        byte[] data = Base64.getDecoder().decode(envelope.at("/message/data").asText());
        assertEquals(hmac(CLIENT_TOKEN, data), received.signature(), "X-Goog-Signature");
        assertFalse(envelope.at("/message/messageId").asText().isEmpty());
        assertFalse(envelope.at("/message/publishTime").asText().isEmpty());
        return JSON.readTree(data);
    }

    private static String hmac(String key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
