package dev.rbmrevoker.message;

/** What an {@link Event} does to a message in a given state. */
public sealed interface Outcome {

    /** The message moves to {@code target}. */
    record Move(MessageState target) implements Outcome {
    }

    /**
     * The message moves to {@code target} against what was recorded first, because that was not proof
     * yet; {@code fact} goes to history.
     */
    record Overturn(MessageState target, Fact fact) implements Outcome {
    }

    /** The state stays; the conflicting fact is kept in history (the first evidence wins). */
    record Note(Fact fact) implements Outcome {
    }

    /** A repeat of something already known: nothing changes. */
    record Same() implements Outcome {
    }

    /** Not allowed from this state. */
    record Refuse() implements Outcome {
    }
}
