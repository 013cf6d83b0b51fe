package dev.rbmrevoker.revoke;

import dev.rbmrevoker.message.Message;
import java.time.Duration;

/** How a revoke ended. */
public sealed interface RevokeResult {

    /** A result that knows the message as the revoke left it: all but {@link NotFound}. */
    sealed interface OfMessage extends RevokeResult {
        Message message();
    }

    /**
     * Revoked (and fallen back, when asked), now or before; or undeliverable, so nothing to revoke.
     *
     * @param byThisCall this call's RBM revoke removed it (false: someone had settled it already)
     * @param fallbackSettledHere this call finished the fallback (FALLEN_BACK or FALLBACK_FAILED)
     */
    record Revoked(Message message, boolean byThisCall, boolean fallbackSettledHere) implements OfMessage {
    }

    /** RBM delivered the message first. */
    record AlreadyDelivered(Message message) implements OfMessage {
    }

    /** Someone else holds a live revoke lease. */
    record InProgress(Message message, Duration retryAfter) implements OfMessage {
    }

    /** SENDING or REJECTED: RBM has not (knowingly) got the message. */
    record NotSent(Message message) implements OfMessage {
    }

    /** RBM refused the revoke; the message is PENDING again. */
    record Rejected(Message message, String reason) implements OfMessage {
    }

    /**
     * RBM could not be reached within the budget; the message is PENDING again.
     *
     * @param throttled RBM kept answering 429 (the agent's quota): more calls now would only be refused too
     */
    record Unavailable(Message message, String reason, Duration retryAfter, boolean throttled) implements OfMessage {
    }

    /** No such message, and no phone number to track it by. */
    record NotFound() implements RevokeResult {
    }

    /** An automatic revoke lost a race and found the message no longer owed a revoke (e.g. RBM's refusals gave up). */
    record NotDue(Message message) implements OfMessage {
    }
}
