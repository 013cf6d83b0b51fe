package dev.rbmrevoker.message;

/** Progress of a message's fallback as a whole. */
public enum FallbackState {
    /** No fallback was asked for, or the revoke asked for none. */
    NONE,
    /** A fallback is configured and waits for the message to be revoked or found undeliverable. */
    WAITING,
    /** Triggered: being handed to its channels, or owed a retry. */
    PENDING,
    SENT,
    FAILED
}
