package dev.rbmrevoker.message;

import java.time.Instant;

/**
 * A revoke in progress. Kept on the message so whoever retakes an expired lease finishes the revoke
 * the way it was asked for.
 *
 * @param leaseUntil after this instant anyone may retake the revoke
 * @param reason the fallback reason if this revoke succeeds
 * @param fallback whether a successful revoke triggers the fallback
 * @param uncertain RBM's 404 would not prove a delivery: an earlier holder of the lease, or an earlier
 *     attempt RBM never answered, may have revoked it already, or the send was never confirmed, so RBM
 *     may never have had it
 */
public record RevokeClaim(Instant leaseUntil, FallbackReason reason, boolean fallback, Source by,
        boolean uncertain) {

    public boolean isLive(Instant now) {
        return now.isBefore(leaseUntil);
    }

    /**
     * Whether this is the same claim as {@code other}, not a later one. A lease is retaken only once it
     * has expired, so every later claim of a message ends its lease later: the lease's end, to the
     * millisecond the store keeps, tells claims apart.
     */
    public boolean isSameClaim(RevokeClaim other) {
        return other != null && leaseUntil.toEpochMilli() == other.leaseUntil().toEpochMilli();
    }
}
