package dev.rbmrevoker.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.config.LifecycleConfig;
import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.RbmTestServer;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.local.rbm.StoredMessage;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.message.NewMessage;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.observe.Metrics;
import dev.rbmrevoker.revoke.RevokeService;
import dev.rbmrevoker.send.SendCommand;
import dev.rbmrevoker.send.SendResult;
import dev.rbmrevoker.send.SendService;
import dev.rbmrevoker.sweep.SweepFixtures;
import dev.rbmrevoker.sweep.SweepProfile;
import dev.rbmrevoker.sweep.Sweeper;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.testing.TestClock;
import dev.rbmrevoker.webhook.RbmWebhooks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Campaign revocations through the sweep, with DynamoDB Local, the RBM test server (its webhooks posted
 * to the application) and the SNS stand-in.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class CampaignRevocationTest {

    private static final String AGENT = RevokerResource.AGENT;
    private static final long SEED = 20261201L;

    @Inject
    Sweeper sweeper;
    @Inject
    MessageStore store;
    @Inject
    RbmGateway rbm;
    @Inject
    CampaignService campaigns;
    @Inject
    CampaignStore campaignStore;
    @Inject
    RevokeService revokes;
    @Inject
    SendService sends;
    @Inject
    Clock clock;
    @Inject
    CampaignConfig config;
    @Inject
    LifecycleConfig lifecycle;
    @Inject
    Metrics metrics;

    @BeforeEach
    void reset() {
        SweepFixtures.clearTable();
        RevokerResource.resetAll();
        RbmWebhooks.warmUpFallback();
        RevokerResource.rbm().setWebhook(URI.create("http://localhost:" + RestAssured.port + RbmWebhooks.PATH),
                RevokerResource.CLIENT_TOKEN);
    }

    @AfterEach
    void tearDown() {
        RevokerResource.rbm().setWebhook(null, null);
        TestClock.reset();
    }

    @Test
    void fiveThousandMessages_deliveriesRacing_eachEndsDeliveredOrRevokedOnce_andFallsBackOnce() throws Exception {
        String campaign = "spring-sale-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = SweepFixtures.ids(atRbm(campaign, 5000));
        List<String> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new Random(SEED));
        List<String> delivering = shuffled.subList(0, 1000);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> deliveries = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int first = t;
                deliveries.add(pool.submit(() -> {
                    go.await();
                    for (int i = first; i < delivering.size(); i += 3) {
                        RevokerResource.rbm().deliver(delivering.get(i));
                    }
                    return null;
                }));
            }
            go.countDown();
            StartResult started = campaigns.start(AGENT, campaign, true);
            assertInstanceOf(StartResult.Started.class, started);
            runToTheEnd(campaign, 2);
            for (Future<?> delivery : deliveries) {
                delivery.get();
            }
        } finally {
            pool.shutdownNow();
        }
        RevokerResource.rbm().awaitIdle(Duration.ofSeconds(30));
        // A hand-over a sweep left for lack of budget goes on the next tick.
        sweeper.sweep(Duration.ofMinutes(1));

        Map<String, Long> deletes = SweepFixtures.revokeCalls(0);
        Map<String, Long> sms = SweepFixtures.smsPublishes(ids);
        int revoked = 0;
        int delivered = 0;
        for (String id : ids) {
            Message m = store.get(id).orElseThrow();
            StoredMessage atRbm = RevokerResource.rbm().message(id).orElseThrow();
            long calls = deletes.getOrDefault(id, 0L);
            assertTrue(calls <= 1, id + " revoked at RBM " + calls + " times");
            if (atRbm.state() == StoredMessage.State.DELIVERED || atRbm.state() == StoredMessage.State.READ) {
                delivered++;
                assertTrue(m.state() == MessageState.DELIVERED || m.state() == MessageState.READ,
                        id + " delivered by RBM is " + m.state());
                assertEquals(0L, sms.get(id), "SMS for delivered " + id);
            } else {
                revoked++;
                assertEquals(StoredMessage.State.REVOKED, atRbm.state(), id);
                assertEquals(1L, calls, "RBM revokes of " + id + ", which RBM held");
                assertEquals(MessageState.FALLEN_BACK, m.state(), id);
                assertEquals(FallbackReason.CAMPAIGN_REVOKED, m.fallback().reason(), id);
                assertEquals(1L, sms.get(id), "SMS for revoked " + id);
            }
        }
        CampaignRevocation done = campaignStore.get(AGENT, campaign).orElseThrow();
        assertEquals(RevocationState.DONE, done.state());
        assertEquals(revoked, done.revoked(), "revoked count: " + done);
        assertEquals(delivered, done.alreadyDelivered(), "already delivered count: " + done);
        assertEquals(0, done.failed());
        assertTrue(delivered > 0 && revoked > 0, "both sides of the race happened: " + delivered + "/" + revoked);
    }

    @Test
    void aSweepKilledHalfway_resumesWhereItStopped_andRevokesEachMessageOnce() throws Exception {
        String campaign = "killed-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = SweepFixtures.ids(atRbm(campaign, 300));
        CampaignRevocation fresh = CampaignRevocation.start(AGENT, campaign, false, clock.instant());
        assertTrue(campaignStore.create(fresh).isEmpty());
        // The worker dies on its fifth write: after four pages, between a page's revokes and their record.
        CampaignRevoker dying = new CampaignRevoker(new DyingStore(campaignStore, 5), store, revokes, clock, config,
                lifecycle, metrics);
        assertThrows(IllegalStateException.class, () -> dying.work(fresh, clock.instant().plusSeconds(20)));
        CampaignRevocation left = campaignStore.get(AGENT, campaign).orElseThrow();
        assertEquals(RevocationState.RUNNING, left.state());
        int revokedBefore = SweepFixtures.revokeCalls(0).size();
        assertTrue(revokedBefore > 0 && revokedBefore < ids.size(), "killed halfway: " + revokedBefore);

        // Nobody retakes it while the dead worker's lease runs.
        sweeper.sweep(Duration.ofSeconds(20));
        assertEquals(revokedBefore, SweepFixtures.revokeCalls(0).size(), "revoked under a live lease");
        TestClock.advance(Duration.between(clock.instant(), left.leaseUntil()).plusSeconds(1));
        runToTheEnd(campaign, 1);

        assertEquals(SweepFixtures.once(ids), SweepFixtures.revokeCalls(0), "RBM revokes per message");
        CampaignRevocation done = campaignStore.get(AGENT, campaign).orElseThrow();
        assertEquals(RevocationState.DONE, done.state());
        assertEquals(ids.size(), done.revoked(), "the redone page's revokes are counted once: " + done);
        for (String id : ids) {
            Message m = store.get(id).orElseThrow();
            assertEquals(MessageState.REVOKED, m.state(), id);
            assertEquals(Fallback.none().state(), m.fallback().state(), "no fallback unless asked: " + id);
        }
        assertEquals(Map.of(), SweepFixtures.smsPublishes(ids).entrySet().stream().filter(e -> e.getValue() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "SMS sent without asking");
    }

    @Test
    void aRepeatedStart_startsNothingNew_andAnotherFallbackChoiceConflicts() throws Exception {
        String campaign = "repeat-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = SweepFixtures.ids(atRbm(campaign, 20));
        StartResult first = campaigns.start(AGENT, campaign, false);
        assertInstanceOf(StartResult.Started.class, first);
        assertEquals(SweepFixtures.once(ids), SweepFixtures.revokeCalls(0), "the request started the work");

        StartResult again = campaigns.start(AGENT, campaign, false);
        assertInstanceOf(StartResult.Repeated.class, again);
        assertEquals(first.revocation().startedAt(), again.revocation().startedAt());
        assertInstanceOf(StartResult.Conflicting.class, campaigns.start(AGENT, campaign, true));
        assertEquals(SweepFixtures.once(ids), SweepFixtures.revokeCalls(0), "a repeat calls RBM again");
    }

    @Test
    void sendsRacingTheStart_areEachRefusedOrRevoked_noneStaysAtRbm() throws Exception {
        String campaign = "race-" + UUID.randomUUID().toString().substring(0, 8);
        int sendsCount = 240;
        ExecutorService pool = Executors.newFixedThreadPool(5);
        Map<String, SendResult> results = new ConcurrentHashMap<>();
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch halfway = new CountDownLatch(1);
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                senders.add(pool.submit(() -> {
                    for (int i = 0; i < sendsCount / 4; i++) {
                        String id = UUID.randomUUID().toString();
                        results.put(id, sends.send(new SendCommand(id, AGENT, "+16502530001", SweepFixtures.PAYLOAD,
                                clock.instant().plus(Duration.ofHours(1)), Fallback.none(), "fp-" + id, campaign)));
                        if (sent.incrementAndGet() == sendsCount / 3) {
                            halfway.countDown();
                        }
                    }
                    return null;
                }));
            }
            halfway.await();
            campaigns.start(AGENT, campaign, false);
            for (Future<?> sender : senders) {
                sender.get();
            }
        } finally {
            pool.shutdownNow();
        }
        runToTheEnd(campaign, 1);

        long refused = results.values().stream().filter(r -> r instanceof SendResult.CampaignRevoked).count();
        assertTrue(refused > 0 && refused < sendsCount, "the sends raced the start: " + refused + " refused");
        Map<String, Long> deletes = SweepFixtures.revokeCalls(0);
        Map<String, Long> sendCalls = SweepFixtures.sendCalls();
        for (Map.Entry<String, SendResult> e : results.entrySet()) {
            String id = e.getKey();
            Optional<StoredMessage> atRbm = RevokerResource.rbm().message(id);
            if (e.getValue() instanceof SendResult.CampaignRevoked) {
                assertTrue(atRbm.isEmpty(), "a refused send reached RBM: " + id);
                assertEquals(MessageState.REVOKED, store.get(id).orElseThrow().state(), id);
            } else {
                assertEquals(1L, sendCalls.get(id), "sends of " + id);
                assertEquals(StoredMessage.State.REVOKED, atRbm.orElseThrow().state(), "escaped: " + id);
                assertEquals(1L, deletes.get(id), "RBM revokes of " + id);
                assertEquals(MessageState.REVOKED, store.get(id).orElseThrow().state(), id);
            }
        }
    }

    @Test
    void aSendLeftInSending_isSettledByARevoke_neverResent() throws Exception {
        String campaign = "stuck-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = clock.instant();
        NewMessage spec = SweepFixtures.spec(now.plus(Duration.ofHours(1))).inCampaign(campaign);
        // Its send died a while ago: the resend lease has run out, so the sweep owes it a resend.
        Message stuck = store.create(Message.sending(spec, Messages.TIMING, now.minus(Duration.ofMinutes(10))));
        campaigns.start(AGENT, campaign, false);
        runToTheEnd(campaign, 1);

        Message settled = store.get(stuck.messageId()).orElseThrow();
        assertEquals(MessageState.REVOKED, settled.state());
        assertEquals(FallbackReason.CAMPAIGN_REVOKED, settled.fallback().reason());
        assertEquals(null, SweepFixtures.sendCalls().get(stuck.messageId()), "resent");
        assertEquals(1L, SweepFixtures.revokeCalls(0).get(stuck.messageId()), "settled by one revoke");
    }

    @Test
    void rbmFaults_throttledRefusedAndLostAnswers_leaveEachMessageRevokedOnce_orCountedFailed() throws Exception {
        String campaign = "faults-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = SweepFixtures.ids(atRbm(campaign, 60));
        RbmTestServer rbmServer = RevokerResource.rbm();
        rbmServer.inject(Route.REVOKE, Fault.tooManyRequests(Duration.ofSeconds(1)), 6);
        rbmServer.inject(Route.REVOKE, Fault.status(403));
        rbmServer.inject(Route.REVOKE, Fault.status(503), 2);
        rbmServer.inject(Route.REVOKE, Fault.lostAnswer());
        rbmServer.inject(Route.REVOKE, Fault.delay(Duration.ofSeconds(15)));

        campaigns.start(AGENT, campaign, false);
        runToTheEnd(campaign, 1);

        CampaignRevocation done = campaignStore.get(AGENT, campaign).orElseThrow();
        assertEquals(1, done.failed(), "RBM's 403: " + done);
        assertEquals(ids.size() - 1, done.revoked(), done.toString());
        List<Message> refused = ids.stream().map(id -> store.get(id).orElseThrow())
                .filter(m -> m.state() == MessageState.PENDING).toList();
        assertEquals(1, refused.size(), "left PENDING for the sweep's deadline revoke");
        assertTrue(refused.get(0).revokeRefusedFor(Source.CAMPAIGN));
        for (String id : ids) {
            StoredMessage atRbm = rbmServer.message(id).orElseThrow();
            boolean wasRefused = id.equals(refused.get(0).messageId());
            assertEquals(wasRefused ? StoredMessage.State.QUEUED : StoredMessage.State.REVOKED, atRbm.state(), id);
        }
        // Whatever the faults, RBM removed each message once: never a second 200 for the same one.
        SweepFixtures.revokeCalls(200).forEach((id, calls) -> assertEquals(1L, calls, id));
    }

    @Test
    void theCount_stopsAtItsBudget_andSaysItIsPartial() throws Exception {
        String campaign = "count-" + UUID.randomUUID().toString().substring(0, 8);
        atRbm(campaign, 40);
        CampaignCounts full = campaignStore.count(AGENT, campaign, clock.instant().plusSeconds(10));
        assertEquals(Map.of(MessageState.PENDING, 40L), full.byState());
        assertFalse(full.partial());
        CampaignCounts cut = campaignStore.count(AGENT, campaign, clock.instant());
        assertTrue(cut.partial());
        assertEquals(0, cut.total());
    }

    /** Messages of the campaign, queued at RBM and tracked, due an hour from now (no deadline revoke meanwhile). */
    private List<Message> atRbm(String campaign, int count) throws Exception {
        Instant now = clock.instant();
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            // SMS only: a second channel would double the hand-overs of thousands of messages for nothing more.
            NewMessage spec = new NewMessage(id, AGENT, "+16502530001", now.plus(Duration.ofHours(1)), false,
                    "fingerprint", SweepFixtures.PAYLOAD, Fallback.requested(SweepFixtures.smsText(id), false))
                    .inCampaign(campaign);
            messages.add(Message.tracked(spec, Messages.TIMING, now));
        }
        return SweepFixtures.createAtRbm(store, rbm, messages);
    }

    /**
     * Sweeps ({@code sweeps} at once) until the revocation is done, passing its index settling time on the
     * test clock rather than waiting it out.
     */
    private void runToTheEnd(String campaign, int sweeps) throws Exception {
        for (int round = 0; round < 20; round++) {
            CampaignRevocation now = campaignStore.get(AGENT, campaign).orElseThrow();
            if (now.state() == RevocationState.DONE) {
                return;
            }
            if (now.dueAt() != null && now.dueAt().isAfter(clock.instant())) {
                TestClock.advance(Duration.between(clock.instant(), now.dueAt()).plusMillis(1));
            }
            SweepFixtures.sweepConcurrently(sweeper, sweeps, Duration.ofSeconds(30));
        }
        CampaignRevocation last = campaignStore.get(AGENT, campaign).orElseThrow();
        assertNotNull(last.finishedAt(), "not done after 20 sweeps: " + last);
    }

    /** The campaign store of a worker that dies (throws) on its n-th write. */
    private static final class DyingStore implements CampaignStore {
        private final CampaignStore store;
        private final AtomicInteger writesLeft;

        DyingStore(CampaignStore store, int dieOnWrite) {
            this.store = store;
            this.writesLeft = new AtomicInteger(dieOnWrite);
        }

        @Override
        public int shards() {
            return store.shards();
        }

        @Override
        public Optional<CampaignRevocation> create(CampaignRevocation revocation) {
            return store.create(revocation);
        }

        @Override
        public Optional<CampaignRevocation> get(String agentId, String campaign) {
            return store.get(agentId, campaign);
        }

        @Override
        public Optional<CampaignRevocation> get(String dueId) {
            return store.get(dueId);
        }

        @Override
        public Optional<CampaignRevocation> update(CampaignRevocation from, CampaignRevocation to) {
            if (writesLeft.decrementAndGet() == 0) {
                throw new IllegalStateException("the worker died");
            }
            return store.update(from, to);
        }

        @Override
        public CampaignPage page(String agentId, String campaign, int shard, String after, int limit) {
            return store.page(agentId, campaign, shard, after, limit);
        }

        @Override
        public CampaignCounts count(String agentId, String campaign, Instant until) {
            return store.count(agentId, campaign, until);
        }
    }
}
