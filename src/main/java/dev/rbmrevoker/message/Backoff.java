package dev.rbmrevoker.message;

import java.time.Duration;

/**
 * Exponential backoff: {@code first} after the first failure, doubling with each further one, never
 * longer than {@code longest}.
 */
public record Backoff(Duration first, Duration longest) {

    /** Doublings past this overflow nothing and exceed any sane {@code longest} anyway. */
    private static final int MOST_DOUBLINGS = 20;

    /** The wait after the {@code failures}-th failure in a row (1 for the first). */
    public Duration after(int failures) {
        Duration wait = first.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), MOST_DOUBLINGS));
        return wait.compareTo(longest) > 0 ? longest : wait;
    }
}
