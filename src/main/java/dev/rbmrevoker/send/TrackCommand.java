package dev.rbmrevoker.send;

import dev.rbmrevoker.message.Fallback;
import java.time.Instant;

/**
 * A validated request to watch a message the agent sent itself.
 *
 * @param rbmExpireTime the expiry the agent itself gave RBM, or null
 * @param campaign the agent's campaign label, or null
 */
public record TrackCommand(String messageId, String agentId, String phoneNumber, Instant deadline,
        Instant rbmExpireTime, Fallback fallback, String fingerprint, String campaign) {

    public TrackCommand(String messageId, String agentId, String phoneNumber, Instant deadline,
            Instant rbmExpireTime, Fallback fallback, String fingerprint) {
        this(messageId, agentId, phoneNumber, deadline, rbmExpireTime, fallback, fingerprint, null);
    }
}
