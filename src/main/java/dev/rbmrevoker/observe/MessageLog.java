package dev.rbmrevoker.observe;

import org.jboss.logging.MDC;

/**
 * Puts messageId and agentId on every log line written while a message is being worked on (they
 * become fields of the JSON log in Lambda), and takes them off afterwards.
 */
public final class MessageLog implements AutoCloseable {

    static final String MESSAGE_ID = "messageId";
    static final String AGENT_ID = "agentId";

    private final Object previousMessageId;
    private final Object previousAgentId;

    private MessageLog(String messageId, String agentId) {
        previousMessageId = MDC.get(MESSAGE_ID);
        previousAgentId = MDC.get(AGENT_ID);
        put(MESSAGE_ID, messageId);
        put(AGENT_ID, agentId);
    }

    public static MessageLog of(String messageId, String agentId) {
        return new MessageLog(messageId, agentId);
    }

    @Override
    public void close() {
        put(MESSAGE_ID, previousMessageId);
        put(AGENT_ID, previousAgentId);
    }

    private static void put(String key, Object value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
