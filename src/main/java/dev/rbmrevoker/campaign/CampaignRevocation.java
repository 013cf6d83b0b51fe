package dev.rbmrevoker.campaign;

import java.time.Instant;
import java.util.Objects;

/**
 * A campaign revocation: who asked, whether revoked messages fall back, and how far it got. It walks
 * the campaign's messages in passes, shard by shard; a pass that left nothing owed, begun once the
 * campaign index had time to show every message sent before the start, ends it.
 *
 * @param fallback whether a revoked message's fallback is handed over ({@code false} unless asked for)
 * @param revoked messages this revocation revoked
 * @param alreadyDelivered messages found delivered (in the index, or by RBM's answer to the revoke): as the
 *     first pass goes, then as the last finished pass counted them (each pass counts every message once)
 * @param failed messages whose revoke RBM refused (400/403); the sweep revokes them at their deadline
 * @param progress where the current pass stands
 * @param leaseUntil while a worker holds it, until when; null when nobody does
 * @param dueAt when a worker is next owed (the sweep finds it by the due index), or null once DONE
 * @param version incremented by every stored change; a change is stored only over the version it read
 */
public record CampaignRevocation(
        String agentId,
        String campaign,
        boolean fallback,
        RevocationState state,
        Instant startedAt,
        Instant finishedAt,
        long revoked,
        long alreadyDelivered,
        long failed,
        Progress progress,
        Instant leaseUntil,
        Instant dueAt,
        Instant updatedAt,
        long version) {

    public CampaignRevocation {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(campaign, "campaign");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(progress, "progress");
    }

    /**
     * Where a pass stands.
     *
     * @param pass 1 for the first walk over the campaign
     * @param passStartedAt when this pass began
     * @param shard the campaign index shard being walked
     * @param after the last messageId done in that shard, or null at its start
     * @param owed messages of this pass left for the next one (a live send or lease, RBM unavailable)
     * @param delivered messages this pass found delivered so far
     */
    public record Progress(int pass, Instant passStartedAt, int shard, String after, long owed, long delivered) {

        static Progress first(Instant now) {
            return new Progress(1, now, 0, null, 0, 0);
        }
    }

    /** A revocation just asked for: due at once, so that the sweep takes it on if the request cannot finish it. */
    public static CampaignRevocation start(String agentId, String campaign, boolean fallback, Instant now) {
        return new CampaignRevocation(agentId, campaign, fallback, RevocationState.RUNNING, now, null, 0, 0, 0,
                Progress.first(now), null, now, now, 0);
    }

    /** Whether a worker other than the caller may be working on it now. */
    public boolean leased(Instant now) {
        return leaseUntil != null && leaseUntil.isAfter(now);
    }

    /** Taken by a worker until {@code until}; due again then, should that worker die. */
    CampaignRevocation claimed(Instant until, Instant now) {
        return with(state, finishedAt, revoked, alreadyDelivered, failed, progress, until, until, now);
    }

    /** A page done: its counts added, its last message remembered. */
    CampaignRevocation afterPage(PageTally tally, int shard, String after, Instant now) {
        Progress next = new Progress(progress.pass(), progress.passStartedAt(), shard, after,
                progress.owed() + tally.owed(), progress.delivered() + tally.alreadyDelivered());
        // Later passes meet the delivered messages again: they replace the count once they are through.
        long delivered = progress.pass() == 1 ? next.delivered() : alreadyDelivered;
        return with(state, finishedAt, revoked + tally.revoked(), delivered, failed + tally.failed(), next,
                leaseUntil, dueAt, now);
    }

    /** The next pass, due at {@code at}; the worker keeps its lease while it goes on itself. */
    CampaignRevocation nextPass(Instant at, Instant now) {
        return with(state, finishedAt, revoked, progress.delivered(), failed,
                new Progress(progress.pass() + 1, at, 0, null, 0, 0), leaseUntil,
                leaseUntil != null && leaseUntil.isAfter(at) ? leaseUntil : at, now);
    }

    CampaignRevocation done(Instant now) {
        return with(RevocationState.DONE, now, revoked, progress.delivered(), failed, progress, null, null, now);
    }

    /** The worker stops before the end: due again at {@code at}, for whoever comes next. */
    CampaignRevocation released(Instant at, Instant now) {
        return with(state, finishedAt, revoked, alreadyDelivered, failed, progress, null, at, now);
    }

    /** A message sent into the campaign after it was done could not be revoked at once: one more pass. */
    CampaignRevocation reopened(Instant now) {
        return new CampaignRevocation(agentId, campaign, fallback, RevocationState.RUNNING, startedAt, null, revoked,
                alreadyDelivered, failed, new Progress(progress.pass() + 1, now, 0, null, 0, 0), null, now, now, version);
    }

    private CampaignRevocation with(RevocationState nextState, Instant finished, long nextRevoked, long nextDelivered,
            long nextFailed, Progress nextProgress, Instant lease, Instant due, Instant now) {
        return new CampaignRevocation(agentId, campaign, fallback, nextState, startedAt, finished, nextRevoked,
                nextDelivered, nextFailed, nextProgress, lease, due, now, version);
    }
}
