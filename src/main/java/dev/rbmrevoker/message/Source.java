package dev.rbmrevoker.message;

/** Who caused a change: the HTTP API, RBM's webhook or the scheduled sweep. */
public enum Source {
    API, WEBHOOK, SWEEP;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Source fromWireName(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
