package dev.rbmrevoker.observe;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.PrintStream;

/** EMF lines on standard output, each one whole: CloudWatch turns them into metrics, no API call needed. */
@ApplicationScoped
@DefaultBean
public class StdoutMetricSink implements MetricSink {

    private final PrintStream out = System.out;

    @Override
    public void emit(String line) {
        synchronized (out) {
            out.println(line);
        }
    }
}
