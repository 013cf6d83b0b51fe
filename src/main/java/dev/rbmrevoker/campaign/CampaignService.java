package dev.rbmrevoker.campaign;

import dev.rbmrevoker.config.LifecycleConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Campaign revocations asked for through the API, and what a campaign's messages came to. */
@ApplicationScoped
public class CampaignService {

    private static final Logger LOG = Logger.getLogger(CampaignService.class);

    private final CampaignStore store;
    private final CampaignRevoker revoker;
    private final Clock clock;
    private final Duration callBudget;

    public CampaignService(CampaignStore store, CampaignRevoker revoker, Clock clock, LifecycleConfig lifecycle) {
        this.store = store;
        this.revoker = revoker;
        this.clock = clock;
        this.callBudget = lifecycle.callBudget();
    }

    /**
     * Starts revoking every undelivered message of the campaign. Once stored, the revocation is owed to
     * the sweep, which takes it on every tick until it is done; the request itself starts it within its
     * budget.
     */
    public StartResult start(String agentId, String campaign, boolean fallback) {
        // At the store's precision, so that this answer and every later read show the same start.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        CampaignRevocation fresh = CampaignRevocation.start(agentId, campaign, fallback, now);
        Optional<CampaignRevocation> existing = store.create(fresh);
        if (existing.isPresent()) {
            return existing.get().fallback() == fallback
                    ? new StartResult.Repeated(existing.get())
                    : new StartResult.Conflicting(existing.get());
        }
        LOG.infof("Revocation of campaign %s of agent %s started (fallback %s)", campaign, agentId, fallback);
        // Half the budget, so that the answer (and its count) still fits well inside API Gateway's 30 s.
        return new StartResult.Started(revoker.work(fresh, now.plus(callBudget.dividedBy(2))));
    }

    /** The campaign's messages by state, counted within a quarter of the request's budget. */
    public CampaignCounts counts(String agentId, String campaign) {
        return store.count(agentId, campaign, clock.instant().plus(callBudget.dividedBy(4)));
    }

    /**
     * The campaign's revocation, if any, and its messages by state, counted within the request's budget.
     *
     * @return empty when the campaign has neither a revocation nor a message
     */
    public Optional<CampaignReport> report(String agentId, String campaign) {
        Optional<CampaignRevocation> revocation = store.get(agentId, campaign);
        CampaignCounts counts = store.count(agentId, campaign, clock.instant().plus(callBudget));
        if (revocation.isEmpty() && counts.total() == 0 && !counts.partial()) {
            return Optional.empty();
        }
        return Optional.of(new CampaignReport(agentId, campaign, revocation.orElse(null), counts));
    }
}
