package dev.rbmrevoker.webhook;

import static dev.rbmrevoker.webhook.RbmWebhooks.PHONE;
import static dev.rbmrevoker.webhook.RbmWebhooks.newEnvelopeId;
import static dev.rbmrevoker.webhook.RbmWebhooks.newEventId;
import static dev.rbmrevoker.webhook.RbmWebhooks.send;
import static dev.rbmrevoker.webhook.RbmWebhooks.server;
import static dev.rbmrevoker.webhook.RbmWebhooks.serverEvent;
import static dev.rbmrevoker.webhook.RbmWebhooks.signed;
import static dev.rbmrevoker.webhook.RbmWebhooks.track;
import static dev.rbmrevoker.webhook.RbmWebhooks.user;
import static dev.rbmrevoker.webhook.RbmWebhooks.userEvent;
import static dev.rbmrevoker.webhook.RbmWebhooks.view;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.testing.HandOvers;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.testing.StoreFaults;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What each validly signed RBM event does to a tracked message, seen through the API (state, history,
 * fallback) and the stand-ins (SMS, callback). Envelopes are signed by the test itself.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class WebhookEventsTest {

    private static final String FALLBACK = "{\"sms\":{\"text\":\"Your code is 1234\"},\"callback\":{}}";

    @Inject
    MessageStore store;

    @BeforeEach
    void reset() {
        RbmWebhooks.warmUpFallback();
        RevokerResource.resetAll();
    }

    // ------------------------------------------------------------------ DELIVERED, READ

    @Test
    void delivered_onAPendingMessage_makesItDeliveredAndNoLongerOwedARevoke() {
        String id = send(FALLBACK);

        user("DELIVERED", id).post().statusCode(200);

        JsonPath message = view(id);
        assertEquals("DELIVERED", message.getString("state"));
        assertNotNull(message.getString("deliveredAt"));
        assertEquals(List.of("SENDING", "SENT", "DELIVERED"), message.getList("history.event"));
        assertEquals("webhook", message.getString("history[2].source"));
        assertNull(stored(id).dueAt(), "a delivered message is not owed to the sweep any more");
        assertNoFallback();
    }

    @Test
    void delivered_onARevokingMessage_makesItDeliveredAndDropsTheClaim() {
        String id = send(FALLBACK);
        Message pending = stored(id);
        Message claimed = pending.claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, Duration.ofMinutes(2),
                Source.API, Instant.now());
        assertTrue(store.transition(pending, claimed) instanceof TransitionResult.Applied);
        assertEquals("REVOKING", view(id).getString("state"));

        user("DELIVERED", id).post().statusCode(200);

        assertEquals("DELIVERED", view(id).getString("state"));
        assertNull(stored(id).claim());
        assertNull(stored(id).dueAt());
        // A revoke asked now is refused as delivered: the claim cannot come back.
        given().when().post("/v1/messages/" + id + "/revoke")
                .then().statusCode(409).body("type", equalTo("urn:rbm-revoker:problem:already-delivered"));
        assertNoFallback();
    }

    @Test
    void read_onAPendingMessage_makesItReadAndDelivered() {
        String id = track(FALLBACK);

        user("READ", id).post().statusCode(200);

        JsonPath message = view(id);
        assertEquals("READ", message.getString("state"));
        assertNotNull(message.getString("readAt"));
        assertNotNull(message.getString("deliveredAt"), "a read message was delivered");
        assertNull(stored(id).dueAt());
    }

    @Test
    void deliveredThenRead_endsRead() {
        String id = track(FALLBACK);

        user("DELIVERED", id).post().statusCode(200);
        user("READ", id).post().statusCode(200);

        assertEquals("READ", view(id).getString("state"));
        assertEquals(List.of("TRACKED", "DELIVERED", "READ"), view(id).getList("history.event"));
    }

    @Test
    void readThenDelivered_endsRead() {
        String id = track(FALLBACK);

        user("READ", id).post().statusCode(200);
        user("DELIVERED", id).post().statusCode(200);

        JsonPath message = view(id);
        assertEquals("READ", message.getString("state"));
        assertNotNull(message.getString("deliveredAt"));
        assertEquals(List.of("TRACKED", "READ"), message.getList("history.event"));
    }

    // ------------------------------------------------------------------ RBM's own expiry

    @Test
    void ttlExpirationRevoked_revokesWithThatReasonAndHandsTheFallbackToSmsAndCallbackOnce() throws Exception {
        String id = track(FALLBACK);

        int readsBefore = StoreFaults.reads();
        server("TTL_EXPIRATION_REVOKED", id).post().statusCode(200);
        int reads = StoreFaults.reads() - readsBefore;

        // No window after RBM's own expiry; the callback goes within the webhook, the SMS is left to the sweep.
        assertEquals(0, reads, "the expiry and the callback's claim were written without reading the message");
        JsonPath revoked = view(id);
        assertEquals("REVOKED", revoked.getString("state"));
        assertEquals("SENT", revoked.getString("fallback.callback.delivery.state"));
        assertEquals("PENDING", revoked.getString("fallback.sms.delivery.state"));
        assertEquals(0, RevokerResource.sns().requests());
        HandOvers.now(id);
        JsonPath message = view(id);
        assertEquals("FALLEN_BACK", message.getString("state"));
        assertEquals("TTL_EXPIRATION_REVOKED", message.getString("fallback.reason"));
        assertEquals("SENT", message.getString("fallback.state"));
        assertNotNull(message.getString("revokedAt"));
        List<String> events = message.getList("history.event");
        assertEquals(List.of("TRACKED", "REVOKED", "FALLEN_BACK"), events);
        assertEquals("TTL_EXPIRATION_REVOKED", message.getString("history[1].detail"));
        assertEquals("webhook", message.getString("history[1].source"));

        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(PHONE, RevokerResource.sns().publishes().get(0).phoneNumber());
        assertEquals(1, RevokerResource.callbacks().received().size());
        JsonPath callback = JsonPath.from(RevokerResource.callbacks().received().get(0).text());
        assertEquals(id, callback.getString("messageId"));
        assertEquals("TTL_EXPIRATION_REVOKED", callback.getString("reason"));
    }

    @Test
    void ttlExpirationRevoked_withoutFallback_endsRevokedWithThatReason() {
        String id = track(null);

        server("TTL_EXPIRATION_REVOKED", id).post().statusCode(200);

        JsonPath message = view(id);
        assertEquals("REVOKED", message.getString("state"));
        assertEquals("TTL_EXPIRATION_REVOKED", message.getString("fallback.reason"));
        assertNoFallback();
    }

    @Test
    void ttlExpirationRevokeFailed_isRecordedAndTheMessageStaysPendingAndOwedToTheSweep() {
        String id = track(FALLBACK);
        Instant owedAt = stored(id).dueAt();
        assertNotNull(owedAt);

        server("TTL_EXPIRATION_REVOKE_FAILED", id).post().statusCode(200);

        JsonPath message = view(id);
        assertEquals("PENDING", message.getString("state"));
        assertEquals(List.of("TRACKED", "TTL_EXPIRATION_REVOKE_FAILED"), message.getList("history.event"));
        assertEquals("webhook", message.getString("history[1].source"));
        assertEquals("WAITING", message.getString("fallback.state"));
        assertEquals(owedAt, stored(id).dueAt(), "still due to the sweep at the same time");
        assertNoFallback();
    }

    @Test
    void ttlExpirationRevoked_afterDelivered_keepsDeliveredAndRecordsRevokedAfterDelivery() {
        String id = track(FALLBACK);
        user("DELIVERED", id).post().statusCode(200);

        server("TTL_EXPIRATION_REVOKED", id).post().statusCode(200);

        JsonPath message = view(id);
        assertEquals("DELIVERED", message.getString("state"));
        assertEquals(List.of("TRACKED", "DELIVERED", "REVOKED_AFTER_DELIVERY"), message.getList("history.event"));
        assertNoFallback();
    }

    // ------------------------------------------------------------------ after a revoke

    @Test
    void delivered_afterRevoked_keepsRevokedAndRecordsDeliveredAfterRevoke() {
        String id = send(null);
        revokeNow(id, "REVOKED");

        user("DELIVERED", id).post().statusCode(200);

        JsonPath message = view(id);
        assertEquals("REVOKED", message.getString("state"));
        assertEquals(List.of("SENDING", "SENT", "REVOKING", "REVOKED", "DELIVERED_AFTER_REVOKE"),
                message.getList("history.event"));
        assertEquals("webhook", message.getString("history[4].source"));
    }

    @Test
    void read_afterRevoked_keepsRevokedAndRecordsDeliveredAfterRevoke() {
        String id = send(null);
        revokeNow(id, "REVOKED");

        user("READ", id).post().statusCode(200);

        assertEquals("REVOKED", view(id).getString("state"));
        assertEquals("DELIVERED_AFTER_REVOKE", last(view(id).getList("history.event")));
    }

    @Test
    void delivered_afterFallenBack_keepsFallenBackRecordsItAndSendsNoSecondFallback() {
        String id = send(FALLBACK);
        revokeNow(id, "FALLEN_BACK");
        assertEquals(1, RevokerResource.sns().publishes().size());

        user("DELIVERED", id).post().statusCode(200);

        JsonPath message = view(id);
        assertEquals("FALLEN_BACK", message.getString("state"));
        assertEquals("DELIVERED_AFTER_REVOKE", last(message.getList("history.event")));
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }

    // ------------------------------------------------------------------ duplicates

    @Test
    void sameEnvelopeTwice_isRecordedOnce() {
        String id = track(FALLBACK);
        RbmWebhooks.Envelope envelope = server("TTL_EXPIRATION_REVOKE_FAILED", id);

        envelope.post().statusCode(200);
        envelope.post().statusCode(200);

        assertEquals(List.of("TRACKED", "TTL_EXPIRATION_REVOKE_FAILED"), view(id).getList("history.event"));
    }

    @Test
    void sameEventIdInTwoEnvelopes_isRecordedOnce() {
        String id = track(FALLBACK);
        String data = serverEvent("TTL_EXPIRATION_REVOKE_FAILED", "srv-" + newEventId(), id);

        signed(newEnvelopeId(), data).post().statusCode(200);
        signed(newEnvelopeId(), data).post().statusCode(200);

        assertEquals(List.of("TRACKED", "TTL_EXPIRATION_REVOKE_FAILED"), view(id).getList("history.event"));
    }

    @Test
    void sameEnvelopeTwice_withoutEventId_isRecordedOnceByItsEnvelopeId() {
        String id = track(FALLBACK);
        String data = """
                {"phoneNumber":"%s","messageId":"%s","agentId":"test-agent","eventType":"TTL_EXPIRATION_REVOKE_FAILED"}"""
                .formatted(PHONE, id);
        String envelopeId = newEnvelopeId();

        signed(envelopeId, data).post().statusCode(200);
        signed(envelopeId, data).post().statusCode(200);

        assertEquals(List.of("TRACKED", "TTL_EXPIRATION_REVOKE_FAILED"), view(id).getList("history.event"));
    }

    @Test
    void twoDistinctRevokeFailedEvents_areBothRecorded() {
        // The counterpart of the duplicate tests: only a replay is ignored, not a second event.
        String id = track(FALLBACK);

        server("TTL_EXPIRATION_REVOKE_FAILED", id).post().statusCode(200);
        server("TTL_EXPIRATION_REVOKE_FAILED", id).post().statusCode(200);

        assertEquals(List.of("TRACKED", "TTL_EXPIRATION_REVOKE_FAILED", "TTL_EXPIRATION_REVOKE_FAILED"),
                view(id).getList("history.event"));
    }

    @Test
    void ttlExpirationRevoked_replayedAndRepeatedUnderAnotherEnvelope_fallsBackOnce() {
        String id = track(FALLBACK);
        String data = serverEvent("TTL_EXPIRATION_REVOKED", "srv-" + newEventId(), id);
        RbmWebhooks.Envelope first = signed(newEnvelopeId(), data);

        first.post().statusCode(200);
        first.post().statusCode(200);
        signed(newEnvelopeId(), data).post().statusCode(200);
        HandOvers.now(id);

        JsonPath message = view(id);
        assertEquals("FALLEN_BACK", message.getString("state"));
        assertEquals(1, Collections.frequency(message.getList("history.event"), "REVOKED"));
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }

    @Test
    void deliveredAfterFallenBack_replayed_isRecordedOnce() {
        String id = send(FALLBACK);
        revokeNow(id, "FALLEN_BACK");
        RbmWebhooks.Envelope delivered = user("DELIVERED", id);

        delivered.post().statusCode(200);
        delivered.post().statusCode(200);
        signed(newEnvelopeId(), userEvent("DELIVERED", eventIdOf(delivered), id)).post().statusCode(200);

        assertEquals(1, Collections.frequency(view(id).getList("history.event"), "DELIVERED_AFTER_REVOKE"));
    }

    // ------------------------------------------------------------------ signed but useless: 200, no change

    @Test
    void dataThatIsNotJson_answers200AndChangesNothing() {
        String id = track(FALLBACK);

        signed("DELIVERED " + id).post().statusCode(200);

        assertUnchanged(id);
        assertEquals(1, RevokerResource.forwards().received().size(), "still forwarded to the agent");
    }

    @Test
    void dataThatIsAJsonArray_answers200AndChangesNothing() {
        String id = track(FALLBACK);

        signed("[\"" + id + "\"]").post().statusCode(200);

        assertUnchanged(id);
    }

    @Test
    void deliveredForAnUntrackedMessage_answers200AndTracksNothing() {
        String unknown = UUID.randomUUID().toString();

        user("DELIVERED", unknown).post().statusCode(200);

        given().when().get("/v1/messages/" + unknown).then().statusCode(404);
    }

    @Test
    void deliveredWithAMessageIdThatIsNotOurs_answers200() {
        user("DELIVERED", "MsNotAUuid123").post().statusCode(200);
    }

    @Test
    void isTyping_answers200AndChangesNothing() {
        String id = track(FALLBACK);

        // Even if it named the message, typing says nothing about its delivery.
        user("IS_TYPING", id).post().statusCode(200);

        assertUnchanged(id);
    }

    @Test
    void subscribeAndUnsubscribe_answer200AndChangeNothing() {
        String id = track(FALLBACK);

        user("SUBSCRIBE", id).post().statusCode(200);
        user("UNSUBSCRIBE", id).post().statusCode(200);

        assertUnchanged(id);
    }

    @Test
    void inboundUserText_answers200AndChangesNothing() {
        String id = track(FALLBACK);
        // An inbound message has no eventType; its messageId is the user's own (here colliding with ours).
        String data = """
                {"senderPhoneNumber":"%s","messageId":"%s","sendTime":"2026-11-22T10:02:00Z","text":"STOP",
                 "agentId":"test-agent"}""".formatted(PHONE, id);

        signed(data).post().statusCode(200);

        assertUnchanged(id);
    }

    @Test
    void unknownEventType_answers200AndChangesNothing() {
        String id = track(FALLBACK);

        user("SOMETHING_NEW", id).post().statusCode(200);

        assertUnchanged(id);
    }

    @Test
    void agentLaunchEvent_answers200AndChangesNothing() {
        String id = track(FALLBACK);
        String data = """
                {"agentId":"test-agent","launchState":"LAUNCHED","carrier":"Test Carrier","eventType":"DELIVERED",
                 "messageId":"%s"}""".formatted(id);

        signed(newEnvelopeId(), data, "\"type\":\"agent_launch_event\"").post().statusCode(200);

        assertUnchanged(id);
        assertEquals(1, RevokerResource.forwards().received().size(), "still forwarded to the agent");
    }

    @Test
    void deliveredWithUnknownFields_isStillApplied() {
        String id = track(FALLBACK);
        String data = """
                {"senderPhoneNumber":"%s","eventType":"DELIVERED","eventId":"%s","messageId":"%s",
                 "sendTime":"2026-11-22T10:00:00.812Z","agentId":"test-agent","somethingNew":{"a":[1,2]},"n":3}"""
                .formatted(PHONE, newEventId(), id);

        signed(data).post().statusCode(200);

        assertEquals("DELIVERED", view(id).getString("state"));
    }

    // ------------------------------------------------------------------ helpers

    private Message stored(String id) {
        return store.get(id).orElseThrow();
    }

    /** Revokes through the API (RBM answers 200); FALLEN_BACK: then hands the fallback over, as the sweep does. */
    private static void revokeNow(String id, String expectedState) {
        given().when().post("/v1/messages/" + id + "/revoke")
                .then().statusCode(200).body("state", equalTo("REVOKED"));
        if (expectedState.equals("FALLEN_BACK")) {
            assertEquals(MessageState.FALLEN_BACK, HandOvers.now(id).state());
        }
    }

    private void assertUnchanged(String id) {
        JsonPath message = view(id);
        assertEquals("PENDING", message.getString("state"));
        assertEquals(List.of("TRACKED"), message.getList("history.event"));
        assertEquals(MessageState.PENDING, stored(id).state());
        assertNotNull(stored(id).dueAt());
        assertNoFallback();
    }

    private static void assertNoFallback() {
        assertEquals(0, RevokerResource.sns().publishes().size(), "no SMS");
        assertEquals(0, RevokerResource.callbacks().received().size(), "no callback");
    }

    private static String eventIdOf(RbmWebhooks.Envelope envelope) {
        String data = JsonPath.from(envelope.body()).getString("message.data");
        return JsonPath.from(new String(java.util.Base64.getDecoder().decode(data),
                java.nio.charset.StandardCharsets.UTF_8)).getString("eventId");
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }
}
