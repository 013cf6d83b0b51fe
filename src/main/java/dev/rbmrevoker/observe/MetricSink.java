package dev.rbmrevoker.observe;

/** Where Embedded Metric Format lines go: standard output in Lambda, which CloudWatch Logs ingests. */
public interface MetricSink {

    void emit(String line);
}
