package dev.rbmrevoker.send;

import dev.rbmrevoker.campaign.CampaignGuard;
import dev.rbmrevoker.campaign.CampaignRevocation;
import dev.rbmrevoker.config.LifecycleConfig;
import dev.rbmrevoker.fallback.FallbackDispatcher;
import dev.rbmrevoker.message.DeadlinePassedException;
import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.FallbackState;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageExistsException;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.MessageUpdater;
import dev.rbmrevoker.message.NewMessage;
import dev.rbmrevoker.message.OutgoingMessage;
import dev.rbmrevoker.message.PhoneNumbers;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.SendOutcome;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.Timing;
import dev.rbmrevoker.observe.MessageLog;
import dev.rbmrevoker.observe.Metric;
import dev.rbmrevoker.observe.Metrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Sends messages through RBM and tracks messages sent by the agent. A message is recorded as SENDING
 * before RBM sees it, so nothing is sent untracked; a repeat of the request, or the sweep, finishes a
 * send that died at any point, and RBM ignores the repeated messageId.
 */
@ApplicationScoped
public class SendService {

    private static final Logger LOG = Logger.getLogger(SendService.class);

    private final MessageStore store;
    private final MessageUpdater updater;
    private final RbmGateway rbm;
    private final FallbackDispatcher fallback;
    private final Timing timing;
    private final Clock clock;
    private final Duration callBudget;
    private final Metrics metrics;
    private final CampaignGuard campaigns;

    public SendService(MessageStore store, MessageUpdater updater, RbmGateway rbm, FallbackDispatcher fallback,
            Timing timing, Clock clock, LifecycleConfig lifecycle, Metrics metrics, CampaignGuard campaigns) {
        this.store = store;
        this.updater = updater;
        this.rbm = rbm;
        this.fallback = fallback;
        this.timing = timing;
        this.clock = clock;
        this.callBudget = lifecycle.callBudget();
        this.metrics = metrics;
        this.campaigns = campaigns;
    }

    public SendResult send(SendCommand command) {
        try (MessageLog log = MessageLog.of(command.messageId(), command.agentId())) {
            return sendLogged(command);
        }
    }

    private SendResult sendLogged(SendCommand command) {
        Instant now = clock.instant();
        NewMessage spec = new NewMessage(command.messageId(), command.agentId(), command.phoneNumber(),
                command.deadline(), Message.rbmShouldExpire(command.deadline(), now), command.fingerprint(),
                command.agentMessageJson(), command.fallback()).inCampaign(command.campaign());
        if (!command.deadline().isAfter(now)) {
            return repeatOrRefuse(command.messageId(), command.fingerprint(), command.deadline());
        }
        Message recorded;
        boolean created = false;
        try {
            recorded = store.create(Message.sending(spec, timing, now));
            created = true;
        } catch (MessageExistsException e) {
            SendResult repeat = repeatOf(e.existing(), command.fingerprint());
            if (!(repeat instanceof SendResult.Repeated) || e.existing().state() != MessageState.SENDING) {
                return repeat;
            }
            recorded = e.existing();
        }
        // Checked once the message is recorded: a revocation that starts after this check finds it in the index.
        Optional<CampaignRevocation> revoked = campaigns.revocationOf(recorded);
        if (revoked.isPresent()) {
            return refuse(recorded, created);
        }
        // A repeat of a send left in SENDING finishes it, unless its deadline (a ttl's, from the first request) passed.
        return finishSendLogged(recorded, Source.API, callBudget, false);
    }

    /**
     * A send into a revoked campaign. One recorded by this request never reached RBM, so it is settled at
     * once; one an earlier attempt left in SENDING may have, so the revocation settles it by a revoke.
     */
    private SendResult refuse(Message sending, boolean created) {
        LOG.infof("Message %s of agent %s is not sent: campaign %s was revoked", sending.messageId(),
                sending.agentId(), sending.campaign());
        if (!created) {
            return new SendResult.CampaignRevoked(sending);
        }
        Message withdrawn = updater.apply(sending, current -> current.state() == MessageState.SENDING
                ? current.withdrawn(FallbackReason.CAMPAIGN_REVOKED, Source.API, clock.instant())
                : current);
        return new SendResult.CampaignRevoked(withdrawn);
    }

    public SendResult track(TrackCommand command) {
        try (MessageLog log = MessageLog.of(command.messageId(), command.agentId())) {
            return trackLogged(command);
        }
    }

    private SendResult trackLogged(TrackCommand command) {
        Instant now = clock.instant();
        NewMessage spec = new NewMessage(command.messageId(), command.agentId(), command.phoneNumber(),
                command.deadline(), command.rbmExpireTime(), command.fingerprint(), null, command.fallback(),
                command.campaign());
        if (!command.deadline().isAfter(now)) {
            return repeatOrRefuse(command.messageId(), command.fingerprint(), command.deadline());
        }
        try {
            Message tracked = store.create(Message.tracked(spec, timing, now));
            LOG.infof("Tracking message %s of agent %s to %s until %s", tracked.messageId(), tracked.agentId(),
                    PhoneNumbers.mask(tracked.phoneNumber()), tracked.deadline());
            Optional<CampaignRevocation> revoked = campaigns.revocationOf(tracked);
            if (revoked.isPresent()) {
                // The agent sent it itself into a campaign revoked meanwhile: revoked now, as the revocation would.
                return new SendResult.Created(campaigns.revokeNow(tracked, revoked.get(), callBudget));
            }
            return new SendResult.Created(tracked);
        } catch (MessageExistsException e) {
            return repeatOf(e.existing(), command.fingerprint());
        }
    }

    /**
     * Sends a SENDING message through RBM and records RBM's answer; the sweep uses it for sends left behind.
     * A message whose deadline has passed is never sent: the answer is {@link SendResult.DeadlinePassed}.
     * The call ends by the deadline, and carries RBM's expiry only while the deadline is at least
     * {@link Message#RBM_EXPIRY_MIN_AHEAD} away (the message still counts as RBM-expiring when an earlier
     * attempt carried one).
     */
    public SendResult finishSend(Message sending, Source source, Duration budget) {
        try (MessageLog log = MessageLog.of(sending.messageId(), sending.agentId())) {
            return finishSendLogged(sending, source, budget, true);
        }
    }

    private SendResult finishSendLogged(Message sending, Source source, Duration budget, boolean checkCampaign) {
        Instant started = clock.instant();
        if (checkCampaign) {
            Optional<CampaignRevocation> revoked = campaigns.revocationOf(sending);
            if (revoked.isPresent()) {
                // Never finished: the caller holds the send, so it settles it by the campaign's revoke.
                LOG.infof("Message %s of agent %s left in SENDING is not sent: campaign %s was revoked",
                        sending.messageId(), sending.agentId(), sending.campaign());
                return new SendResult.CampaignRevoked(campaigns.revokeNow(sending, revoked.get(), budget));
            }
        }
        if (!started.isBefore(sending.deadline())) {
            LOG.infof("Message %s of agent %s is not sent: its deadline %s has passed", sending.messageId(),
                    sending.agentId(), sending.deadline());
            return new SendResult.DeadlinePassed(sending);
        }
        Instant expireTime = sending.rbmExpires() && Message.rbmShouldExpire(sending.rbmExpireTime(), started)
                ? sending.rbmExpireTime()
                : null;
        Duration untilDeadline = Duration.between(started, sending.deadline());
        OutgoingMessage outgoing = new OutgoingMessage(sending.agentId(), sending.phoneNumber(),
                sending.messageId(), sending.rbmPayload(), expireTime);
        SendOutcome outcome = rbm.send(outgoing, budget.compareTo(untilDeadline) < 0 ? budget : untilDeadline);
        if (outcome instanceof SendOutcome.Unavailable unavailable) {
            LOG.warnf("Message %s of agent %s stays SENDING: RBM unavailable (%s)", sending.messageId(),
                    sending.agentId(), unavailable.reason());
            return new SendResult.Unavailable(sending, unavailable.reason(), unavailable.retryAfter());
        }
        Message recorded = updater.apply(sending, current -> {
            if (current.state() != MessageState.SENDING) {
                // Settled meanwhile (by another send's answer, a webhook, or a revoke of the overdue send):
                // a late answer changes nothing; another resend of the same messageId told RBM the same.
                return current;
            }
            Instant now = clock.instant();
            if (outcome instanceof SendOutcome.Accepted) {
                return current.accepted(source, now);
            }
            if (outcome instanceof SendOutcome.Unreachable) {
                return current.unreachable(source, now);
            }
            SendOutcome.Rejected rejected = (SendOutcome.Rejected) outcome;
            return current.rejected("RBM " + rejected.status() + ": " + rejected.reason(), source, now);
        });
        LOG.infof("Message %s of agent %s to %s is %s after RBM's answer", recorded.messageId(), recorded.agentId(),
                PhoneNumbers.mask(recorded.phoneNumber()), recorded.state());
        if (outcome instanceof SendOutcome.Accepted) {
            metrics.count(Metric.SENT);
        }
        if (recorded.fallback().state() == FallbackState.PENDING) {
            Duration left = budget.minus(Duration.between(started, clock.instant()));
            recorded = fallback.dispatch(recorded, source, left);
        }
        return new SendResult.Created(recorded);
    }

    /** A deadline in the past is refused, unless the request repeats one made while it was still ahead. */
    private SendResult repeatOrRefuse(String messageId, String fingerprint, Instant deadline) {
        return store.get(messageId).map(existing -> repeatOf(existing, fingerprint))
                .orElseThrow(() -> new DeadlinePassedException(deadline));
    }

    /** A repeat answers the stored message; one whose send never finished and whose deadline passed stays unsent. */
    private SendResult repeatOf(Message existing, String fingerprint) {
        if (!existing.fingerprint().equals(fingerprint)) {
            return new SendResult.Conflicting(existing);
        }
        if (existing.state() == MessageState.SENDING && !clock.instant().isBefore(existing.deadline())) {
            return new SendResult.DeadlinePassed(existing);
        }
        return new SendResult.Repeated(existing);
    }
}
