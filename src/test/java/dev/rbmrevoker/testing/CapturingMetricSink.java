package dev.rbmrevoker.testing;

import dev.rbmrevoker.observe.MetricSink;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** In tests, EMF lines are kept for assertions instead of printed. */
@Alternative
@Priority(1)
@ApplicationScoped
public class CapturingMetricSink implements MetricSink {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void emit(String line) {
        lines.add(line);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public void clear() {
        lines.clear();
    }
}
