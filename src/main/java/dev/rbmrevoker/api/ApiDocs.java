package dev.rbmrevoker.api;

import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Request bodies as the OpenAPI document shows them. The resources read bodies as JSON trees (so
 * every mistake gets a precise 400), so these records exist only to describe them.
 */
final class ApiDocs {

    private ApiDocs() {
    }

    @Schema(name = "Fallback", description = "Channels to use when the message is revoked or undeliverable.")
    record FallbackRequest(
            @Schema(description = "An SMS through Amazon SNS", example = "{\"text\": \"Your code is 123456\"}")
            Map<String, String> sms,
            @Schema(description = "The deployment's signed fallback callback; always {}") Map<String, Object> callback) {
    }

    @Schema(name = "SendRequest", description = "Exactly one of deadline or ttl. Unknown fields are refused.")
    record SendRequest(
            @Schema(required = true, example = "+16502530001", description = "Strict E.164") String phoneNumber,
            @Schema(required = true, description = "An RBM AgentContentMessage, passed to RBM as is")
            Map<String, Object> contentMessage,
            @Schema(description = "A UUID; made when absent") String messageId,
            @Schema(description = "Default: RBM_AGENT_ID") String agentId,
            @Schema(enumeration = {"MESSAGE_TRAFFIC_TYPE_UNSPECIFIED", "AUTHENTICATION", "TRANSACTION", "PROMOTION",
                    "SERVICEREQUEST", "ACKNOWLEDGEMENT"}) String messageTrafficType,
            @Schema(format = "date-time", example = "2026-11-22T10:00:00Z") String deadline,
            @Schema(example = "PT10M", description = "ISO-8601 duration") String ttl,
            FallbackRequest fallback) {
    }

    @Schema(name = "TrackRequest", description = "A message the agent sent itself. Exactly one of deadline or ttl.")
    record TrackRequest(
            @Schema(required = true, example = "+16502530001") String phoneNumber,
            String agentId,
            @Schema(format = "date-time") String deadline,
            @Schema(example = "PT10M") String ttl,
            @Schema(format = "date-time", description = "The expiry the agent itself gave RBM, if any: after it, RBM's"
                    + " 404 on a revoke may be its own expiry, settled by FALLBACK_ON_AMBIGUOUS") String rbmExpireTime,
            FallbackRequest fallback) {
    }

    @Schema(name = "RevokeRequest", description = "Optional body of a revoke.")
    record RevokeRequest(
            @Schema(description = "Default: true when the message has a fallback") Boolean fallback,
            @Schema(description = "For a message not tracked yet") String phoneNumber,
            @Schema(description = "For a message not tracked yet; default RBM_AGENT_ID") String agentId) {
    }
}
