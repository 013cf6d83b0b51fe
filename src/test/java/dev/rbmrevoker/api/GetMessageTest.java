package dev.rbmrevoker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class GetMessageTest {

    @Test
    void get_unknownMessage_answers404ProblemJson() {
        String id = UUID.randomUUID().toString();
        given().when().get("/v1/messages/" + id)
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:rbm-revoker:problem:not-found"))
                .body("status", equalTo(404))
                .body("detail", equalTo("No message " + id + " is tracked."));
    }

    @Test
    void get_notAUuid_answers400WithTheField() {
        given().when().get("/v1/messages/not-a-uuid")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:rbm-revoker:problem:validation"))
                .body("errors.field", hasItem("messageId"));
    }

    @Test
    void unknownRoute_answers404ProblemJson() {
        given().when().get("/nowhere")
                .then().statusCode(404)
                .contentType("application/problem+json");
    }
}
