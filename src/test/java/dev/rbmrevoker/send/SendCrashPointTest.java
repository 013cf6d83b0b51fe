package dev.rbmrevoker.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.NewMessage;
import dev.rbmrevoker.message.OutgoingMessage;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.SendOutcome;
import dev.rbmrevoker.message.Timing;
import dev.rbmrevoker.testing.StoreFaults;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A send that died at any step is finished by repeating the request: the message ends PENDING, RBM
 * holds it once, and nothing ever reached RBM untracked.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class SendCrashPointTest {

    private static final String PHONE = "+16502530001";
    private static final String PAYLOAD = "{\"contentMessage\":{\"text\":\"Your code is 1234\"}}";

    @Inject
    SendService sends;
    @Inject
    MessageStore store;
    @Inject
    RbmGateway rbm;
    @Inject
    Timing timing;

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @AfterEach
    void noMoreOutages() {
        StoreFaults.clear();
    }

    private static SendCommand command() {
        String id = UUID.randomUUID().toString();
        return new SendCommand(id, RevokerResource.AGENT, PHONE, PAYLOAD, Instant.now().plusSeconds(600),
                Fallback.none(), "fingerprint-" + id);
    }

    /** What the first attempt recorded before it died. */
    private Message recordSending(SendCommand command) {
        Instant now = Instant.now();
        return store.create(Message.sending(new NewMessage(command.messageId(), command.agentId(),
                command.phoneNumber(), command.deadline(), Message.rbmShouldExpire(command.deadline(), now),
                command.fingerprint(), command.agentMessageJson(), command.fallback()), timing, now));
    }

    private static long atRbm(String id) {
        return RevokerResource.rbm().messages().stream().filter(m -> m.messageId().equals(id)).count();
    }

    private void assertFinished(SendResult repeat, String id) {
        assertInstanceOf(SendResult.Created.class, repeat);
        assertEquals(MessageState.PENDING, repeat.message().state());
        assertEquals(MessageState.PENDING, store.get(id).orElseThrow().state());
        assertEquals(1, atRbm(id), "RBM holds the message once");
    }

    @Test
    void diedAfterRecordingSending_beforeCallingRbm_aRepeatSendsIt() {
        SendCommand command = command();
        recordSending(command);
        assertEquals(0, atRbm(command.messageId()));

        assertFinished(sends.send(command), command.messageId());
    }

    @Test
    void diedAfterRbmAccepted_beforeRecordingIt_aRepeatFinishesIt_andRbmIgnoresTheSecondSend() {
        SendCommand command = command();
        recordSending(command);
        assertInstanceOf(SendOutcome.Accepted.class, rbm.send(new OutgoingMessage(command.agentId(), PHONE,
                command.messageId(), PAYLOAD, command.deadline()), Duration.ofSeconds(10)));

        assertFinished(sends.send(command), command.messageId());
    }

    @Test
    void rbmAcceptedButEveryAnswerWasLost_staysSending_andARepeatFinishesIt() {
        SendCommand command = command();
        RevokerResource.rbm().inject(Route.SEND, Fault.lostAnswer(), 50);

        SendResult first = sends.send(command);

        assertInstanceOf(SendResult.Unavailable.class, first);
        assertEquals(MessageState.SENDING, store.get(command.messageId()).orElseThrow().state());
        assertEquals(1, atRbm(command.messageId()));
        RevokerResource.rbm().clearFaults();
        assertFinished(sends.send(command), command.messageId());
    }

    @Test
    void oneLostAnswer_isRetriedWithinTheRequest_andRbmHoldsTheMessageOnce() {
        SendCommand command = command();
        RevokerResource.rbm().inject(Route.SEND, Fault.lostAnswer(), 1);

        assertFinished(sends.send(command), command.messageId());
    }

    @Test
    void storeDownBeforeRecording_sendsNothingToRbm_andARepeatSendsIt() {
        SendCommand command = command();
        StoreFaults.failCreates(1);

        assertThrows(StoreFaults.Outage.class, () -> sends.send(command));

        assertEquals(0, RevokerResource.rbm().calls(Route.SEND).size(), "nothing reaches RBM untracked");
        assertTrue(store.get(command.messageId()).isEmpty());
        assertFinished(sends.send(command), command.messageId());
    }

    @Test
    void storeDownWhenRecordingRbmsAnswer_leavesSending_andARepeatFinishesIt() {
        SendCommand command = command();
        StoreFaults.failTransitions(1);

        assertThrows(StoreFaults.Outage.class, () -> sends.send(command));

        assertEquals(MessageState.SENDING, store.get(command.messageId()).orElseThrow().state());
        assertEquals(1, atRbm(command.messageId()));
        assertFinished(sends.send(command), command.messageId());
        assertEquals(2, RevokerResource.rbm().calls(Route.SEND).size());
    }

    @Test
    void rbmUnavailable_thenAvailable_theRepeatFinishesIt() {
        SendCommand command = command();
        RevokerResource.rbm().inject(Route.SEND, Fault.status(503), 50);
        assertInstanceOf(SendResult.Unavailable.class, sends.send(command));
        RevokerResource.rbm().clearFaults();

        assertFinished(sends.send(command), command.messageId());
    }

    @Test
    void repeatOfAFinishedSend_isRepeated_andDoesNotCallRbm() {
        SendCommand command = command();
        sends.send(command);

        SendResult repeat = sends.send(command);

        assertInstanceOf(SendResult.Repeated.class, repeat);
        assertEquals(1, RevokerResource.rbm().calls(Route.SEND).size());
    }

    @org.junit.jupiter.api.RepeatedTest(3)
    void twoIdenticalSendsAtOnce_endPending_withOneMessageAtRbm() throws Exception {
        SendCommand command = command();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.Future<SendResult> first = threads.submit(() -> {
                start.await();
                return sends.send(command);
            });
            java.util.concurrent.Future<SendResult> second = threads.submit(() -> {
                start.await();
                return sends.send(command);
            });
            SendResult a = first.get(60, java.util.concurrent.TimeUnit.SECONDS);
            SendResult b = second.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(!(a instanceof SendResult.Conflicting) && !(b instanceof SendResult.Conflicting));
        } finally {
            threads.shutdownNow();
        }

        assertEquals(MessageState.PENDING, store.get(command.messageId()).orElseThrow().state());
        assertEquals(1, atRbm(command.messageId()));
    }
}
