package dev.rbmrevoker.sweep;

import dev.rbmrevoker.message.OutgoingMessage;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.RevokeOutcome;
import dev.rbmrevoker.message.SendOutcome;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Wraps the RBM gateway in every test; while a test records, notes when each revoke's budget ends. */
@Decorator
@Priority(20)
public class CallWindowRbm implements RbmGateway {

    private static final List<Instant> REVOKE_BUDGET_ENDS = new CopyOnWriteArrayList<>();
    private static volatile boolean recording;

    @Inject
    @Delegate
    RbmGateway delegate;

    public static void record() {
        REVOKE_BUDGET_ENDS.clear();
        recording = true;
    }

    /** When each revoke recorded since {@link #record()} had to be done by; stops recording. */
    public static List<Instant> stop() {
        recording = false;
        return List.copyOf(REVOKE_BUDGET_ENDS);
    }

    @Override
    public SendOutcome send(OutgoingMessage message, Duration budget) {
        return delegate.send(message, budget);
    }

    @Override
    public RevokeOutcome revoke(String agentId, String phoneNumber, String messageId, Duration budget) {
        if (recording) {
            REVOKE_BUDGET_ENDS.add(Instant.now().plus(budget));
        }
        return delegate.revoke(agentId, phoneNumber, messageId, budget);
    }
}
