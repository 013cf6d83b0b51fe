package dev.rbmrevoker.message;

/** Progress of one fallback channel. */
public enum ChannelState {
    /** Not yet accepted by the channel; may be in a retry. */
    PENDING,
    /** Claimed by a dispatcher: it is handing the fallback over right now. */
    SENDING,
    SENT,
    FAILED
}
