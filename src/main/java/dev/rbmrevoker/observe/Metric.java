package dev.rbmrevoker.observe;

/** The metrics rbm-revoker reports, with their CloudWatch units. The template's alarms use these names. */
public enum Metric {
    SENT("sent", "Count"),
    DELIVERED("delivered", "Count"),
    REVOKED("revoked", "Count"),
    FALLEN_BACK("fallenBack", "Count"),
    FALLBACK_FAILED("fallbackFailed", "Count"),
    DELIVERED_AFTER_REVOKE("deliveredAfterRevoke", "Count"),
    /** RBM refused REVOKE_MAX_ATTEMPTS automatic revokes of a message: the sweep stopped revoking it (alarmed). */
    REVOKE_REFUSED("revokeRefused", "Count"),
    /** A fallback channel handed over without an answer (counted as sent; an SMS is never published twice). */
    FALLBACK_UNCONFIRMED("fallbackUnconfirmed", "Count"),
    /** RBM answered 200 to a revoke, then reported the message delivered inside the confirm window. */
    REVOKE_NOT_HONOURED("revokeNotHonoured", "Count"),
    SWEEP_DUE("sweepDue", "Count"),
    SWEEP_FAILED("sweepFailed", "Count"),
    /** How late the sweep did the work it found (done time minus due time), worst item of a sweep. */
    SWEEP_LAG_MS("sweepLagMs", "Milliseconds"),
    /** How long the oldest owed item had been due when the sweep started. */
    OLDEST_DUE_AGE_MS("oldestDueAgeMs", "Milliseconds"),
    /**
     * Age of the oldest stored webhook forward a sweep found waiting (0 when none). Every stored forward
     * comes due at least hourly (capped backoff), so the maximum over an hour is the oldest's age.
     */
    OLDEST_FORWARD_AGE_MS("oldestForwardAgeMs", "Milliseconds"),
    /** Webhook forwards given up after 7 days of failures (each also logged at ERROR with its envelope id). */
    FORWARD_GAVE_UP("forwardGaveUp", "Count"),
    /** Messages a campaign revocation revoked (also counted in {@code revoked}). */
    CAMPAIGN_REVOKED("campaignRevoked", "Count");

    public static final String NAMESPACE = "RbmRevoker";

    private final String metricName;
    private final String unit;

    Metric(String metricName, String unit) {
        this.metricName = metricName;
        this.unit = unit;
    }

    public String metricName() {
        return metricName;
    }

    public String unit() {
        return unit;
    }
}
