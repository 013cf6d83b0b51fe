package dev.rbmrevoker.testing;

import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.RevokeOutcome;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wraps the real RBM gateway in every test. A test may make RBM refuse (403) every revoke of chosen
 * messages, as it does for good when the agent lost its permission on them, whichever order the calls
 * come in; the RBM test server's faults, queued per route, cannot single out a message. While
 * {@linkplain #record(boolean) recording}, every revoke the service asks for is kept, refused or not.
 * Abstract: sends go straight through. Tests call {@link #clear()} when done.
 */
@Decorator
@Priority(11)
public abstract class RefusedRevokes implements RbmGateway {

    /** One revoke the service asked RBM for: when it started, and whether this fixture refused it. */
    public record Call(String messageId, Instant at, boolean refused) {
    }

    private static final Set<String> REFUSED = ConcurrentHashMap.newKeySet();
    private static final List<Call> CALLS = new CopyOnWriteArrayList<>();
    private static volatile boolean recording;

    @Inject
    @Delegate
    RbmGateway delegate;

    /** From now on, every revoke of this message is answered 403 without reaching RBM. */
    public static void refuse(String messageId) {
        REFUSED.add(messageId);
    }

    public static void record(boolean on) {
        recording = on;
    }

    public static List<Call> calls() {
        return List.copyOf(CALLS);
    }

    public static void clear() {
        REFUSED.clear();
        CALLS.clear();
        recording = false;
    }

    @Override
    public RevokeOutcome revoke(String agentId, String phoneNumber, String messageId, Duration budget) {
        boolean refused = REFUSED.contains(messageId);
        if (recording) {
            CALLS.add(new Call(messageId, Instant.now(), refused));
        }
        if (refused) {
            return new RevokeOutcome.Rejected(403, "The caller does not have permission");
        }
        return delegate.revoke(agentId, phoneNumber, messageId, budget);
    }
}
