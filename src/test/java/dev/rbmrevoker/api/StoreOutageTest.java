package dev.rbmrevoker.api;

import static dev.rbmrevoker.api.Api.PHONE;
import static dev.rbmrevoker.api.Api.PROBLEM;
import static dev.rbmrevoker.api.Api.PROBLEM_JSON;
import static dev.rbmrevoker.api.Api.newId;
import static dev.rbmrevoker.api.Api.post;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.testing.StoreFaults;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A DynamoDB outage is a 503 the caller can retry, and the retry finishes the request. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class StoreOutageTest {

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @AfterEach
    void noMoreOutages() {
        StoreFaults.clear();
    }

    @Test
    void send_whenTheStoreIsDown_answers503StoreUnavailable_andARepeatSendsIt() {
        String id = newId();
        String body = Api.send(id, PHONE, null);
        StoreFaults.failCreates(1);

        post("/v1/messages", body).then().statusCode(503)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "store-unavailable"))
                .header("Retry-After", notNullValue());
        assertEquals(0, RevokerResource.rbm().calls(Route.SEND).size());

        post("/v1/messages", body).then().statusCode(201).body("state", equalTo("PENDING"));
    }

    @Test
    void send_whenTheStoreFailsToRecordRbmsAnswer_answers503_andARepeatFinishesIt() {
        String id = newId();
        String body = Api.send(id, PHONE, null);
        StoreFaults.failTransitions(1);

        post("/v1/messages", body).then().statusCode(503)
                .body("type", equalTo(PROBLEM + "store-unavailable"));
        Api.get(id).then().body("state", equalTo("SENDING"));

        post("/v1/messages", body).then().statusCode(201).body("state", equalTo("PENDING"));
        assertEquals(1, RevokerResource.rbm().messages().stream().filter(m -> m.messageId().equals(id)).count());
    }
}
