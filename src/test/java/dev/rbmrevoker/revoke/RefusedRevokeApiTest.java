package dev.rbmrevoker.revoke;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.HistoryEntry;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 3, the API side: {@code POST /v1/messages/{id}/revoke} calls RBM once per request, answers
 * a refusal with 422 {@code rbm-rejected} (PENDING again, fact REVOKE_REFUSED), and re-arms automatic
 * revokes that had given up: refusal count reset, due after the first backoff step.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class RefusedRevokeApiTest {

    @Inject
    MessageStore store;

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @Test
    void apiRevokeRefused_answers422RbmRejected_afterOneRbmCall_andNotesRevokeRefused() {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json").body("""
                {"phoneNumber":"+16502530001","ttl":"PT10M","fallback":{"sms":{"text":"code 1234"}}}""")
                .put("/v1/messages/" + id).then().statusCode(201);
        RevokerResource.rbm().inject(Route.REVOKE, Fault.status(403), 5);

        given().post("/v1/messages/" + id + "/revoke").then().statusCode(422)
                .body("type", equalTo("urn:rbm-revoker:problem:rbm-rejected"));

        assertEquals(1, RevokerResource.rbm().calls(Route.REVOKE).size(), "RBM revoke calls");
        given().get("/v1/messages/" + id).then().statusCode(200)
                .body("state", equalTo("PENDING"))
                .body("history.event", hasItem("REVOKE_REFUSED"));
        assertEquals(0, RevokerResource.sns().publishes().size());
    }

    @Test
    void apiRevokeRefused_afterAutomaticRevokesGaveUp_reArmsThem() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Message tracked = store.create(Message.tracked(Messages.spec(now.minusSeconds(600),
                Fallback.requested("code 1234", false)), Messages.TIMING, now.minusSeconds(900)));
        Message gaveUp = tracked.toBuilder().revokeRefusals(5).dueAt(null).build();
        assertInstanceOf(TransitionResult.Applied.class, store.transition(tracked, gaveUp));
        assertTrue(gaveUp.revokesGaveUp());
        RevokerResource.rbm().inject(Route.REVOKE, Fault.status(400), 5);

        given().post("/v1/messages/" + tracked.messageId() + "/revoke").then().statusCode(422)
                .body("type", equalTo("urn:rbm-revoker:problem:rbm-rejected"));

        Message rearmed = store.get(tracked.messageId()).orElseThrow();
        assertEquals(MessageState.PENDING, rearmed.state());
        assertEquals(0, rearmed.revokeRefusals(), "refusal count reset");
        HistoryEntry refusal = rearmed.history().get(rearmed.history().size() - 1);
        assertEquals("REVOKE_REFUSED", refusal.event());
        assertEquals(Source.API, refusal.source());
        assertEquals(refusal.at().plus(Duration.ofMinutes(1)), rearmed.dueAt(), "due again after the first backoff step");
        assertEquals(1, RevokerResource.rbm().calls(Route.REVOKE).size(), "RBM revoke calls");
    }
}
