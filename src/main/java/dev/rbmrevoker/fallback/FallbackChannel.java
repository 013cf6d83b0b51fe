package dev.rbmrevoker.fallback;

import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.Message;
import java.time.Duration;

/** A way to reach the user when RBM could not: each implementation hands a message's fallback over once. */
public interface FallbackChannel {

    Channel channel();

    /** Whether this deployment can serve the channel (SMS enabled, a callback URL set). */
    boolean isAvailable();

    /** The least budget a hand-over may start with: one that could not finish in time is not started. */
    default Duration shortestBudget() {
        return Duration.ofMillis(1);
    }

    /**
     * Hands the fallback of a revoked or undeliverable message to the channel.
     *
     * @param budget the time the hand-over may take
     */
    HandOver handOver(Message message, Duration budget);
}
