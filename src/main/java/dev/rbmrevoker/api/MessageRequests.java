package dev.rbmrevoker.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rbmrevoker.fallback.FallbackDispatcher;
import dev.rbmrevoker.message.CampaignLabels;
import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.revoke.RevokeCommand;
import dev.rbmrevoker.rbm.RbmConfig;
import dev.rbmrevoker.send.SendCommand;
import dev.rbmrevoker.send.TrackCommand;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Turns request bodies into validated commands, or a 400 that names every wrong field. */
@ApplicationScoped
class MessageRequests {

    /** RBM accepts expiries at most this far ahead, so deadlines are held to it too. */
    static final Duration LONGEST_DEADLINE = Duration.ofDays(15);
    static final Set<String> TRAFFIC_TYPES = Set.of("MESSAGE_TRAFFIC_TYPE_UNSPECIFIED", "AUTHENTICATION",
            "TRANSACTION", "PROMOTION", "SERVICEREQUEST", "ACKNOWLEDGEMENT");
    private static final Set<String> SEND_FIELDS = Set.of("messageId", "phoneNumber", "contentMessage", "agentId",
            "messageTrafficType", "deadline", "ttl", "fallback", "campaign");
    private static final Set<String> TRACK_FIELDS = Set.of("phoneNumber", "agentId", "deadline", "ttl", "fallback",
            "rbmExpireTime", "campaign");
    private static final Set<String> REVOKE_FIELDS = Set.of("fallback", "phoneNumber", "agentId");
    private static final int LONGEST_SMS = 1600;

    private final JsonBody json;
    private final FallbackDispatcher fallback;
    private final Optional<String> defaultAgentId;
    private final Clock clock;

    MessageRequests(JsonBody json, FallbackDispatcher fallback, RbmConfig rbm, Clock clock) {
        this.json = json;
        this.fallback = fallback;
        this.defaultAgentId = rbm.agentId();
        this.clock = clock;
    }

    SendCommand send(byte[] body) {
        ObjectNode request = json.object(body, SEND_FIELDS, false);
        FieldErrors errors = new FieldErrors();
        String messageId = optionalText(request, "messageId", errors);
        if (messageId != null && !Ids.isUuid(messageId)) {
            errors.add("messageId", "must be a UUID");
        }
        String phoneNumber = phoneNumber(request, errors);
        String agentId = agentId(request, errors);
        JsonNode content = request.get("contentMessage");
        if (content == null || content.isNull()) {
            errors.add("contentMessage", "is required");
        } else if (!content.isObject()) {
            errors.add("contentMessage", "must be an object (an RBM AgentContentMessage)");
        }
        String trafficType = optionalText(request, "messageTrafficType", errors);
        if (trafficType != null && !TRAFFIC_TYPES.contains(trafficType)) {
            errors.add("messageTrafficType", "must be one of " + String.join(", ", new java.util.TreeSet<>(TRAFFIC_TYPES)));
        }
        Instant deadline = deadline(request, errors);
        Fallback fallbackRequest = fallback(request, errors);
        String campaign = campaign(request, errors);
        errors.throwIfAny();
        requireServable(fallbackRequest);

        ObjectNode agentMessage = request.objectNode();
        agentMessage.set("contentMessage", content);
        if (trafficType != null) {
            agentMessage.put("messageTrafficType", trafficType);
        }
        String id = messageId != null ? messageId : UUID.randomUUID().toString();
        ObjectNode identity = request.deepCopy();
        identity.remove("messageId");
        identity.put("agentId", agentId);
        return new SendCommand(id, agentId, phoneNumber, json.write(agentMessage), deadline, fallbackRequest,
                json.fingerprint(identity), campaign);
    }

    TrackCommand track(String messageId, byte[] body) {
        String id = Ids.requireUuid(messageId);
        ObjectNode request = json.object(body, TRACK_FIELDS, false);
        FieldErrors errors = new FieldErrors();
        String phoneNumber = phoneNumber(request, errors);
        String agentId = agentId(request, errors);
        Instant deadline = deadline(request, errors);
        Instant rbmExpireTime = rbmExpireTime(request, errors);
        Fallback fallbackRequest = fallback(request, errors);
        String campaign = campaign(request, errors);
        errors.throwIfAny();
        requireServable(fallbackRequest);
        ObjectNode identity = request.deepCopy();
        identity.put("agentId", agentId);
        return new TrackCommand(id, agentId, phoneNumber, deadline, rbmExpireTime, fallbackRequest,
                json.fingerprint(identity), campaign);
    }

    RevokeCommand revoke(String messageId, byte[] body) {
        String id = Ids.requireUuid(messageId);
        ObjectNode request = json.object(body, REVOKE_FIELDS, true);
        FieldErrors errors = new FieldErrors();
        Boolean withFallback = null;
        JsonNode fallbackNode = request.get("fallback");
        if (fallbackNode != null && !fallbackNode.isNull()) {
            if (fallbackNode.isBoolean()) {
                withFallback = fallbackNode.booleanValue();
            } else {
                errors.add("fallback", "must be true or false");
            }
        }
        String phoneNumber = request.hasNonNull("phoneNumber") ? phoneNumber(request, errors) : null;
        String agentId = null;
        if (phoneNumber != null || request.hasNonNull("agentId")) {
            agentId = agentId(request, errors);
        }
        errors.throwIfAny();
        return new RevokeCommand(id, withFallback, phoneNumber, agentId);
    }

    private String phoneNumber(ObjectNode request, FieldErrors errors) {
        String number = optionalText(request, "phoneNumber", errors);
        if (number == null) {
            if (!request.hasNonNull("phoneNumber")) {
                errors.add("phoneNumber", "is required");
            }
            return null;
        }
        String problem = PhoneNumberRule.problem(number);
        if (problem != null) {
            errors.add("phoneNumber", problem);
        }
        return number;
    }

    private static String campaign(ObjectNode request, FieldErrors errors) {
        String campaign = optionalText(request, "campaign", errors);
        if (campaign != null && !CampaignLabels.isValid(campaign)) {
            errors.add("campaign", CampaignRequests.LABEL_RULE);
        }
        return campaign;
    }

    private String agentId(ObjectNode request, FieldErrors errors) {
        String agentId = optionalText(request, "agentId", errors);
        if (agentId != null) {
            if (agentId.isBlank() || agentId.length() > 200) {
                errors.add("agentId", "must be an RBM agent id");
            }
            return agentId;
        }
        if (defaultAgentId.isEmpty() && !request.hasNonNull("agentId")) {
            errors.add("agentId", "is required: this deployment has no default agent (RBM_AGENT_ID)");
        }
        return defaultAgentId.orElse(null);
    }

    /**
     * Exactly one of deadline (an RFC 3339 instant) or ttl (an ISO-8601 duration), at most 15 days ahead.
     * Held to the millisecond, as stored: a deadline never moves later, and a ttl under a millisecond is
     * no deadline ahead.
     */
    private Instant deadline(ObjectNode request, FieldErrors errors) {
        String deadlineText = optionalText(request, "deadline", errors);
        String ttlText = optionalText(request, "ttl", errors);
        boolean hasDeadline = request.hasNonNull("deadline");
        boolean hasTtl = request.hasNonNull("ttl");
        if (hasDeadline == hasTtl) {
            errors.add(hasDeadline ? "ttl" : "deadline", hasDeadline
                    ? "must not be given together with deadline"
                    : "is required, or ttl instead");
            return null;
        }
        Instant now = clock.instant();
        if (hasDeadline) {
            Instant deadline = instant(deadlineText, "deadline", errors);
            if (deadline != null && deadline.isAfter(now.plus(LONGEST_DEADLINE))) {
                errors.add("deadline", "must be at most 15 days ahead");
            }
            return deadline;
        }
        Duration ttl = ttl(ttlText, errors);
        if (ttl == null) {
            return null;
        }
        Instant deadline = now.plus(ttl).truncatedTo(ChronoUnit.MILLIS);
        // Compared as a duration too: a sub-millisecond ttl that crosses a millisecond boundary is no deadline either.
        if (ttl.compareTo(Duration.ofMillis(1)) < 0 || !deadline.isAfter(now)) {
            errors.add("ttl", "must be at least a millisecond");
            return null;
        }
        return deadline;
    }

    /**
     * The expiry the agent gave RBM itself, so a late 404 on our revoke is read as possibly RBM's own
     * doing; it may have passed already, and RBM accepts none more than 15 days ahead.
     */
    private Instant rbmExpireTime(ObjectNode request, FieldErrors errors) {
        Instant expiry = instant(optionalText(request, "rbmExpireTime", errors), "rbmExpireTime", errors);
        if (expiry != null && expiry.isAfter(clock.instant().plus(LONGEST_DEADLINE))) {
            errors.add("rbmExpireTime", "must be at most 15 days ahead");
        }
        return expiry;
    }

    /** A positive ISO-8601 duration of at most 15 days, compared before any instant arithmetic can overflow. */
    private static Duration ttl(String text, FieldErrors errors) {
        if (text == null) {
            return null;
        }
        Duration ttl;
        try {
            ttl = Duration.parse(text);
        } catch (DateTimeParseException e) {
            errors.add("ttl", "must be an ISO-8601 duration such as PT10M");
            return null;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            errors.add("ttl", "must be positive");
            return null;
        }
        if (ttl.compareTo(LONGEST_DEADLINE) > 0) {
            errors.add("ttl", "must be at most 15 days (P15D)");
            return null;
        }
        return ttl;
    }

    /** An RFC 3339 date-time with an offset, as an instant held to the millisecond; null after an error. */
    private static Instant instant(String text, String field, FieldErrors errors) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeException | ArithmeticException e) {
            errors.add(field, "must be an RFC 3339 date-time such as 2026-11-22T10:00:00Z");
            return null;
        }
    }

    private Fallback fallback(ObjectNode request, FieldErrors errors) {
        JsonNode node = request.get("fallback");
        if (node == null || node.isNull()) {
            return Fallback.none();
        }
        if (!node.isObject()) {
            errors.add("fallback", "must be an object with sms and/or callback");
            return Fallback.none();
        }
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(name -> {
            if (!name.equals("sms") && !name.equals("callback")) {
                unknown.add(name);
            }
        });
        unknown.forEach(name -> errors.add("fallback." + name, "is not a known channel (sms, callback)"));
        String smsText = null;
        JsonNode sms = node.get("sms");
        if (sms != null && !sms.isNull()) {
            JsonNode text = sms.isObject() ? sms.get("text") : null;
            if (!sms.isObject() || sms.size() != 1 || text == null || !text.isTextual()) {
                errors.add("fallback.sms", "must be {\"text\": \"...\"}");
            } else if (text.textValue().isBlank() || text.textValue().length() > LONGEST_SMS) {
                errors.add("fallback.sms.text", "must have 1 to " + LONGEST_SMS + " characters");
            } else {
                smsText = text.textValue();
            }
        }
        JsonNode callback = node.get("callback");
        boolean wantsCallback = callback != null && !callback.isNull();
        if (wantsCallback && !(callback.isObject() && callback.isEmpty())) {
            errors.add("fallback.callback", "must be {}");
        }
        return Fallback.requested(smsText, wantsCallback);
    }

    private void requireServable(Fallback requested) {
        for (Channel channel : requested.channels()) {
            if (!fallback.canServe(channel)) {
                throw ProblemException.of(ProblemType.NO_FALLBACK_CHANNEL, channel == Channel.SMS
                        ? "SMS fallback is not enabled in this deployment (FALLBACK_SMS_ENABLED)."
                        : "Callback fallback is not configured in this deployment (FALLBACK_CALLBACK_URL).");
            }
        }
    }

    private static String optionalText(ObjectNode request, String field, FieldErrors errors) {
        JsonNode node = request.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            errors.add(field, "must be a string");
            return null;
        }
        return node.textValue();
    }
}
