package dev.rbmrevoker.fallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.ChannelState;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.FallbackState;
import dev.rbmrevoker.message.HistoryEntry;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Presumption;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.revoke.RevokeCommand;
import dev.rbmrevoker.revoke.RevokeService;
import dev.rbmrevoker.send.SendCommand;
import dev.rbmrevoker.send.SendService;
import dev.rbmrevoker.testing.CapturingMetricSink;
import dev.rbmrevoker.testing.HttpRecorder;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.testing.StoreFaults;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fallback dispatcher: each channel once, retries with a record of them, and the ways it fails. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class FallbackDispatcherTest {

    private static final String PHONE = "+16502530001";
    private static final Duration BUDGET = Duration.ofSeconds(10);

    @Inject
    SendService sends;
    @Inject
    RevokeService revokes;
    @Inject
    FallbackDispatcher dispatcher;
    @Inject
    MessageStore store;
    @Inject
    CapturingMetricSink metrics;

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    /**
     * Sends a message with the given channels and revokes it (RBM answers 200), then, as the sweep does
     * once the confirm window has passed, hands its fallback over once.
     */
    private String revokedWith(String smsText, boolean callback) {
        String id = revokedInWindow(smsText, callback);
        dispatcher.confirmAndHandOver(dueNow(id), Source.SWEEP, BUDGET);
        return id;
    }

    /** Sent and revoked: REVOKED, its fallback WAITING out the confirm window. */
    private String revokedInWindow(String smsText, boolean callback) {
        String id = UUID.randomUUID().toString();
        sends.send(new SendCommand(id, RevokerResource.AGENT, PHONE, "{\"contentMessage\":{\"text\":\"hi\"}}",
                Instant.now().plusSeconds(600), Fallback.requested(smsText, callback), "fingerprint-" + id));
        revokes.revoke(new RevokeCommand(id, null, null, null));
        Message revoked = store.get(id).orElseThrow();
        assertEquals(MessageState.REVOKED, revoked.state());
        assertEquals(FallbackState.WAITING, revoked.fallback().state());
        return id;
    }

    /** The backoff (or the confirm window) has passed: the fallback is due now, as the sweep would find it. */
    private Message dueNow(String id) {
        Message message = store.get(id).orElseThrow();
        Fallback f = message.fallback();
        Instant now = Instant.now();
        Message due = message.toBuilder().dueAt(now)
                .fallback(new Fallback(f.smsText(), f.callback(), f.state(), f.reason(), f.sentAt(), f.deliveries(), now))
                .build();
        return assertInstanceOf(TransitionResult.Applied.class, store.transition(message, due)).message();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> events(Message message) {
        return message.history().stream().map(HistoryEntry::event).toList();
    }

    @Test
    void twoSweepsEndingTheSameWindow_onlyTheOneWhoseClaimWonCountsTheFallback() {
        String id = revokedInWindow("Your code is 1234", true);
        Message windowOver = dueNow(id);

        FallbackDispatcher.Dispatch first = dispatcher.confirmAndHandOver(windowOver, Source.SWEEP, BUDGET);
        FallbackDispatcher.Dispatch second = dispatcher.confirmAndHandOver(windowOver, Source.SWEEP, BUDGET);

        assertEquals(MessageState.FALLEN_BACK, first.message().state());
        assertTrue(first.settledHere());
        assertEquals(MessageState.FALLEN_BACK, second.message().state(), "the second finds it settled");
        assertFalse(second.settledHere(), "and does not count it again in its sweep's summary");
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }

    @Test
    void callback500_thenRetried200_recordsTheRetry_andEndsFallenBack_withTheSmsSentOnce() {
        RevokerResource.callbacks().failNext(1, 500);
        String id = revokedWith("Your code is 1234", true);

        Message waiting = store.get(id).orElseThrow();
        assertEquals(MessageState.REVOKED, waiting.state());
        assertEquals(FallbackState.PENDING, waiting.fallback().state());
        assertTrue(events(waiting).contains("FALLBACK_RETRY"), events(waiting).toString());
        assertTrue(waiting.fallback().nextAttemptAt().isAfter(Instant.now()), "retried later, with backoff");
        assertEquals(ChannelState.SENT, waiting.fallback().deliveries().get(Channel.SMS).state());
        assertEquals(ChannelState.PENDING, waiting.fallback().deliveries().get(Channel.CALLBACK).state());

        Message after = dispatcher.dispatch(dueNow(id), Source.SWEEP, BUDGET);

        assertEquals(MessageState.FALLEN_BACK, after.state());
        assertEquals(FallbackState.SENT, after.fallback().state());
        assertEquals(2, after.fallback().deliveries().get(Channel.CALLBACK).attempts());
        assertEquals(MessageState.FALLEN_BACK, store.get(id).orElseThrow().state());
        assertEquals(2, RevokerResource.callbacks().received().size());
        assertEquals(1, RevokerResource.sns().publishes().size(), "the SMS that was accepted is not sent again");
    }

    @Test
    void fallbackNotDueYet_isLeftAlone() {
        RevokerResource.callbacks().failNext(1, 503);
        String id = revokedWith(null, true);

        Message after = dispatcher.dispatch(store.get(id).orElseThrow(), Source.SWEEP, BUDGET);

        assertEquals(FallbackState.PENDING, after.fallback().state());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }

    @Test
    void callback400_failsTheFallbackForGood() {
        RevokerResource.callbacks().answering(400);
        String id = revokedWith("Your code is 1234", true);

        Message after = store.get(id).orElseThrow();
        assertEquals(MessageState.FALLBACK_FAILED, after.state());
        assertEquals(FallbackState.FAILED, after.fallback().state());
        assertEquals(ChannelState.FAILED, after.fallback().deliveries().get(Channel.CALLBACK).state());
        assertEquals(1, RevokerResource.callbacks().received().size(), "a refusal is not retried");
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertTrue(after.dueAt() == null, "nothing left for the sweep");
    }

    @Test
    void callbackFailingEveryAttempt_endsFallbackFailed_whenTheAttemptsRunOut() {
        RevokerResource.callbacks().answering(503);
        String id = revokedWith(null, true);

        for (int attempt = 2; attempt <= 10; attempt++) {
            assertEquals(FallbackState.PENDING, store.get(id).orElseThrow().fallback().state(), "attempt " + attempt);
            dispatcher.dispatch(dueNow(id), Source.SWEEP, BUDGET);
        }

        Message after = store.get(id).orElseThrow();
        assertEquals(MessageState.FALLBACK_FAILED, after.state());
        assertEquals(10, after.fallback().deliveries().get(Channel.CALLBACK).attempts());
        assertTrue(after.fallback().deliveries().get(Channel.CALLBACK).lastError().contains("attempts exhausted"));
        assertEquals(10, RevokerResource.callbacks().received().size());
        assertEquals(9, events(after).stream().filter("FALLBACK_RETRY"::equals).count());
    }

    @Test
    void twoDispatchersAtOnce_handEachChannelOverOnce() throws Exception {
        RevokerResource.callbacks().failNext(1, 503);
        String id = revokedWith("Your code is 1234", true);
        Message due = dueNow(id);
        RevokerResource.resetAll();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            Future<Message> first = threads.submit(() -> {
                start.await();
                return dispatcher.dispatch(due, Source.SWEEP, BUDGET);
            });
            Future<Message> second = threads.submit(() -> {
                start.await();
                return dispatcher.dispatch(due, Source.WEBHOOK, BUDGET);
            });
            first.get(60, TimeUnit.SECONDS);
            second.get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        assertEquals(1, RevokerResource.callbacks().received().size(), "the callback is retried once, not twice");
        assertEquals(0, RevokerResource.sns().publishes().size(), "the SMS accepted before is not sent again");
        assertEquals(MessageState.FALLEN_BACK, store.get(id).orElseThrow().state());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {500, 502, 503, 408, 429})
    void callbackPassingFailure_isRetriedLater(int status) {
        RevokerResource.callbacks().failNext(1, status);
        String id = revokedWith(null, true);

        Message after = store.get(id).orElseThrow();
        assertEquals(MessageState.REVOKED, after.state());
        assertEquals(FallbackState.PENDING, after.fallback().state());
        assertTrue(events(after).contains("FALLBACK_RETRY"), events(after).toString());
        assertTrue(after.dueAt() != null, "the sweep owes it a retry");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {400, 401, 403, 404, 410, 422})
    void callbackPermanentRefusal_failsTheFallback(int status) {
        RevokerResource.callbacks().failNext(1, status);
        String id = revokedWith(null, true);

        Message after = store.get(id).orElseThrow();
        assertEquals(MessageState.FALLBACK_FAILED, after.state());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }

    @Test
    void smsRefusedForGood_failsTheFallback_butTheCallbackStillGoesOnce() {
        RevokerResource.sns().failNext(1, 400, "InvalidParameter");
        String id = revokedWith("Your code is 1234", true);

        Message after = store.get(id).orElseThrow();
        assertEquals(MessageState.FALLBACK_FAILED, after.state());
        assertEquals(ChannelState.FAILED, after.fallback().deliveries().get(Channel.SMS).state());
        assertEquals(ChannelState.SENT, after.fallback().deliveries().get(Channel.CALLBACK).state());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }

    /**
     * Regression (issue 12): a dispatcher that died after the SMS and callback were handed over, before
     * recording it, left both claims to expire, and the next dispatch published the SMS again. Now the SMS
     * ends UNCONFIRMED (counted as sent, metric) and only the callback, at least once, is repeated.
     */
    @Test
    void crashAfterTheChannelsAccepted_neverPublishesTheSmsAgain_butRetriesTheCallback_afterTheClaimsLease() {
        String id = revokedInWindow("Your code is 1234", true);
        Message windowOver = dueNow(id);
        metrics.clear();
        // Writes of the hand-over: the confirmation with the channels' claim, then their results: that one fails.
        StoreFaults.failTransitionsAfter(1, 1);
        try {
            org.junit.jupiter.api.Assertions.assertThrows(StoreFaults.Outage.class,
                    () -> dispatcher.confirmAndHandOver(windowOver, Source.SWEEP, BUDGET));
        } finally {
            StoreFaults.clear();
        }
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());

        Message claimed = store.get(id).orElseThrow();
        assertEquals(ChannelState.SENDING, claimed.fallback().deliveries().get(Channel.SMS).state());
        dispatcher.dispatch(claimed, Source.SWEEP, BUDGET);
        assertEquals(1, RevokerResource.sns().publishes().size(), "not again while the claim's lease holds");

        Message after = dispatcher.dispatch(dueNow(id), Source.SWEEP, BUDGET);
        dispatcher.dispatch(store.get(id).orElseThrow(), Source.SWEEP, BUDGET);
        dispatcher.dispatch(dueNow(id), Source.SWEEP, BUDGET);

        assertEquals(MessageState.FALLEN_BACK, after.state());
        assertEquals(ChannelState.UNCONFIRMED, after.fallback().deliveries().get(Channel.SMS).state());
        assertEquals(ChannelState.SENT, after.fallback().deliveries().get(Channel.CALLBACK).state());
        assertEquals(1, RevokerResource.sns().publishes().size(), "an SMS is published at most once");
        List<HttpRecorder.Received> callbacks = RevokerResource.callbacks().received();
        assertEquals(2, callbacks.size(), "a callback is at least once");
        assertEquals(List.of(id, id), callbacks.stream().map(r -> r.header("Idempotency-Key")).toList());
        assertEquals(1, metrics.lines().stream().filter(l -> l.contains("\"fallbackUnconfirmed\"")).count(),
                metrics.lines().toString());
        assertEquals(MessageState.FALLEN_BACK, store.get(id).orElseThrow().state());
    }

    @Test
    void smsWhoseAnswerIsLost_endsUnconfirmed_countedAsSent_andIsNeverPublishedAgain() {
        metrics.clear();
        RevokerResource.sns().lostAnswerNext(1);
        String id = revokedWith("Your code is 1234", false);

        Message after = store.get(id).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, after.state());
        assertEquals(FallbackState.SENT, after.fallback().state());
        assertEquals(ChannelState.UNCONFIRMED, after.fallback().deliveries().get(Channel.SMS).state());
        assertTrue(after.dueAt() == null, "nothing left for the sweep");
        io.restassured.RestAssured.given().when().get("/v1/messages/" + id).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("FALLEN_BACK"))
                .body("fallback.sms.delivery.state", org.hamcrest.Matchers.equalTo("UNCONFIRMED"));
        dispatcher.dispatch(dueNow(id), Source.SWEEP, BUDGET);
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.sns().requests());
        assertEquals(1, metrics.lines().stream().filter(l -> l.contains("\"fallbackUnconfirmed\"")).count());
    }

    @Test
    void callbackWhoseAnswerIsLost_isRetriedWithBackoff_withTheSameIdempotencyKey() throws InterruptedException {
        String id = revokedInWindow(null, true);
        RevokerResource.callbacks().delaying(Duration.ofMillis(1500));
        dispatcher.confirmAndHandOver(dueNow(id), Source.SWEEP, Duration.ofMillis(700));
        // The receiver answers the lost attempt only after its delay: let it, so it cannot touch the next test.
        RevokerResource.callbacks().await(1, Duration.ofSeconds(5));
        sleep(Duration.ofMillis(1200));
        Message waiting = store.get(id).orElseThrow();
        assertEquals(ChannelState.PENDING, waiting.fallback().deliveries().get(Channel.CALLBACK).state());
        assertTrue(waiting.fallback().nextAttemptAt().isAfter(Instant.now()), "retried later, with backoff");
        RevokerResource.callbacks().delaying(Duration.ZERO);

        Message after = dispatcher.dispatch(dueNow(id), Source.SWEEP, BUDGET);

        assertEquals(MessageState.FALLEN_BACK, after.state());
        List<HttpRecorder.Received> callbacks = RevokerResource.callbacks().received();
        assertEquals(List.of(id, id), callbacks.stream().map(r -> r.header("Idempotency-Key")).toList());
    }

    @Test
    void aBudgetTooShortForAPublish_leavesTheSmsPendingAndDueNow_whileTheCallbackGoes() {
        String id = revokedInWindow("Your code is 1234", true);
        Message confirmed = dispatcher.confirmAndHandOver(dueNow(id), Source.WEBHOOK, Duration.ofMillis(500)).message();

        assertEquals(MessageState.REVOKED, confirmed.state());
        assertEquals(ChannelState.PENDING, confirmed.fallback().deliveries().get(Channel.SMS).state());
        assertEquals(0, confirmed.fallback().deliveries().get(Channel.SMS).attempts(), "no attempt spent");
        assertEquals(ChannelState.SENT, confirmed.fallback().deliveries().get(Channel.CALLBACK).state());
        assertEquals(0, RevokerResource.sns().requests());
        assertTrue(!confirmed.dueAt().isAfter(Instant.now()), "due now, for the sweep: " + confirmed.dueAt());

        Message after = dispatcher.dispatch(store.get(id).orElseThrow(), Source.SWEEP, BUDGET);

        assertEquals(MessageState.FALLEN_BACK, after.state());
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }

    @Test
    void fromTheDueIndex_aBudgetTooShortForAPublish_claimsTheCallbackOnly_andLeavesTheSmsDueNowForARead() {
        String id = revokedInWindow("Your code is 1234", true);
        Message windowOver = dueNow(id);
        Presumption shown = Presumption.ofWindowEnd(id, windowOver.dueAt(), Set.of(Channel.SMS, Channel.CALLBACK));

        FallbackDispatcher.WindowEnd ended = dispatcher.confirmAndHandOver(shown, Source.SWEEP, Duration.ofMillis(500));

        Message confirmed = assertInstanceOf(FallbackDispatcher.WindowEnd.Claimed.class, ended).dispatch().message();
        assertEquals(ChannelState.PENDING, confirmed.fallback().deliveries().get(Channel.SMS).state());
        assertEquals(ChannelState.SENT, confirmed.fallback().deliveries().get(Channel.CALLBACK).state());
        assertEquals("Your code is 1234", confirmed.fallback().smsText(), "the stored text came back with the claim");
        assertTrue(!confirmed.dueAt().isAfter(Instant.now()), "due now, for the sweep: " + confirmed.dueAt());
        assertEquals(0, RevokerResource.sns().requests());

        Message after = dispatcher.dispatch(store.get(id).orElseThrow(), Source.SWEEP, BUDGET);

        assertEquals(MessageState.FALLEN_BACK, after.state());
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }

    @Test
    void fromTheDueIndex_beforeTheWindowsEnd_nothingIsWrittenOrHandedOver() {
        String id = revokedInWindow("Your code is 1234", true);
        Message waiting = store.get(id).orElseThrow();
        Presumption shown = Presumption.ofWindowEnd(id, waiting.dueAt(), Set.of(Channel.SMS, Channel.CALLBACK));

        FallbackDispatcher.WindowEnd ended = dispatcher.confirmAndHandOver(shown, Source.SWEEP, BUDGET);

        assertTrue(assertInstanceOf(FallbackDispatcher.WindowEnd.NotClaimed.class, ended).stored().isEmpty());
        assertEquals(waiting, store.get(id).orElseThrow());
        assertEquals(0, RevokerResource.sns().requests());
        assertEquals(0, RevokerResource.callbacks().received().size());
    }

    /** The confirm window's end and the channels' claim are one write: when it fails, nothing changed. */
    @Test
    void storeDownWhenClaimingTheChannels_handsNothingOver_andALaterDispatchHandsEachOverOnce() {
        String id = revokedInWindow("Your code is 1234", true);
        Message windowOver = dueNow(id);
        StoreFaults.failTransitionsAfter(0, 1);
        try {
            org.junit.jupiter.api.Assertions.assertThrows(StoreFaults.Outage.class,
                    () -> dispatcher.confirmAndHandOver(windowOver, Source.SWEEP, BUDGET));
        } finally {
            StoreFaults.clear();
        }
        assertEquals(0, RevokerResource.sns().publishes().size());
        assertEquals(0, RevokerResource.callbacks().received().size());
        Message unchanged = store.get(id).orElseThrow();
        assertEquals(windowOver.version(), unchanged.version(), "a half-written hand-over");
        assertEquals(FallbackState.WAITING, unchanged.fallback().state());

        Message after = dispatcher.confirmAndHandOver(store.get(id).orElseThrow(), Source.SWEEP, BUDGET).message();

        assertEquals(MessageState.FALLEN_BACK, after.state());
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }
}
