package dev.rbmrevoker.campaign;

import dev.rbmrevoker.message.MessageState;
import java.util.Map;

/**
 * A campaign's messages by state.
 *
 * @param partial the count stopped at its time budget: the figures are lower bounds
 */
public record CampaignCounts(Map<MessageState, Long> byState, boolean partial) {

    public CampaignCounts {
        byState = Map.copyOf(byState);
    }

    public long total() {
        return byState.values().stream().mapToLong(Long::longValue).sum();
    }
}
