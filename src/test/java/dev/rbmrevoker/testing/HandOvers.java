package dev.rbmrevoker.testing;

import dev.rbmrevoker.fallback.FallbackDispatcher;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.FallbackState;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import io.quarkus.arc.Arc;
import java.time.Duration;
import java.time.Instant;

/**
 * Does at once what the sweep does later, for tests about something else: ends a revoke's confirm
 * window, or a fallback's backoff, and hands the fallback over as the sweep would (with its budget).
 */
public final class HandOvers {

    private static final Duration SWEEP_BUDGET = Duration.ofSeconds(10);

    private HandOvers() {
    }

    /** The message as stored after the hand-over; unchanged when it owes no fallback. */
    public static Message now(String messageId) {
        MessageStore store = Arc.container().instance(MessageStore.class).get();
        FallbackDispatcher dispatcher = Arc.container().instance(FallbackDispatcher.class).get();
        Message message = store.get(messageId).orElseThrow();
        if (!message.revokeUnconfirmed() && message.fallback().state() != FallbackState.PENDING) {
            return message;
        }
        Instant now = Instant.now();
        Fallback f = message.fallback();
        Message due = message.toBuilder().dueAt(now)
                .fallback(new Fallback(f.smsText(), f.callback(), f.state(), f.reason(), f.sentAt(), f.deliveries(), now))
                .build();
        TransitionResult result = store.transition(message, due);
        if (!(result instanceof TransitionResult.Applied applied)) {
            throw new IllegalStateException("message " + messageId + " changed while a test made it due");
        }
        return applied.message().revokeUnconfirmed()
                ? dispatcher.confirmAndHandOver(applied.message(), Source.SWEEP, SWEEP_BUDGET).message()
                : dispatcher.dispatch(applied.message(), Source.SWEEP, SWEEP_BUDGET);
    }
}
