package dev.rbmrevoker.message;

import java.time.Instant;

/**
 * One channel's fallback delivery.
 *
 * @param attempts hand-overs tried so far
 * @param sentAt when the channel accepted it (for UNCONFIRMED: when that was found out), or null
 * @param lastError why the last attempt failed, or null
 */
public record ChannelDelivery(ChannelState state, int attempts, Instant sentAt, String lastError) {
    public static ChannelDelivery pending() {
        return new ChannelDelivery(ChannelState.PENDING, 0, null, null);
    }

    /** Handed over (SENT), or possibly handed over (UNCONFIRMED): either way never handed over again. */
    public boolean handedOver() {
        return state == ChannelState.SENT || state == ChannelState.UNCONFIRMED;
    }
}
