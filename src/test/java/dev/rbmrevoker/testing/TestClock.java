package dev.rbmrevoker.testing;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock, which a test may move forward, as if that much time had passed, instead of waiting
 * it out: a fallback's 30 s backoff, say. Every time decision of the application reads it, so moving it
 * is what waiting would do. Enabled by the test profiles that list it among their alternatives; a test
 * that moves it calls {@link #reset()} when done.
 */
@Alternative
@Singleton
public class TestClock extends Clock {

    private static volatile Duration offset = Duration.ZERO;

    /** From now on the application's time is {@code by} later than it was. */
    public static void advance(Duration by) {
        offset = offset.plus(by);
    }

    /** Back to the system's time. */
    public static void reset() {
        offset = Duration.ZERO;
    }

    /** The application's time now. */
    public static Instant now() {
        return Instant.now().plus(offset);
    }

    @Override
    public Instant instant() {
        return now();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(Clock.system(zone), offset);
    }
}
