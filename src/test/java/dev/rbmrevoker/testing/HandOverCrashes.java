package dev.rbmrevoker.testing;

import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.ChannelDelivery;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.TransitionResult;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Wraps the real store in every test. For a message a test {@linkplain #arm(String) armed}, the first
 * write that records a fallback hand-over's result (a channel leaving {@code SENDING}) fails with a
 * {@link Crash}: the worker died after the channel was claimed and handed over, before its record, and
 * the claim is left for its lease to run out. Abstract: what it does not override goes straight through.
 * Tests call {@link #clear()} when done.
 */
@Decorator
@Priority(11)
public abstract class HandOverCrashes implements MessageStore {

    /** The worker's death, seen by whoever called it. */
    public static final class Crash extends RuntimeException {
        Crash(String messageId) {
            super("worker killed (test) before recording the fallback hand-over of " + messageId);
        }
    }

    private static final Set<String> ARMED = ConcurrentHashMap.newKeySet();
    private static final BlockingQueue<String> CRASHED = new LinkedBlockingQueue<>();

    @Inject
    @Delegate
    MessageStore delegate;

    public static void arm(String messageId) {
        ARMED.add(messageId);
    }

    /** Messages whose hand-over record was lost, in the order of the crashes; taken once each. */
    public static BlockingQueue<String> crashed() {
        return CRASHED;
    }

    public static void clear() {
        ARMED.clear();
        CRASHED.clear();
    }

    @Override
    public TransitionResult transition(Message from, Message to) {
        if (ARMED.contains(from.messageId()) && recordsAHandOver(from, to) && ARMED.remove(from.messageId())) {
            CRASHED.add(from.messageId());
            throw new Crash(from.messageId());
        }
        return delegate.transition(from, to);
    }

    private static boolean recordsAHandOver(Message from, Message to) {
        for (Map.Entry<Channel, ChannelDelivery> claimed : from.fallback().deliveries().entrySet()) {
            ChannelDelivery after = to.fallback().deliveries().get(claimed.getKey());
            if (claimed.getValue().state().name().equals("SENDING") && after != null
                    && !after.state().name().equals("SENDING")) {
                return true;
            }
        }
        return false;
    }
}
