package dev.rbmrevoker.send;

import dev.rbmrevoker.message.Message;
import java.time.Duration;

/** How a send or track request ended. */
public sealed interface SendResult {

    Message message();

    /**
     * This request created the message, or finished a send an earlier attempt left in SENDING. The
     * state tells how RBM answered: PENDING, UNDELIVERABLE (and its fallback), REJECTED, DELIVERED...
     */
    record Created(Message message) implements SendResult {
    }

    /** The same request was made before; {@code message} is what is stored. */
    record Repeated(Message message) implements SendResult {
    }

    /** The messageId is taken by a different request. */
    record Conflicting(Message message) implements SendResult {
    }

    /**
     * The message is still SENDING but its deadline has passed: it is never sent to RBM now. The sweep
     * settles it by a revoke.
     */
    record DeadlinePassed(Message message) implements SendResult {
    }

    /**
     * The message's campaign was revoked: a send is never made (a new message is recorded REVOKED, one
     * an earlier attempt left in SENDING is settled by the revocation), and the request is refused.
     */
    record CampaignRevoked(Message message) implements SendResult {
    }

    /** RBM could not be reached within the budget; the message stays SENDING and a repeat finishes it. */
    record Unavailable(Message message, String reason, Duration retryAfter) implements SendResult {
    }
}
