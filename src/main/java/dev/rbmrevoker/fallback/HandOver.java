package dev.rbmrevoker.fallback;

/** What a channel made of a fallback. */
public sealed interface HandOver {

    /** The channel took it. */
    record Accepted() implements HandOver {
    }

    /**
     * Handed over without an answer (a timeout or a dropped connection after sending): the channel may
     * have taken it. Counted as sent and never repeated.
     */
    record Unconfirmed(String reason) implements HandOver {
    }

    /** A passing failure (5xx, 408, 429, timeout, network): worth another attempt later. */
    record RetryLater(String reason) implements HandOver {
    }

    /** A permanent refusal (another 4xx, an invalid number): no attempt will succeed. */
    record Refused(String reason) implements HandOver {
    }
}
