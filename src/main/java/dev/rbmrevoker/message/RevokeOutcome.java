package dev.rbmrevoker.message;

import java.time.Duration;

/** What RBM made of a revoke. */
public sealed interface RevokeOutcome {

    /** 200: removed from the user's queue (strong evidence, not proof: a delivery may still be reported). */
    record Revoked() implements RevokeOutcome {
    }

    /**
     * 404: no longer queued: delivered, or already expired by RBM.
     *
     * @param afterUnansweredAttempt an earlier attempt of the same call got no answer, so it may have
     *     been that attempt that removed the message: the 404 does not prove a delivery
     */
    record Gone(boolean afterUnansweredAttempt) implements RevokeOutcome {
    }

    /** Another 4xx: RBM refuses; {@code reason} is its own message. */
    record Rejected(int status, String reason) implements RevokeOutcome {
    }

    /**
     * RBM could not be reached or kept failing within the budget.
     *
     * @param afterUnansweredAttempt an attempt got no answer (timeout, dropped connection, lost answer), so
     *     it may have removed the message; attempts RBM answered, even with a 5xx, revoked nothing
     * @param throttled the last attempt was answered 429: the agent's quota at RBM is spent for now
     */
    record Unavailable(String reason, Duration retryAfter, boolean afterUnansweredAttempt, boolean throttled)
            implements RevokeOutcome {
    }
}
