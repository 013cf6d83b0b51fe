package dev.rbmrevoker.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * An RFC 9457 problem document.
 *
 * @param type {@code urn:rbm-revoker:problem:<slug>}
 * @param errors for validation problems: which field, and what is wrong with it
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:rbm-revoker:problem:";

    public static Problem of(ProblemType type, String detail) {
        return new Problem(TYPE_PREFIX + type.slug(), type.title(), type.status(), detail, null);
    }

    public static Problem invalid(String detail, List<FieldError> errors) {
        ProblemType type = ProblemType.VALIDATION;
        return new Problem(TYPE_PREFIX + type.slug(), type.title(), type.status(), detail, List.copyOf(errors));
    }

    /** One invalid field of a request. */
    @RegisterForReflection
    public record FieldError(String field, String message) {
    }
}
