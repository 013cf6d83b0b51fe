package dev.rbmrevoker.api;

import java.time.Duration;

/** Ends a request with a problem answer; {@link ProblemMapper} renders it. */
public final class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final transient Duration retryAfter;

    public ProblemException(Problem problem) {
        this(problem, null);
    }

    public ProblemException(Problem problem, Duration retryAfter) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    public static ProblemException of(ProblemType type, String detail) {
        return new ProblemException(Problem.of(type, detail));
    }

    public Problem problem() {
        return problem;
    }

    /** For 409 revoke-in-progress and 503: when to try again, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
