package dev.rbmrevoker.message;

/** Where a tracked message stands. The allowed moves between states live in {@link Transitions}. */
public enum MessageState {
    /** Recorded; RBM has not yet confirmed the send. */
    SENDING,
    /** Sent or tracked, not known to be delivered. */
    PENDING,
    /** A revoke is claimed: a lease that expires, so a crashed revoker never strands the message. */
    REVOKING,
    DELIVERED,
    READ,
    REVOKED,
    /** RBM answered 404 on send: the user cannot be reached over RCS. */
    UNDELIVERABLE,
    /** RBM refused the send (400/403). */
    REJECTED,
    /** The fallback was handed to all its channels. */
    FALLEN_BACK,
    /** A fallback channel refused permanently or its attempts ran out. */
    FALLBACK_FAILED;

    /** Nothing more will happen to the message unless late evidence is recorded in its history. */
    public boolean isFinished() {
        return switch (this) {
            case DELIVERED, READ, REJECTED, FALLEN_BACK, FALLBACK_FAILED -> true;
            default -> false;
        };
    }
}
