package dev.rbmrevoker.webhook;

import java.time.Instant;

/**
 * A validly signed webhook envelope that could not be forwarded to the agent's own webhook yet.
 *
 * @param id the Pub/Sub message id of the envelope (or a made-up one when it had none)
 * @param body the envelope exactly as RBM sent it
 * @param signature RBM's {@code X-Goog-Signature}, forwarded unchanged
 * @param attempts forwards tried so far
 * @param nextAttemptAt when the sweep retries it
 * @param version for conditional changes, like a message's
 */
public record PendingForward(String id, String body, String signature, int attempts, Instant createdAt,
        Instant nextAttemptAt, String lastError, long version) {

    PendingForward attempt(int number, Instant next, String error) {
        return new PendingForward(id, body, signature, number, createdAt, next, error, version);
    }
}
