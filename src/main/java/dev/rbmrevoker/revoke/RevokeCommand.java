package dev.rbmrevoker.revoke;

/**
 * A request to revoke a message now.
 *
 * @param fallback whether the fallback follows; null means "when the message has one"
 * @param phoneNumber for a message not tracked yet: where it was sent, else null
 * @param agentId for a message not tracked yet: its agent (the default agent when the caller named none)
 */
public record RevokeCommand(String messageId, Boolean fallback, String phoneNumber, String agentId) {
}
