package dev.rbmrevoker.fallback;

/** What a channel made of a fallback. */
public sealed interface HandOver {

    /** The channel took it. */
    record Accepted() implements HandOver {
    }

    /** A passing failure (5xx, 408, 429, timeout, network): worth another attempt later. */
    record RetryLater(String reason) implements HandOver {
    }

    /** A permanent refusal (another 4xx, an invalid number): no attempt will succeed. */
    record Refused(String reason) implements HandOver {
    }
}
