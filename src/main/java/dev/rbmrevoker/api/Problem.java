package dev.rbmrevoker.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * An RFC 9457 problem document.
 *
 * @param type {@code urn:rbm-revoker:problem:<slug>}
 * @param errors for validation problems: which field, and what is wrong with it
 * @param message for problems about a stored message (as {@code deadline-passed}): the message as stored
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors,
        MessageView message) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:rbm-revoker:problem:";

    public static Problem of(ProblemType type, String detail) {
        return new Problem(TYPE_PREFIX + type.slug(), type.title(), type.status(), detail, null, null);
    }

    /** A problem about a stored message, which the answer carries. */
    public static Problem about(ProblemType type, String detail, MessageView message) {
        return new Problem(TYPE_PREFIX + type.slug(), type.title(), type.status(), detail, null, message);
    }

    public static Problem invalid(String detail, List<FieldError> errors) {
        ProblemType type = ProblemType.VALIDATION;
        return new Problem(TYPE_PREFIX + type.slug(), type.title(), type.status(), detail, List.copyOf(errors), null);
    }

    /** One invalid field of a request. */
    @RegisterForReflection
    public record FieldError(String field, String message) {
    }
}
