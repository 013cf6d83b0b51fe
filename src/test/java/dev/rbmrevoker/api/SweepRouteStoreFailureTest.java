package dev.rbmrevoker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.rbmrevoker.sweep.SweepProfile;
import dev.rbmrevoker.testing.DynamoDbLocalResource;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A sweep that cannot read the due index failed: it says so with a 5xx, so the failure shows. The sweep
 * tests' table is taken away for the request, rather than a profile of its own naming a missing table,
 * which would cost an application start.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class SweepRouteStoreFailureTest {

    @Test
    void postSweep_whenTheDueIndexCannotBeRead_answers500ProblemJson() {
        try (DynamoDbClient client = DynamoDbLocalResource.server().client()) {
            client.deleteTable(b -> b.tableName(SweepProfile.TABLE));
            // Gone before the request, so that the table made again afterwards is a new one.
            client.waiter().waitUntilTableNotExists(b -> b.tableName(SweepProfile.TABLE));
        }
        try {
            given().when().post("/internal/sweep")
                    .then().statusCode(500)
                    .contentType(startsWith("application/problem+json"))
                    .body("type", equalTo("urn:rbm-revoker:problem:internal"));
        } finally {
            DynamoDbLocalResource.server().createMessagesTable(SweepProfile.TABLE);
        }
    }
}
