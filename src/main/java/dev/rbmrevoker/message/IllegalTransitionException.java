package dev.rbmrevoker.message;

/** An event that the message's state does not allow. */
public final class IllegalTransitionException extends RuntimeException {

    private final transient MessageState state;
    private final transient Event event;

    public IllegalTransitionException(MessageState state, Event event) {
        super(event + " is not allowed in state " + state);
        this.state = state;
        this.event = event;
    }

    public MessageState state() {
        return state;
    }

    public Event event() {
        return event;
    }
}
