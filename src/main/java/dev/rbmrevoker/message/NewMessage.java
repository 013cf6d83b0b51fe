package dev.rbmrevoker.message;

import java.time.Instant;
import java.util.Objects;

/**
 * What a caller asks to track.
 *
 * @param rbmExpires RBM was told to expire the message at its deadline itself
 * @param fingerprint identifies the request, so a repeat can be told from a conflicting one
 * @param rbmPayload the agent message as sent to RBM, kept to resend it; null for tracked messages
 */
public record NewMessage(
        String messageId,
        String agentId,
        String phoneNumber,
        Instant deadline,
        boolean rbmExpires,
        String fingerprint,
        String rbmPayload,
        Fallback fallback) {

    public NewMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(phoneNumber, "phoneNumber");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(fallback, "fallback");
    }
}
