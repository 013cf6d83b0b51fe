package dev.rbmrevoker.message;

/** A fallback channel. */
public enum Channel {
    SMS, CALLBACK
}
