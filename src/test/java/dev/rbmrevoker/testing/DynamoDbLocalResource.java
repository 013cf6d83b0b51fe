package dev.rbmrevoker.testing;

import dev.rbmrevoker.local.dynamodb.EmbeddedDynamoDb;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts DynamoDB Local once per test JVM and points the application at it. Kept running across
 * application restarts so that test classes share one server.
 */
public class DynamoDbLocalResource implements QuarkusTestResourceLifecycleManager {

    public static final String TABLE = "rbm-revoker-test";

    private static EmbeddedDynamoDb server;

    public static synchronized EmbeddedDynamoDb server() {
        if (server == null) {
            server = EmbeddedDynamoDb.start(0);
            server.createMessagesTable(TABLE);
        }
        return server;
    }

    @Override
    public Map<String, String> start() {
        EmbeddedDynamoDb db = server();
        return Map.of(
                "quarkus.dynamodb.endpoint-override", db.endpoint(),
                "quarkus.dynamodb.aws.region", EmbeddedDynamoDb.REGION,
                "quarkus.dynamodb.aws.credentials.type", "static",
                "quarkus.dynamodb.aws.credentials.static-provider.access-key-id", EmbeddedDynamoDb.ACCESS_KEY,
                "quarkus.dynamodb.aws.credentials.static-provider.secret-access-key", EmbeddedDynamoDb.SECRET_KEY,
                "messages.table", TABLE);
    }

    @Override
    public void stop() {
        // The server outlives one application start; the JVM's exit ends it.
    }
}
