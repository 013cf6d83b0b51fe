package dev.rbmrevoker.api;

import static dev.rbmrevoker.api.MessageView.ms;

import dev.rbmrevoker.campaign.CampaignCounts;
import dev.rbmrevoker.campaign.CampaignReport;
import dev.rbmrevoker.campaign.CampaignRevocation;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * A campaign: its revocation (null when none was asked for) and its messages counted by state.
 *
 * @param messages messages by state, as the campaign index shows them
 * @param partial the count was cut short by the request's budget: the figures are lower bounds
 */
@RegisterForReflection
public record CampaignView(String campaign, String agentId, RevocationView revocation, Map<String, Long> messages,
        long total, boolean partial) {

    static CampaignView of(CampaignReport report) {
        CampaignCounts counts = report.counts();
        Map<String, Long> byState = new TreeMap<>();
        counts.byState().forEach((state, n) -> byState.put(state.name(), n));
        return new CampaignView(report.campaign(), report.agentId(),
                report.revocation() == null ? null : RevocationView.of(report.revocation()), byState, counts.total(),
                counts.partial());
    }

    /**
     * A campaign revocation.
     *
     * @param state {@code RUNNING} until a whole pass over the campaign found nothing left to revoke, then {@code DONE}
     * @param revoked messages it revoked
     * @param alreadyDelivered messages it found delivered
     * @param failed messages whose revoke RBM refused (the sweep revokes them at their deadline)
     * @param pass how many passes over the campaign it began
     */
    @RegisterForReflection
    public record RevocationView(String state, boolean fallback, Instant startedAt, Instant finishedAt, long revoked,
            long alreadyDelivered, long failed, int pass) {

        static RevocationView of(CampaignRevocation r) {
            return new RevocationView(r.state().name(), r.fallback(), ms(r.startedAt()), ms(r.finishedAt()),
                    r.revoked(), r.alreadyDelivered(), r.failed(), r.progress().pass());
        }
    }
}
