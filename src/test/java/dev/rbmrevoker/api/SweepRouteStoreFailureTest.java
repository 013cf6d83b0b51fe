package dev.rbmrevoker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sweep that cannot read the due index failed: it says so with a 5xx, so the failure shows. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepRouteStoreFailureTest.MissingTable.class)
class SweepRouteStoreFailureTest {

    public static class MissingTable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("messages.table", "rbm-revoker-no-such-table");
        }
    }

    @Test
    void postSweep_whenTheDueIndexCannotBeRead_answers500ProblemJson() {
        given().when().post("/internal/sweep")
                .then().statusCode(500)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:rbm-revoker:problem:internal"));
    }
}
