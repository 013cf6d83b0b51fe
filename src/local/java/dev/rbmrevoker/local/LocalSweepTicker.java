package dev.rbmrevoker.local;

import dev.rbmrevoker.sweep.SweepConfig;
import dev.rbmrevoker.sweep.Sweeper;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** In the local run, the sweep ticks by itself, as EventBridge Scheduler makes it tick in AWS. */
@ApplicationScoped
@IfBuildProfile("dev")
public class LocalSweepTicker {

    private static final Logger LOG = Logger.getLogger(LocalSweepTicker.class);

    private final Sweeper sweeper;
    private final SweepConfig config;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

    public LocalSweepTicker(Sweeper sweeper, SweepConfig config) {
        this.sweeper = sweeper;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        // A sweep waits for what falls due within its lookahead, so ticking right after each one ends
        // keeps every deadline covered.
        ticker.scheduleWithFixedDelay(this::tick, 2, 1, TimeUnit.SECONDS);
    }

    private void tick() {
        try {
            sweeper.sweep(config.budget());
        } catch (RuntimeException e) {
            LOG.error("Local sweep failed", e);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        ticker.shutdownNow();
    }
}
