package dev.rbmrevoker.observe;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rbmrevoker.testing.CapturingMetricSink;
import dev.rbmrevoker.testing.HandOvers;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.logging.json.runtime.JsonFormatter;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What an operator reads at 3 a.m.: JSON log lines that carry the message, and EMF metric lines. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class ObservabilityTest {

    /**
     * Formats every log record with the JSON formatter the Lambda console uses
     * (quarkus.log.console.json), so the test reads the lines an operator would.
     */
    static final class JsonLines extends Handler {
        private final JsonFormatter json = new JsonFormatter();
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord record) {
            lines.add(json.format(record).trim());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Inject
    CapturingMetricSink metrics;

    private final JsonLines log = new JsonLines();
    /** Log levels an earlier test profile may have left behind in this JVM (the chaos test quiets them). */
    private final Map<String, Level> levelsBefore = new HashMap<>();

    @BeforeEach
    void capture() {
        RevokerResource.resetAll();
        metrics.clear();
        for (String category : List.of("dev.rbmrevoker", "dev.rbmrevoker.sweep", "dev.rbmrevoker.local")) {
            Logger logger = Logger.getLogger(category);
            levelsBefore.put(category, logger.getLevel());
            logger.setLevel(category.equals("dev.rbmrevoker") ? Level.INFO : null);
        }
        Logger.getLogger("").addHandler(log);
    }

    @AfterEach
    void release() {
        Logger.getLogger("").removeHandler(log);
        levelsBefore.forEach((category, level) -> Logger.getLogger(category).setLevel(level));
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
        // The fallback goes once the revoke's confirm window has passed, as the sweep hands it over.
        HandOvers.now(id);

        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> aboutTheMessage = new ArrayList<>();
        for (String text : log.lines) {
            JsonNode line = mapper.readTree(text);
            if (line.path("message").asText().contains(id)) {
                aboutTheMessage.add(line);
            }
        }
        assertFalse(aboutTheMessage.isEmpty(), "log lines about the message");
        for (JsonNode line : aboutTheMessage) {
            assertTrue(id.equals(line.path("mdc").path("messageId").asText()), "messageId field on " + line);
            assertTrue(RevokerResource.AGENT.equals(line.path("mdc").path("agentId").asText()), "agentId on " + line);
        }
        assertFalse(String.join("\n", log.lines).contains("+16502530001"), "a full phone number in the log");

        List<String> emitted = new ArrayList<>();
        for (String line : metrics.lines()) {
            JsonNode emf = mapper.readTree(line);
            emf.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics")
                    .forEach(m -> emitted.add(m.path("Name").asText()));
        }
        assertTrue(emitted.containsAll(List.of("sent", "revoked", "fallenBack")), "emitted " + emitted);
    }
}
