package dev.rbmrevoker.api;

import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.revoke.RevokeResult;
import dev.rbmrevoker.revoke.RevokeService;
import dev.rbmrevoker.send.SendResult;
import dev.rbmrevoker.send.SendService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The tracked messages: send, track, read, revoke. */
@Path("/v1/messages")
@Produces(MediaType.APPLICATION_JSON)
public class MessageResource {

    private final MessageStore store;
    private final MessageRequests requests;
    private final SendService sends;
    private final RevokeService revokes;

    public MessageResource(MessageStore store, MessageRequests requests, SendService sends, RevokeService revokes) {
        this.store = store;
        this.requests = requests;
        this.sends = sends;
        this.revokes = revokes;
    }

    @POST
    @Operation(summary = "Send a message through RBM and track it")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiDocs.SendRequest.class)))
    @APIResponse(responseCode = "201", description = "Sent (PENDING), or UNDELIVERABLE with its fallback",
            content = @Content(schema = @Schema(implementation = MessageView.class)))
    @APIResponse(responseCode = "200", description = "The same request again: the stored message",
            content = @Content(schema = @Schema(implementation = MessageView.class)))
    @APIResponse(responseCode = "400", ref = "validation")
    @APIResponse(responseCode = "409", ref = "sendConflict")
    @APIResponse(responseCode = "413", ref = "payloadTooLarge")
    @APIResponse(responseCode = "422", ref = "rbmRejected")
    @APIResponse(responseCode = "503", ref = "rbmUnavailable")
    public Response send(byte[] body) {
        return sendAnswer(sends.send(requests.send(body)));
    }

    @PUT
    @Path("/{messageId}")
    @Operation(summary = "Track a message the agent sent itself")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiDocs.TrackRequest.class)))
    @APIResponse(responseCode = "201", description = "Tracked",
            content = @Content(schema = @Schema(implementation = MessageView.class)))
    @APIResponse(responseCode = "200", description = "The same request again",
            content = @Content(schema = @Schema(implementation = MessageView.class)))
    @APIResponse(responseCode = "400", ref = "validation")
    @APIResponse(responseCode = "409", ref = "conflict")
    public Response track(@PathParam("messageId") String messageId, byte[] body) {
        return sendAnswer(sends.track(requests.track(messageId, body)));
    }

    @GET
    @Path("/{messageId}")
    @Operation(summary = "A message's state and history")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = MessageView.class)))
    @APIResponse(responseCode = "400", ref = "validation")
    @APIResponse(responseCode = "404", ref = "notFound")
    public MessageView get(@PathParam("messageId") String messageId) {
        String id = Ids.requireUuid(messageId);
        return store.get(id).map(MessageView::of).orElseThrow(() -> notFound(id));
    }

    @POST
    @Path("/{messageId}/revoke")
    @Operation(summary = "Revoke a message now, then fall back")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiDocs.RevokeRequest.class)))
    @APIResponse(responseCode = "200", description = "REVOKED, FALLEN_BACK, or already settled",
            content = @Content(schema = @Schema(implementation = MessageView.class)))
    @APIResponse(responseCode = "400", ref = "validation")
    @APIResponse(responseCode = "404", ref = "notFound")
    @APIResponse(responseCode = "409", ref = "revokeConflict")
    @APIResponse(responseCode = "422", ref = "rbmRejected")
    @APIResponse(responseCode = "503", ref = "rbmUnavailable")
    public Response revoke(@PathParam("messageId") String messageId, byte[] body) {
        RevokeResult result = revokes.revoke(requests.revoke(messageId, body));
        if (result instanceof RevokeResult.Revoked revoked) {
            return Response.ok(MessageView.of(revoked.message())).build();
        }
        if (result instanceof RevokeResult.AlreadyDelivered delivered) {
            throw ProblemException.of(ProblemType.ALREADY_DELIVERED,
                    "Message " + delivered.message().messageId() + " is " + delivered.message().state() + ".");
        }
        if (result instanceof RevokeResult.InProgress inProgress) {
            throw new ProblemException(Problem.of(ProblemType.REVOKE_IN_PROGRESS, "Message "
                    + inProgress.message().messageId() + " is being revoked; ask again after the lease."),
                    inProgress.retryAfter());
        }
        if (result instanceof RevokeResult.NotSent notSent) {
            throw ProblemException.of(ProblemType.NOT_SENT, "Message " + notSent.message().messageId() + " is "
                    + notSent.message().state() + ": RBM has not taken it.");
        }
        if (result instanceof RevokeResult.Rejected rejected) {
            throw ProblemException.of(ProblemType.RBM_REJECTED, rejected.reason());
        }
        if (result instanceof RevokeResult.Unavailable unavailable) {
            throw new ProblemException(Problem.of(ProblemType.RBM_UNAVAILABLE,
                    "RBM did not answer the revoke: " + unavailable.reason() + ". The message is PENDING; ask again."),
                    unavailable.retryAfter());
        }
        throw notFound(messageId);
    }

    private static Response sendAnswer(SendResult result) {
        Message message = result.message();
        if (result instanceof SendResult.Conflicting) {
            throw ProblemException.of(ProblemType.CONFLICT,
                    "Message " + message.messageId() + " exists with a different request body.");
        }
        if (result instanceof SendResult.Unavailable unavailable) {
            throw new ProblemException(Problem.of(ProblemType.RBM_UNAVAILABLE, "RBM did not take the message: "
                    + unavailable.reason() + ". It is recorded as SENDING; repeat the same request to finish it."),
                    unavailable.retryAfter() != null ? unavailable.retryAfter() : Duration.ofSeconds(5));
        }
        if (result instanceof SendResult.CampaignRevoked) {
            throw new ProblemException(Problem.about(ProblemType.CAMPAIGN_REVOKED, "Campaign " + message.campaign()
                    + " of agent " + message.agentId() + " was revoked: message " + message.messageId()
                    + " is not sent.", MessageView.of(message)));
        }
        if (result instanceof SendResult.DeadlinePassed) {
            throw new ProblemException(Problem.about(ProblemType.DEADLINE_PASSED, "Message " + message.messageId()
                    + " was never confirmed sent and its deadline " + message.deadline() + " has passed: it is not"
                    + " sent now, and the sweep settles it by a revoke.", MessageView.of(message)));
        }
        if (message.state() == MessageState.REJECTED) {
            String why = message.history().get(message.history().size() - 1).detail();
            throw ProblemException.of(ProblemType.RBM_REJECTED, why);
        }
        int status = result instanceof SendResult.Created ? 201 : 200;
        return Response.status(status).entity(MessageView.of(message)).build();
    }

    private static ProblemException notFound(String messageId) {
        return ProblemException.of(ProblemType.NOT_FOUND, "No message " + messageId + " is tracked.");
    }
}
