package dev.rbmrevoker.message;

/** What kind of item the due index points at. */
public enum DueKind {
    MESSAGE,
    /** A validly signed webhook envelope whose forward to the agent's own webhook failed. */
    FORWARD,
    /** A campaign revocation still running: the sweep takes it on where it stopped. */
    CAMPAIGN
}
