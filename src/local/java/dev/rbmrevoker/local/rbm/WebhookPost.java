package dev.rbmrevoker.local.rbm;

import java.time.Instant;

/**
 * A webhook the test server posted (or tried to).
 *
 * @param status the receiver's HTTP status, or -1 when the post failed ({@code error} says why)
 */
public record WebhookPost(Instant at, String eventType, String messageId, String body, String signature,
        int status, String error) {

    public boolean succeeded() {
        return status >= 200 && status < 300;
    }
}
