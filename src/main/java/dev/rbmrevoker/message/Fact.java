package dev.rbmrevoker.message;

/** History events that are not state names: notable facts kept beside the transitions. */
public enum Fact {
    SENT,
    TRACKED,
    REVOKE_RETRY,
    /** RBM reported delivery of a message we had already revoked or given up on. */
    DELIVERED_AFTER_REVOKE,
    /** RBM reported revoking a message it had already reported delivered. */
    REVOKED_AFTER_DELIVERY,
    TTL_EXPIRATION_REVOKE_FAILED,
    FALLBACK_RETRY,
    /** RBM answered a revoke with 400/403: it revoked nothing. */
    REVOKE_REFUSED,
    /** RBM refused {@code REVOKE_MAX_ATTEMPTS} automatic revokes: the sweep stops revoking the message. */
    REVOKE_GAVE_UP,
    /** RBM answered 200 to our revoke, then reported the message delivered inside the confirm window. */
    REVOKE_NOT_HONOURED
}
