package dev.rbmrevoker.message;

import java.time.Duration;

/** What RBM made of a send. */
public sealed interface SendOutcome {

    record Accepted() implements SendOutcome {
    }

    /** 404: the user cannot be reached over RCS. */
    record Unreachable() implements SendOutcome {
    }

    /** 400/403: permanent; {@code reason} is RBM's own message. */
    record Rejected(int status, String reason) implements SendOutcome {
    }

    /** RBM could not be reached or kept failing within the budget; worth retrying after {@code retryAfter}. */
    record Unavailable(String reason, Duration retryAfter) implements SendOutcome {
    }
}
