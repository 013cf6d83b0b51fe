package dev.rbmrevoker.message;

import java.time.Instant;
import java.util.Objects;

/**
 * What a caller asks to track.
 *
 * @param rbmExpireTime the expiry RBM was given with the message (our send's {@code expireTime}, or the
 *     agent's own for a message it sent itself), or null when RBM does not expire it by itself
 * @param fingerprint identifies the request, so a repeat can be told from a conflicting one
 * @param rbmPayload the agent message as sent to RBM, kept to resend it; null for tracked messages
 * @param campaign the agent's campaign label, or null
 */
public record NewMessage(
        String messageId,
        String agentId,
        String phoneNumber,
        Instant deadline,
        Instant rbmExpireTime,
        String fingerprint,
        String rbmPayload,
        Fallback fallback,
        String campaign) {

    public NewMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(phoneNumber, "phoneNumber");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(fallback, "fallback");
    }

    public NewMessage(String messageId, String agentId, String phoneNumber, Instant deadline, Instant rbmExpireTime,
            String fingerprint, String rbmPayload, Fallback fallback) {
        this(messageId, agentId, phoneNumber, deadline, rbmExpireTime, fingerprint, rbmPayload, fallback, null);
    }

    /** @param rbmExpires our send gives RBM the deadline as its expiry */
    public NewMessage(String messageId, String agentId, String phoneNumber, Instant deadline, boolean rbmExpires,
            String fingerprint, String rbmPayload, Fallback fallback) {
        this(messageId, agentId, phoneNumber, deadline, rbmExpires ? deadline : null, fingerprint, rbmPayload,
                fallback, null);
    }

    public NewMessage inCampaign(String label) {
        return new NewMessage(messageId, agentId, phoneNumber, deadline, rbmExpireTime, fingerprint, rbmPayload,
                fallback, label);
    }
}
