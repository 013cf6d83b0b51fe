package dev.rbmrevoker.revoke;

import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.Source;
import java.time.Duration;
import java.time.Instant;

/**
 * A revoke claimed (REVOKING under a lease) whose RBM call is still to be made: {@link
 * RevokeService#callRbm}, then {@link RevokeService#recordAnswer}. A claim whose call is never made is
 * left as it is: its lease expires and the next sweep retakes it.
 */
public final class ClaimedRevoke implements DueClaim {

    final Message message;
    final FallbackReason reason;
    final Source source;
    final Duration budget;
    final Instant started;

    ClaimedRevoke(Message message, FallbackReason reason, Source source, Duration budget, Instant started) {
        this.message = message;
        this.reason = reason;
        this.source = source;
        this.budget = budget;
        this.started = started;
    }

    /** The claimed message. */
    public Message message() {
        return message;
    }

    /**
     * When the call and the hand-over must be done by: the budget counts from the claim, so a call that
     * waited for its turn gets what is left, and the lease, longer than any budget, outlasts it.
     */
    public Instant budgetEnd() {
        return started.plus(budget);
    }
}
