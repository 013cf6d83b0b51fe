package dev.rbmrevoker.message;

/** The message was removed (retention expiry) while it was being changed. */
public final class MessageGoneException extends RuntimeException {

    public MessageGoneException(String messageId) {
        super("message " + messageId + " is no longer stored");
    }
}
