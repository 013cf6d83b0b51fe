package dev.rbmrevoker.deploy;

import static dev.rbmrevoker.deploy.Template.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.observe.Metric;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The alarms watch metrics the code really emits, under its namespace. */
class TemplateAlarmsTest {

    @Test
    void everyCustomAlarm_watchesAMetricTheCodeEmits() {
        Set<String> emitted = new HashSet<>();
        for (Metric metric : Metric.values()) {
            emitted.add(metric.metricName());
        }
        Set<String> watched = new HashSet<>();
        Map<String, Object> resources = map(Template.loadUnchecked().get("Resources"));
        resources.values().stream().map(Template::map)
                .filter(r -> "AWS::CloudWatch::Alarm".equals(r.get("Type")))
                .map(r -> map(r.get("Properties")))
                .filter(p -> Metric.NAMESPACE.equals(p.get("Namespace")))
                .forEach(p -> {
                    assertTrue(emitted.contains((String) p.get("MetricName")), "unknown metric " + p.get("MetricName"));
                    watched.add((String) p.get("MetricName"));
                });
        assertEquals(Set.of("sweepFailed", "sweepDue", "fallbackFailed", "deliveredAfterRevoke", "oldestDueAgeMs",
                "revokeRefused", "oldestForwardAgeMs"),
                watched);
    }
}
