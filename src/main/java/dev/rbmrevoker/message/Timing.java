package dev.rbmrevoker.message;

import java.time.Duration;

/**
 * The time rules of the message lifecycle.
 *
 * @param lease how long a revoke claim lasts; longer than any retry budget of a revoke
 * @param ttlGrace how long to wait for RBM's own expiry events before acting on a message RBM expires
 * @param resendAfter how old a SENDING record must be before the sweep finishes its send
 * @param retention how long a finished message is kept
 */
public record Timing(Duration lease, Duration ttlGrace, Duration resendAfter, Duration retention) {
}
