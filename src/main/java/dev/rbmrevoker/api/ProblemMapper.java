package dev.rbmrevoker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.rbmrevoker.message.DeadlinePassedException;
import dev.rbmrevoker.message.MessageGoneException;
import dev.rbmrevoker.message.NoFallbackChannelException;
import jakarta.ws.rs.WebApplicationException;
import java.util.List;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import software.amazon.awssdk.core.exception.SdkException;

/** The one place that turns failures into problem+json answers. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response.ResponseBuilder response = respond(e.problem());
        if (e.retryAfter() != null) {
            response.header("Retry-After", Math.max(1, e.retryAfter().toSeconds()));
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response deadlinePassed(DeadlinePassedException e) {
        return respond(Problem.invalid("deadline must be in the future.",
                List.of(new Problem.FieldError("deadline", "must be in the future")))).build();
    }

    @ServerExceptionMapper
    public Response noFallbackChannel(NoFallbackChannelException e) {
        return respond(Problem.of(ProblemType.NO_FALLBACK_CHANNEL, e.getMessage())).build();
    }

    @ServerExceptionMapper
    public Response gone(MessageGoneException e) {
        return respond(Problem.of(ProblemType.NOT_FOUND, e.getMessage())).build();
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        return respond(Problem.of(ProblemType.MALFORMED_REQUEST, JsonBody.describe(e))).build();
    }

    /** Routing and content negotiation failures of the framework itself. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        ProblemType type = switch (status) {
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            default -> status < 500 ? ProblemType.MALFORMED_REQUEST : ProblemType.INTERNAL;
        };
        if (type == ProblemType.INTERNAL) {
            LOG.error("Request failed", e);
        }
        return respond(Problem.of(type, e.getMessage())).build();
    }

    /** DynamoDB failed: the request left a state its repeat finishes, so the caller is told to retry. */
    @ServerExceptionMapper
    public Response storeUnavailable(SdkException e) {
        LOG.error("Request failed: the message store is unavailable", e);
        return respond(Problem.of(ProblemType.STORE_UNAVAILABLE,
                "The message store did not answer; repeat the same request.")).header("Retry-After", 1).build();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("Unexpected failure answered with 500", e);
        return respond(Problem.of(ProblemType.INTERNAL, "An unexpected error occurred; it has been logged.")).build();
    }

    static Response.ResponseBuilder respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }
}
