package dev.rbmrevoker.observe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;

/**
 * Metrics as CloudWatch Embedded Metric Format log lines: no extra API calls, no SDK, nothing lost
 * when the function freezes. No dimensions, so each metric is one series per namespace.
 */
@ApplicationScoped
public class Metrics {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final MetricSink sink;
    private final Clock clock;

    public Metrics(MetricSink sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
    }

    public void count(Metric metric) {
        record(Map.of(metric, 1L));
    }

    public void record(Metric metric, long value) {
        record(Map.of(metric, value));
    }

    /** Several values in one line, as one sweep reports its figures. */
    public void record(Map<Metric, Long> values) {
        if (values.isEmpty()) {
            return;
        }
        ObjectNode line = JSON.objectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", Metric.NAMESPACE);
        directive.putArray("Dimensions").addArray();
        ArrayNode definitions = directive.putArray("Metrics");
        values.forEach((metric, value) -> {
            definitions.addObject().put("Name", metric.metricName()).put("Unit", metric.unit());
            line.put(metric.metricName(), value);
        });
        sink.emit(line.toString());
    }
}
