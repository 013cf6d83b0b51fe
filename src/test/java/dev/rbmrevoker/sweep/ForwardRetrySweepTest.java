package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rbmrevoker.testing.CapturingMetricSink;
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

/**
 * A webhook forward that failed is posted again by the sweep, unchanged and once, even with two sweeps;
 * it is retried with capped backoff for 7 days whatever FALLBACK_MAX_ATTEMPTS says, then given up with
 * a metric; the sweep reports the age of the oldest forward waiting.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class ForwardRetrySweepTest {

    @Inject
    Sweeper sweeper;
    @Inject
    ForwardStore forwards;
    @Inject
    CapturingMetricSink metrics;

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

    @Test
    void forwardFailingMoreThanFallbackMaxAttempts_isKept_andRetriedAnHourLater() throws Exception {
        String id = UUID.randomUUID().toString();
        Instant createdAt = SweepFixtures.now().minus(Duration.ofDays(6)).minus(Duration.ofHours(23));
        Instant due = SweepFixtures.now().minusSeconds(1);
        forwards.add(new PendingForward(id, "{\"message\":{\"data\":\"e30=\"}}", "c2ln", 40, createdAt, due,
                "HTTP 503", 0));
        RevokerResource.forwards().answering(503);

        sweeper.sweep(Duration.ofSeconds(10));

        assertEquals(1, RevokerResource.forwards().received().size(), "tried again");
        PendingForward stored = forwards.get(id).orElseThrow(() -> new AssertionError("dropped after 41 attempts"));
        assertEquals(41, stored.attempts());
        Instant after = SweepFixtures.now();
        assertTrue(stored.nextAttemptAt().isAfter(after.plus(Duration.ofMinutes(59))), "capped backoff: an hour");
        assertTrue(stored.nextAttemptAt().isBefore(after.plus(Duration.ofMinutes(61))), "capped backoff: an hour");
    }

    @Test
    void forwardFailingForSevenDays_isGivenUp_andCounted() throws Exception {
        String id = UUID.randomUUID().toString();
        Instant createdAt = SweepFixtures.now().minus(Duration.ofDays(7)).minusSeconds(60);
        forwards.add(new PendingForward(id, "{\"message\":{\"data\":\"e30=\"}}", "c2ln", 2, createdAt,
                SweepFixtures.now().minusSeconds(1), "HTTP 503", 0));
        RevokerResource.forwards().answering(503);
        metrics.clear();

        sweeper.sweep(Duration.ofSeconds(10));

        assertEquals(1, RevokerResource.forwards().received().size(), "tried once more before giving up");
        assertTrue(forwards.get(id).isEmpty(), "given up after RBM's own horizon");
        assertEquals(1L, metricValues("forwardGaveUp").stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void sweep_reportsTheAgeOfTheOldestForwardWaiting() throws Exception {
        Instant now = SweepFixtures.now();
        Duration oldest = Duration.ofHours(3);
        forwards.add(new PendingForward(UUID.randomUUID().toString(), "{}", "c2ln", 5, now.minus(oldest),
                now.minusSeconds(1), "HTTP 503", 0));
        forwards.add(new PendingForward(UUID.randomUUID().toString(), "{}", "c2ln", 1, now.minusSeconds(90),
                now.minusSeconds(1), "HTTP 503", 0));
        RevokerResource.forwards().answering(503);
        metrics.clear();

        sweeper.sweep(Duration.ofSeconds(10));

        List<Long> ages = metricValues("oldestForwardAgeMs");
        assertEquals(1, ages.size(), "one figure per sweep");
        assertTrue(ages.get(0) >= oldest.toMillis() && ages.get(0) < oldest.plusMinutes(1).toMillis(),
                "the oldest forward's age in ms: " + ages);
    }

    private List<Long> metricValues(String name) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Long> values = new java.util.ArrayList<>();
        for (String line : metrics.lines()) {
            JsonNode node = json.readTree(line);
            if (node.has(name)) {
                values.add(node.get(name).asLong());
            }
        }
        return values;
    }
}
