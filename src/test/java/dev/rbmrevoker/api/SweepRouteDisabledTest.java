package dev.rbmrevoker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.sweep.SweepFixtures;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Without SWEEP_ENABLED (the API function, which the default test profile is; SweepProfile is the sweep
 * function) the sweep route does not exist, and nothing is swept.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class SweepRouteDisabledTest {

    @Inject
    MessageStore store;
    @Inject
    RbmGateway rbm;

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @Test
    void postSweep_answers404ProblemJson_andRevokesNothing() throws Exception {
        List<String> ids = SweepFixtures.ids(SweepFixtures.pendingAtRbm(store, rbm, 1));

        given().when().post("/internal/sweep")
                .then().statusCode(404)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:rbm-revoker:problem:not-found"))
                .body("status", equalTo(404));

        assertEquals(List.of(), RevokerResource.rbm().calls(Route.REVOKE));
        assertEquals(MessageState.PENDING, store.get(ids.get(0)).orElseThrow().state());
    }
}
