package dev.rbmrevoker.rbm;

import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * RBM's agentMessages resource. Answers are raw {@link Response}s so that {@link RbmClient} translates
 * every status itself; calls are asynchronous so that a caller can stop waiting when its budget ends.
 * {@code phone} is passed already percent-encoded ({@code %2B16502530001}).
 */
@Path("/v1/phones/{phone}/agentMessages")
interface RbmApi {

    /** agentMessages.create. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    CompletionStage<Response> send(@PathParam("phone") @Encoded String phone,
            @QueryParam("messageId") String messageId,
            @QueryParam("agentId") String agentId,
            @HeaderParam("Authorization") String authorization,
            String agentMessageJson);

    /** agentMessages.delete; agentId is required here too, or RBM answers 403. */
    @DELETE
    @Path("/{messageId}")
    @Produces(MediaType.APPLICATION_JSON)
    CompletionStage<Response> revoke(@PathParam("phone") @Encoded String phone,
            @PathParam("messageId") String messageId,
            @QueryParam("agentId") String agentId,
            @HeaderParam("Authorization") String authorization);
}
