package dev.rbmrevoker.api;

import static dev.rbmrevoker.api.Api.PHONE;
import static dev.rbmrevoker.api.Api.PROBLEM;
import static dev.rbmrevoker.api.Api.PROBLEM_JSON;
import static dev.rbmrevoker.api.Api.newId;
import static dev.rbmrevoker.api.Api.post;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regression for issue 12 item 4: repeating a send left in SENDING after its deadline sent it to RBM
 * late (a ttl's deadline is the first request's). Now nothing past its deadline is sent: the repeat
 * answers 422 {@code deadline-passed} with the stored message, and RBM is not called.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class SendAfterDeadlineTest {

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @Test
    void repeatedTtlSend_afterTheDeadline_answers422DeadlinePassed_andRbmIsNotCalled() throws Exception {
        String id = newId();
        String body = """
                {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"hi"},"ttl":"PT2S"}
                """.formatted(id, PHONE);
        assertRepeatAfterDeadlineIsRefused(id, body);
    }

    @Test
    void repeatedDeadlineSend_afterTheDeadline_answers422DeadlinePassed_andRbmIsNotCalled() throws Exception {
        String id = newId();
        String body = """
                {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"hi"},"deadline":"%s"}
                """.formatted(id, PHONE, Instant.now().plusSeconds(2));
        assertRepeatAfterDeadlineIsRefused(id, body);
    }

    private static void assertRepeatAfterDeadlineIsRefused(String id, String body) throws InterruptedException {
        RevokerResource.rbm().inject(Route.SEND, Fault.status(503), 1_000);
        post("/v1/messages", body).then().statusCode(503);
        Instant deadline = Instant.parse(Api.get(id).then().body("state", equalTo("SENDING")).extract().path("deadline"));
        int sends = RevokerResource.rbm().calls(Route.SEND).size();
        RevokerResource.rbm().clearFaults();
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), deadline).toMillis()) + 100);

        post("/v1/messages", body).then().statusCode(422)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "deadline-passed"))
                .body("message.messageId", equalTo(id))
                .body("message.state", equalTo("SENDING"));

        assertEquals(sends, RevokerResource.rbm().calls(Route.SEND).size(), "RBM sends after the deadline");
        assertEquals(0, RevokerResource.rbm().message(id).map(m -> 1).orElse(0), "RBM never queued it");
    }
}
