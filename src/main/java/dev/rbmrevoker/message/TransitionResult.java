package dev.rbmrevoker.message;

import java.util.Optional;

/** The result of a conditional change. */
public sealed interface TransitionResult {

    /** The change is stored; {@code message} carries its new version. */
    record Applied(Message message) implements TransitionResult {
    }

    /** Someone changed the message first; {@code current} is what is stored now (empty if gone). */
    record Conflict(Optional<Message> current) implements TransitionResult {
    }
}
