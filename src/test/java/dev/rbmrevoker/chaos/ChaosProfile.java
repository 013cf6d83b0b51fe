package dev.rbmrevoker.chaos;

import dev.rbmrevoker.testing.DynamoDbLocalResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Short timings so a whole lifecycle (send, deadline, grace, lease, retries) fits in seconds, and a
 * table of its own so other tests' messages never show up in the chaos test's due index.
 */
public class ChaosProfile implements QuarkusTestProfile {

    static final String TABLE = "rbm-revoker-chaos-" + Long.toString(System.nanoTime(), 36);
    private static boolean created;

    /** Empties the table between two seeds' runs, so one run's leftovers never count in the next. */
    static void clearTable() {
        try (DynamoDbClient client = DynamoDbLocalResource.server().client()) {
            client.scanPaginator(ScanRequest.builder().tableName(TABLE).build()).items()
                    .forEach(item -> client.deleteItem(b -> b.tableName(TABLE)
                            .key(Map.of("messageId", item.get("messageId")))));
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        synchronized (ChaosProfile.class) {
            if (!created) {
                DynamoDbLocalResource.server().createMessagesTable(TABLE);
                created = true;
            }
        }
        Map<String, String> config = new HashMap<>();
        config.put("messages.table", TABLE);
        config.put("lifecycle.lease-duration", "PT3S");
        config.put("lifecycle.ttl-grace", "PT1S");
        config.put("lifecycle.call-budget", "PT2S");
        // A publish starts only when the budget covers FALLBACK_SMS_TIMEOUT, which must be shorter than it.
        config.put("fallback.sms-timeout", "PT1S");
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
