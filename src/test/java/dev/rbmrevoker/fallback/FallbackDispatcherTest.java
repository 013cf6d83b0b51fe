package dev.rbmrevoker.fallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.revoke.RevokeCommand;
import dev.rbmrevoker.revoke.RevokeService;
import dev.rbmrevoker.send.SendCommand;
import dev.rbmrevoker.send.SendService;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.testing.StoreFaults;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    /** Sends a message with the given channels and revokes it, which hands its fallback over once. */
    private String revokedWith(String smsText, boolean callback) {
        String id = UUID.randomUUID().toString();
        sends.send(new SendCommand(id, RevokerResource.AGENT, PHONE, "{\"contentMessage\":{\"text\":\"hi\"}}",
                Instant.now().plusSeconds(600), Fallback.requested(smsText, callback), "fingerprint-" + id));
        revokes.revoke(new RevokeCommand(id, null, null, null));
        return id;
    }

    /** The backoff has passed: the fallback is due now, as the sweep would find it. */
    private Message dueNow(String id) {
        Message message = store.get(id).orElseThrow();
        Fallback f = message.fallback();
        Instant now = Instant.now();
        Message due = message.toBuilder().dueAt(now)
                .fallback(new Fallback(f.smsText(), f.callback(), f.state(), f.reason(), f.sentAt(), f.deliveries(), now))
                .build();
        return assertInstanceOf(TransitionResult.Applied.class, store.transition(message, due)).message();
    }

    private static List<String> events(Message message) {
        return message.history().stream().map(HistoryEntry::event).toList();
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

    @Test
    void storeDownAfterTheChannelsAccepted_repeatsEachChannelAtMostOnce_afterTheClaimsLease() {
        String id = UUID.randomUUID().toString();
        sends.send(new SendCommand(id, RevokerResource.AGENT, PHONE, "{\"contentMessage\":{\"text\":\"hi\"}}",
                Instant.now().plusSeconds(600), Fallback.requested("Your code is 1234", true), "fingerprint-" + id));
        // Transitions of the revoke: claim, REVOKED, the fallback claim, then the fallback's results: that one fails.
        StoreFaults.failTransitionsAfter(3, 1);
        try {
            org.junit.jupiter.api.Assertions.assertThrows(StoreFaults.Outage.class,
                    () -> revokes.revoke(new RevokeCommand(id, null, null, null)));
        } finally {
            StoreFaults.clear();
        }
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());

        Message claimed = store.get(id).orElseThrow();
        assertEquals(MessageState.REVOKED, claimed.state());
        dispatcher.dispatch(claimed, Source.SWEEP, BUDGET);
        assertEquals(1, RevokerResource.sns().publishes().size(), "not again while the claim's lease holds");

        Message after = dispatcher.dispatch(dueNow(id), Source.SWEEP, BUDGET);
        dispatcher.dispatch(store.get(id).orElseThrow(), Source.SWEEP, BUDGET);

        assertEquals(MessageState.FALLEN_BACK, after.state());
        assertEquals(2, RevokerResource.sns().publishes().size(), "repeated once, as API.md allows after a crash");
        assertEquals(2, RevokerResource.callbacks().received().size());
    }

    @Test
    void storeDownWhenClaimingTheChannels_handsNothingOver_andALaterDispatchHandsEachOverOnce() {
        String id = UUID.randomUUID().toString();
        sends.send(new SendCommand(id, RevokerResource.AGENT, PHONE, "{\"contentMessage\":{\"text\":\"hi\"}}",
                Instant.now().plusSeconds(600), Fallback.requested("Your code is 1234", true), "fingerprint-" + id));
        StoreFaults.failTransitionsAfter(2, 1);
        try {
            org.junit.jupiter.api.Assertions.assertThrows(StoreFaults.Outage.class,
                    () -> revokes.revoke(new RevokeCommand(id, null, null, null)));
        } finally {
            StoreFaults.clear();
        }
        assertEquals(0, RevokerResource.sns().publishes().size());
        assertEquals(0, RevokerResource.callbacks().received().size());

        Message after = dispatcher.dispatch(store.get(id).orElseThrow(), Source.SWEEP, BUDGET);

        assertEquals(MessageState.FALLEN_BACK, after.state());
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }
}
