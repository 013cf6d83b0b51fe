package dev.rbmrevoker.send;

import dev.rbmrevoker.message.Fallback;
import java.time.Instant;

/** A validated request to watch a message the agent sent itself. */
public record TrackCommand(String messageId, String agentId, String phoneNumber, Instant deadline,
        Fallback fallback, String fingerprint) {
}
