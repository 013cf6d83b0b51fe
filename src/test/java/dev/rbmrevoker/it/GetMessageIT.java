package dev.rbmrevoker.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Runs against the packaged artifact (the native executable with -Dnative), through the Lambda
 * event path, with DynamoDB Local and the RBM test server of the JVM tests.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(RevokerResource.class)
class GetMessageIT {

    @Test
    void unknownMessage_answers404ProblemJson() {
        given().when().get("/v1/messages/" + UUID.randomUUID())
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:rbm-revoker:problem:not-found"));
    }

    @Test
    void send_thenRead_pendingWithItsHistory() {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json")
                .body("""
                        {"messageId":"%s","phoneNumber":"+16502530001","contentMessage":{"text":"hi"},"ttl":"PT10M"}
                        """.formatted(id))
                .when().post("/v1/messages").then().statusCode(201).body("state", equalTo("PENDING"));
        given().when().get("/v1/messages/" + id)
                .then().statusCode(200).body("history[0].event", equalTo("SENDING"));
    }
}
