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
 */
@RegisterForReflection
public record SweepSummary(int due, int revoked, int delivered, int fallenBack, int failed, long durationMs) {
}
