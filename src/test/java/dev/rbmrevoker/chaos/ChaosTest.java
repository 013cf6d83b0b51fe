package dev.rbmrevoker.chaos;

import static org.junit.jupiter.api.Assertions.fail;

import dev.rbmrevoker.config.LifecycleConfig;
import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.RbmTestServer;
import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.local.rbm.WebhookPost;
import dev.rbmrevoker.local.sns.LocalSns;
import dev.rbmrevoker.message.DueItem;
import dev.rbmrevoker.message.DueKind;
import dev.rbmrevoker.message.Fact;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.FallbackState;
import dev.rbmrevoker.message.HistoryEntry;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.NoFallbackChannelException;
import dev.rbmrevoker.rbm.RbmConfig;
import dev.rbmrevoker.revoke.RevokeCommand;
import dev.rbmrevoker.revoke.RevokeService;
import dev.rbmrevoker.send.SendCommand;
import dev.rbmrevoker.send.SendResult;
import dev.rbmrevoker.send.SendService;
import dev.rbmrevoker.send.TrackCommand;
import dev.rbmrevoker.sweep.Sweeper;
import dev.rbmrevoker.testing.HttpRecorder;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.webhook.RbmEvent;
import dev.rbmrevoker.webhook.WebhookService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Thousands of messages through the service layer from several threads at once: sends and tracks,
 * RBM deliveries, duplicated and reordered webhooks, revokes on request, two sweeps in a loop and RBM
 * faults (429, 503, answers slower than the read timeout, dropped connections, lost answers). After
 * the faults stop and the sweeps settle the rest, every message is checked against API.md.
 *
 * <p>The plan (which messages, when, what happens to them, which faults) comes from one seed, printed
 * at the start: replay with {@code -Dchaos.seed=...}; {@code -Dchaos.messages=...} scales the run. The
 * threads' interleaving is the machine's, so a replay repeats the plan, not the exact schedule.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(ChaosProfile.class)
class ChaosTest {

    private static final String AGENT = RevokerResource.AGENT;
    private static final String UNREACHABLE_PHONE = "+16502539999";
    /** Messages are created over this window; their deadlines lie up to {@link #LONGEST_DEADLINE} after. */
    private static final Duration CREATE_WINDOW = Duration.ofSeconds(18);
    private static final int SHORTEST_DEADLINE_MS = 1_500;
    private static final Duration LONGEST_DEADLINE = Duration.ofSeconds(14);
    /** Faults go on this long after the last message is created. */
    private static final Duration CHAOS_AFTER_CREATION = Duration.ofSeconds(6);
    /** How long one sweep may take; the sweep threads start the next one right after, so this bounds a tick. */
    private static final Duration SWEEP_BUDGET = Duration.ofSeconds(2);
    private static final Duration TICK = SWEEP_BUDGET.plusMillis(300);
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(40);
    private static final Pattern CALLBACK_ID = Pattern.compile("\"messageId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SMS_ID = Pattern.compile("chaos ([0-9a-f-]{36})");

    @Inject
    SendService sends;
    @Inject
    RevokeService revokes;
    @Inject
    WebhookService webhooks;
    @Inject
    Sweeper sweeper;
    @Inject
    MessageStore store;
    @Inject
    LifecycleConfig lifecycle;
    @Inject
    RbmConfig rbmConfig;

    private long seed;
    private final List<String> errors = new CopyOnWriteArrayList<>();
    /** Messages whose creation was attempted; a creation still waiting for its turn when the chaos ends is dropped. */
    private final Set<String> attempted = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean creating = new AtomicBoolean(true);
    private final AtomicInteger callsAfterLease = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong worstLateMs = new java.util.concurrent.atomic.AtomicLong();
    /** The latest deadline actually given (a send that starts late gets a later deadline than planned). */
    private final java.util.concurrent.atomic.AtomicLong latestDeadline = new java.util.concurrent.atomic.AtomicLong();

    /** What the seed decided for one message. */
    private record Plan(int index, String id, Kind kind, String phone, long createAtMs, long deadlineAfterMs,
            boolean sms, boolean callback, long deliverAfterMs, boolean alsoRead, long revokeAfterMs,
            Boolean revokeFallback, boolean repeatSend, long contradictAfterMs, boolean deliveredFirst,
            boolean expiryFails) {

        Fallback fallback() {
            return Fallback.requested(sms ? "chaos " + id : null, callback);
        }
    }

    private enum Kind { SEND, TRACK, UNREACHABLE }

    @Test
    void thousandsOfMessages_underRandomInterleavingsAndRbmFaults_endConsistentWithTheContract() throws Exception {
        seed = Long.getLong("chaos.seed", System.nanoTime());
        // 2,000 fit in about a minute on a quiet 2-core machine; under a shared load of 20+ the default keeps
        // the sweeps ahead of the deadlines (an overloaded machine leaves messages owed, which this test flags).
        int count = Integer.getInteger("chaos.messages", 1_000);
        System.out.printf("ChaosTest: seed=%d messages=%d (replay with -Dchaos.seed=%d -Dchaos.messages=%d)%n",
                seed, count, seed, count);
        long startedNanos = System.nanoTime();

        RevokerResource.resetAll();
        RbmTestServer rbm = RevokerResource.rbm();
        rbm.setWebhook(null, null); // webhooks are recorded by the server and replayed by this test, chaotically
        rbm.setUnreachable(UNREACHABLE_PHONE);
        warmUp();
        RevokerResource.resetAll();
        rbm.setWebhook(null, null);
        rbm.setUnreachable(UNREACHABLE_PHONE);

        Random random = new Random(seed);
        List<Plan> plans = plan(random, count);
        Map<String, Plan> byId = plans.stream().collect(Collectors.toMap(Plan::id, p -> p));
        Set<String> noFallbackRevokes = ConcurrentHashMap.newKeySet();
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();

        AtomicBoolean chaos = new AtomicBoolean(true);
        AtomicBoolean running = new AtomicBoolean(true);
        long origin = System.currentTimeMillis() + 200;
        // Sends wait for RBM through faults: their own threads, so deliveries and revokes keep their times.
        ScheduledExecutorService creators = Executors.newScheduledThreadPool(12, named("chaos-sender"));
        ScheduledExecutorService actors = Executors.newScheduledThreadPool(6, named("chaos-actor"));
        java.util.concurrent.ScheduledThreadPoolExecutor events =
                new java.util.concurrent.ScheduledThreadPoolExecutor(3, named("chaos-webhook"));
        ExecutorService loops = Executors.newFixedThreadPool(5, named("chaos-loop"));
        AtomicInteger sweepsDone = new AtomicInteger();
        AtomicInteger sweepFailures = new AtomicInteger();
        AtomicInteger webhooksApplied = new AtomicInteger();
        AtomicInteger faultsInjected = new AtomicInteger();
        try {
            // Senders: each message is created at its planned time, on whichever actor thread is free.
            for (Plan plan : plans) {
                creators.schedule(() -> create(plan, outcomes), delay(origin, plan.createAtMs()), TimeUnit.MILLISECONDS);
                if (plan.deliverAfterMs() >= 0) {
                    actors.schedule(() -> rbm.deliver(plan.id(), plan.alsoRead()),
                            delay(origin, plan.createAtMs() + plan.deliverAfterMs()), TimeUnit.MILLISECONDS);
                }
                if (plan.contradictAfterMs() >= 0) {
                    actors.schedule(() -> contradict(plan),
                            delay(origin, plan.createAtMs() + plan.contradictAfterMs()), TimeUnit.MILLISECONDS);
                }
                if (plan.revokeAfterMs() >= 0) {
                    actors.schedule(() -> revokeOnRequest(plan, noFallbackRevokes, outcomes),
                            delay(origin, plan.createAtMs() + plan.revokeAfterMs()), TimeUnit.MILLISECONDS);
                }
            }
            // Two sweeps at once, over and over.
            for (int i = 0; i < 2; i++) {
                loops.submit(() -> {
                    while (running.get()) {
                        try {
                            sweeper.sweep(SWEEP_BUDGET);
                            sweepsDone.incrementAndGet();
                        } catch (RuntimeException e) {
                            sweepFailures.incrementAndGet();
                        }
                        pause(ThreadLocalRandom.current().nextInt(0, 200));
                    }
                });
            }
            // RBM's webhooks, as the server would have posted them: late, twice, out of order, new ids.
            Random eventRandom = new Random(seed ^ 0x5DEECE66DL);
            loops.submit(() -> pumpWebhooks(rbm, byId, eventRandom, events, running, webhooksApplied));
            // Faults on RBM's send and revoke while the chaos lasts.
            Random faultRandom = new Random(seed * 31 + 7);
            loops.submit(() -> {
                while (chaos.get()) {
                    Route route = faultRandom.nextInt(8) == 0 ? Route.SEND : Route.REVOKE;
                    Fault fault = switch (faultRandom.nextInt(6)) {
                        case 0 -> Fault.tooManyRequests(Duration.ofSeconds(faultRandom.nextInt(2)));
                        case 1, 2 -> Fault.status(503);
                        case 3 -> Fault.delay(Duration.ofMillis(600 + faultRandom.nextInt(600)));
                        case 4 -> Fault.drop();
                        default -> Fault.lostAnswer();
                    };
                    int times = 1 + faultRandom.nextInt(3);
                    rbm.inject(route, fault, times);
                    faultsInjected.addAndGet(times);
                    pause(80 + faultRandom.nextInt(160));
                }
            });

            long lastDeadline = plans.stream().mapToLong(p -> p.createAtMs() + p.deadlineAfterMs()).max().orElse(0);
            long chaosEnd = origin + CREATE_WINDOW.toMillis() + CHAOS_AFTER_CREATION.toMillis();
            pauseUntil(chaosEnd);
            chaos.set(false);
            creating.set(false);
            rbm.clearFaults();
            creators.shutdown();
            if (!creators.awaitTermination(20, TimeUnit.SECONDS)) {
                errors.add("senders did not finish within 20 s after the chaos");
            }
            actors.shutdown();
            if (!actors.awaitTermination(30, TimeUnit.SECONDS)) {
                errors.add("actors did not finish within 30 s after the chaos");
            }
            System.out.printf("ChaosTest: chaos over after %d ms: %d faults injected, %d sweeps so far, outcomes %s%n",
                    (System.nanoTime() - startedNanos) / 1_000_000, faultsInjected.get(), sweepsDone.get(), outcomes);

            // Settle: the sweeps (and the webhook pump) finish what is owed, without faults.
            Instant settleLimit = Instant.now().plus(SETTLE_LIMIT);
            Instant earliestEnd = Instant.ofEpochMilli(Math.max(origin + lastDeadline, latestDeadline.get()))
                    .plus(lifecycle.ttlGrace()).plus(TICK);
            while (Instant.now().isBefore(settleLimit)) {
                if (Instant.now().isAfter(earliestEnd) && overdue(Instant.now()).isEmpty() && events.getQueue().isEmpty()) {
                    break;
                }
                pause(250);
            }
        } finally {
            chaos.set(false);
            running.set(false);
            rbm.clearFaults();
            creators.shutdownNow();
            actors.shutdownNow();
            loops.shutdown();
            loops.awaitTermination(15, TimeUnit.SECONDS);
            events.shutdown();
            events.awaitTermination(5, TimeUnit.SECONDS);
        }
        rbm.awaitIdle(Duration.ofSeconds(5));
        Instant checkedAt = Instant.now();
        System.out.printf("ChaosTest: %d of %d planned messages created in time%n", attempted.size(), count);
        System.out.printf("ChaosTest: settled after %d ms: %d sweeps (%d failed), %d webhook events applied%n",
                (System.nanoTime() - startedNanos) / 1_000_000, sweepsDone.get(), sweepFailures.get(),
                webhooksApplied.get());

        plans = plans.stream().filter(p -> attempted.contains(p.id())).toList();
        check(plans, noFallbackRevokes, checkedAt);
        printTruth(plans);
        System.out.printf("ChaosTest: RBM revoke calls made after their claim's lease ran out: %d (latest by %d ms)%n",
                callsAfterLease.get(), worstLateMs.get());
        System.out.printf("ChaosTest: checked %d messages in %d ms in all; final states %s%n", plans.size(),
                (System.nanoTime() - startedNanos) / 1_000_000, finalStates(plans));
        if (!errors.isEmpty()) {
            fail("ChaosTest seed=" + seed + " (replay with -Dchaos.seed=" + seed + " -Dchaos.messages=" + count
                    + "): " + errors.size() + " violation(s), the first ones:\n  "
                    + errors.stream().limit(25).collect(Collectors.joining("\n  ")));
        }
    }

    // ------------------------------------------------------------------------------------ the plan

    private static List<Plan> plan(Random random, int count) {
        List<Plan> plans = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            // A version-4 UUID drawn from the seed, so a replay has the same ids.
            char[] uuid = new java.util.UUID(random.nextLong(), random.nextLong()).toString().toCharArray();
            uuid[14] = '4';
            uuid[19] = '8';
            String id = new String(uuid);
            int roll = random.nextInt(100);
            Kind kind = roll < 84 ? Kind.SEND : roll < 95 ? Kind.TRACK : Kind.UNREACHABLE;
            String phone = kind == Kind.UNREACHABLE ? UNREACHABLE_PHONE
                    : "+1650253" + String.format("%04d", random.nextInt(9_000));
            long createAt = (long) random.nextInt((int) CREATE_WINDOW.toMillis());
            long deadlineAfter = SHORTEST_DEADLINE_MS + random.nextInt((int) LONGEST_DEADLINE.toMillis() - SHORTEST_DEADLINE_MS);
            int fb = random.nextInt(4);
            boolean sms = fb == 1 || fb == 3;
            boolean callback = fb == 2 || fb == 3;
            long deliverAfter = random.nextInt(100) < 45 ? random.nextInt((int) deadlineAfter + 2_000) : -1;
            boolean alsoRead = random.nextBoolean();
            long revokeAfter = random.nextInt(100) < 25 ? random.nextInt((int) deadlineAfter + 1_000) : -1;
            int rf = random.nextInt(4);
            Boolean revokeFallback = rf == 0 ? Boolean.FALSE : rf == 1 && (sms || callback) ? Boolean.TRUE : null;
            boolean repeatSend = random.nextInt(100) < 10;
            // RBM's own races (API.md): a delivery reported after a revoke, a revoke after a delivery.
            long contradictAfter = random.nextInt(100) < 8 ? deadlineAfter + random.nextInt(3_000) : -1;
            boolean deliveredFirst = random.nextBoolean();
            boolean expiryFails = random.nextInt(100) < 5;
            plans.add(new Plan(i, id, kind, phone, createAt, deadlineAfter, sms, callback, deliverAfter, alsoRead,
                    revokeAfter, revokeFallback, repeatSend, contradictAfter, deliveredFirst, expiryFails));
        }
        return plans;
    }

    // ------------------------------------------------------------------------------------ the actors

    /** A fallback hand-over before the chaos, so the SNS client's first-use cost does not eat a webhook's budget. */
    private void warmUp() {
        String id = "00000000-0000-4000-8000-" + String.format("%012d", ThreadLocalRandom.current().nextLong(1_000_000_000L));
        sends.send(new SendCommand(id, AGENT, "+16502530001", "{\"contentMessage\":{\"text\":\"warm up\"}}",
                Instant.now().plusSeconds(60), Fallback.requested("warm up", true), "warm-up:" + id));
        revokes.revoke(new RevokeCommand(id, null, null, null));
    }

    private void create(Plan plan, Map<String, AtomicInteger> outcomes) {
        if (!creating.get()) {
            tally(outcomes, "create:skipped-too-late");
            return;
        }
        attempted.add(plan.id());
        if (plan.expiryFails()) {
            RevokerResource.rbm().failExpiryRevoke(plan.id());
        }
        try {
            Instant deadline = Instant.now().plusMillis(plan.deadlineAfterMs());
            latestDeadline.accumulateAndGet(deadline.toEpochMilli(), Math::max);
            if (plan.kind() == Kind.TRACK) {
                SendResult result = sends.track(new TrackCommand(plan.id(), AGENT, plan.phone(), deadline, null,
                        plan.fallback(), "chaos-track:" + plan.id()));
                tally(outcomes, "track:" + result.getClass().getSimpleName());
                return;
            }
            SendCommand command = new SendCommand(plan.id(), AGENT, plan.phone(),
                    "{\"contentMessage\":{\"text\":\"chaos " + plan.index() + "\"}}", deadline, plan.fallback(),
                    "chaos-send:" + plan.id());
            SendResult result = sends.send(command);
            // A client told "unavailable" repeats the request (API.md), a few times.
            for (int attempt = 0; attempt < 3 && result instanceof SendResult.Unavailable
                    && Instant.now().isBefore(deadline); attempt++) {
                pause(100);
                result = sends.send(command);
            }
            if (plan.repeatSend() && Instant.now().isBefore(deadline)) {
                SendResult repeat = sends.send(command);
                if (repeat instanceof SendResult.Conflicting) {
                    errors.add(plan.id() + ": repeating the same send answered Conflicting");
                }
            }
            tally(outcomes, "send:" + result.getClass().getSimpleName());
        } catch (RuntimeException e) {
            tally(outcomes, "create-threw:" + e.getClass().getSimpleName());
            errors.add(plan.id() + ": creating it threw " + e);
        }
    }

    private void revokeOnRequest(Plan plan, Set<String> noFallbackRevokes, Map<String, AtomicInteger> outcomes) {
        if (!attempted.contains(plan.id())) {
            return;
        }
        try {
            if (Boolean.FALSE.equals(plan.revokeFallback())) {
                noFallbackRevokes.add(plan.id());
            }
            var result = revokes.revoke(new RevokeCommand(plan.id(), plan.revokeFallback(), null, null));
            tally(outcomes, "revoke:" + result.getClass().getSimpleName());
        } catch (NoFallbackChannelException e) {
            tally(outcomes, "revoke:NoFallbackChannel");
            errors.add(plan.id() + ": revoke refused for want of a fallback channel, though the plan asked only"
                    + " for one the message has: " + e.getMessage());
        } catch (RuntimeException e) {
            tally(outcomes, "revoke-threw:" + e.getClass().getSimpleName());
            errors.add(plan.id() + ": revoke on request threw " + e);
        }
    }

    /** Conflicting evidence as RBM may send it when a revoke races a delivery: both events, in either order. */
    private void contradict(Plan plan) {
        if (!attempted.contains(plan.id())) {
            return;
        }
        List<String> types = plan.deliveredFirst() ? List.of("DELIVERED", "TTL_EXPIRATION_REVOKED")
                : List.of("TTL_EXPIRATION_REVOKED", "DELIVERED");
        for (String type : types) {
            try {
                webhooks.apply(new RbmEvent(type, "race-" + type + "-" + plan.id(), plan.id(), plan.phone(), AGENT),
                        "race-env-" + type + "-" + plan.id());
            } catch (RuntimeException e) {
                errors.add(plan.id() + ": racing webhook " + type + " threw " + e);
            }
        }
    }

    /**
     * Takes every webhook the RBM test server would have posted and applies it through WebhookService
     * one to three times, after random delays (so out of order), sometimes under a new event id.
     */
    private void pumpWebhooks(RbmTestServer rbm, Map<String, Plan> byId, Random random,
            ScheduledExecutorService events, AtomicBoolean running, AtomicInteger applied) {
        int seen = 0;
        while (running.get()) {
            List<WebhookPost> posts = rbm.webhookPosts();
            for (int i = seen; i < posts.size(); i++) {
                WebhookPost post = posts.get(i);
                Plan plan = byId.get(post.messageId());
                if (plan == null) {
                    continue;
                }
                int copies = 1 + random.nextInt(3);
                for (int c = 0; c < copies; c++) {
                    String eventId = c == 0 || random.nextInt(3) > 0 ? "ev-" + i : "ev-" + i + "-again-" + c;
                    RbmEvent event = new RbmEvent(post.eventType(), eventId, post.messageId(), plan.phone(), AGENT);
                    String envelopeId = "env-" + i + "-" + c;
                    events.schedule(() -> {
                        try {
                            webhooks.apply(event, envelopeId);
                            applied.incrementAndGet();
                        } catch (RuntimeException e) {
                            errors.add(event.messageId() + ": webhook " + event.eventType() + " threw " + e);
                        }
                    }, random.nextInt(1_500), TimeUnit.MILLISECONDS);
                }
            }
            seen = posts.size();
            pause(30);
        }
    }

    // ------------------------------------------------------------------------------------ the checks

    /** Messages owed work due at or before {@code upTo}, as the due index shows them. */
    private List<DueItem> overdue(Instant upTo) {
        List<DueItem> late = new ArrayList<>();
        for (int shard = 0; shard < store.dueShards(); shard++) {
            store.queryDue(shard, upTo, 100, null).items().stream()
                    .filter(item -> item.kind() == DueKind.MESSAGE)
                    .forEach(late::add);
        }
        return late;
    }

    private void check(List<Plan> plans, Set<String> noFallbackRevokes, Instant now) {
        Map<String, List<RecordedCall>> revokeCalls = RevokerResource.rbm().calls(Route.REVOKE).stream()
                .collect(Collectors.groupingBy(c -> c.rawPath().substring(c.rawPath().lastIndexOf('/') + 1)));
        Map<String, Integer> smsCount = countById(RevokerResource.sns().publishes().stream()
                .map(LocalSns.Publish::message).toList(), SMS_ID);
        Map<String, Integer> callbackCount = countById(RevokerResource.callbacks().received().stream()
                .map(HttpRecorder.Received::text).toList(), CALLBACK_ID);
        for (Plan plan : plans) {
            Optional<Message> stored = store.get(plan.id());
            if (stored.isEmpty()) {
                errors.add(plan.id() + ": not stored at all (" + plan.kind() + ")");
                continue;
            }
            checkOne(plan, stored.get(), revokeCalls.getOrDefault(plan.id(), List.of()),
                    smsCount.getOrDefault(plan.id(), 0), callbackCount.getOrDefault(plan.id(), 0),
                    noFallbackRevokes.contains(plan.id()), now);
        }
    }

    private void checkOne(Plan plan, Message m, List<RecordedCall> calls, int sms, int callbacks,
            boolean revokedWithoutFallback, Instant now) {
        String id = m.messageId();
        String where = id + " (" + m.state() + ", fallback " + m.fallback().state() + ", history "
                + m.history().stream().map(e -> e.event() + "/" + e.source().wireName()).toList() + ")";
        List<HistoryEntry> history = m.history();
        boolean complete = m.historyDropped() == 0;

        // One state, consistent with API.md; nothing left owed past its due time plus two ticks.
        switch (m.state()) {
            case PENDING, REVOKING, SENDING -> {
                if (m.dueAt() == null) {
                    errors.add(where + ": " + m.state() + " but nothing owed (no due time)");
                } else if (m.dueAt().isBefore(now.minus(TICK.multipliedBy(2)))) {
                    errors.add(where + ": still owed work due at " + m.dueAt() + ", more than two ticks ago");
                } else if (m.state() == MessageState.PENDING && m.revokeAt().isBefore(now)) {
                    errors.add(where + ": PENDING after its revoke time " + m.revokeAt() + " passed");
                }
            }
            case REJECTED -> errors.add(where + ": REJECTED, yet RBM was never made to refuse a send");
            case FALLBACK_FAILED -> errors.add(where + ": FALLBACK_FAILED, yet no fallback channel was made to fail");
            default -> {
            }
        }
        if (m.state() == MessageState.REVOKING && m.claim() == null) {
            errors.add(where + ": REVOKING without a claim");
        }
        if (m.state() != MessageState.REVOKING && m.claim() != null) {
            errors.add(where + ": a claim outside REVOKING");
        }
        if ((m.state() == MessageState.DELIVERED || m.state() == MessageState.READ) && m.deliveredAt() == null) {
            errors.add(where + ": delivered without deliveredAt");
        }
        if (m.state() == MessageState.READ && m.readAt() == null) {
            errors.add(where + ": READ without readAt");
        }
        if (m.state() == MessageState.REVOKED && m.revokedAt() == null) {
            errors.add(where + ": REVOKED without revokedAt");
        }
        if (m.fallback().state() == FallbackState.PENDING) {
            if (m.dueAt() == null || m.dueAt().isBefore(now.minus(TICK.multipliedBy(2)))) {
                errors.add(where + ": fallback owed since " + m.dueAt() + ", more than two ticks ago");
            }
        } else if (m.state().isFinished() && m.dueAt() != null) {
            errors.add(where + ": finished but still due at " + m.dueAt());
        }

        if (complete) {
            checkHistory(where, m, history);
            checkRevokeCalls(where, history, calls);
        }
        checkFallback(where, plan, m, history, sms, callbacks, revokedWithoutFallback);
    }

    /** The history replays to the state, and late evidence is only recorded after what it contradicts. */
    private void checkHistory(String where, Message m, List<HistoryEntry> history) {
        MessageState replayed = null;
        boolean revokedSeen = false;
        boolean deliveredSeen = false;
        for (HistoryEntry entry : history) {
            String event = entry.event();
            MessageState next = replayed;
            if (isState(event)) {
                next = MessageState.valueOf(event);
            } else if (event.equals(Fact.SENT.name()) || event.equals(Fact.TRACKED.name())) {
                next = MessageState.PENDING;
            } else if (event.equals(Fact.REVOKE_RETRY.name())) {
                // A lease given back carries why; a lease retaken after it expired does not.
                next = entry.detail() != null ? MessageState.PENDING : MessageState.REVOKING;
                if (replayed != MessageState.REVOKING) {
                    errors.add(where + ": REVOKE_RETRY while " + replayed);
                }
            } else if (event.equals(Fact.DELIVERED_AFTER_REVOKE.name())) {
                if (!revokedSeen) {
                    errors.add(where + ": DELIVERED_AFTER_REVOKE without an earlier REVOKED/UNDELIVERABLE entry");
                }
            } else if (event.equals(Fact.REVOKED_AFTER_DELIVERY.name())) {
                if (!deliveredSeen) {
                    errors.add(where + ": REVOKED_AFTER_DELIVERY without an earlier DELIVERED/READ entry");
                }
            }
            if (next == MessageState.REVOKED || next == MessageState.UNDELIVERABLE) {
                revokedSeen = true;
            }
            if (next == MessageState.DELIVERED || next == MessageState.READ) {
                deliveredSeen = true;
            }
            if (next != replayed && replayed != null && !canMove(replayed, next)) {
                errors.add(where + ": history moves " + replayed + " -> " + next + ", which API.md does not allow");
            }
            replayed = next;
        }
        if (replayed != m.state()) {
            errors.add(where + ": history replays to " + replayed + ", not the state");
        }
        if (revokedSeen && deliveredSeen && !history.stream().map(HistoryEntry::event)
                .anyMatch(e -> e.equals(Fact.DELIVERED_AFTER_REVOKE.name()) || e.equals(Fact.REVOKED_AFTER_DELIVERY.name())
                        || e.equals(Fact.REVOKE_NOT_HONOURED.name()))) {
            // Both a revoke and a delivery moved the state: the second must have been only a note.
            errors.add(where + ": both revoked and delivered as states; the later one should be a history fact");
        }
    }

    /** API.md's moves, written out here on purpose rather than read from Transitions. */
    private static boolean canMove(MessageState from, MessageState to) {
        return switch (from) {
            case SENDING -> Set.of(MessageState.PENDING, MessageState.UNDELIVERABLE, MessageState.REJECTED,
                    MessageState.DELIVERED, MessageState.READ, MessageState.REVOKED, MessageState.REVOKING).contains(to);
            case PENDING -> Set.of(MessageState.REVOKING, MessageState.REVOKED, MessageState.DELIVERED,
                    MessageState.READ).contains(to);
            case REVOKING -> Set.of(MessageState.REVOKING, MessageState.PENDING, MessageState.REVOKED,
                    MessageState.DELIVERED, MessageState.READ).contains(to);
            case DELIVERED -> to == MessageState.READ;
            // REVOKED -> DELIVERED/READ: a delivery inside the revoke's confirm window (REVOKE_NOT_HONOURED).
            case REVOKED -> Set.of(MessageState.FALLEN_BACK, MessageState.FALLBACK_FAILED, MessageState.DELIVERED,
                    MessageState.READ).contains(to);
            case UNDELIVERABLE -> to == MessageState.FALLEN_BACK || to == MessageState.FALLBACK_FAILED;
            case READ, REJECTED, FALLEN_BACK, FALLBACK_FAILED -> false;
        };
    }

    /**
     * At most one RBM revoke per lease: every recorded DELETE of the message falls after a claim
     * (REVOKING, or REVOKE_RETRY retaking an expired lease) and inside that claim's lease, and no claim
     * has more calls than one revoke's attempts.
     */
    private void checkRevokeCalls(String where, List<HistoryEntry> history, List<RecordedCall> calls) {
        List<Instant> claims = new ArrayList<>();
        for (HistoryEntry entry : history) {
            if (entry.event().equals(MessageState.REVOKING.name())
                    || entry.event().equals(Fact.REVOKE_RETRY.name()) && entry.detail() == null) {
                claims.add(entry.at());
            }
        }
        int attempts = rbmConfig.retry().maxAttempts();
        Map<Integer, Integer> perClaim = new HashMap<>();
        for (RecordedCall call : calls) {
            int claim = -1;
            for (int i = 0; i < claims.size(); i++) {
                if (!claims.get(i).isAfter(call.at())) {
                    claim = i;
                }
            }
            if (claim < 0) {
                errors.add(where + ": RBM revoke at " + call.at() + " without any claim before it (claims " + claims + ")");
                continue;
            }
            Instant leaseEnd = claims.get(claim).plus(lifecycle.leaseDuration());
            if (!call.at().isBefore(leaseEnd)) {
                // Not by itself a second revoke (that shows as too many calls under the next claim), but the
                // lease no longer protected this call: counted and printed.
                callsAfterLease.incrementAndGet();
                worstLateMs.accumulateAndGet(Duration.between(leaseEnd, call.at()).toMillis(), Math::max);
            }
            perClaim.merge(claim, 1, Integer::sum);
        }
        perClaim.forEach((claim, n) -> {
            if (n > attempts) {
                errors.add(where + ": " + n + " RBM revoke calls under the one claim at " + claims.get(claim)
                        + " (one revoke makes at most " + attempts + " attempts)");
            }
        });
        if (calls.size() > claims.size() * attempts) {
            errors.add(where + ": " + calls.size() + " RBM revoke calls for " + claims.size() + " claims");
        }
    }

    /** A fallback exactly once when revoked or undeliverable and wanted; never after a delivery that came first. */
    private void checkFallback(String where, Plan plan, Message m, List<HistoryEntry> history, int sms, int callbacks,
            boolean revokedWithoutFallback) {
        int delivered = firstIndex(history, MessageState.DELIVERED, MessageState.READ);
        int revoked = firstIndex(history, MessageState.REVOKED, MessageState.UNDELIVERABLE);
        boolean deliveredFirst = delivered >= 0 && (revoked < 0 || delivered < revoked);
        Map<String, Integer> expected = new HashMap<>();
        FallbackState fallbackState = m.fallback().state();
        if (deliveredFirst) {
            if (sms + callbacks > 0) {
                errors.add(where + ": delivered before any revoke, yet " + sms + " SMS and " + callbacks
                        + " callbacks were handed over");
            }
            if (fallbackState != FallbackState.WAITING && fallbackState != FallbackState.NONE) {
                errors.add(where + ": delivered first, yet the fallback is " + fallbackState);
            }
            return;
        }
        boolean revokedOrUndeliverable = Set.of(MessageState.REVOKED, MessageState.UNDELIVERABLE,
                MessageState.FALLEN_BACK, MessageState.FALLBACK_FAILED).contains(m.state());
        if (!revokedOrUndeliverable) {
            if (sms + callbacks > 0) {
                errors.add(where + ": neither revoked nor undeliverable, yet " + sms + " SMS and " + callbacks
                        + " callbacks were handed over");
            }
            return;
        }
        if (!plan.sms() && !plan.callback()) {
            if (sms + callbacks > 0) {
                errors.add(where + ": no fallback asked for, yet " + sms + " SMS and " + callbacks + " callbacks");
            }
            return;
        }
        if (fallbackState == FallbackState.NONE) {
            if (!revokedWithoutFallback) {
                errors.add(where + ": revoked with a fallback asked for, but the fallback is NONE and no revoke"
                        + " asked for none");
            }
            if (sms + callbacks > 0) {
                errors.add(where + ": revoked without fallback, yet " + sms + " SMS and " + callbacks + " callbacks");
            }
            return;
        }
        expected.put("SMS", plan.sms() ? 1 : 0);
        expected.put("callback", plan.callback() ? 1 : 0);
        if (fallbackState == FallbackState.SENT || m.state() == MessageState.FALLEN_BACK) {
            if (sms != expected.get("SMS") || callbacks != expected.get("callback")) {
                errors.add(where + ": fallen back with " + sms + " SMS and " + callbacks + " callbacks, expected "
                        + expected + " exactly once");
            }
        } else if (sms > expected.get("SMS") || callbacks > expected.get("callback")) {
            errors.add(where + ": fallback " + fallbackState + " with " + sms + " SMS and " + callbacks
                    + " callbacks, more than once");
        } else if (fallbackState == FallbackState.WAITING) {
            errors.add(where + ": revoked or undeliverable, but its fallback was never triggered");
        }
    }

    /**
     * How our states compare with what the RBM test server knows happened. Not asserted: API.md reads a
     * late 404 by the deadline (delivered, or ambiguous), so some disagreement is by design; printed so a
     * change in it shows.
     */
    private void printTruth(List<Plan> plans) {
        Map<String, Integer> mismatches = new java.util.TreeMap<>();
        for (Plan plan : plans) {
            if (plan.kind() != Kind.SEND) {
                continue;
            }
            Optional<Message> ours = store.get(plan.id());
            var theirs = RevokerResource.rbm().message(plan.id());
            if (ours.isEmpty() || theirs.isEmpty()) {
                continue;
            }
            boolean weSayDelivered = ours.get().deliveredAt() != null;
            var rbmState = theirs.get().state();
            boolean rbmDelivered = rbmState.name().equals("DELIVERED") || rbmState.name().equals("READ");
            if (weSayDelivered != rbmDelivered) {
                mismatches.merge("ours " + ours.get().state() + " / RBM " + rbmState, 1, Integer::sum);
            }
        }
        System.out.printf("ChaosTest: delivery known to us vs the RBM test server, disagreements: %s%n", mismatches);
    }

    private static int firstIndex(List<HistoryEntry> history, MessageState... states) {
        Set<String> names = Arrays.stream(states).map(Enum::name).collect(Collectors.toSet());
        for (int i = 0; i < history.size(); i++) {
            if (names.contains(history.get(i).event())) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isState(String event) {
        return Arrays.stream(MessageState.values()).anyMatch(s -> s.name().equals(event));
    }

    private static Map<String, Integer> countById(List<String> texts, Pattern idPattern) {
        Map<String, Integer> counts = new HashMap<>();
        for (String text : texts) {
            Matcher matcher = idPattern.matcher(text == null ? "" : text);
            if (matcher.find()) {
                counts.merge(matcher.group(1), 1, Integer::sum);
            }
        }
        return counts;
    }

    private Map<MessageState, Integer> finalStates(List<Plan> plans) {
        Map<MessageState, Integer> states = new EnumMap<>(MessageState.class);
        for (Plan plan : plans) {
            store.get(plan.id()).ifPresent(m -> states.merge(m.state(), 1, Integer::sum));
        }
        return states;
    }

    // ------------------------------------------------------------------------------------ helpers

    private static void tally(Map<String, AtomicInteger> outcomes, String key) {
        outcomes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private static long delay(long origin, long offsetMs) {
        return Math.max(0, origin + offsetMs - System.currentTimeMillis());
    }

    private static void pauseUntil(long epochMillis) {
        pause(Math.max(0, epochMillis - System.currentTimeMillis()));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
