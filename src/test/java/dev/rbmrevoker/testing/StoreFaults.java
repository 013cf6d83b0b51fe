package dev.rbmrevoker.testing;

import dev.rbmrevoker.message.DueCursor;
import dev.rbmrevoker.message.DuePage;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Presumption;
import dev.rbmrevoker.message.TransitionResult;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;
import software.amazon.awssdk.core.exception.SdkClientException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps the real store in every test: passes everything through and counts the reads, except that a test
 * may make the next few creates or transitions fail as a DynamoDB outage does. Tests call {@link #clear()}
 * when done.
 */
@Decorator
@Priority(10)
public class StoreFaults implements MessageStore {

    /** What a DynamoDB outage looks like to the caller: an SDK exception. */
    public static final class Outage extends SdkClientException {
        Outage(String what) {
            super(SdkClientException.builder().message("DynamoDB unavailable (test): " + what));
        }
    }

    private static final AtomicInteger CREATE_FAILURES = new AtomicInteger();
    private static final AtomicInteger TRANSITION_FAILURES = new AtomicInteger();
    private static final AtomicInteger TRANSITIONS_TO_PASS = new AtomicInteger();
    private static final AtomicInteger READS = new AtomicInteger();

    @Inject
    @Delegate
    MessageStore delegate;

    public static void failCreates(int times) {
        CREATE_FAILURES.set(times);
    }

    public static void failTransitions(int times) {
        TRANSITION_FAILURES.set(times);
    }

    /** Lets the next {@code passing} transitions through, then fails {@code times} of them. */
    public static void failTransitionsAfter(int passing, int times) {
        TRANSITIONS_TO_PASS.set(passing);
        TRANSITION_FAILURES.set(times);
    }

    /** How many messages were read (GetItem) since the application started: a step that should not read compares two. */
    public static int reads() {
        return READS.get();
    }

    public static void clear() {
        CREATE_FAILURES.set(0);
        TRANSITION_FAILURES.set(0);
        TRANSITIONS_TO_PASS.set(0);
    }

    private static boolean take(AtomicInteger failures) {
        return failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    @Override
    public Message create(Message message) {
        if (take(CREATE_FAILURES)) {
            throw new Outage("create");
        }
        return delegate.create(message);
    }

    @Override
    public Optional<Message> get(String messageId) {
        READS.incrementAndGet();
        return delegate.get(messageId);
    }

    @Override
    public TransitionResult transition(Message from, Message to) {
        if (!take(TRANSITIONS_TO_PASS) && take(TRANSITION_FAILURES)) {
            throw new Outage("transition to " + to.state());
        }
        return delegate.transition(from, to);
    }

    @Override
    public TransitionResult transition(Presumption presumed, Message to) {
        if (!take(TRANSITIONS_TO_PASS) && take(TRANSITION_FAILURES)) {
            throw new Outage("transition to " + to.state());
        }
        return delegate.transition(presumed, to);
    }

    @Override
    public int dueShards() {
        return delegate.dueShards();
    }

    @Override
    public DuePage queryDue(int shard, Instant upTo, int pageSize, DueCursor after) {
        return delegate.queryDue(shard, upTo, pageSize, after);
    }
}
