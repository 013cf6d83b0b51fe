package dev.rbmrevoker.api;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem of a request, so the caller learns them all at once. */
final class FieldErrors {

    private final List<Problem.FieldError> errors = new ArrayList<>();

    void add(String field, String message) {
        errors.add(new Problem.FieldError(field, message));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Ends the request with a 400 listing every error, if there is any. */
    void throwIfAny() {
        if (!errors.isEmpty()) {
            String detail = errors.size() == 1
                    ? errors.get(0).field() + " " + errors.get(0).message() + "."
                    : errors.size() + " fields are invalid.";
            throw new ProblemException(Problem.invalid(detail, errors));
        }
    }
}
