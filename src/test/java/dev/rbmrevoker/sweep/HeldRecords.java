package dev.rbmrevoker.sweep;

import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.TransitionResult;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps the store in every test; while a test {@linkplain #hold() holds} records, every write of a
 * REVOKING message (the record of RBM's answer to a revoke) waits until the test {@linkplain #clear()
 * lets them all through}, and the waiting ones are counted. Tests call {@link #clear()} when done.
 */
@Decorator
@Priority(30)
public abstract class HeldRecords implements MessageStore {

    private static final AtomicInteger WAITING = new AtomicInteger();
    private static volatile CountDownLatch gate;

    @Inject
    @Delegate
    MessageStore delegate;

    public static void hold() {
        WAITING.set(0);
        gate = new CountDownLatch(1);
    }

    /** Records waiting at the gate. */
    public static int waiting() {
        return WAITING.get();
    }

    public static void clear() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    @Override
    public TransitionResult transition(Message from, Message to) {
        CountDownLatch g = gate;
        if (g != null && from.state() == MessageState.REVOKING) {
            WAITING.incrementAndGet();
            try {
                if (!g.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never let the record of " + from.messageId()
                            + " through");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while held", e);
            } finally {
                WAITING.decrementAndGet();
            }
        }
        return delegate.transition(from, to);
    }
}
