package dev.rbmrevoker.message;

/** Who caused a change: the HTTP API, RBM's webhook, the scheduled sweep, or a campaign revocation. */
public enum Source {
    API, WEBHOOK, SWEEP, CAMPAIGN;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Source fromWireName(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
