package dev.rbmrevoker.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rbmrevoker.rbm.RbmSecrets;
import dev.rbmrevoker.webhook.RbmEvent;
import dev.rbmrevoker.webhook.WebhookConfig;
import dev.rbmrevoker.webhook.WebhookForwarder;
import dev.rbmrevoker.webhook.WebhookService;
import dev.rbmrevoker.webhook.WebhookSignature;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * RBM's webhook. Checks, in API.md's order: the verification handshake, a parseable envelope, the
 * signature; then every validly signed envelope gets 200, whatever its data, because any other answer
 * makes RBM retry for days and delays every agent of the partner.
 */
@Path("/webhooks/rbm")
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);
    /** A forward is always tried, however long the event took; a failed one is retried by the sweep. */
    private static final Duration MIN_FORWARD_WAIT = Duration.ofMillis(200);

    private final ObjectMapper mapper;
    private final RbmSecrets secrets;
    private final WebhookService events;
    private final WebhookForwarder forwarder;
    private final Duration responseBudget;

    public WebhookResource(ObjectMapper mapper, RbmSecrets secrets, WebhookService events,
            WebhookForwarder forwarder, WebhookConfig config) {
        this.mapper = mapper;
        this.secrets = secrets;
        this.events = events;
        this.forwarder = forwarder;
        this.responseBudget = config.responseBudget();
    }

    @POST
    @Operation(summary = "RBM's webhook: the verification handshake and signed Pub/Sub push envelopes")
    @APIResponse(responseCode = "200", description = "Handshake answered, or a validly signed envelope taken")
    @APIResponse(responseCode = "400", description = "malformed-event",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "bad-signature",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "wrong-client-token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response receive(byte[] body, @HeaderParam("X-Goog-Signature") String signature) {
        long started = System.nanoTime();
        if (body != null && body.length > JsonBody.MAX_BYTES) {
            throw ProblemException.of(ProblemType.PAYLOAD_TOO_LARGE, "An RBM envelope is never this large.");
        }
        JsonNode envelope = parse(body);
        if (envelope.has("clientToken") && !envelope.has("message")) {
            return handshake(envelope);
        }
        JsonNode message = envelope.path("message");
        JsonNode data = message.path("data");
        if (!data.isTextual()) {
            throw malformed("message.data is missing or not a string");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(data.textValue());
        } catch (IllegalArgumentException e) {
            throw malformed("message.data is not base64");
        }
        if (!signedWithOurToken(decoded, signature)) {
            LOG.warnf("Webhook envelope %s refused: %s X-Goog-Signature", text(message, "messageId"),
                    signature == null ? "no" : "a wrong");
            throw ProblemException.of(ProblemType.BAD_SIGNATURE,
                    signature == null ? "X-Goog-Signature is missing." : "X-Goog-Signature does not match the data.");
        }
        String envelopeId = text(message, "messageId");
        if (!"agent_launch_event".equals(text(message.path("attributes"), "type"))) {
            RbmEvent event = event(decoded, envelopeId);
            if (event != null) {
                try {
                    events.apply(event, envelopeId, responseBudget);
                } catch (SdkException e) {
                    // Nothing may be lost: RBM retries what we do not acknowledge (and it is forwarded then).
                    LOG.errorf(e, "Webhook event %s for message %s not recorded: DynamoDB failed", event.eventType(),
                            event.messageId());
                    throw ProblemException.of(ProblemType.STORE_UNAVAILABLE, "The event could not be recorded.");
                }
            }
        }
        // After the event, because a fallback is more urgent than the agent's copy; the two share one
        // budget so that RBM never waits for a slow fallback and a slow agent webhook in full.
        Duration left = responseBudget.minusNanos(System.nanoTime() - started);
        forwarder.forward(new String(body, StandardCharsets.UTF_8), signature, envelopeId,
                left.compareTo(MIN_FORWARD_WAIT) < 0 ? MIN_FORWARD_WAIT : left);
        return Response.ok().build();
    }

    /**
     * Checked against the cached client token, then once more after re-reading the secret when it may have
     * been filled or rotated since (RbmSecrets limits how often a refusal re-reads).
     */
    private boolean signedWithOurToken(byte[] data, String signature) {
        Optional<String> token = secrets.webhookClientToken();
        if (WebhookSignature.isValid(data, signature, token.orElse(null))) {
            return true;
        }
        if (signature != null && secrets.webhookClientTokenRefused(token)) {
            token = secrets.webhookClientToken();
            if (WebhookSignature.isValid(data, signature, token.orElse(null))) {
                return true;
            }
        }
        if (token.isEmpty()) {
            LOG.error("A webhook arrived but no webhook client token is configured (RBM_WEBHOOK_CLIENT_TOKEN or the"
                    + " secret's webhookClientToken): it cannot be verified");
        }
        return false;
    }

    private Response handshake(JsonNode envelope) {
        String given = envelope.path("clientToken").asText("");
        Optional<String> ours = secrets.webhookClientToken();
        boolean match = sameToken(given, ours);
        if (!match && !given.isEmpty() && secrets.webhookClientTokenRefused(ours)) {
            match = sameToken(given, secrets.webhookClientToken());
        }
        if (!match) {
            LOG.warn("Webhook verification handshake refused: the client token is not ours");
            throw ProblemException.of(ProblemType.WRONG_CLIENT_TOKEN, "The client token does not match.");
        }
        LOG.info("Webhook verification handshake answered");
        return Response.ok(envelope.path("secret").asText(""), MediaType.TEXT_PLAIN_TYPE).build();
    }

    private static boolean sameToken(String given, Optional<String> ours) {
        return ours.isPresent() && MessageDigest.isEqual(
                given.getBytes(StandardCharsets.UTF_8), ours.get().getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode tree = body == null ? null : mapper.readTree(body);
            if (tree == null || !tree.isObject()) {
                throw malformed("the body is not a JSON object");
            }
            return tree;
        } catch (IOException e) {
            throw malformed("the body is not JSON");
        }
    }

    /** The event in the data, or null when the data is not a JSON object (acknowledged all the same). */
    private RbmEvent event(byte[] data, String envelopeId) {
        JsonNode tree;
        try {
            tree = mapper.readTree(data);
        } catch (IOException e) {
            tree = null;
        }
        if (tree == null || !tree.isObject()) {
            LOG.warnf("Webhook envelope %s carries data that is not a JSON object; acknowledged", envelopeId);
            return null;
        }
        String phone = text(tree, "phoneNumber") != null ? text(tree, "phoneNumber") : text(tree, "senderPhoneNumber");
        return new RbmEvent(text(tree, "eventType"), text(tree, "eventId"), text(tree, "messageId"), phone,
                text(tree, "agentId"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.textValue() : null;
    }

    private static ProblemException malformed(String why) {
        return ProblemException.of(ProblemType.MALFORMED_EVENT, "Not an RBM webhook envelope: " + why + ".");
    }
}
