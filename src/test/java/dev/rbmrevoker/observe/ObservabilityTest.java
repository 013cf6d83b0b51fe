package dev.rbmrevoker.observe;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rbmrevoker.testing.CapturingMetricSink;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What an operator reads at 3 a.m.: JSON log lines that carry the message, and EMF metric lines. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(ObservabilityTest.JsonLogFile.class)
class ObservabilityTest {

    /** Appended to across runs; the lines of this test are told apart by the new message's id. */
    static final Path LOG = Path.of("target/observability-test.log");

    /** Logs as JSON to a file, the format the Lambda console gets. */
    public static class JsonLogFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG.toString(),
                    "quarkus.log.file.json.enabled", "true");
        }
    }

    @Inject
    CapturingMetricSink metrics;

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
        metrics.clear();
    }

    @Test
    void sendAndRevoke_logJsonLinesWithMessageIdAndAgentId_andEmitEmfMetrics() throws Exception {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json")
                .body("""
                        {"messageId":"%s","phoneNumber":"+16502530001","contentMessage":{"text":"hi"},
                         "ttl":"PT10M","fallback":{"sms":{"text":"hi"}}}""".formatted(id))
                .when().post("/v1/messages").then().statusCode(201);
        given().when().post("/v1/messages/" + id + "/revoke").then().statusCode(200);

        List<JsonNode> aboutTheMessage = new ArrayList<>();
        for (JsonNode line : jsonLines()) {
            if (line.path("message").asText().contains(id)) {
                aboutTheMessage.add(line);
            }
        }
        assertFalse(aboutTheMessage.isEmpty(), "log lines about the message");
        for (JsonNode line : aboutTheMessage) {
            assertTrue(id.equals(line.path("mdc").path("messageId").asText()), "messageId field on " + line);
            assertTrue(RevokerResource.AGENT.equals(line.path("mdc").path("agentId").asText()), "agentId on " + line);
        }
        assertFalse(Files.readString(LOG).contains("+16502530001"), "a full phone number in the log");

        List<String> emitted = new ArrayList<>();
        for (String line : metrics.lines()) {
            JsonNode emf = new ObjectMapper().readTree(line);
            emf.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics")
                    .forEach(m -> emitted.add(m.path("Name").asText()));
        }
        assertTrue(emitted.containsAll(List.of("sent", "revoked", "fallenBack")), "emitted " + emitted);
    }

    private static List<JsonNode> jsonLines() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(LOG)) {
            if (!line.isBlank()) {
                lines.add(mapper.readTree(line));
            }
        }
        return lines;
    }
}
