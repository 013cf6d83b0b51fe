package dev.rbmrevoker.sweep;

import dev.rbmrevoker.fallback.FallbackDispatcher;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.revoke.RevokeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What one sweep did so far, counted from all its threads, and until when its RBM work waits. */
final class SweepTally {

    final AtomicInteger due = new AtomicInteger();
    final AtomicInteger revoked = new AtomicInteger();
    final AtomicInteger delivered = new AtomicInteger();
    final AtomicInteger fallenBack = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicLong worstLagMs = new AtomicLong();
    final AtomicLong oldestForwardAgeMs = new AtomicLong();
    final AtomicInteger throttled = new AtomicInteger();
    /** Until when RBM-calling work waits after RBM answered 429 (its Retry-After). */
    private final AtomicReference<Instant> rbmResumeAt = new AtomicReference<>(Instant.MIN);

    Instant rbmResumeAt() {
        return rbmResumeAt.get();
    }

    /** RBM refuses the agent's calls (429) until {@code until}: more of them would be refused too. */
    void holdRbmBack(Instant until) {
        rbmResumeAt.accumulateAndGet(until, (a, b) -> a.isAfter(b) ? a : b);
    }

    void lag(Instant dueAt, Instant now) {
        worstLagMs.accumulateAndGet(Duration.between(dueAt, now).toMillis(), Math::max);
    }

    void count(RevokeResult result, Instant now) {
        if (result instanceof RevokeResult.Unavailable unavailable && unavailable.throttled()) {
            throttled.incrementAndGet();
            holdRbmBack(now.plus(unavailable.retryAfter()));
        }
        if (result instanceof RevokeResult.Revoked revokedResult) {
            if (revokedResult.byThisCall()) {
                revoked.incrementAndGet();
            }
            if (revokedResult.fallbackSettledHere()) {
                countFallback(revokedResult.message());
            }
        } else if (result instanceof RevokeResult.AlreadyDelivered) {
            delivered.incrementAndGet();
        } else if (result instanceof RevokeResult.Unavailable || result instanceof RevokeResult.Rejected) {
            failed.incrementAndGet();
        }
    }

    /** A hand-over's fallback, when that hand-over settled it (so that two sweeps never both count it). */
    void countSettled(FallbackDispatcher.Dispatch dispatch) {
        if (dispatch.settledHere()) {
            countFallback(dispatch.message());
        }
    }

    void countFallback(Message message) {
        if (message.state() == MessageState.FALLEN_BACK) {
            fallenBack.incrementAndGet();
        } else if (message.state() == MessageState.FALLBACK_FAILED) {
            failed.incrementAndGet();
        }
    }

    SweepSummary summary(long durationMs) {
        return new SweepSummary(due.get(), revoked.get(), delivered.get(), fallenBack.get(), failed.get(),
                throttled.get(), durationMs);
    }
}
