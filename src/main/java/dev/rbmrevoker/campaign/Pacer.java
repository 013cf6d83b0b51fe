package dev.rbmrevoker.campaign;

import java.time.Duration;
import java.time.Instant;

/**
 * Spaces a revocation's RBM calls at its rate, and holds them back after RBM's 429 (the agent's quota):
 * for the Retry-After, then at half the rate for the rest of the worker's turn.
 */
final class Pacer {

    private double perSecond;
    private Instant next;
    private Instant resumeAt = Instant.MIN;

    Pacer(int perSecond, Instant now) {
        this.perSecond = Math.max(1, perSecond);
        this.next = now;
    }

    /** When the next call may start; a slot not used is not saved up for a burst later. */
    synchronized Instant slot(Instant now) {
        Instant at = latest(next, now, resumeAt);
        next = at.plusNanos((long) (1e9 / perSecond));
        return at;
    }

    synchronized void throttled(Duration retryAfter, Instant now) {
        perSecond = Math.max(1, perSecond / 2);
        resumeAt = latest(resumeAt, now.plus(retryAfter), now);
    }

    synchronized boolean paused(Instant now) {
        return now.isBefore(resumeAt);
    }

    synchronized double perSecond() {
        return perSecond;
    }

    private static Instant latest(Instant a, Instant b, Instant c) {
        Instant ab = a.isAfter(b) ? a : b;
        return ab.isAfter(c) ? ab : c;
    }
}
