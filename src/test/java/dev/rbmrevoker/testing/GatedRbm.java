package dev.rbmrevoker.testing;

import dev.rbmrevoker.message.OutgoingMessage;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.RevokeOutcome;
import dev.rbmrevoker.message.SendOutcome;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Wraps the real RBM gateway in every test. When a test {@linkplain #close() closes the gate}, a revoke
 * that RBM has answered waits before its caller sees the answer, so the test can put another party's
 * write exactly there; {@link #open()} lets it through. Tests call {@link #clear()} when done.
 */
@Decorator
@Priority(10)
public class GatedRbm implements RbmGateway {

    private static volatile CountDownLatch answered;
    private static volatile CountDownLatch gate;

    @Inject
    @Delegate
    RbmGateway delegate;

    /** From now on the next revoke is held after RBM's answer. */
    public static void close() {
        answered = new CountDownLatch(1);
        gate = new CountDownLatch(1);
    }

    /** Waits until RBM answered a revoke whose caller is now held at the gate. */
    public static void awaitRevokeAnswered() throws InterruptedException {
        if (!answered.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("no revoke reached RBM");
        }
    }

    public static void open() {
        CountDownLatch g = gate;
        if (g != null) {
            g.countDown();
        }
    }

    public static void clear() {
        open();
        gate = null;
        answered = null;
    }

    @Override
    public SendOutcome send(OutgoingMessage message, Duration budget) {
        return delegate.send(message, budget);
    }

    @Override
    public RevokeOutcome revoke(String agentId, String phoneNumber, String messageId, Duration budget) {
        RevokeOutcome outcome = delegate.revoke(agentId, phoneNumber, messageId, budget);
        CountDownLatch g = gate;
        if (g != null) {
            answered.countDown();
            try {
                if (!g.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return outcome;
    }
}
