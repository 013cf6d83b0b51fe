package dev.rbmrevoker.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PacerTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void slots_areSpacedAtTheRate() {
        Pacer pacer = new Pacer(50, T0);
        assertEquals(T0, pacer.slot(T0));
        assertEquals(T0.plusMillis(20), pacer.slot(T0));
        assertEquals(T0.plusMillis(40), pacer.slot(T0));
    }

    @Test
    void anUnusedSlot_isNotSavedUpForABurst() {
        Pacer pacer = new Pacer(50, T0);
        pacer.slot(T0);
        Instant later = T0.plusSeconds(5);
        assertEquals(later, pacer.slot(later));
        assertEquals(later.plusMillis(20), pacer.slot(later));
    }

    @Test
    void after429_nothingStartsBeforeTheRetryAfter_andTheRateIsHalved() {
        Pacer pacer = new Pacer(50, T0);
        pacer.slot(T0);
        pacer.throttled(Duration.ofSeconds(2), T0);

        assertTrue(pacer.paused(T0.plusSeconds(1)));
        assertFalse(pacer.paused(T0.plusSeconds(2)));
        Instant first = pacer.slot(T0.plusMillis(100));
        assertEquals(T0.plusSeconds(2), first);
        assertEquals(first.plusMillis(40), pacer.slot(T0.plusMillis(100)), "half of 50/s");
        assertEquals(25.0, pacer.perSecond());
    }

    @Test
    void theRate_neverFallsBelowOnePerSecond() {
        Pacer pacer = new Pacer(2, T0);
        for (int i = 0; i < 5; i++) {
            pacer.throttled(Duration.ZERO, T0);
        }
        assertEquals(1.0, pacer.perSecond());
    }
}
