package dev.rbmrevoker.webhook;

import static dev.rbmrevoker.webhook.RbmWebhooks.PHONE;
import static dev.rbmrevoker.webhook.RbmWebhooks.send;
import static dev.rbmrevoker.webhook.RbmWebhooks.server;
import static dev.rbmrevoker.webhook.RbmWebhooks.track;
import static dev.rbmrevoker.webhook.RbmWebhooks.view;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.WebhookPost;
import dev.rbmrevoker.message.FallbackState;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.ChannelState;
import dev.rbmrevoker.testing.CapturingMetricSink;
import dev.rbmrevoker.testing.HandOvers;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks as the RBM test server posts them to the running application (through the Lambda event
 * path), and the webhook's time budget when the fallback that RBM's expiry triggers is slow.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class RbmPostedWebhookTest {

    private static final String FALLBACK = "{\"sms\":{\"text\":\"Your code is 1234\"},\"callback\":{}}";
    /**
     * RBM is told to expire a message only when its deadline is at least 10 s away
     * ({@code Message.RBM_EXPIRY_MIN_AHEAD}); 4 s more cover the request's way there on a busy machine.
     */
    private static final Duration EXPIRING_IN = Duration.ofSeconds(14);

    @Inject
    MessageStore store;
    @Inject
    CapturingMetricSink metrics;

    @BeforeEach
    void setUp() {
        RbmWebhooks.warmUpFallback();
        RevokerResource.resetAll();
        RevokerResource.rbm().setWebhook(URI.create("http://localhost:" + RestAssured.port + RbmWebhooks.PATH),
                RevokerResource.CLIENT_TOKEN);
    }

    @AfterEach
    void tearDown() {
        RevokerResource.rbm().setWebhook(null, null);
    }

    @Test
    void rbmPostsDeliveredThenRead_messageEndsReadAndBothAreForwarded() throws Exception {
        String id = send(FALLBACK);

        assertTrue(RevokerResource.rbm().deliver(id, true));

        List<WebhookPost> posts = RevokerResource.rbm().awaitWebhookPosts(2, Duration.ofSeconds(20));
        assertEquals(List.of("DELIVERED", "READ"), posts.stream().map(WebhookPost::eventType).toList());
        assertEquals(List.of(200, 200), posts.stream().map(WebhookPost::status).toList());
        assertEquals("READ", view(id).getString("state"));
        assertEquals(2, RevokerResource.forwards().received().size());
        assertEquals(posts.get(0).signature(), RevokerResource.forwards().received().get(0).header("X-Goog-Signature"));
    }

    @Test
    void rbmExpiresTheMessageByItself_webhookRevokesAndFallsBack() throws Exception {
        String id = sendExpiringIn(EXPIRING_IN);

        List<WebhookPost> posts = RevokerResource.rbm().awaitWebhookPosts(1, Duration.ofSeconds(45));

        assertEquals("TTL_EXPIRATION_REVOKED", posts.get(0).eventType());
        assertEquals(200, posts.get(0).status());
        HandOvers.now(id);
        JsonPath message = view(id);
        assertEquals("FALLEN_BACK", message.getString("state"));
        assertEquals("TTL_EXPIRATION_REVOKED", message.getString("fallback.reason"));
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }

    @Test
    void rbmFailsToExpireTheMessage_itStaysPendingAndOwedToTheSweep() throws Exception {
        RevokerResource.rbm().setFailAllExpiryRevokes(true);
        String id = sendExpiringIn(EXPIRING_IN);

        List<WebhookPost> posts = RevokerResource.rbm().awaitWebhookPosts(1, Duration.ofSeconds(45));

        assertEquals("TTL_EXPIRATION_REVOKE_FAILED", posts.get(0).eventType());
        assertEquals(200, posts.get(0).status());
        Message message = store.get(id).orElseThrow();
        assertEquals(MessageState.PENDING, message.state());
        assertEquals("TTL_EXPIRATION_REVOKE_FAILED", message.history().get(message.history().size() - 1).event());
        assertNotNull(message.dueAt());
        assertEquals(0, RevokerResource.sns().publishes().size());
    }

    /**
     * Regression (issue 12): the webhook started the SMS within its 0.5 s, timed out while SNS may have
     * taken it, and the sweep published it again. A publish now starts only with time to finish it: the
     * webhook leaves the SMS PENDING and due now, and the sweep publishes it once.
     */
    @Test
    void ttlExpirationRevoked_startsNoSmsWithinTheWebhooksBudget_andLeavesItDueNowToTheSweep() {
        RevokerResource.rbm().setWebhook(null, null);
        String id = track(FALLBACK);
        RevokerResource.sns().delayNext(1, Duration.ofSeconds(4));

        long started = System.nanoTime();
        server("TTL_EXPIRATION_REVOKED", id).post().statusCode(200);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(took.compareTo(Duration.ofMillis(3000)) < 0, "RBM does not wait for an SMS: " + took);
        assertEquals(0, RevokerResource.sns().requests(), "no SMS started within the webhook");
        Message message = store.get(id).orElseThrow();
        assertEquals(MessageState.REVOKED, message.state());
        assertEquals(FallbackState.PENDING, message.fallback().state());
        assertEquals(ChannelState.PENDING, message.fallback().deliveries().get(Channel.SMS).state());
        assertEquals(0, message.fallback().deliveries().get(Channel.SMS).attempts());
        assertEquals(ChannelState.SENT, message.fallback().deliveries().get(Channel.CALLBACK).state());
        assertFalse(message.dueAt().isAfter(Instant.now()), "due now, for the sweep: " + message.dueAt());
        assertEquals("TTL_EXPIRATION_REVOKED", view(id).getString("fallback.reason"));
        RevokerResource.sns().reset();

        assertEquals(MessageState.FALLEN_BACK, HandOvers.now(id).state());
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }

    /**
     * Issue 12: RBM answers 200 to the revoke but delivers the message anyway (the RBM test server's
     * revoke-ignored mode). The DELIVERED event comes inside the confirm window: the message ends
     * DELIVERED, REVOKE_NOT_HONOURED is recorded, and neither SMS nor callback ever goes.
     */
    @Test
    void revokeAnswered200ButDeliveredAnyway_endsDelivered_withNoFallbackEver() throws Exception {
        String id = send(FALLBACK);
        metrics.clear();
        RevokerResource.rbm().inject(Route.REVOKE, Fault.revokeIgnored(Duration.ofMillis(300)));

        given().when().post("/v1/messages/" + id + "/revoke").then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("REVOKED"))
                .body("fallback.state", org.hamcrest.Matchers.equalTo("WAITING"));
        List<WebhookPost> posts = RevokerResource.rbm().awaitWebhookPosts(1, Duration.ofSeconds(20));

        assertEquals("DELIVERED", posts.get(0).eventType());
        assertEquals(200, posts.get(0).status());
        JsonPath message = view(id);
        assertEquals("DELIVERED", message.getString("state"));
        assertEquals(List.of("SENT", "REVOKING", "REVOKED", "DELIVERED", "REVOKE_NOT_HONOURED"),
                message.getList("history.event").subList(1, 6));
        assertNull(message.getString("fallback.dueAt"));
        Message stored = store.get(id).orElseThrow();
        assertNull(stored.dueAt(), "nothing left for the sweep");
        assertEquals(stored, HandOvers.now(id), "nothing to hand over");
        assertEquals(0, RevokerResource.sns().requests());
        assertEquals(0, RevokerResource.callbacks().received().size());
        assertEquals(1, metrics.lines().stream().filter(l -> l.contains("\"revokeNotHonoured\"")).count());
    }

    private static String sendExpiringIn(Duration ttl) {
        String id = java.util.UUID.randomUUID().toString();
        given().contentType("application/json")
                .body("""
                        {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"Your code is 1234"},
                         "deadline":"%s","fallback":%s}"""
                        .formatted(id, PHONE, Instant.now().plus(ttl), FALLBACK))
                .when().post("/v1/messages")
                .then().statusCode(201);
        assertNotNull(RevokerResource.rbm().message(id).orElseThrow().expireTime(), "RBM was told to expire it");
        return id;
    }
}
