package dev.rbmrevoker.api;

import com.amazonaws.services.lambda.runtime.Context;
import dev.rbmrevoker.observe.Metric;
import dev.rbmrevoker.observe.Metrics;
import dev.rbmrevoker.sweep.SweepConfig;
import dev.rbmrevoker.sweep.SweepSummary;
import dev.rbmrevoker.sweep.Sweeper;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

/**
 * The sweep, triggered by EventBridge Scheduler through the sweep function (API.md, "The sweep
 * function"). Served only where SWEEP_ENABLED is true; the HTTP API never routes it.
 */
@Path("/internal/sweep")
public class SweepResource {

    private static final Logger LOG = Logger.getLogger(SweepResource.class);
    /** Lambda invocations last at most 15 minutes; a larger figure is not a real deadline. */
    private static final long LONGEST_INVOCATION_MS = Duration.ofMinutes(15).toMillis();

    private final Sweeper sweeper;
    private final SweepConfig config;
    private final Metrics metrics;

    public SweepResource(Sweeper sweeper, SweepConfig config, Metrics metrics) {
        this.sweeper = sweeper;
        this.config = config;
        this.metrics = metrics;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public SweepSummary sweep(@jakarta.ws.rs.core.Context Context lambda) {
        if (!config.enabled()) {
            throw ProblemException.of(ProblemType.NOT_FOUND, "Not found.");
        }
        try {
            return sweeper.sweep(budget(lambda));
        } catch (RuntimeException e) {
            LOG.error("Sweep failed", e);
            metrics.count(Metric.SWEEP_FAILED);
            throw ProblemException.of(ProblemType.INTERNAL, "The sweep failed: " + e.getClass().getSimpleName());
        }
    }

    /** The invocation's time left; the configured budget when Lambda gives no believable deadline. */
    private Duration budget(Context lambda) {
        long left = lambda == null ? -1 : lambda.getRemainingTimeInMillis();
        return left > 0 && left <= LONGEST_INVOCATION_MS ? Duration.ofMillis(left) : config.budget();
    }
}
