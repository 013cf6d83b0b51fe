package dev.rbmrevoker.campaign;

import dev.rbmrevoker.config.LifecycleConfig;
import dev.rbmrevoker.message.Backoff;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.observe.Metric;
import dev.rbmrevoker.observe.Metrics;
import dev.rbmrevoker.revoke.RevokeResult;
import dev.rbmrevoker.revoke.RevokeService;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Works a campaign revocation forward: walks the campaign index shard by shard, a page at a time, and
 * revokes each message still held at RBM through the normal revoke flow, at the revocation's rate.
 * Progress is stored after every page under the worker's lease, so a worker that dies leaves at most a
 * page to redo, and every revoke is a conditional claim, so a redone page never calls RBM twice for a
 * message. A pass ends the revocation when it left nothing owed and began once the campaign index
 * had time to show every message sent before the start ({@link #INDEX_SETTLE}).
 */
@ApplicationScoped
public class CampaignRevoker {

    private static final Logger LOG = Logger.getLogger(CampaignRevoker.class);
    /**
     * How long after the start a pass must begin to be the last one: a send that checked the campaign just
     * before the revocation was stored is in the index by then (GSIs follow the table within about a
     * second; this leaves a margin).
     */
    static final Duration INDEX_SETTLE = Duration.ofSeconds(10);
    /**
     * The wait before the next pass when messages were left owed (a live lease or send, RBM unavailable):
     * doubled after each such pass, since every pass reads the whole campaign.
     */
    static final Backoff OWED_RETRY = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5));
    /** The lease outlasts the worker's turn by this, so that its last calls are recorded before anyone retakes it. */
    static final Duration LEASE_SLACK = Duration.ofSeconds(30);
    /**
     * A revoke started with less time than this would mostly end unanswered, and a revoke RBM may have
     * done without our hearing costs a second call to settle: it is left to the next turn instead.
     */
    static final Duration MIN_CALL_TIME = Duration.ofSeconds(2);
    /** At most this many messages per page: one Query, and one record of progress after it. */
    private static final int PAGE_SIZE = 500;
    /** Entries needing no RBM call take no slot: pages of them are read this much faster than the rate. */
    private static final int MAX_THREADS = 50;

    private final CampaignStore store;
    private final MessageStore messages;
    private final RevokeService revokes;
    private final Clock clock;
    private final int rate;
    private final Duration callBudget;
    private final Metrics metrics;

    public CampaignRevoker(CampaignStore store, MessageStore messages, RevokeService revokes, Clock clock,
            CampaignConfig config, LifecycleConfig lifecycle, Metrics metrics) {
        if (config.revokeRate() < 1) {
            throw new IllegalStateException("CAMPAIGN_REVOKE_RATE must be at least 1, is " + config.revokeRate());
        }
        this.store = store;
        this.messages = messages;
        this.revokes = revokes;
        this.clock = clock;
        this.rate = config.revokeRate();
        this.callBudget = lifecycle.callBudget();
        this.metrics = metrics;
    }

    /**
     * Works on the revocation until {@code until} (its RBM calls end by then), unless another worker holds
     * it or it is not due yet.
     *
     * @return the revocation as this worker left it
     */
    public CampaignRevocation work(CampaignRevocation revocation, Instant until) {
        Instant now = clock.instant();
        boolean notDue = revocation.dueAt() != null && revocation.dueAt().isAfter(now);
        if (revocation.state() == RevocationState.DONE || revocation.leased(now) || notDue
                || !now.isBefore(until.minus(MIN_CALL_TIME))) {
            return revocation;
        }
        // A lease that ran out means its worker died: the page it did not record is redone, and what it revoked
        // there is counted from the messages themselves.
        Instant retakenFrom = revocation.leaseUntil() != null ? revocation.updatedAt() : null;
        Optional<CampaignRevocation> claimed = store.update(revocation,
                revocation.claimed(until.plus(LEASE_SLACK), now));
        if (claimed.isEmpty()) {
            return store.get(revocation.agentId(), revocation.campaign()).orElse(revocation);
        }
        LOG.infof("Working on the revocation of campaign %s of agent %s (pass %d, shard %d)%s",
                revocation.campaign(), revocation.agentId(), revocation.progress().pass(),
                revocation.progress().shard(), retakenFrom != null ? ", retaken from a worker that stopped" : "");
        ScheduledExecutorService pool = Executors.newScheduledThreadPool(Math.min(MAX_THREADS, Math.max(4, rate / 4)));
        try {
            return walk(claimed.get(), until, retakenFrom, new Pacer(rate, now), pool);
        } finally {
            pool.shutdownNow();
        }
    }

    private CampaignRevocation walk(CampaignRevocation claimed, Instant until, Instant retakenFrom, Pacer pacer,
            ScheduledExecutorService pool) {
        CampaignRevocation current = claimed;
        Instant recountSince = retakenFrom;
        while (true) {
            Instant now = clock.instant();
            CampaignRevocation.Progress progress = current.progress();
            CampaignRevocation next;
            if (progress.passStartedAt().isAfter(now) || !now.isBefore(until.minus(MIN_CALL_TIME))) {
                next = current.released(progress.passStartedAt().isAfter(now) ? progress.passStartedAt() : now, now);
            } else if (progress.shard() >= store.shards()) {
                next = passEnded(current, now);
            } else {
                CampaignPage page = store.page(current.agentId(), current.campaign(), progress.shard(), progress.after(),
                        pageLimit(pacer, now, until));
                PageTally tally = revokePage(page.entries(), current, until, recountSince, pacer, pool);
                recountSince = null;
                next = page.next() == null
                        ? current.afterPage(tally, progress.shard() + 1, null, clock.instant())
                        : current.afterPage(tally, progress.shard(), page.next(), clock.instant());
            }
            Optional<CampaignRevocation> stored = store.update(current, next);
            if (stored.isEmpty()) {
                LOG.warnf("The revocation of campaign %s of agent %s was taken over; this worker stops",
                        current.campaign(), current.agentId());
                return store.get(current.agentId(), current.campaign()).orElse(current);
            }
            current = stored.get();
            if (current.state() == RevocationState.DONE || current.leaseUntil() == null) {
                return current;
            }
        }
    }

    private CampaignRevocation passEnded(CampaignRevocation current, Instant now) {
        CampaignRevocation.Progress progress = current.progress();
        Instant settled = current.startedAt().plus(INDEX_SETTLE);
        if (progress.owed() == 0 && !progress.passStartedAt().isBefore(settled)) {
            LOG.infof("Campaign %s of agent %s is revoked: revoked=%d alreadyDelivered=%d failed=%d in %d passes",
                    current.campaign(), current.agentId(), current.revoked(), current.alreadyDelivered(),
                    current.failed(), progress.pass());
            return current.done(now);
        }
        Instant at = progress.owed() > 0 ? now.plus(OWED_RETRY.after(progress.pass())) : now;
        return current.nextPass(at.isBefore(settled) ? settled : at, now);
    }

    /** A page's RBM calls fit in the time left at the current rate; entries that need none cost no slot. */
    private static int pageLimit(Pacer pacer, Instant now, Instant until) {
        double seconds = Duration.between(now, until.minus(MIN_CALL_TIME)).toMillis() / 1000.0;
        return (int) Math.max(1, Math.min(PAGE_SIZE, pacer.perSecond() * seconds));
    }

    /**
     * @param recountSince when a dead worker last recorded its progress, on the page it left unrecorded (its
     *     revokes there are counted from the messages); null on any other page
     */
    private PageTally revokePage(List<CampaignEntry> entries, CampaignRevocation revocation, Instant until,
            Instant recountSince, Pacer pacer, ScheduledExecutorService pool) {
        Tally tally = new Tally();
        List<Future<?>> calls = new ArrayList<>();
        for (CampaignEntry entry : entries) {
            switch (entry.state()) {
                case DELIVERED, READ -> tally.alreadyDelivered.incrementAndGet();
                case REVOKED, FALLEN_BACK, FALLBACK_FAILED -> {
                    if (recountSince != null && revokedByCampaignSince(entry.messageId(), recountSince)) {
                        tally.revoked.incrementAndGet();
                    }
                }
                case UNDELIVERABLE, REJECTED -> {
                    // Settled before RBM had it to deliver: nothing to revoke.
                }
                case PENDING -> calls.add(schedule(pool, pacer, until, tally,
                        budget -> revokes.revokeForCampaign(entry.messageId(), revocation.fallback(), budget)));
                case SENDING, REVOKING -> messages.get(entry.messageId()).ifPresent(message -> {
                    if (message.state() == MessageState.SENDING && message.dueAt() != null
                            && message.dueAt().isAfter(clock.instant())) {
                        // Someone is sending it: once its answer is recorded, the next pass revokes it.
                        tally.owed.incrementAndGet();
                    } else {
                        calls.add(schedule(pool, pacer, until, tally,
                                budget -> revokes.revokeForCampaign(message, revocation.fallback(), budget)));
                    }
                });
            }
        }
        awaitAll(calls, until, tally);
        return new PageTally(tally.revoked.get(), tally.alreadyDelivered.get(), tally.failed.get(), tally.owed.get());
    }

    private boolean revokedByCampaignSince(String messageId, Instant since) {
        return messages.get(messageId)
                .filter(m -> m.revokedAt() != null && !m.revokedAt().isBefore(since))
                .filter(m -> m.fallback().reason() == FallbackReason.CAMPAIGN_REVOKED)
                .isPresent();
    }

    private Future<?> schedule(ScheduledExecutorService pool, Pacer pacer, Instant until, Tally tally,
            Function<Duration, RevokeResult> call) {
        Instant slot = pacer.slot(clock.instant());
        Instant lastStart = until.minus(MIN_CALL_TIME);
        if (!slot.isBefore(lastStart)) {
            tally.owed.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }
        long delay = Math.max(0, Duration.between(clock.instant(), slot).toMillis());
        return pool.schedule(() -> {
            Instant now = clock.instant();
            if (pacer.paused(now) || !now.isBefore(lastStart)) {
                tally.owed.incrementAndGet();
                return;
            }
            Duration left = Duration.between(now, until);
            count(call.apply(left.compareTo(callBudget) < 0 ? left : callBudget), pacer, tally);
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void count(RevokeResult result, Pacer pacer, Tally tally) {
        if (result instanceof RevokeResult.Revoked revoked) {
            if (revoked.byThisCall()) {
                tally.revoked.incrementAndGet();
                metrics.count(Metric.CAMPAIGN_REVOKED);
            }
        } else if (result instanceof RevokeResult.AlreadyDelivered) {
            tally.alreadyDelivered.incrementAndGet();
        } else if (result instanceof RevokeResult.Rejected) {
            tally.failed.incrementAndGet();
        } else if (result instanceof RevokeResult.Unavailable unavailable) {
            if (unavailable.throttled()) {
                pacer.throttled(unavailable.retryAfter(), clock.instant());
            }
            tally.owed.incrementAndGet();
        } else if (result instanceof RevokeResult.InProgress || result instanceof RevokeResult.NotSent) {
            tally.owed.incrementAndGet();
        }
    }

    /** Waits for the page's calls; one still running at the end of the turn is left for the next pass. */
    private void awaitAll(List<Future<?>> calls, Instant until, Tally tally) {
        Instant waitUntil = until.plus(LEASE_SLACK.dividedBy(2));
        for (Future<?> call : calls) {
            long left = Duration.between(clock.instant(), waitUntil).toMillis();
            try {
                call.get(Math.max(0, left), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                tally.owed.incrementAndGet();
            } catch (ExecutionException e) {
                tally.owed.incrementAndGet();
                LOG.error("A campaign revoke failed; the message is left for the next pass", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tally.owed.incrementAndGet();
                return;
            }
        }
    }

    private static final class Tally {
        final AtomicLong revoked = new AtomicLong();
        final AtomicLong alreadyDelivered = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong owed = new AtomicLong();
    }
}
