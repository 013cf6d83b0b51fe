package dev.rbmrevoker.message;

import java.time.Instant;

/** A new message's deadline is not in the future (a repeat of an earlier request is not refused). */
public final class DeadlinePassedException extends RuntimeException {

    public DeadlinePassedException(Instant deadline) {
        super("deadline " + deadline + " is not in the future");
    }
}
