package dev.rbmrevoker.message;

/** Evidence and decisions that can move a message. */
public enum Event {
    /** RBM accepted the send. */
    ACCEPTED,
    /** RBM answered 404 on send. */
    UNREACHABLE,
    /** RBM answered 400/403 on send. */
    REJECTED,
    /** Someone takes the revoke lease. */
    CLAIM_REVOKE,
    /** A revoke could not reach RBM; the lease is given back. */
    RELEASE_REVOKE,
    /** RBM removed the message: our revoke's 200, or its own expiry. */
    REVOKED,
    /**
     * Nothing contradicted a revoke RBM answered 200 within the confirm window (or RBM's own expiry
     * confirmed it): its fallback is handed over.
     */
    REVOKE_CONFIRMED,
    DELIVERED,
    READ,
    /** Every channel of the fallback accepted it. */
    FALLEN_BACK,
    /** A channel refused permanently or ran out of attempts. */
    FALLBACK_FAILED
}
