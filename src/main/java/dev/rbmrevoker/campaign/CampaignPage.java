package dev.rbmrevoker.campaign;

import java.util.List;

/** One page of a campaign shard, in messageId order; {@code next} is null after the shard's last. */
public record CampaignPage(List<CampaignEntry> entries, String next) {

    public CampaignPage {
        entries = List.copyOf(entries);
    }
}
