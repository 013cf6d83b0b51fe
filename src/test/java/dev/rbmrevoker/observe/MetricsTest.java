package dev.rbmrevoker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lines CloudWatch turns into metrics must follow the Embedded Metric Format exactly. */
class MetricsTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private final List<String> lines = new ArrayList<>();
    private final Metrics metrics = new Metrics(lines::add, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void count_writesOneEmfLineWithTheMetricItsUnitAndValue() throws Exception {
        metrics.count(Metric.REVOKED);

        assertEquals(1, lines.size());
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals(NOW.toEpochMilli(), line.path("_aws").path("Timestamp").asLong());
        assertEquals("RbmRevoker", directive.path("Namespace").asText());
        assertTrue(directive.path("Dimensions").get(0).isArray(), "one empty dimension set");
        assertEquals("revoked", directive.path("Metrics").get(0).path("Name").asText());
        assertEquals("Count", directive.path("Metrics").get(0).path("Unit").asText());
        assertEquals(1, line.path("revoked").asLong());
    }

    @Test
    void record_putsSeveralValuesOfOneSweepInOneLine() throws Exception {
        Map<Metric, Long> values = new LinkedHashMap<>();
        values.put(Metric.SWEEP_DUE, 12L);
        values.put(Metric.SWEEP_LAG_MS, 340L);
        metrics.record(values);

        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        JsonNode definitions = line.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics");
        assertEquals(2, definitions.size());
        assertEquals(12, line.path("sweepDue").asLong());
        assertEquals(340, line.path("sweepLagMs").asLong());
        for (JsonNode definition : definitions) {
            if (definition.path("Name").asText().equals("sweepLagMs")) {
                assertEquals("Milliseconds", definition.path("Unit").asText());
            }
        }
    }

    @Test
    void everyMetricTheIssueNames_exists() {
        List<String> names = new ArrayList<>();
        for (Metric metric : Metric.values()) {
            names.add(metric.metricName());
        }
        assertEquals(List.of("sent", "delivered", "revoked", "fallenBack", "fallbackFailed", "deliveredAfterRevoke", "revokeRefused", "fallbackUnconfirmed", "revokeNotHonoured", "sweepDue", "sweepFailed", "sweepLagMs", "oldestDueAgeMs", "oldestForwardAgeMs", "forwardGaveUp",
                "campaignRevoked"), names);
    }
}
