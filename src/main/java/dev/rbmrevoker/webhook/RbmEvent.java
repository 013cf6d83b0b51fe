package dev.rbmrevoker.webhook;

/**
 * The decoded {@code data} of an RBM webhook, read leniently.
 *
 * @param eventType DELIVERED, READ, IS_TYPING, TTL_EXPIRATION_REVOKED ...; null for an inbound user message
 * @param eventId RBM's id of the event, to ignore its replays; may be null
 * @param messageId the agent message it is about (DELIVERED, READ and the TTL events), else null
 * @param phoneNumber {@code phoneNumber} of server events or {@code senderPhoneNumber} of user events
 */
public record RbmEvent(String eventType, String eventId, String messageId, String phoneNumber, String agentId) {
}
