package dev.rbmrevoker.store;

import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.ChannelDelivery;
import dev.rbmrevoker.message.ChannelState;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.Fact;
import dev.rbmrevoker.message.FallbackState;
import dev.rbmrevoker.message.HistoryEntry;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.RevokeClaim;
import dev.rbmrevoker.message.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The only place that knows attribute names and {@link AttributeValue}s. Instants are epoch
 * milliseconds, except the TTL attribute, which DynamoDB wants in epoch seconds.
 */
final class MessageItemMapper {

    static final String AGENT_ID = "agentId";
    static final String PHONE_NUMBER = "phoneNumber";
    static final String CAMPAIGN = "campaign";
    static final String DEADLINE = "deadline";
    static final String RBM_EXPIRES = "rbmExpires";
    /** Only when RBM's expiry is not the deadline (the agent's own, for a tracked message). */
    static final String RBM_EXPIRE_TIME = "rbmExpireTime";
    static final String FINGERPRINT = "fingerprint";
    static final String RBM_PAYLOAD = "rbmPayload";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = "updatedAt";
    static final String DELIVERED_AT = "deliveredAt";
    static final String READ_AT = "readAt";
    static final String REVOKED_AT = "revokedAt";
    static final String REVOKE_AT = "revokeAt";
    static final String CLAIM = "claim";
    static final String FALLBACK = "fallback";
    /** Entries of the fallback map that a change presuming a waiting fallback is conditioned on. */
    static final String FALLBACK_STATE = "state";
    static final String FALLBACK_DUE = "nextAttemptAt";
    static final String FALLBACK_REASON = "reason";
    static final String FALLBACK_DELIVERIES = "deliveries";
    static final String HISTORY = "history";
    static final String HISTORY_DROPPED = "historyDropped";
    static final String SEEN_EVENTS = "seenEvents";
    static final String REVOKE_REFUSALS = "revokeRefusals";
    static final String REVOKE_UNCERTAIN = "revokeUncertain";
    static final String RBM_EXPIRY_FAILED = "rbmExpiryFailed";


    private final Duration retention;
    private final int dueShards;

    MessageItemMapper(Duration retention, int dueShards) {
        this.retention = retention;
        this.dueShards = dueShards;
    }

    Map<String, AttributeValue> toItem(Message m) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(MessagesTable.MESSAGE_ID, s(m.messageId()));
        item.put(AGENT_ID, s(m.agentId()));
        item.put(PHONE_NUMBER, s(m.phoneNumber()));
        if (m.campaign() != null) {
            item.put(CAMPAIGN, s(m.campaign()));
            item.put(MessagesTable.CAMPAIGN_KEY, s(MessagesTable.campaignKey(m.agentId(), m.campaign(), m.messageId())));
        }
        item.put(MessagesTable.STATE, s(m.state().name()));
        item.put(DEADLINE, n(m.deadline()));
        item.put(RBM_EXPIRES, AttributeValue.fromBool(m.rbmExpires()));
        if (m.rbmExpires() && !m.rbmExpireTime().equals(m.deadline())) {
            item.put(RBM_EXPIRE_TIME, n(m.rbmExpireTime()));
        }
        item.put(FINGERPRINT, s(m.fingerprint()));
        putIfPresent(item, RBM_PAYLOAD, m.rbmPayload() == null ? null : s(m.rbmPayload()));
        item.put(CREATED_AT, n(m.createdAt()));
        item.put(UPDATED_AT, n(m.updatedAt()));
        putIfPresent(item, DELIVERED_AT, n(m.deliveredAt()));
        putIfPresent(item, READ_AT, n(m.readAt()));
        putIfPresent(item, REVOKED_AT, n(m.revokedAt()));
        item.put(REVOKE_AT, n(m.revokeAt()));
        putIfPresent(item, CLAIM, claim(m.claim()));
        if (m.dueAt() != null) {
            item.put(MessagesTable.DUE_AT, n(m.dueAt()));
            item.put(MessagesTable.DUE_SHARD, s(MessagesTable.shardOf(m.messageId(), dueShards)));
        }
        if (m.revokeUnconfirmed()) {
            item.put(MessagesTable.KIND, s(MessagesTable.windowKind(m.fallback().channels())));
        }
        Instant expiresAt = m.isSettled() ? m.updatedAt().plus(retention)
                : m.revokesGaveUp() ? m.deadline().plus(retention)
                : null;
        if (expiresAt != null) {
            item.put(MessagesTable.EXPIRES_AT, AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())));
        }
        item.put(FALLBACK, fallback(m.fallback()));
        item.put(HISTORY, AttributeValue.fromL(m.history().stream().map(MessageItemMapper::history).toList()));
        item.put(HISTORY_DROPPED, AttributeValue.fromN(Integer.toString(m.historyDropped())));
        item.put(SEEN_EVENTS, AttributeValue.fromL(m.seenEvents().stream().map(MessageItemMapper::s).toList()));
        if (m.revokeRefusals() > 0) {
            item.put(REVOKE_REFUSALS, AttributeValue.fromN(Integer.toString(m.revokeRefusals())));
        }
        if (m.revokeUncertain()) {
            item.put(REVOKE_UNCERTAIN, AttributeValue.fromBool(true));
        }
        if (m.rbmExpiryFailed()) {
            item.put(RBM_EXPIRY_FAILED, AttributeValue.fromBool(true));
        }
        item.put(MessagesTable.VERSION, AttributeValue.fromN(Long.toString(m.version())));
        return item;
    }

    Message fromItem(Map<String, AttributeValue> item) {
        return new Message(
                str(item, MessagesTable.MESSAGE_ID),
                str(item, AGENT_ID),
                str(item, PHONE_NUMBER),
                str(item, CAMPAIGN),
                MessageState.valueOf(str(item, MessagesTable.STATE)),
                instant(item, DEADLINE),
                rbmExpireTime(item),
                str(item, FINGERPRINT),
                str(item, RBM_PAYLOAD),
                instant(item, CREATED_AT),
                instant(item, UPDATED_AT),
                instant(item, DELIVERED_AT),
                instant(item, READ_AT),
                instant(item, REVOKED_AT),
                instant(item, REVOKE_AT),
                claim(item.get(CLAIM)),
                instant(item, MessagesTable.DUE_AT),
                fallback(item.get(FALLBACK).m()),
                item.get(HISTORY).l().stream().map(v -> history(v.m())).toList(),
                Integer.parseInt(item.get(HISTORY_DROPPED).n()),
                item.get(SEEN_EVENTS).l().stream().map(AttributeValue::s).toList(),
                item.containsKey(REVOKE_REFUSALS) ? Integer.parseInt(item.get(REVOKE_REFUSALS).n()) : 0,
                item.containsKey(REVOKE_UNCERTAIN) && item.get(REVOKE_UNCERTAIN).bool(),
                rbmExpiryFailed(item),
                Long.parseLong(item.get(MessagesTable.VERSION).n()));
    }

    /** Items of the first releases kept the fact in the history only. */
    private static boolean rbmExpiryFailed(Map<String, AttributeValue> item) {
        return item.containsKey(RBM_EXPIRY_FAILED) ? item.get(RBM_EXPIRY_FAILED).bool()
                : item.get(HISTORY).l().stream().anyMatch(e -> Fact.TTL_EXPIRATION_REVOKE_FAILED.name().equals(
                        str(e.m(), "event")));
    }

    private static Instant rbmExpireTime(Map<String, AttributeValue> item) {
        Instant own = instant(item, RBM_EXPIRE_TIME);
        return own != null ? own : item.get(RBM_EXPIRES).bool() ? instant(item, DEADLINE) : null;
    }

    private static AttributeValue claim(RevokeClaim claim) {
        if (claim == null) {
            return null;
        }
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("leaseUntil", n(claim.leaseUntil()));
        m.put("reason", s(claim.reason().name()));
        m.put("fallback", AttributeValue.fromBool(claim.fallback()));
        m.put("by", s(claim.by().name()));
        m.put("uncertain", AttributeValue.fromBool(claim.uncertain()));
        return AttributeValue.fromM(m);
    }

    private static RevokeClaim claim(AttributeValue value) {
        if (value == null) {
            return null;
        }
        Map<String, AttributeValue> m = value.m();
        return new RevokeClaim(instant(m, "leaseUntil"), FallbackReason.valueOf(str(m, "reason")),
                m.get("fallback").bool(), Source.valueOf(str(m, "by")),
                m.containsKey("uncertain") && m.get("uncertain").bool());
    }

    private static AttributeValue fallback(Fallback f) {
        Map<String, AttributeValue> m = new HashMap<>();
        putIfPresent(m, "smsText", f.smsText() == null ? null : s(f.smsText()));
        m.put("callback", AttributeValue.fromBool(f.callback()));
        m.put(FALLBACK_STATE, s(f.state().name()));
        putIfPresent(m, FALLBACK_REASON, f.reason() == null ? null : s(f.reason().name()));
        putIfPresent(m, "sentAt", n(f.sentAt()));
        putIfPresent(m, FALLBACK_DUE, n(f.nextAttemptAt()));
        Map<String, AttributeValue> deliveries = new HashMap<>();
        f.deliveries().forEach((channel, d) -> deliveries.put(channel.name(), delivery(d)));
        m.put(FALLBACK_DELIVERIES, AttributeValue.fromM(deliveries));
        return AttributeValue.fromM(m);
    }

    private static Fallback fallback(Map<String, AttributeValue> m) {
        Map<Channel, ChannelDelivery> deliveries = new EnumMap<>(Channel.class);
        m.get(FALLBACK_DELIVERIES).m().forEach((channel, d) -> deliveries.put(Channel.valueOf(channel), delivery(d.m())));
        String reason = str(m, FALLBACK_REASON);
        Fallback fallback = new Fallback(str(m, "smsText"), m.get("callback").bool(),
                FallbackState.valueOf(str(m, FALLBACK_STATE)), reason == null ? null : FallbackReason.valueOf(reason),
                instant(m, "sentAt"), deliveries, instant(m, FALLBACK_DUE));
        if (fallback.state() == FallbackState.PENDING && deliveries.isEmpty()) {
            // Triggered by a write that did not know the channels (RBM's expiry, presumed): each is pending.
            fallback.channels().forEach(channel -> deliveries.put(channel, ChannelDelivery.pending()));
            return new Fallback(fallback.smsText(), fallback.callback(), fallback.state(), fallback.reason(),
                    fallback.sentAt(), deliveries, fallback.nextAttemptAt());
        }
        return fallback;
    }

    private static AttributeValue delivery(ChannelDelivery d) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("state", s(d.state().name()));
        m.put("attempts", AttributeValue.fromN(Integer.toString(d.attempts())));
        putIfPresent(m, "sentAt", n(d.sentAt()));
        putIfPresent(m, "lastError", d.lastError() == null ? null : s(d.lastError()));
        return AttributeValue.fromM(m);
    }

    private static ChannelDelivery delivery(Map<String, AttributeValue> m) {
        return new ChannelDelivery(ChannelState.valueOf(str(m, "state")), Integer.parseInt(m.get("attempts").n()),
                instant(m, "sentAt"), str(m, "lastError"));
    }

    private static AttributeValue history(HistoryEntry e) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("at", n(e.at()));
        m.put("event", s(e.event()));
        m.put("source", s(e.source().name()));
        putIfPresent(m, "detail", e.detail() == null ? null : s(e.detail()));
        return AttributeValue.fromM(m);
    }

    private static HistoryEntry history(Map<String, AttributeValue> m) {
        return new HistoryEntry(instant(m, "at"), str(m, "event"), Source.valueOf(str(m, "source")),
                str(m, "detail"));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(Instant value) {
        return value == null ? null : AttributeValue.fromN(Long.toString(value.toEpochMilli()));
    }

    static Instant instant(Map<String, AttributeValue> m, String name) {
        AttributeValue value = m.get(name);
        return value == null ? null : Instant.ofEpochMilli(Long.parseLong(value.n()));
    }

    static String str(Map<String, AttributeValue> m, String name) {
        AttributeValue value = m.get(name);
        return value == null ? null : value.s();
    }

    private static void putIfPresent(Map<String, AttributeValue> m, String name, AttributeValue value) {
        if (value != null) {
            m.put(name, value);
        }
    }
}
