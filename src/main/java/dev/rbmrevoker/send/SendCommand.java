package dev.rbmrevoker.send;

import dev.rbmrevoker.message.Fallback;
import java.time.Instant;

/**
 * A validated request to send a message through RBM and track it.
 *
 * @param agentMessageJson the AgentMessage for RBM: {@code contentMessage} and optional
 *     {@code messageTrafficType}, as a JSON object
 * @param fingerprint identifies the request body, so a repeat can be told from a conflicting reuse of the id
 * @param campaign the agent's campaign label, or null
 */
public record SendCommand(String messageId, String agentId, String phoneNumber, String agentMessageJson,
        Instant deadline, Fallback fallback, String fingerprint, String campaign) {

    public SendCommand(String messageId, String agentId, String phoneNumber, String agentMessageJson,
            Instant deadline, Fallback fallback, String fingerprint) {
        this(messageId, agentId, phoneNumber, agentMessageJson, deadline, fallback, fingerprint, null);
    }
}
