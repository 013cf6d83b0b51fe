package dev.rbmrevoker.sweep;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The scheduled sweep. */
@ConfigMapping(prefix = "sweep")
public interface SweepConfig {

    /** Serve {@code POST /internal/sweep} ({@code SWEEP_ENABLED}); only the sweep function sets it. */
    @WithDefault("false")
    boolean enabled();

    /**
     * RBM calls in flight in one sweep ({@code SWEEP_CONCURRENCY}); as many threads again claim revokes
     * ahead of them, and as many record RBM's answers and do the hand-overs and forwards.
     */
    @WithDefault("16")
    int concurrency();

    /** Messages due within this window are revoked at their deadline by this sweep ({@code SWEEP_LOOKAHEAD}). */
    @WithDefault("PT60S")
    Duration lookahead();

    /** The time budget when the invocation's deadline is unknown, as in tests and the local run ({@code SWEEP_BUDGET}). */
    @WithDefault("PT50S")
    Duration budget();

    /**
     * Every call of the sweep (RBM, fallback, forward) ends this long before the invocation's deadline
     * ({@code SWEEP_MARGIN}); the first half of it is for their records, the second for the sweep's answer.
     */
    @WithDefault("PT5S")
    Duration margin();

    /** The most due items one sweep takes on ({@code SWEEP_MAX_ITEMS}); the rest wait for the next tick. */
    @WithDefault("20000")
    int maxItems();
}
