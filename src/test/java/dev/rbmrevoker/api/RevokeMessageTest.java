package dev.rbmrevoker.api;

import static dev.rbmrevoker.api.Api.PHONE;
import static dev.rbmrevoker.api.Api.PROBLEM;
import static dev.rbmrevoker.api.Api.PROBLEM_JSON;
import static dev.rbmrevoker.api.Api.bothChannels;
import static dev.rbmrevoker.api.Api.newId;
import static dev.rbmrevoker.api.Api.post;
import static dev.rbmrevoker.api.Api.revoke;
import static dev.rbmrevoker.api.Api.send;
import static dev.rbmrevoker.api.Api.state;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.OutgoingMessage;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.SendOutcome;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.testing.HandOvers;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.webhook.RbmEvent;
import dev.rbmrevoker.webhook.WebhookService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** POST /v1/messages/{id}/revoke: API.md's revoke table, row by row. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class RevokeMessageTest {

    @Inject
    MessageStore store;
    @Inject
    WebhookService webhooks;
    @Inject
    RbmGateway rbm;

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    private static String sent(String fallback) {
        String id = newId();
        post("/v1/messages", send(id, PHONE, fallback)).then().statusCode(201).body("state", equalTo("PENDING"));
        return id;
    }

    private static List<RecordedCall> revokeCalls() {
        return RevokerResource.rbm().calls(Route.REVOKE);
    }

    /** Forgets what the stand-ins saw, so that a later call is noticed. */
    private static void nobodyCalledSoFar() {
        RevokerResource.resetAll();
    }

    private static void assertNobodyCalled() {
        assertEquals(0, revokeCalls().size(), "RBM revokes");
        assertEquals(0, RevokerResource.sns().publishes().size(), "SMS");
        assertEquals(0, RevokerResource.callbacks().received().size(), "callbacks");
    }

    @Test
    void revoke_pending_callsRbmOnce_andAnswers200Revoked() {
        String id = sent(null);

        revoke(id).then().statusCode(200)
                .contentType("application/json")
                .body("state", equalTo("REVOKED"))
                .body("revokedAt", notNullValue())
                .body("fallback.reason", equalTo("REVOKED_ON_REQUEST"))
                .body("history.event", hasItem("REVOKED"));

        List<RecordedCall> calls = revokeCalls();
        assertEquals(1, calls.size());
        assertEquals(PHONE, calls.get(0).phoneNumber());
        assertEquals(RevokerResource.AGENT, calls.get(0).query().get("agentId"));
        assertEquals("REVOKED", RevokerResource.rbm().message(id).orElseThrow().state().name());
    }

    /**
     * Regression (issue 12): RBM's 200 is not proof of a revoke, so the fallback waits out
     * REVOKE_CONFIRM_WINDOW (PT5S by default) instead of going at once; the sweep hands it over then.
     */
    @Test
    void revoke_pendingWithFallback_answers200Revoked_withTheFallbackWaitingOutTheConfirmWindow() {
        String id = sent(bothChannels());
        Instant before = Instant.now();

        String dueAt = revoke(id).then().statusCode(200).body("state", equalTo("REVOKED"))
                .body("fallback.state", equalTo("WAITING"))
                .body("fallback.reason", equalTo("REVOKED_ON_REQUEST"))
                .body("fallback.sms.delivery", nullValue())
                .extract().path("fallback.dueAt");
        Instant after = Instant.now();

        Instant due = Instant.parse(dueAt);
        assertTrue(!due.isBefore(before.plusSeconds(5).minusMillis(1)) && !due.isAfter(after.plusSeconds(5)),
                "due at the window's end: " + due);
        assertEquals(due, store.get(id).orElseThrow().dueAt(), "the sweep finds it then");
        assertEquals(1, revokeCalls().size());
        assertEquals(0, RevokerResource.sns().publishes().size());
        assertEquals(0, RevokerResource.callbacks().received().size());

        Message handedOver = HandOvers.now(id);

        assertEquals(MessageState.FALLEN_BACK, handedOver.state());
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }

    @Test
    void revoke_withFallbackFalse_revokesWithoutFallingBack() {
        String id = sent(bothChannels());

        revoke(id, "{\"fallback\":false}").then().statusCode(200).body("state", equalTo("REVOKED"))
                .body("fallback.state", equalTo("NONE"));

        assertEquals(1, revokeCalls().size());
        assertEquals(0, RevokerResource.sns().publishes().size());
        assertEquals(0, RevokerResource.callbacks().received().size());
    }

    @Test
    void revoke_withFallbackTrue_onAMessageWithoutChannel_answers400NoFallbackChannel_andRevokesNothing() {
        String id = sent(null);

        revoke(id, "{\"fallback\":true}").then().statusCode(400)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "no-fallback-channel"));

        assertEquals(0, revokeCalls().size());
        assertEquals("PENDING", state(id));
    }

    @Test
    void revoke_whenRbmNoLongerQueuesIt_answers409AlreadyDelivered_andRecordsDelivered() {
        String id = sent(bothChannels());
        RevokerResource.rbm().deliver(id);

        revoke(id).then().statusCode(409)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "already-delivered"));

        assertEquals("DELIVERED", state(id));
        assertEquals(0, RevokerResource.sns().publishes().size());
        assertEquals(0, RevokerResource.callbacks().received().size());
    }

    @Test
    void revoke_whenRbmStaysUnavailable_answers503WithRetryAfter_andTheMessageIsPendingAgain() {
        String id = sent(bothChannels());
        RevokerResource.rbm().inject(Route.REVOKE, Fault.status(503), 50);

        revoke(id).then().statusCode(503)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "rbm-unavailable"))
                .header("Retry-After", matchesPattern("[1-9][0-9]*"));

        Api.get(id).then().body("state", equalTo("PENDING")).body("history.event", hasItem("REVOKE_RETRY"));
        assertEquals(0, RevokerResource.sns().publishes().size());

        RevokerResource.rbm().clearFaults();
        revoke(id).then().statusCode(200).body("state", equalTo("REVOKED")).body("fallback.state", equalTo("WAITING"));
    }

    @Test
    void revoke_whileSomeoneHoldsALiveLease_answers409RevokeInProgressWithRetryAfter_andCallsNobody() {
        String id = sent(bothChannels());
        Message pending = store.get(id).orElseThrow();
        Message claimed = pending.claimRevoke(FallbackReason.DEADLINE_PASSED, true, Duration.ofMinutes(2),
                Source.SWEEP, Instant.now());
        assertEquals(TransitionResult.Applied.class, store.transition(pending, claimed).getClass());
        nobodyCalledSoFar();

        revoke(id).then().statusCode(409)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "revoke-in-progress"))
                .header("Retry-After", matchesPattern("[1-9][0-9]*"));

        assertNobodyCalled();
        assertEquals("REVOKING", state(id));
    }

    @Test
    void revoke_revoked_answers200_andCallsNobody() {
        String id = sent(null);
        revoke(id).then().statusCode(200);
        nobodyCalledSoFar();

        revoke(id).then().statusCode(200).body("state", equalTo("REVOKED"));

        assertNobodyCalled();
    }

    @Test
    void revoke_fallenBack_answers200_andFallsBackNoSecondTime() {
        String id = sent(bothChannels());
        revoke(id).then().statusCode(200).body("state", equalTo("REVOKED"));
        assertEquals(MessageState.FALLEN_BACK, HandOvers.now(id).state());
        nobodyCalledSoFar();

        revoke(id).then().statusCode(200).body("state", equalTo("FALLEN_BACK"));
        revoke(id, "{\"fallback\":true}").then().statusCode(200).body("state", equalTo("FALLEN_BACK"));

        assertNobodyCalled();
    }

    @Test
    void revoke_fallbackFailed_answers200_andCallsNobody() {
        String id = sent("{\"callback\":{}}");
        RevokerResource.callbacks().answering(400);
        revoke(id).then().statusCode(200).body("state", equalTo("REVOKED"));
        assertEquals(MessageState.FALLBACK_FAILED, HandOvers.now(id).state());
        Api.get(id).then().body("state", equalTo("FALLBACK_FAILED")).body("fallback.state", equalTo("FAILED"));
        nobodyCalledSoFar();

        revoke(id).then().statusCode(200).body("state", equalTo("FALLBACK_FAILED"));

        assertNobodyCalled();
    }

    @Test
    void revoke_undeliverable_answers200_andCallsNobody() {
        String id = newId();
        String phone = "+16502530005";
        RevokerResource.rbm().setUnreachable(phone);
        post("/v1/messages", send(id, phone, null)).then().statusCode(201).body("state", equalTo("UNDELIVERABLE"));
        nobodyCalledSoFar();

        revoke(id).then().statusCode(200).body("state", equalTo("UNDELIVERABLE"));

        assertNobodyCalled();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DELIVERED", "READ"})
    void revoke_deliveredOrRead_answers409AlreadyDelivered_andCallsNobody(String event) {
        String id = sent(bothChannels());
        webhooks.apply(new RbmEvent(event, "event-" + id, id, PHONE, RevokerResource.AGENT), "envelope-" + id);
        assertEquals(event, state(id));
        nobodyCalledSoFar();

        revoke(id).then().statusCode(409)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "already-delivered"));

        assertNobodyCalled();
        assertEquals(event, state(id));
    }

    @Test
    void revoke_sending_answers409NotSent_andCallsNobody() {
        String id = newId();
        RevokerResource.rbm().inject(Route.SEND, Fault.status(503), 50);
        post("/v1/messages", send(id, PHONE, bothChannels())).then().statusCode(503);
        nobodyCalledSoFar();

        revoke(id).then().statusCode(409)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "not-sent"));

        assertNobodyCalled();
        assertEquals("SENDING", state(id));
    }

    @Test
    void revoke_rejected_answers409NotSent_andCallsNobody() {
        String id = newId();
        RevokerResource.rbm().inject(Route.SEND, Fault.status(400));
        post("/v1/messages", send(id, PHONE, bothChannels())).then().statusCode(422);
        nobodyCalledSoFar();

        revoke(id).then().statusCode(409).body("type", equalTo(PROBLEM + "not-sent"));

        assertNobodyCalled();
        assertEquals("REJECTED", state(id));
    }

    @Test
    void revoke_unknownWithoutPhoneNumber_answers404NotFound_andTracksNothing() {
        String id = newId();

        revoke(id).then().statusCode(404)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "not-found"));

        assertEquals(0, revokeCalls().size());
        Api.get(id).then().statusCode(404);
    }

    @Test
    void revoke_unknownWithPhoneNumber_tracksIt_andRevokesItAtRbm() {
        String id = newId();
        // The agent sent this message itself and never asked us to track it.
        SendOutcome outcome = rbm.send(new OutgoingMessage(RevokerResource.AGENT, PHONE, id,
                "{\"contentMessage\":{\"text\":\"sent by the agent\"}}", null), Duration.ofSeconds(10));
        assertEquals(SendOutcome.Accepted.class, outcome.getClass());

        revoke(id, "{\"phoneNumber\":\"" + PHONE + "\"}").then().statusCode(200)
                .body("messageId", equalTo(id))
                .body("phoneNumber", equalTo(PHONE))
                .body("agentId", equalTo(RevokerResource.AGENT))
                .body("state", equalTo("REVOKED"));

        assertEquals(1, revokeCalls().size());
        assertEquals("REVOKED", RevokerResource.rbm().message(id).orElseThrow().state().name());
        assertEquals("REVOKED", state(id));
    }

    @Test
    void revoke_withAFallbackThatIsNotABoolean_answers400() {
        String id = sent(bothChannels());

        revoke(id, "{\"fallback\":\"yes\"}").then().statusCode(400)
                .contentType(PROBLEM_JSON)
                .body("errors.field", hasItem("fallback"));

        assertEquals(0, revokeCalls().size());
    }

    @Test
    void revoke_withAnUnknownField_answers400_andRevokesNothing() {
        String id = sent(bothChannels());

        revoke(id, "{\"fallbak\":false}").then().statusCode(400)
                .contentType(PROBLEM_JSON)
                .body("errors.field", hasItem("fallbak"));

        assertEquals(0, revokeCalls().size());
        assertEquals("PENDING", state(id));
    }

    @Test
    void revoke_unknownWithPhoneNumberAndFallbackTrue_answers400NoFallbackChannel_andTracksNothing() {
        // Regression: the refused request used to leave the message tracked, due now, for the sweep to revoke.
        String id = newId();

        revoke(id, "{\"phoneNumber\":\"" + PHONE + "\",\"fallback\":true}").then().statusCode(400)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "no-fallback-channel"));

        Api.get(id).then().statusCode(404);
        assertEquals(0, revokeCalls().size());
    }

    @Test
    void revoke_unknownWithPhoneNumberAndAgentId_revokesAtThatAgent() {
        String id = newId();

        revoke(id, "{\"phoneNumber\":\"" + PHONE + "\",\"agentId\":\"other-agent\"}").then()
                .statusCode(org.hamcrest.Matchers.lessThan(500));

        assertEquals(1, revokeCalls().size());
        assertEquals("other-agent", revokeCalls().get(0).query().get("agentId"));
        Api.get(id).then().statusCode(200).body("agentId", equalTo("other-agent"));
    }

    @Test
    void revoke_revokingWhoseLeaseRanOut_isTakenOver_andRevokedOnce() {
        String id = sent(bothChannels());
        Message pending = store.get(id).orElseThrow();
        Instant crashed = Instant.now().minusSeconds(300);
        // Someone claimed it long ago and died before calling RBM.
        Message stale = pending.claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, Duration.ofMinutes(2),
                Source.API, crashed);
        assertEquals(TransitionResult.Applied.class, store.transition(pending, stale).getClass());

        revoke(id).then().statusCode(200).body("state", equalTo("REVOKED"))
                .body("fallback.state", equalTo("WAITING"))
                .body("history.event", hasItem("REVOKE_RETRY"));
        assertEquals(MessageState.FALLEN_BACK, HandOvers.now(id).state());

        assertEquals(1, revokeCalls().size());
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }

    @Test
    void revoke_repeatedAfterRbmRevokedItButTheAnswerWasLost_fallsBack_insteadOfCallingItDelivered() {
        String id = sent(bothChannels());
        RevokerResource.rbm().inject(Route.REVOKE, Fault.lostAnswer(), 50);
        revoke(id).then().statusCode(503);
        assertEquals("REVOKED", RevokerResource.rbm().message(id).orElseThrow().state().name(),
                "RBM did revoke it; only its answer was lost");
        RevokerResource.rbm().clearFaults();

        // RBM now answers 404: the message is gone because we revoked it, not because it was delivered.
        // FALLBACK_ON_AMBIGUOUS settles it, with no confirm window.
        revoke(id).then().statusCode(200).body("state", equalTo("FALLEN_BACK"));

        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }
}
