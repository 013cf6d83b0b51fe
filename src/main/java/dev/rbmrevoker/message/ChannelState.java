package dev.rbmrevoker.message;

/** Progress of one fallback channel. */
public enum ChannelState {
    /** Not yet accepted by the channel; may be in a retry. */
    PENDING,
    /** Claimed by a dispatcher: it is handing the fallback over right now. */
    SENDING,
    SENT,
    /**
     * Handed to the channel without an answer (a timeout after sending, or a claim found expired after a
     * crash): it may have gone out. Counted as sent; an SMS in this state is never published again.
     */
    UNCONFIRMED,
    FAILED
}
