package dev.rbmrevoker.api;

/** Every problem the API answers with: its slug, title and status. */
public enum ProblemType {
    VALIDATION("validation", "The request is not valid", 400),
    MALFORMED_REQUEST("malformed-request", "The request body is not valid JSON of the expected shape", 400),
    MALFORMED_EVENT("malformed-event", "The body is not a Pub/Sub push envelope with base64 message.data", 400),
    BAD_SIGNATURE("bad-signature", "X-Goog-Signature is missing or wrong", 401),
    WRONG_CLIENT_TOKEN("wrong-client-token", "The client token is not this agent's", 403),
    NO_FALLBACK_CHANNEL("no-fallback-channel", "A requested fallback channel is not available", 400),
    NOT_FOUND("not-found", "Not found", 404),
    METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", 405),
    NOT_ACCEPTABLE("not-acceptable", "Not acceptable", 406),
    CONFLICT("conflict", "The message exists with other content", 409),
    ALREADY_DELIVERED("already-delivered", "The message was already delivered", 409),
    REVOKE_IN_PROGRESS("revoke-in-progress", "A revoke of this message is in progress", 409),
    NOT_SENT("not-sent", "The message was not sent", 409),
    CAMPAIGN_REVOKED("campaign-revoked", "The message's campaign was revoked", 409),
    PAYLOAD_TOO_LARGE("payload-too-large", "The request body is larger than 256 KiB", 413),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "The request body must be application/json", 415),
    RBM_REJECTED("rbm-rejected", "RBM rejected the message", 422),
    DEADLINE_PASSED("deadline-passed", "The message's deadline has passed before it was sent", 422),
    INTERNAL("internal", "Internal error", 500),
    RBM_UNAVAILABLE("rbm-unavailable", "RBM is unavailable", 503),
    STORE_UNAVAILABLE("store-unavailable", "The message store is unavailable; try again", 503);

    private final String slug;
    private final String title;
    private final int status;

    ProblemType(String slug, String title, int status) {
        this.slug = slug;
        this.title = title;
        this.status = status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public int status() {
        return status;
    }
}
