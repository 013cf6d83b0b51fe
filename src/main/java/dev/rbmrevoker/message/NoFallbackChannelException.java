package dev.rbmrevoker.message;

/** A fallback was asked for, but the message has no fallback channel. */
public final class NoFallbackChannelException extends RuntimeException {

    public NoFallbackChannelException(String detail) {
        super(detail);
    }
}
