package dev.rbmrevoker.message;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** Test data: messages as the service would create them. */
public final class Messages {

    public static final Timing TIMING = new Timing(Duration.ofMinutes(2), Duration.ofMinutes(2),
            Duration.ofMinutes(1), Duration.ofDays(30));

    private Messages() {
    }

    public static NewMessage spec(Instant deadline, Fallback fallback) {
        return new NewMessage(UUID.randomUUID().toString(), "test-agent", "+16502530001", deadline, false,
                "fingerprint", "{\"contentMessage\":{\"text\":\"hi\"}}", fallback);
    }

    /** Like {@link #spec} but RBM was told to expire the message at its deadline. */
    public static NewMessage rbmExpiringSpec(Instant deadline, Fallback fallback) {
        return new NewMessage(UUID.randomUUID().toString(), "test-agent", "+16502530001", deadline, true,
                "fingerprint", "{\"contentMessage\":{\"text\":\"hi\"}}", fallback);
    }

    public static Message pending(Instant now, Instant deadline) {
        return Message.tracked(spec(deadline, Fallback.requested("your code is 1234", true)), TIMING, now);
    }

    public static Message sending(Instant now, Instant deadline) {
        return Message.sending(spec(deadline, Fallback.requested("your code is 1234", false)), TIMING, now);
    }
}
