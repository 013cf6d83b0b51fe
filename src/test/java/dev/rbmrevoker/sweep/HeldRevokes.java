package dev.rbmrevoker.sweep;

import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.RevokeOutcome;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps the RBM gateway in every test; while a test {@linkplain #hold() holds} revokes, each waits for a
 * permit the test {@linkplain #let(int) lets} through before it reaches RBM, and the revokes in flight
 * (waiting or at RBM) are counted. Tests call {@link #clear()} when done.
 */
@Decorator
@Priority(30)
public abstract class HeldRevokes implements RbmGateway {

    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    private static final AtomicInteger STARTED = new AtomicInteger();
    private static volatile Semaphore permits;

    @Inject
    @Delegate
    RbmGateway delegate;

    public static void hold() {
        IN_FLIGHT.set(0);
        STARTED.set(0);
        permits = new Semaphore(0, true);
    }

    /** Lets {@code count} held revokes (or later ones) through to RBM. */
    public static void let(int count) {
        permits.release(count);
    }

    public static int inFlight() {
        return IN_FLIGHT.get();
    }

    public static int started() {
        return STARTED.get();
    }

    public static void clear() {
        Semaphore p = permits;
        permits = null;
        if (p != null) {
            p.release(Integer.MAX_VALUE / 2);
        }
    }

    @Override
    public RevokeOutcome revoke(String agentId, String phoneNumber, String messageId, Duration budget) {
        Semaphore p = permits;
        if (p == null) {
            return delegate.revoke(agentId, phoneNumber, messageId, budget);
        }
        IN_FLIGHT.incrementAndGet();
        STARTED.incrementAndGet();
        try {
            if (!p.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the revoke of " + messageId + " through");
            }
            return delegate.revoke(agentId, phoneNumber, messageId, budget);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while held", e);
        } finally {
            IN_FLIGHT.decrementAndGet();
        }
    }
}
