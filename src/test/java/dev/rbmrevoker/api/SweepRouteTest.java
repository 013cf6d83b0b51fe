package dev.rbmrevoker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.sweep.SweepFixtures;
import dev.rbmrevoker.sweep.SweepProfile;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /internal/sweep} where SWEEP_ENABLED is true: the sweep runs and answers API.md's summary. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class SweepRouteTest {

    @Inject
    MessageStore store;
    @Inject
    RbmGateway rbm;

    @BeforeEach
    void reset() {
        SweepFixtures.clearTable();
        RevokerResource.resetAll();
    }

    @Test
    void postSweep_revokesWhatIsDue_andAnswers200WithTheSummary() throws Exception {
        List<String> ids = SweepFixtures.ids(SweepFixtures.pendingAtRbm(store, rbm, 2));

        given().when().post("/internal/sweep")
                .then().statusCode(200)
                .contentType(startsWith("application/json"))
                .body("due", equalTo(2))
                .body("revoked", equalTo(2))
                .body("delivered", equalTo(0))
                .body("fallenBack", equalTo(2))
                .body("failed", equalTo(0))
                .body("durationMs", greaterThanOrEqualTo(0));

        for (String id : ids) {
            assertEquals(MessageState.FALLEN_BACK, store.get(id).orElseThrow().state(), id);
        }
        assertEquals(SweepFixtures.once(ids), SweepFixtures.revokeCalls(0));
    }

    @Test
    void postSweep_withNothingDue_answersZeros() {
        given().when().post("/internal/sweep")
                .then().statusCode(200)
                .body("due", equalTo(0))
                .body("revoked", equalTo(0))
                .body("delivered", equalTo(0))
                .body("fallenBack", equalTo(0))
                .body("failed", equalTo(0));
    }
}
