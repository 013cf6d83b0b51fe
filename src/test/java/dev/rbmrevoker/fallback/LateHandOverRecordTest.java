package dev.rbmrevoker.fallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.ChannelDelivery;
import dev.rbmrevoker.message.ChannelState;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.revoke.RevokeCommand;
import dev.rbmrevoker.revoke.RevokeService;
import dev.rbmrevoker.send.SendCommand;
import dev.rbmrevoker.send.SendService;
import dev.rbmrevoker.testing.HandOvers;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A channel's result is recorded only over the claim it was handed over under: when a dispatcher is
 * slower than its claim and another one retook the channel (one attempt more), the late result is
 * not recorded over the newer claim.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class LateHandOverRecordTest {

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

    @AfterEach
    void noDelay() {
        RevokerResource.callbacks().delaying(Duration.ZERO);
    }

    @Test
    void lateCallbackResult_ofARetakenChannelClaim_isNotRecordedOverTheNewerClaim() throws Exception {
        RevokerResource.callbacks().failNext(1, 503);
        String id = UUID.randomUUID().toString();
        sends.send(new SendCommand(id, RevokerResource.AGENT, "+16502530001", "{\"contentMessage\":{\"text\":\"hi\"}}",
                Instant.now().plusSeconds(600), Fallback.requested(null, true), "fingerprint-" + id));
        revokes.revoke(new RevokeCommand(id, null, null, null));
        // The confirm window ends as the sweep would end it; its first hand-over meets the 503.
        Message waiting = HandOvers.now(id);
        assertEquals(ChannelState.PENDING, waiting.fallback().deliveries().get(Channel.CALLBACK).state());
        Message due = dueNow(waiting);
        RevokerResource.callbacks().delaying(Duration.ofSeconds(3));

        CompletableFuture<Message> first = CompletableFuture.supplyAsync(
                () -> dispatcher.dispatch(due, Source.SWEEP, Duration.ofSeconds(10)));
        RevokerResource.callbacks().await(2, Duration.ofSeconds(30));

        // The first dispatcher's claim (attempt 2) outlived its lease: another one retakes the channel.
        Message claimedByFirst = store.get(id).orElseThrow();
        ChannelDelivery firstClaim = claimedByFirst.fallback().deliveries().get(Channel.CALLBACK);
        assertEquals(ChannelState.SENDING, firstClaim.state());
        Instant later = Instant.now().plus(Duration.ofMinutes(3));
        Message retaken = claimedByFirst.fallbackProgress(Channel.CALLBACK,
                new ChannelDelivery(ChannelState.SENDING, firstClaim.attempts() + 1, null, null),
                later.plus(Duration.ofMinutes(2)), Source.SWEEP, later);
        Message second = assertInstanceOf(TransitionResult.Applied.class, store.transition(claimedByFirst, retaken))
                .message();

        first.get(1, TimeUnit.MINUTES);

        Message after = store.get(id).orElseThrow();
        assertEquals(MessageState.REVOKED, after.state(), "the late SENT is not recorded over the newer claim");
        assertEquals(new ChannelDelivery(ChannelState.SENDING, firstClaim.attempts() + 1, null, null),
                after.fallback().deliveries().get(Channel.CALLBACK));
        assertEquals(second.version(), after.version());
    }

    /** The backoff has passed: the fallback is due now, as the sweep would find it. */
    private Message dueNow(Message message) {
        Fallback f = message.fallback();
        Instant now = Instant.now();
        Message due = message.toBuilder().dueAt(now)
                .fallback(new Fallback(f.smsText(), f.callback(), f.state(), f.reason(), f.sentAt(), f.deliveries(), now))
                .build();
        return assertInstanceOf(TransitionResult.Applied.class, store.transition(message, due)).message();
    }
}
