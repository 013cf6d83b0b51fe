package dev.rbmrevoker.local.rbm;

import java.time.Instant;

/**
 * A message as the test server's RBM holds it.
 *
 * @param expireTime when RBM revokes it by itself (from {@code expireTime} or {@code ttl}), or null
 * @param body the AgentMessage JSON as received
 */
public record StoredMessage(String agentId, String phoneNumber, String messageId, String body, Instant sendTime,
        Instant expireTime, State state) {

    public enum State {
        /** Waiting in the user's queue; revocable. */
        QUEUED,
        DELIVERED,
        READ,
        /** Removed by agentMessages.delete. */
        REVOKED,
        /** Removed by RBM at its expiry ({@code TTL_EXPIRATION_REVOKED} posted). */
        EXPIRED,
        /** RBM's expiry failed to revoke it ({@code TTL_EXPIRATION_REVOKE_FAILED} posted); it may still be delivered. */
        EXPIRY_REVOKE_FAILED
    }
}
