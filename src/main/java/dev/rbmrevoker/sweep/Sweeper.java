package dev.rbmrevoker.sweep;

import dev.rbmrevoker.campaign.CampaignRevocation;
import dev.rbmrevoker.campaign.CampaignRevoker;
import dev.rbmrevoker.campaign.CampaignStore;
import dev.rbmrevoker.config.LifecycleConfig;
import dev.rbmrevoker.fallback.FallbackDispatcher;
import dev.rbmrevoker.message.DueCursor;
import dev.rbmrevoker.message.DueItem;
import dev.rbmrevoker.message.DueKind;
import dev.rbmrevoker.message.DuePage;
import dev.rbmrevoker.message.FallbackState;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Presumption;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.Timing;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.observe.MessageLog;
import dev.rbmrevoker.observe.Metric;
import dev.rbmrevoker.observe.Metrics;
import dev.rbmrevoker.revoke.RevokeResult;
import dev.rbmrevoker.revoke.RevokeService;
import dev.rbmrevoker.send.SendResult;
import dev.rbmrevoker.send.SendService;
import dev.rbmrevoker.webhook.ForwardStore;
import dev.rbmrevoker.webhook.WebhookForwarder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Finds the work owed through the due index (a Query per shard, never a Scan) and does it with
 * bounded concurrency: revokes what passed its deadline, retakes expired revoke leases, finishes sends
 * left in SENDING, retries fallbacks and webhook forwards, and hands over fallbacks at the end of their
 * revoke's confirm window: those it revoked itself from the message in hand when it still runs then, the
 * others from what the due index shows. Each item is claimed with a conditional
 * write, so two sweeps at once never do the same work twice. The common work, revokes of PENDING
 * messages, goes through a {@link RevokePipeline} so that RBM never waits on the store. Items due
 * within the lookahead are done at their due time; the sweep stops claiming when its budget runs low
 * and leaves the rest due. Every call it makes ends {@code SWEEP_MARGIN} before the invocation's
 * deadline, and it answers before that deadline whatever its threads are still doing.
 */
@ApplicationScoped
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);
    private static final int PAGE_SIZE = 500;
    /**
     * A claim taken with less call time than this left (or than the margin, when that is shorter) would
     * mostly end its call unanswered, leaving an uncertain revoke behind for nothing: it is left to the
     * next sweep instead.
     */
    static final Duration MIN_CALL_TIME = Duration.ofSeconds(2);

    private final MessageStore store;
    private final ForwardStore forwards;
    private final WebhookForwarder forwarder;
    private final RevokeService revokes;
    private final SendService sends;
    private final FallbackDispatcher fallback;
    private final Timing timing;
    private final Clock clock;
    private final SweepConfig config;
    private final Duration callBudget;
    private final Metrics metrics;
    private final CampaignStore campaigns;
    private final CampaignRevoker campaignRevoker;

    public Sweeper(MessageStore store, ForwardStore forwards, WebhookForwarder forwarder, RevokeService revokes,
            SendService sends, FallbackDispatcher fallback, Timing timing, Clock clock, SweepConfig config,
            LifecycleConfig lifecycle, Metrics metrics, CampaignStore campaigns, CampaignRevoker campaignRevoker) {
        this.store = store;
        this.forwards = forwards;
        this.forwarder = forwarder;
        this.revokes = revokes;
        this.sends = sends;
        this.fallback = fallback;
        this.timing = timing;
        this.clock = clock;
        this.config = config;
        this.callBudget = lifecycle.callBudget();
        this.metrics = metrics;
        this.campaigns = campaigns;
        this.campaignRevoker = campaignRevoker;
    }

    /**
     * One sweep.
     *
     * @param budget how long this sweep may run
     * @throws RuntimeException when the due index cannot be read: the sweep itself failed
     */
    public SweepSummary sweep(Duration budget) {
        Instant start = clock.instant();
        Instant end = start.plus(budget);
        // Every call (RBM, fallback, forward) ends by callsEnd; the rest of the margin is for their
        // records and, before the invocation's deadline, the sweep's own answer.
        Instant callsEnd = end.minus(config.margin());
        Instant answerBy = end.minus(config.margin().dividedBy(2));
        Instant stopClaiming = callsEnd.minus(
                MIN_CALL_TIME.compareTo(config.margin()) < 0 ? MIN_CALL_TIME : config.margin());
        List<DueItem> due = findDue(start.plus(config.lookahead()));
        SweepTally tally = new SweepTally();
        try (SweepLanes lanes = new SweepLanes(config.concurrency())) {
            RevokePipeline pipeline = new RevokePipeline(revokes, lanes, tally, clock, callBudget, config.concurrency(),
                    stopClaiming, callsEnd);
            Queue<Future<?>> work = new ConcurrentLinkedQueue<>();
            Schedule schedule = new Schedule() {
                @Override
                public void at(DueItem item, Instant when) {
                    run(when, () -> start(item, this));
                }

                @Override
                public void handOverAfterWindow(RevokeResult result) {
                    Instant windowEnd = windowEndOf(result);
                    if (windowEnd != null && !windowEnd.isAfter(stopClaiming)) {
                        Message revoked = ((RevokeResult.Revoked) result).message();
                        run(windowEnd, () -> on(lanes.store(), () -> confirmAndHandOver(revoked, callsEnd, tally)));
                    }
                }

                /** Starts the task at {@code when}, on the sweep's timer; the sweep waits for it to end. */
                private void run(Instant when, Supplier<CompletableFuture<Void>> task) {
                    // Rounded up: a task run a fraction of a millisecond early finds the item not yet due and skips it.
                    long delay = Math.max(0, ceilMillis(Duration.between(clock.instant(), when)));
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    work.add(done);
                    try {
                        lanes.timer().schedule(() -> task.get().whenComplete((ignored, e) -> done.complete(null)),
                                delay, TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) {
                        done.complete(null);
                    }
                }

                private CompletableFuture<Void> start(DueItem item, Schedule later) {
                    if (item.kind() == DueKind.MESSAGE && item.state() == MessageState.PENDING) {
                        try {
                            return pipeline.revoke(item, later);
                        } catch (RejectedExecutionException e) {
                            return CompletableFuture.completedFuture(null);
                        }
                    }
                    if (item.windowChannels() != null && item.state() == MessageState.REVOKED) {
                        return on(lanes.store(), () -> endWindow(item, stopClaiming, callsEnd, tally, later));
                    }
                    return on(callsRbm(item) ? lanes.calls() : lanes.store(),
                            () -> work(item, stopClaiming, callsEnd, tally, later));
                }

                private CompletableFuture<Void> on(ExecutorService lane, Runnable task) {
                    try {
                        return CompletableFuture.runAsync(task, lane);
                    } catch (RejectedExecutionException e) {
                        return CompletableFuture.completedFuture(null);
                    }
                }
            };
            for (DueItem item : due) {
                if (!item.dueAt().isAfter(stopClaiming)) {
                    schedule.at(item, item.dueAt());
                }
            }
            awaitAll(work, answerBy);
        }
        SweepSummary summary = tally.summary(Duration.between(start, clock.instant()).toMillis());
        long oldestDueAge = due.isEmpty() ? 0 : Math.max(0, Duration.between(due.get(0).dueAt(), start).toMillis());
        metrics.record(Map.of(
                Metric.SWEEP_DUE, (long) summary.due(),
                Metric.SWEEP_FAILED, 0L,
                Metric.SWEEP_LAG_MS, tally.worstLagMs.get(),
                Metric.OLDEST_DUE_AGE_MS, oldestDueAge,
                Metric.OLDEST_FORWARD_AGE_MS, tally.oldestForwardAgeMs.get()));
        // An idle tick says nothing: the local run ticks every second, and its metrics line records it anyway.
        LOG.logf(summary.due() > 0 ? Logger.Level.INFO : Logger.Level.DEBUG,
                "Sweep finished: due=%d revoked=%d delivered=%d fallenBack=%d failed=%d throttled=%d durationMs=%d"
                + " oldestDueAgeMs=%d worstLagMs=%d oldestForwardAgeMs=%d", summary.due(), summary.revoked(),
                summary.delivered(), summary.fallenBack(), summary.failed(), summary.throttled(), summary.durationMs(),
                oldestDueAge,
                tally.worstLagMs.get(), tally.oldestForwardAgeMs.get());
        return summary;
    }

    private static long ceilMillis(Duration duration) {
        long millis = duration.toMillis();
        return duration.minusMillis(millis).isZero() ? millis : millis + 1;
    }

    /** Every due item of every shard, shards read in parallel, oldest first. */
    private List<DueItem> findDue(Instant upTo) {
        ExecutorService readers = Executors.newFixedThreadPool(store.dueShards());
        try {
            List<CompletableFuture<List<DueItem>>> shards = new ArrayList<>();
            for (int shard = 0; shard < store.dueShards(); shard++) {
                int s = shard;
                shards.add(CompletableFuture.supplyAsync(() -> readShard(s, upTo), readers));
            }
            List<DueItem> due = new ArrayList<>();
            for (CompletableFuture<List<DueItem>> shard : shards) {
                due.addAll(shard.join());
            }
            due.sort(Comparator.comparing(DueItem::dueAt));
            return due.size() > config.maxItems() ? due.subList(0, config.maxItems()) : due;
        } finally {
            readers.shutdownNow();
        }
    }

    private List<DueItem> readShard(int shard, Instant upTo) {
        List<DueItem> items = new ArrayList<>();
        DueCursor cursor = null;
        do {
            DuePage page = store.queryDue(shard, upTo, PAGE_SIZE, cursor);
            items.addAll(page.items());
            cursor = page.next();
        } while (cursor != null && items.size() < config.maxItems());
        return items;
    }

    private void work(DueItem item, Instant stopClaiming, Instant callsEnd, SweepTally tally, Schedule schedule) {
        Instant now = clock.instant();
        if (now.isAfter(stopClaiming)) {
            return;
        }
        Instant resumeAt = tally.rbmResumeAt();
        if (callsRbm(item) && now.isBefore(resumeAt)) {
            // RBM refuses the agent's calls (429) for now: more of them would be refused too.
            if (!resumeAt.isAfter(stopClaiming)) {
                schedule.at(item, resumeAt);
            }
            return;
        }
        Duration budget = callBudgetUntil(callsEnd);
        try {
            if (item.kind() == DueKind.FORWARD) {
                forwards.get(item.id())
                        .map(f -> {
                            long age = Duration.between(f.createdAt(), now).toMillis();
                            tally.oldestForwardAgeMs.accumulateAndGet(age, Math::max);
                            return f;
                        })
                        .filter(f -> !f.nextAttemptAt().isAfter(now))
                        .ifPresent(f -> {
                            tally.due.incrementAndGet();
                            forwarder.retry(f, budget);
                        });
                return;
            }
            if (item.kind() == DueKind.CAMPAIGN) {
                campaigns.get(item.id())
                        .filter(r -> r.dueAt() != null && !r.dueAt().isAfter(now) && !r.leased(now))
                        .ifPresent(r -> {
                            tally.due.incrementAndGet();
                            // Paced by its own rate, on this worker until the sweep's calls end (it starts none
                            // later than MIN_CALL_TIME before that, as the sweep does).
                            CampaignRevocation after = campaignRevoker.work(r, callsEnd);
                            tally.revoked.addAndGet((int) (after.revoked() - r.revoked()));
                        });
                return;
            }
            workOnIfDue(store.get(item.id()), now, budget, tally, schedule);
        } catch (RuntimeException e) {
            tally.failed.incrementAndGet();
            LOG.errorf(e, "Sweep work on %s %s failed; it stays due", item.kind(), item.id());
        }
    }

    private void workOnIfDue(Optional<Message> stored, Instant now, Duration budget, SweepTally tally,
            Schedule schedule) {
        stored.filter(m -> m.dueAt() != null && !m.dueAt().isAfter(now))
                .ifPresent(m -> {
                    tally.due.incrementAndGet();
                    try (MessageLog log = MessageLog.of(m.messageId(), m.agentId())) {
                        workOn(m, now, budget, tally, schedule);
                    }
                    tally.lag(m.dueAt(), clock.instant());
                });
    }

    /**
     * The end of a confirm window the due index shows, with the channels the fallback goes to: the
     * confirmation and the channels' claim are presumed from the index, so nothing is read. When the message
     * is not as the index showed it, the failed write answers it, and it is worked on as if it had been read.
     */
    private void endWindow(DueItem item, Instant stopClaiming, Instant callsEnd, SweepTally tally, Schedule schedule) {
        Instant now = clock.instant();
        if (now.isAfter(stopClaiming)) {
            return;
        }
        Duration budget = callBudgetUntil(callsEnd);
        try {
            FallbackDispatcher.WindowEnd ended = fallback.confirmAndHandOver(
                    Presumption.ofWindowEnd(item.id(), item.dueAt(), item.windowChannels()), Source.SWEEP, budget);
            if (ended instanceof FallbackDispatcher.WindowEnd.Claimed claimed) {
                tally.due.incrementAndGet();
                tally.countSettled(claimed.dispatch());
                tally.lag(item.dueAt(), clock.instant());
            } else {
                workOnIfDue(((FallbackDispatcher.WindowEnd.NotClaimed) ended).stored(), now, budget, tally, schedule);
            }
        } catch (RuntimeException e) {
            tally.failed.incrementAndGet();
            LOG.errorf(e, "Sweep work on message %s at its confirm window's end failed; it stays due", item.id());
        }
    }

    private void workOn(Message message, Instant now, Duration budget, SweepTally tally, Schedule schedule) {
        switch (message.state()) {
            case PENDING, REVOKING -> count(revokes.revokeDue(message, budget), tally, schedule);
            case SENDING -> {
                if (now.isBefore(message.deadline())) {
                    resend(message, now, budget, tally, schedule);
                } else {
                    count(revokes.revokeDue(message, budget), tally, schedule);
                }
            }
            case REVOKED, UNDELIVERABLE -> {
                if (message.revokeUnconfirmed()) {
                    // The revoke's confirm window passed with no delivery reported: its fallback goes now.
                    tally.countSettled(fallback.confirmAndHandOver(message, Source.SWEEP, budget));
                } else if (message.fallback().state() == FallbackState.PENDING) {
                    tally.countSettled(fallback.handOver(message, Source.SWEEP, budget));
                }
            }
            default -> LOG.debugf("Message %s is %s: nothing owed", message.messageId(), message.state());
        }
    }

    private void resend(Message message, Instant now, Duration budget, SweepTally tally, Schedule schedule) {
        Message claim = message.claimResend(timing.resendAfter(), Source.SWEEP, now);
        if (store.transition(message, claim) instanceof TransitionResult.Applied applied) {
            LOG.infof("Resending message %s of agent %s left in SENDING", message.messageId(), message.agentId());
            SendResult result = sends.finishSend(applied.message(), Source.SWEEP,
                    budget.minus(Duration.between(now, clock.instant())));
            if (result instanceof SendResult.DeadlinePassed passed) {
                // The deadline came while this resend was claimed: never sent late, settled by a revoke instead.
                count(revokes.revokeDue(passed.message(), budget), tally, schedule);
            } else if (result instanceof SendResult.Unavailable) {
                tally.failed.incrementAndGet();
            } else {
                tally.countFallback(result.message());
            }
        }
    }

    /** Revokes and resends call RBM; fallback hand-overs and forwards do not. */
    private static boolean callsRbm(DueItem item) {
        return item.kind() == DueKind.MESSAGE && (item.state() == MessageState.PENDING
                || item.state() == MessageState.REVOKING || item.state() == MessageState.SENDING);
    }

    private void count(RevokeResult result, SweepTally tally, Schedule schedule) {
        tally.count(result, clock.instant());
        schedule.handOverAfterWindow(result);
    }

    /**
     * When the fallback of a message this sweep's call revoked may go: the end of its confirm window; null
     * when it owes none (no fallback, no window, revoked by someone else).
     */
    private static Instant windowEndOf(RevokeResult result) {
        if (!(result instanceof RevokeResult.Revoked revoked) || !revoked.byThisCall()) {
            return null;
        }
        return revoked.message().revokeUnconfirmed() ? revoked.message().fallback().nextAttemptAt() : null;
    }

    /**
     * Hands over the fallback of a message this sweep revoked, from the message as the revoke left it: no
     * read. The confirmation and the channels' claim are one write conditioned on that version, so a
     * delivery reported inside the window (or another sweep) came first and wins.
     */
    private void confirmAndHandOver(Message revoked, Instant callsEnd, SweepTally tally) {
        try {
            tally.countSettled(fallback.confirmAndHandOver(revoked, Source.SWEEP, callBudgetUntil(callsEnd)));
        } catch (RuntimeException e) {
            tally.failed.incrementAndGet();
            LOG.errorf(e, "Fallback of message %s after its confirm window failed; it stays due", revoked.messageId());
        }
    }

    /** A call's budget from now: {@code CALL_BUDGET}, or less when the sweep's calls end sooner. */
    private Duration callBudgetUntil(Instant callsEnd) {
        Duration left = Duration.between(clock.instant(), callsEnd);
        return left.compareTo(callBudget) < 0 ? left : callBudget;
    }

    /** Waits for every task, including those a task scheduled again meanwhile, until {@code answerBy}. */
    private void awaitAll(Queue<Future<?>> work, Instant answerBy) {
        Future<?> future;
        while ((future = work.poll()) != null) {
            long left = Duration.between(clock.instant(), answerBy).toMillis();
            try {
                future.get(Math.max(0, left), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warn("Sweep budget spent: unfinished work stays due for the next sweep");
                return;
            } catch (ExecutionException e) {
                LOG.error("Sweep work failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Schedules an item's work for a time. */
    interface Schedule {
        void at(DueItem item, Instant when);

        /**
         * After a revoke: the fallback it left waiting out the confirm window is handed over at the window's
         * end by this sweep, when it still claims work then; otherwise a later sweep finds it due.
         */
        void handOverAfterWindow(RevokeResult result);
    }
}
