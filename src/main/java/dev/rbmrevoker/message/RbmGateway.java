package dev.rbmrevoker.message;

import java.time.Duration;

/** Google's RBM API as the domain needs it. Retries happen inside, within the caller's budget. */
public interface RbmGateway {

    /**
     * Sends the message; a repeat with the same messageId is ignored by RBM, so a retry is safe.
     *
     * @param budget time the call may take, retries included
     */
    SendOutcome send(OutgoingMessage message, Duration budget);

    /** Revokes the message if RBM still queues it. */
    RevokeOutcome revoke(String agentId, String phoneNumber, String messageId, Duration budget);
}
