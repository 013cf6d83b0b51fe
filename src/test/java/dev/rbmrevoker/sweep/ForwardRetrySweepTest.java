package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.testing.HttpRecorder;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.webhook.ForwardStore;
import dev.rbmrevoker.webhook.PendingForward;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A webhook forward that failed is posted again by the sweep, unchanged and once, even with two sweeps. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class ForwardRetrySweepTest {

    @Inject
    Sweeper sweeper;
    @Inject
    ForwardStore forwards;

    @BeforeEach
    void reset() {
        SweepFixtures.clearTable();
        RevokerResource.resetAll();
    }

    @Test
    void failedForward_isPostedOnceUnchanged_byTwoSweepsAtOnce_andForgotten() throws Exception {
        String id = UUID.randomUUID().toString();
        String body = "{\"message\":{\"data\":\"e30=\",\"messageId\":\"" + id + "\"}}";
        Instant failedAt = SweepFixtures.now().minus(Duration.ofMinutes(1));
        forwards.add(new PendingForward(id, body, "c2lnbmF0dXJl", 1, failedAt, failedAt.plusSeconds(30),
                "HTTP 503", 0));

        SweepFixtures.sweepConcurrently(sweeper, 2, Duration.ofSeconds(20));

        List<HttpRecorder.Received> posted = RevokerResource.forwards().received();
        assertEquals(1, posted.size(), "posted once");
        assertEquals(body, posted.get(0).text());
        assertEquals("c2lnbmF0dXJl", posted.get(0).header("X-Goog-Signature"));
        assertTrue(forwards.get(id).isEmpty(), "a delivered forward is no longer stored");
    }

    @Test
    void forwardFailingAgain_staysStoredForALaterSweep() throws Exception {
        String id = UUID.randomUUID().toString();
        Instant failedAt = SweepFixtures.now().minus(Duration.ofMinutes(1));
        forwards.add(new PendingForward(id, "{\"message\":{\"data\":\"e30=\"}}", "c2ln", 1, failedAt,
                failedAt.plusSeconds(30), "HTTP 503", 0));
        RevokerResource.forwards().failNext(1, 503);

        sweeper.sweep(Duration.ofSeconds(10));

        assertEquals(1, RevokerResource.forwards().received().size());
        PendingForward stored = forwards.get(id).orElseThrow();
        assertEquals(2, stored.attempts());
        assertTrue(stored.nextAttemptAt().isAfter(SweepFixtures.now()), "retried later, with backoff");
    }
}
