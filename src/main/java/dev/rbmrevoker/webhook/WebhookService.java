package dev.rbmrevoker.webhook;

import dev.rbmrevoker.fallback.FallbackDispatcher;
import dev.rbmrevoker.message.Fact;
import dev.rbmrevoker.message.FallbackState;
import dev.rbmrevoker.message.IllegalTransitionException;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageGoneException;
import dev.rbmrevoker.message.MessageIds;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.MessageUpdater;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.PhoneNumbers;
import dev.rbmrevoker.message.Presumption;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.observe.MessageLog;
import dev.rbmrevoker.observe.Metric;
import dev.rbmrevoker.observe.Metrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * Applies what RBM's webhook reports to the tracked messages. The common events (a delivery of a
 * PENDING message, the read of a DELIVERED one) are one conditional write with no read, presumed from
 * the usual order; anything else, or a message not as presumed, is read (the failed write answers it)
 * and decided from what is stored. Replays (same event id, or same envelope) change nothing.
 */
@ApplicationScoped
public class WebhookService {

    private static final Logger LOG = Logger.getLogger(WebhookService.class);

    private final MessageStore store;
    private final MessageUpdater updater;
    private final FallbackDispatcher fallback;
    private final Clock clock;
    private final Duration fallbackBudget;
    private final Metrics metrics;

    public WebhookService(MessageStore store, MessageUpdater updater, FallbackDispatcher fallback, Clock clock,
            WebhookConfig config, Metrics metrics) {
        this.store = store;
        this.updater = updater;
        this.fallback = fallback;
        this.clock = clock;
        this.fallbackBudget = config.fallbackBudget();
        this.metrics = metrics;
    }

    /**
     * @param envelopeId the Pub/Sub message id, the replay key of events that carry no event id
     * @return the message after the event, or empty when the event concerns no tracked message
     */
    public Optional<Message> apply(RbmEvent event, String envelopeId) {
        return apply(event, envelopeId, fallbackBudget);
    }

    /**
     * @param budget how long a fallback hand-over may take at most here (never more than the configured
     *     fallback budget); what does not finish in time is left to the sweep
     */
    public Optional<Message> apply(RbmEvent event, String envelopeId, Duration budget) {
        BiFunction<Message, Instant, Message> change = changeFor(event.eventType());
        if (change == null || !MessageIds.isValid(event.messageId())) {
            LOG.debugf("Webhook event %s (%s) changes no message", event.eventType(), event.eventId());
            return Optional.empty();
        }
        String replayKey = event.eventId() != null ? event.eventId() : envelopeId;
        Optional<Presumption> usual = usualShapeFor(event.eventType(), event.messageId(), replayKey);
        Optional<Message> stored;
        if (usual.isPresent()) {
            Message before = usual.get().message();
            TransitionResult result = store.transition(usual.get(),
                    change.apply(before, clock.instant()).withSeenEvent(replayKey));
            if (result instanceof TransitionResult.Applied applied) {
                try (MessageLog log = MessageLog.of(applied.message().messageId(), applied.message().agentId())) {
                    report(before, applied.message(), event);
                    return Optional.of(handOverIfDue(applied.message(), budget));
                }
            }
            stored = ((TransitionResult.Conflict) result).current();
        } else {
            stored = store.get(event.messageId());
        }
        if (stored.isEmpty()) {
            LOG.infof("Webhook event %s for message %s of agent %s to %s: the message is not tracked",
                    event.eventType(), event.messageId(), event.agentId(), PhoneNumbers.mask(event.phoneNumber()));
            return Optional.empty();
        }
        try (MessageLog log = MessageLog.of(stored.get().messageId(), stored.get().agentId())) {
            return applyLogged(stored.get(), change, event, replayKey, budget);
        }
    }

    private Optional<Message> applyLogged(Message stored, BiFunction<Message, Instant, Message> change,
            RbmEvent event, String replayKey, Duration budget) {
        Message after;
        try {
            after = updater.apply(stored, current -> {
                if (current.hasSeen(replayKey)) {
                    return current;
                }
                Message next = change.apply(current, clock.instant());
                return next == current ? current : next.withSeenEvent(replayKey);
            });
        } catch (IllegalTransitionException e) {
            LOG.warnf("Webhook event %s for message %s of agent %s ignored: %s", event.eventType(),
                    event.messageId(), event.agentId(), e.getMessage());
            return Optional.of(stored);
        } catch (MessageGoneException e) {
            return Optional.empty();
        }
        report(stored, after, event);
        return Optional.of(handOverIfDue(after, budget));
    }

    /** A fallback the event triggered goes now, within the webhook's budget; what does not fit is the sweep's. */
    private Message handOverIfDue(Message after, Duration budget) {
        if (after.fallback().state() != FallbackState.PENDING) {
            return after;
        }
        return fallback.dispatch(after, Source.WEBHOOK, budget.compareTo(fallbackBudget) < 0 ? budget : fallbackBudget);
    }

    /**
     * How a message usually is when the event arrives, for the events whose effect there is known without
     * reading it: DELIVERED on a PENDING message, READ on a DELIVERED one, and RBM's expiry of a PENDING one
     * whose fallback waits (the fallback it triggers is handed over from the message the write returns).
     */
    private static Optional<Presumption> usualShapeFor(String eventType, String messageId, String replayKey) {
        return switch (eventType) {
            case "DELIVERED" -> Optional.of(Presumption.ofEvent(messageId, MessageState.PENDING, replayKey));
            case "READ" -> Optional.of(Presumption.ofEvent(messageId, MessageState.DELIVERED, replayKey));
            case "TTL_EXPIRATION_REVOKED" -> Optional.of(Presumption.ofExpiry(messageId, replayKey));
            default -> Optional.empty();
        };
    }

    private static BiFunction<Message, Instant, Message> changeFor(String eventType) {
        if (eventType == null) {
            return null;
        }
        return switch (eventType) {
            case "DELIVERED" -> (m, now) -> m.delivered(Source.WEBHOOK, now);
            case "READ" -> (m, now) -> m.read(Source.WEBHOOK, now);
            case "TTL_EXPIRATION_REVOKED" -> (m, now) -> m.expiredByRbm(Source.WEBHOOK, now);
            case "TTL_EXPIRATION_REVOKE_FAILED" -> (m, now) -> m.ttlRevokeFailed(Source.WEBHOOK, now);
            default -> null;
        };
    }

    private void report(Message before, Message after, RbmEvent event) {
        if (after == before || after.history().isEmpty()) {
            LOG.debugf("Webhook event %s for message %s changed nothing", event.eventType(), event.messageId());
            return;
        }
        String last = after.history().get(after.history().size() - 1).event();
        boolean nowDelivered = after.deliveredAt() != null && before.deliveredAt() == null;
        if (nowDelivered) {
            metrics.count(Metric.DELIVERED);
        }
        if (after.state() == MessageState.REVOKED && before.state() != MessageState.REVOKED) {
            metrics.count(Metric.REVOKED);
        }
        if (Fact.REVOKE_NOT_HONOURED.name().equals(last)) {
            metrics.count(Metric.REVOKE_NOT_HONOURED);
            LOG.warnf("Message %s of agent %s was delivered though RBM answered 200 to its revoke: no fallback"
                    + " is sent", after.messageId(), after.agentId());
        } else if (Fact.DELIVERED_AFTER_REVOKE.name().equals(last)) {
            metrics.count(Metric.DELIVERED_AFTER_REVOKE);
            LOG.warnf("Message %s of agent %s was delivered after it was %s: the user may get it twice",
                    after.messageId(), after.agentId(), after.state());
        } else {
            LOG.infof("Message %s of agent %s: webhook %s -> %s", after.messageId(), after.agentId(),
                    event.eventType(), after.state());
        }
    }
}
