package dev.rbmrevoker.revoke;

import dev.rbmrevoker.message.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How the claim of a due revoke ended ({@link RevokeService#claimDue}): claimed, so RBM is to be called
 * ({@link ClaimedRevoke}), or not, because the message is no longer as the due index showed it.
 */
public sealed interface DueClaim permits ClaimedRevoke, DueClaim.Unclaimed {

    /**
     * Someone changed the message first, or it is gone: the stored message decides what is owed
     * ({@link RevokeService#revokeUnclaimed}), which may still be a revoke.
     *
     * @param current the stored message the failed claim answered, empty when there is none
     * @param budget the time the claim was given for the RBM call and the hand-over, counted from {@code started}
     */
    record Unclaimed(Optional<Message> current, Duration budget, Instant started) implements DueClaim {
    }
}
