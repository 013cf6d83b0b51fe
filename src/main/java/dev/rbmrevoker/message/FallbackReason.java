package dev.rbmrevoker.message;

/** What first moved the message to REVOKED or UNDELIVERABLE, and so triggered its fallback. */
public enum FallbackReason {
    REVOKED_ON_REQUEST,
    DEADLINE_PASSED,
    TTL_EXPIRATION_REVOKED,
    TTL_EXPIRATION_REVOKE_FAILED,
    UNDELIVERABLE,
    /** A revocation of the whole campaign the message was labelled with. */
    CAMPAIGN_REVOKED
}
