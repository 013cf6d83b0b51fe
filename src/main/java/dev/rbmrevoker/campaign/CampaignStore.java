package dev.rbmrevoker.campaign;

import java.time.Instant;
import java.util.Optional;

/** Campaign revocations and the campaign index. Every change is conditional on the version it read. */
public interface CampaignStore {

    /** How many shards the campaign index spreads a campaign over; {@link #page} is asked for each. */
    int shards();

    /**
     * Stores a new revocation.
     *
     * @return empty when stored, or the revocation that exists already
     */
    Optional<CampaignRevocation> create(CampaignRevocation revocation);

    Optional<CampaignRevocation> get(String agentId, String campaign);

    /** The revocation a due index entry of kind CAMPAIGN points at. */
    Optional<CampaignRevocation> get(String dueId);

    /**
     * Replaces {@code from} by {@code to} if the stored one is still {@code from}.
     *
     * @return the stored change, or empty when someone changed it first
     */
    Optional<CampaignRevocation> update(CampaignRevocation from, CampaignRevocation to);

    /** Up to {@code limit} messages of a campaign shard after {@code after} (null for the first). */
    CampaignPage page(String agentId, String campaign, int shard, String after, int limit);

    /**
     * The campaign's messages counted by state from the index, read until {@code until}.
     */
    CampaignCounts count(String agentId, String campaign, Instant until);
}
