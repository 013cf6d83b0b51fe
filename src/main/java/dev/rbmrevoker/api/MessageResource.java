package dev.rbmrevoker.api;

import dev.rbmrevoker.message.MessageStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The tracked messages. */
@Path("/v1/messages")
@Produces(MediaType.APPLICATION_JSON)
public class MessageResource {

    private final MessageStore store;

    public MessageResource(MessageStore store) {
        this.store = store;
    }

    @GET
    @Path("/{messageId}")
    public MessageView get(@PathParam("messageId") String messageId) {
        String id = Ids.requireUuid(messageId);
        return store.get(id).map(MessageView::of)
                .orElseThrow(() -> ProblemException.of(ProblemType.NOT_FOUND, "No message " + id + " is tracked."));
    }
}
