package dev.rbmrevoker.message;

/** A message with this id is already stored; {@link #existing()} is what is stored. */
public final class MessageExistsException extends RuntimeException {

    private final transient Message existing;

    public MessageExistsException(Message existing) {
        super("message " + existing.messageId() + " exists");
        this.existing = existing;
    }

    public Message existing() {
        return existing;
    }
}
