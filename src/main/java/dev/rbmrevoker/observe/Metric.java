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
    SWEEP_DUE("sweepDue", "Count"),
    SWEEP_FAILED("sweepFailed", "Count"),
    /** How late the sweep did the work it found (done time minus due time), worst item of a sweep. */
    SWEEP_LAG_MS("sweepLagMs", "Milliseconds"),
    /** How long the oldest owed item had been due when the sweep started. */
    OLDEST_DUE_AGE_MS("oldestDueAgeMs", "Milliseconds"),
    /** How long the oldest webhook forward to the agent's own webhook has been failing (alarmed over an hour). */
    OLDEST_FORWARD_AGE_MS("oldestForwardAgeMs", "Milliseconds");

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
