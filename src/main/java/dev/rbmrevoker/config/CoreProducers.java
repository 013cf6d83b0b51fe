package dev.rbmrevoker.config;

import dev.rbmrevoker.message.Timing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

/** The clock and the lifecycle timing every time decision uses. */
@ApplicationScoped
public class CoreProducers {

    /** How old a SENDING record must be before the sweep finishes its send (API.md: a minute). */
    static final Duration RESEND_AFTER = Duration.ofMinutes(1);

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    Timing timing(LifecycleConfig config) {
        return new Timing(config.leaseDuration(), config.ttlGrace(), RESEND_AFTER, config.retention());
    }
}
