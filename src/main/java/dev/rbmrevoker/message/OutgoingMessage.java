package dev.rbmrevoker.message;

import java.time.Instant;

/**
 * A send through RBM.
 *
 * @param agentMessageJson the RBM AgentMessage as a JSON object ({@code contentMessage}, optional
 *     {@code messageTrafficType}), without expiry
 * @param expireTime when RBM should expire the message by itself, or null to leave it to the sweep
 */
public record OutgoingMessage(String agentId, String phoneNumber, String messageId, String agentMessageJson,
        Instant expireTime) {
}
