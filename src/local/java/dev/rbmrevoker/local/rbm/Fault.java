package dev.rbmrevoker.local.rbm;

import java.time.Duration;

/**
 * A failure the test server plays instead of (or around) a normal answer. Build with the factories and
 * queue with {@link RbmTestServer#inject(Route, Fault, int)}.
 *
 * @param kind what happens
 * @param status the HTTP status, for {@link Kind#STATUS}
 * @param retryAfter the {@code Retry-After} header to send, or null
 * @param delay how long to wait before answering, for {@link Kind#DELAY}; for {@link Kind#REVOKE_IGNORED}, how
 *     long after the revoke the message is delivered anyway
 */
public record Fault(Kind kind, int status, Duration retryAfter, Duration delay) {

    public enum Kind {
        /** Answer with an error status, without touching any state. */
        STATUS,
        /** Wait, then answer normally (a slow answer; the caller may time out first). */
        DELAY,
        /** Close the connection without an answer and without processing the call. */
        DROP,
        /** Process the call (state changes), then close the connection without an answer. */
        LOST_ANSWER,
        /**
         * On the revoke route only: answer 200 as if revoked, but keep the message queued and deliver it
         * (posting DELIVERED) {@code delay} after the revoke, as RBM may do since its 200 only means the
         * request was taken. A message that is not queued answers 404 as usual.
         */
        REVOKE_IGNORED
    }

    public static Fault status(int status) {
        return new Fault(Kind.STATUS, status, null, null);
    }

    /** 429 RESOURCE_EXHAUSTED with {@code Retry-After} in whole seconds. */
    public static Fault tooManyRequests(Duration retryAfter) {
        return new Fault(Kind.STATUS, 429, retryAfter, null);
    }

    public static Fault statusWithRetryAfter(int status, Duration retryAfter) {
        return new Fault(Kind.STATUS, status, retryAfter, null);
    }

    public static Fault delay(Duration delay) {
        return new Fault(Kind.DELAY, 0, null, delay);
    }

    public static Fault drop() {
        return new Fault(Kind.DROP, 0, null, null);
    }

    public static Fault lostAnswer() {
        return new Fault(Kind.LOST_ANSWER, 0, null, null);
    }

    /** A revoke answered 200 whose message is delivered anyway {@code deliverAfter} later. */
    public static Fault revokeIgnored(Duration deliverAfter) {
        return new Fault(Kind.REVOKE_IGNORED, 0, null, deliverAfter);
    }
}
