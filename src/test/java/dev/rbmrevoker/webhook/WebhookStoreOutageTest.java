package dev.rbmrevoker.webhook;

import static dev.rbmrevoker.webhook.RbmWebhooks.track;
import static dev.rbmrevoker.webhook.RbmWebhooks.user;
import static dev.rbmrevoker.webhook.RbmWebhooks.view;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.testing.StoreFaults;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one exception to "200 for every validly signed envelope": DynamoDB unreachable answers 503
 * store-unavailable, so RBM retries and nothing is lost; RBM's retry is then applied and forwarded.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class WebhookStoreOutageTest {

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @AfterEach
    void clearFaults() {
        StoreFaults.clear();
    }

    @Test
    void storeDown_answers503StoreUnavailable_andRbmsRetryIsApplied() {
        String id = track(null);
        RbmWebhooks.Envelope envelope = user("DELIVERED", id);
        StoreFaults.failTransitions(1);

        envelope.post().statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:rbm-revoker:problem:store-unavailable"));

        assertEquals("PENDING", view(id).getString("state"), "nothing recorded yet");
        assertEquals(0, RevokerResource.forwards().received().size(), "forwarded with RBM's retry, not twice");

        envelope.post().statusCode(200);

        assertEquals("DELIVERED", view(id).getString("state"));
        assertEquals(1, RevokerResource.forwards().received().size());
    }
}
