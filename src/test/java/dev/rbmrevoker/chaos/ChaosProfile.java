package dev.rbmrevoker.chaos;

import dev.rbmrevoker.testing.DynamoDbLocalResource;
import dev.rbmrevoker.testing.MessagesTableResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Short timings so a whole lifecycle (send, deadline, grace, lease, retries) fits in seconds, and a
 * table of its own so other tests' messages never show up in the chaos test's due index.
 */
public class ChaosProfile implements QuarkusTestProfile {

    static final String TABLE = "rbm-revoker-chaos-test";

    /** Empties the table between two seeds' runs, so one run's leftovers never count in the next. */
    static void clearTable() {
        try (DynamoDbClient client = DynamoDbLocalResource.server().client()) {
            client.scanPaginator(ScanRequest.builder().tableName(TABLE).build()).items()
                    .forEach(item -> client.deleteItem(b -> b.tableName(TABLE)
                            .key(Map.of("messageId", item.get("messageId")))));
        }
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(MessagesTableResource.class, Map.of(MessagesTableResource.TABLE, TABLE)));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        config.put("messages.table", TABLE);
        config.put("lifecycle.lease-duration", "PT3S");
        config.put("lifecycle.ttl-grace", "PT1S");
        config.put("lifecycle.call-budget", "PT2S");
        // A publish starts only when the budget covers FALLBACK_SMS_TIMEOUT, which must be shorter than it.
        config.put("fallback.sms-timeout", "PT1S");
        // Failed hand-overs are retried within the run, so that a second SMS would show before it ends.
        config.put("fallback.first-retry", "PT5S");
        config.put("rbm.read-timeout", "PT0.5S");
        config.put("rbm.retry.initial-backoff", "PT0.05S");
        config.put("rbm.retry.max-backoff", "PT0.3S");
        config.put("sweep.lookahead", "PT2S");
        config.put("sweep.margin", "PT0.3S");
        config.put("sweep.concurrency", "8");
        config.put("webhook.fallback-budget", "PT1S");
        // A refused revoke is tried again minutes later, past the run: giving up at the first refusal lets the
        // run see REVOKE_GAVE_UP, and what follows it, for the messages RBM refuses.
        config.put("lifecycle.revoke-max-attempts", "1");
        // Thousands of messages each log a handful of lines: keep the output readable.
        config.put("quarkus.log.category.\"dev.rbmrevoker\".level", "ERROR");
        config.put("quarkus.log.category.\"dev.rbmrevoker.local\".level", "ERROR");
        // A sweep that spends its budget interrupts its unfinished work (left due): thousands of stack traces.
        config.put("quarkus.log.category.\"dev.rbmrevoker.sweep\".level", "FATAL");
        return config;
    }
}
