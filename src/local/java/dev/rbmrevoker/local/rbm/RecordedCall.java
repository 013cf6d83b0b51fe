package dev.rbmrevoker.local.rbm;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request the test server received, as it arrived.
 *
 * @param rawPath the path as sent, percent-encoding intact (e.g. {@code /v1/phones/%2B1650.../agentMessages})
 * @param phoneNumber the decoded phone number of the path, or null
 * @param query decoded query parameters (first value of each)
 * @param headers request headers; names as the JDK server normalises them (e.g. {@code Authorization})
 * @param status the status answered, or -1 when the connection was dropped
 */
public record RecordedCall(Instant at, Route route, String method, String rawPath, String phoneNumber,
        Map<String, String> query, Map<String, List<String>> headers, String body, int status) {

    /** The first value of a header, case-insensitively, or null. */
    public String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    RecordedCall withStatus(int status) {
        return new RecordedCall(at, route, method, rawPath, phoneNumber, query, headers, body, status);
    }
}
