package dev.rbmrevoker.api;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.RequestBody;

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

    /** Valid as it stands, so that Swagger UI's "Try it out" sends it: a ttl (never stale), no messageId (one is made). */
    static final String SEND_EXAMPLE = "{\"phoneNumber\": \"+16502530000\", \"contentMessage\": {\"text\": \"Your code is 123456\"},"
            + " \"ttl\": \"PT5M\", \"fallback\": {\"sms\": {\"text\": \"Your code is 123456\"}}}";

    @Schema(name = "SendRequest", example = SEND_EXAMPLE,
            description = "Exactly one of deadline or ttl. Unknown fields are refused.")
    record SendRequest(
            @Schema(required = true, example = "+16502530001", description = "Strict E.164") String phoneNumber,
            @Schema(required = true, description = "An RBM AgentContentMessage, passed to RBM as is")
            Map<String, Object> contentMessage,
            @Schema(description = "A UUID; made when absent", format = "uuid") String messageId,
            @Schema(description = "Default: RBM_AGENT_ID") String agentId,
            @Schema(enumeration = {"MESSAGE_TRAFFIC_TYPE_UNSPECIFIED", "AUTHENTICATION", "TRANSACTION", "PROMOTION",
                    "SERVICEREQUEST", "ACKNOWLEDGEMENT"}) String messageTrafficType,
            @Schema(format = "date-time", description = "An instant in the future, at most 15 days ahead; not with ttl")
            String deadline,
            @Schema(example = "PT10M", description = "ISO-8601 duration, at most 15 days; not with deadline") String ttl,
            FallbackRequest fallback,
            @Schema(description = CAMPAIGN) String campaign) {
    }

    static final String CAMPAIGN = "A campaign label, 1-64 of A-Z a-z 0-9 . _ -, per agent:"
            + " POST /v1/campaigns/{campaign}/revoke revokes every undelivered message with it";

    static final String TRACK_EXAMPLE = "{\"phoneNumber\": \"+16502530001\", \"ttl\": \"PT10M\","
            + " \"fallback\": {\"callback\": {}}}";

    @Schema(name = "TrackRequest", example = TRACK_EXAMPLE,
            description = "A message the agent sent itself. Exactly one of deadline or ttl.")
    record TrackRequest(
            @Schema(required = true, example = "+16502530001") String phoneNumber,
            String agentId,
            @Schema(format = "date-time", description = "Not with ttl") String deadline,
            @Schema(example = "PT10M", description = "Not with deadline") String ttl,
            @Schema(format = "date-time", description = "The expiry the agent itself gave RBM, if any: after it, RBM's"
                    + " 404 on a revoke may be its own expiry, settled by FALLBACK_ON_AMBIGUOUS") String rbmExpireTime,
            FallbackRequest fallback,
            @Schema(description = CAMPAIGN + "; tracking into a revoked campaign revokes the message at once")
            String campaign) {
    }

    @Schema(name = "CampaignRevokeRequest", example = "{\"fallback\": false}",
            description = "Optional body of a campaign revocation.")
    record CampaignRevokeRequest(
            @Schema(description = "Hand revoked messages over to their fallback; default false (content revoked for"
                    + " being wrong is not sent again as SMS)") Boolean fallback) {
    }

    @Schema(name = "RevokeRequest", example = "{\"fallback\": true}",
            description = "Optional body of a revoke; no body revokes with the message's own fallback.")
    record RevokeRequest(
            @Schema(description = "Default: true when the message has a fallback") Boolean fallback,
            @Schema(description = "For a message not tracked yet") String phoneNumber,
            @Schema(description = "For a message not tracked yet; default RBM_AGENT_ID") String agentId) {
    }

    /**
     * A revoke's body is optional, but the generator marks every body parameter required (Swagger UI then
     * refuses to send a revoke without one).
     */
    @OpenApiFilter
    public static final class OptionalRevokeBody implements OASFilter {

        @Override
        public RequestBody filterRequestBody(RequestBody requestBody) {
            if (requestBody.getContent() != null && requestBody.getContent().getMediaTypes().values().stream()
                    .anyMatch(media -> media.getSchema() != null && media.getSchema().getRef() != null
                            && (media.getSchema().getRef().endsWith("/RevokeRequest")
                                    || media.getSchema().getRef().endsWith("/CampaignRevokeRequest")))) {
                requestBody.setRequired(false);
            }
            return requestBody;
        }
    }
}
