package dev.rbmrevoker.campaign;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Campaign revocations. */
@ConfigMapping(prefix = "campaign")
public interface CampaignConfig {

    /**
     * RBM revoke calls per second of one campaign revocation ({@code CAMPAIGN_REVOKE_RATE}); halved for
     * the rest of a sweep's turn each time RBM answers 429.
     */
    @WithDefault("50")
    int revokeRate();
}
