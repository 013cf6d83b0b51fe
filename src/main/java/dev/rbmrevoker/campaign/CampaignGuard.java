package dev.rbmrevoker.campaign;

import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.revoke.RevokeResult;
import dev.rbmrevoker.revoke.RevokeService;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Keeps messages out of a revoked campaign. A send checks its campaign after recording the message, and
 * a revocation reads the campaign index only after it is stored, so a send racing the start is either
 * refused here or found by the revocation: never neither.
 */
@ApplicationScoped
public class CampaignGuard {

    private static final Logger LOG = Logger.getLogger(CampaignGuard.class);

    private final CampaignStore store;
    private final RevokeService revokes;
    private final Clock clock;

    public CampaignGuard(CampaignStore store, RevokeService revokes, Clock clock) {
        this.store = store;
        this.revokes = revokes;
        this.clock = clock;
    }

    /** The revocation of the message's campaign, if it has a campaign and that was revoked. */
    public Optional<CampaignRevocation> revocationOf(Message message) {
        return message.campaign() == null ? Optional.empty() : store.get(message.agentId(), message.campaign());
    }

    /**
     * Revokes a message of a revoked campaign at once, as the revocation would. One that cannot be settled
     * now (RBM unavailable, someone else's lease) reopens a revocation that was done, so that its sweep
     * comes back for it.
     *
     * @return the message as the revoke left it
     */
    public Message revokeNow(Message message, CampaignRevocation revocation, Duration budget) {
        RevokeResult result = revokes.revokeForCampaign(message, revocation.fallback(), budget);
        boolean settled = result instanceof RevokeResult.Revoked || result instanceof RevokeResult.AlreadyDelivered
                || result instanceof RevokeResult.NotDue || result instanceof RevokeResult.Rejected;
        if (!settled && revocation.state() == RevocationState.DONE) {
            reopen(revocation);
        }
        return result instanceof RevokeResult.OfMessage after ? after.message() : message;
    }

    private void reopen(CampaignRevocation revocation) {
        CampaignRevocation current = revocation;
        // Only a newer version fails the write: one more try covers a racing reopen or sweep.
        for (int attempt = 0; attempt < 3 && current.state() == RevocationState.DONE; attempt++) {
            Optional<CampaignRevocation> reopened = store.update(current, current.reopened(clock.instant()));
            if (reopened.isPresent()) {
                LOG.infof("Revocation of campaign %s of agent %s reopened: a message sent into it is still owed a"
                        + " revoke", current.campaign(), current.agentId());
                return;
            }
            current = store.get(current.agentId(), current.campaign()).orElse(current);
        }
    }
}
