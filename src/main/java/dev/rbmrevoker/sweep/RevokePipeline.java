package dev.rbmrevoker.sweep;

import dev.rbmrevoker.message.DueItem;
import dev.rbmrevoker.message.RevokeOutcome;
import dev.rbmrevoker.revoke.ClaimedRevoke;
import dev.rbmrevoker.revoke.DueClaim;
import dev.rbmrevoker.revoke.RevokeResult;
import dev.rbmrevoker.revoke.RevokeService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The sweep's common work, the revokes the due index shows PENDING and due, in three steps on three
 * lanes: the claim (one conditional write) ahead of RBM, RBM's call on the lane that does nothing else,
 * then the record of its answer and the fallback hand-over. So {@code SWEEP_CONCURRENCY} calls stay in
 * flight while the store writes. A claim is a lease whose budget counts from the claim: at most
 * {@code SWEEP_CONCURRENCY} revokes are claimed and not yet called, each called soon after its claim.
 * A claimed revoke whose call is never made (the sweep ran out of time) is left REVOKING: its lease
 * expires and the next sweep retakes it.
 */
final class RevokePipeline {

    private static final Logger LOG = Logger.getLogger(RevokePipeline.class);

    private final RevokeService revokes;
    private final SweepLanes lanes;
    private final SweepTally tally;
    private final Clock clock;
    private final Duration callBudget;
    private final Instant stopClaiming;
    private final Instant callsEnd;
    private final Semaphore claimedAhead;

    RevokePipeline(RevokeService revokes, SweepLanes lanes, SweepTally tally, Clock clock, Duration callBudget,
            int concurrency, Instant stopClaiming, Instant callsEnd) {
        this.revokes = revokes;
        this.lanes = lanes;
        this.tally = tally;
        this.clock = clock;
        this.callBudget = callBudget;
        this.stopClaiming = stopClaiming;
        this.callsEnd = callsEnd;
        this.claimedAhead = new Semaphore(Math.max(1, concurrency), true);
    }

    /**
     * Revokes a due item the index shows PENDING; completes when it is done or left for the next sweep.
     *
     * @param later where an item goes that must wait for RBM's Retry-After, and a fallback that must wait
     *     out the revoke's confirm window
     */
    CompletableFuture<Void> revoke(DueItem item, Sweeper.Schedule later) {
        return CompletableFuture.supplyAsync(() -> claim(item, later), lanes.claims())
                .thenCompose(claim -> claim == null ? CompletableFuture.completedFuture(null) : callAndRecord(claim))
                .thenAccept(result -> {
                    count(item, result);
                    later.handOverAfterWindow(result);
                })
                .exceptionally(e -> failed(item, e));
    }

    private DueClaim claim(DueItem item, Sweeper.Schedule later) {
        acquire(claimedAhead);
        boolean toCall = false;
        try {
            Instant now = clock.instant();
            if (now.isAfter(stopClaiming)) {
                return null;
            }
            Instant resumeAt = tally.rbmResumeAt();
            if (now.isBefore(resumeAt)) {
                if (!resumeAt.isAfter(stopClaiming)) {
                    later.at(item, resumeAt);
                }
                return null;
            }
            Duration left = Duration.between(now, callsEnd);
            DueClaim claim = revokes.claimDue(item, left.compareTo(callBudget) < 0 ? left : callBudget);
            toCall = claim instanceof ClaimedRevoke;
            return claim;
        } finally {
            if (!toCall) {
                claimedAhead.release();
            }
        }
    }

    private CompletableFuture<RevokeResult> callAndRecord(DueClaim claim) {
        if (claim instanceof ClaimedRevoke claimed) {
            return callWhenAllowed(claimed, new AtomicBoolean())
                    .thenApplyAsync(outcome -> revokes.recordAnswer(claimed, outcome), lanes.store());
        }
        // Someone changed the message first: what it owes now is rarely a revoke, but may be one.
        return CompletableFuture.supplyAsync(() -> revokes.revokeUnclaimed((DueClaim.Unclaimed) claim), lanes.calls());
    }

    /**
     * Calls RBM once RBM's Retry-After is over, or at once when the claim's budget ends first (a call left
     * no budget makes no attempt, and the record releases the claim for a later sweep). The wait is a
     * timer's, never a thread's.
     */
    private CompletableFuture<RevokeOutcome> callWhenAllowed(ClaimedRevoke claimed, AtomicBoolean started) {
        Instant now = clock.instant();
        Instant resumeAt = tally.rbmResumeAt();
        Instant budgetEnd = claimed.budgetEnd();
        if (!now.isBefore(resumeAt) || !now.isBefore(budgetEnd)) {
            // Asked again on the RBM lane: a 429 may have come in while this call queued there.
            return CompletableFuture.supplyAsync(() -> {
                // Once it has an RBM thread it no longer counts as claimed ahead, even while it waits out a 429.
                if (started.compareAndSet(false, true)) {
                    claimedAhead.release();
                }
                return heldBack(claimed) ? null : call(claimed);
            }, lanes.calls()).thenCompose(outcome -> outcome != null ? CompletableFuture.completedFuture(outcome)
                    : callWhenAllowed(claimed, started));
        }
        Instant until = resumeAt.isBefore(budgetEnd) ? resumeAt : budgetEnd;
        CompletableFuture<Void> waited = new CompletableFuture<>();
        try {
            lanes.timer().schedule(() -> waited.complete(null), Math.max(1, Duration.between(now, until).toMillis()),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new CancellationException("sweep over"));
        }
        return waited.thenCompose(ignored -> callWhenAllowed(claimed, started));
    }

    private boolean heldBack(ClaimedRevoke claimed) {
        Instant now = clock.instant();
        return now.isBefore(tally.rbmResumeAt()) && now.isBefore(claimed.budgetEnd());
    }

    private RevokeOutcome call(ClaimedRevoke claimed) {
        RevokeOutcome outcome = revokes.callRbm(claimed);
        if (outcome instanceof RevokeOutcome.Unavailable unavailable && unavailable.throttled()) {
            // Before this lane's next call, not after the record: the claimed revokes behind it wait too.
            tally.holdRbmBack(clock.instant().plus(unavailable.retryAfter()));
        }
        return outcome;
    }

    private void count(DueItem item, RevokeResult result) {
        if (result == null || result instanceof RevokeResult.NotDue || result instanceof RevokeResult.NotFound) {
            return;
        }
        Instant now = clock.instant();
        tally.due.incrementAndGet();
        tally.count(result, now);
        tally.lag(item.dueAt(), now);
    }

    private Void failed(DueItem item, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof CancellationException || cause instanceof RejectedExecutionException) {
            LOG.debugf("Sweep over before the revoke of %s was done; it stays due", item.id());
        } else {
            tally.failed.incrementAndGet();
            LOG.errorf(cause, "Sweep work on %s %s failed; it stays due", item.kind(), item.id());
        }
        return null;
    }

    private static void acquire(Semaphore semaphore) {
        try {
            semaphore.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("sweep over");
        }
    }
}
