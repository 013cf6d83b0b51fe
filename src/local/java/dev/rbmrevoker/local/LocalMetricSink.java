package dev.rbmrevoker.local;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.rbmrevoker.observe.MetricSink;
import io.quarkus.arc.profile.IfBuildProfile;

/**
 * In the local run the sweep ticks every second, and each tick's EMF line on standard output would bury
 * the SMS and callback lines; there is no CloudWatch to read them anyway. They go to the DEBUG log
 * instead ({@code quarkus.log.category."dev.rbmrevoker.local.metrics".level=DEBUG} shows them).
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class LocalMetricSink implements MetricSink {

    private static final Logger LOG = Logger.getLogger("dev.rbmrevoker.local.metrics");

    @Override
    public void emit(String line) {
        LOG.debug(line);
    }
}
