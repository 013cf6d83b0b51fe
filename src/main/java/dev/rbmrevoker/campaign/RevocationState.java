package dev.rbmrevoker.campaign;

/** Where a campaign revocation stands. */
public enum RevocationState {
    /** Messages may still be owed a revoke: the sweep takes it on every tick until it is done. */
    RUNNING,
    /** A whole pass over the campaign found nothing left to revoke. */
    DONE
}
