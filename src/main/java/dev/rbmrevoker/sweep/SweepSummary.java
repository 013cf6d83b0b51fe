package dev.rbmrevoker.sweep;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What one sweep did, as API.md's sweep answer.
 *
 * @param due items found owed work
 * @param revoked messages this sweep revoked (then fallen back or not)
 * @param delivered messages RBM turned out to have delivered
 * @param fallenBack messages whose fallback this sweep completed
 * @param failed items whose work failed this time (they stay due) or whose fallback failed for good
 * @param throttled revokes RBM kept answering 429 (the agent's quota); RBM work then waited for its
 *     Retry-After, and what did not fit stays due
 */
@RegisterForReflection
public record SweepSummary(int due, int revoked, int delivered, int fallenBack, int failed, int throttled,
        long durationMs) {
}
