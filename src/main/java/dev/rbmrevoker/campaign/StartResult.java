package dev.rbmrevoker.campaign;

/** How asking for a campaign revocation ended. */
public sealed interface StartResult {

    CampaignRevocation revocation();

    /** Stored now, and worked on within the request's budget. */
    record Started(CampaignRevocation revocation) implements StartResult {
    }

    /** The same revocation was asked for before. */
    record Repeated(CampaignRevocation revocation) implements StartResult {
    }

    /** A revocation of the campaign exists with the other fallback choice: the first one stands. */
    record Conflicting(CampaignRevocation revocation) implements StartResult {
    }
}
