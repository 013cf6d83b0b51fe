package dev.rbmrevoker.fallback;

import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.message.Source;
import java.time.Duration;
import java.time.Instant;

/** Messages whose fallback is due, as the dispatcher hands them to a channel. */
final class FallbackMessages {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private FallbackMessages() {
    }

    /** Revoked on request at {@link #NOW}; asked for the SMS "your code is 1234" and the callback. */
    static Message revoked() {
        return Messages.pending(NOW.minusSeconds(120), NOW.minusSeconds(1))
                .claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, Duration.ofMinutes(2), Source.API, NOW)
                .revoked(null, Source.API, NOW);
    }

    /** Found undeliverable by RBM at {@link #NOW}; asked for the SMS only. */
    static Message undeliverable() {
        return Messages.sending(NOW.minusSeconds(5), NOW.plusSeconds(600)).unreachable(Source.API, NOW);
    }
}
