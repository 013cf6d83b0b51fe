package dev.rbmrevoker.campaign;

/** A campaign: its revocation (null when none was asked for) and its messages by state. */
public record CampaignReport(String agentId, String campaign, CampaignRevocation revocation, CampaignCounts counts) {
}
