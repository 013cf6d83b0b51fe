package dev.rbmrevoker.sweep;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one sweep, in lanes, so that RBM never waits on the store: {@code SWEEP_CONCURRENCY}
 * threads make RBM calls and nothing else; as many claim revokes ahead of them, as many more record
 * RBM's answers and do the work that calls no RBM (fallback hand-overs, webhook forwards), and a timer
 * starts each item at its due time. Closing stops them all, whatever they are doing.
 */
final class SweepLanes implements AutoCloseable {

    private final ScheduledExecutorService timer;
    private final ExecutorService claims;
    private final ExecutorService calls;
    private final ExecutorService store;

    SweepLanes(int concurrency) {
        int threads = Math.max(1, concurrency);
        timer = Executors.newSingleThreadScheduledExecutor(named("sweep-timer"));
        claims = Executors.newFixedThreadPool(threads, named("sweep-claim"));
        calls = Executors.newFixedThreadPool(threads, named("sweep-rbm"));
        store = Executors.newFixedThreadPool(threads, named("sweep-store"));
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /** Claims of due revokes, ahead of their RBM calls. */
    ExecutorService claims() {
        return claims;
    }

    /** RBM calls, and the rarer work that calls RBM in the middle of its own (retaken leases, resends). */
    ExecutorService calls() {
        return calls;
    }

    /** Records of RBM's answers, and work that calls no RBM. */
    ExecutorService store() {
        return store;
    }

    @Override
    public void close() {
        // A task still running records nothing over a newer claim: every record is conditional on its own.
        timer.shutdownNow();
        claims.shutdownNow();
        calls.shutdownNow();
        store.shutdownNow();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
