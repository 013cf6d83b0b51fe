package dev.rbmrevoker.send;

import dev.rbmrevoker.message.Fallback;
import java.time.Instant;

/**
 * A validated request to send a message through RBM and track it.
 *
 * @param agentMessageJson the AgentMessage for RBM: {@code contentMessage} and optional
 *     {@code messageTrafficType}, as a JSON object
 * @param fingerprint identifies the request body, so a repeat can be told from a conflicting reuse of the id
 */
public record SendCommand(String messageId, String agentId, String phoneNumber, String agentMessageJson,
        Instant deadline, Fallback fallback, String fingerprint) {
}
