package dev.rbmrevoker.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A test profile's own messages table, made when the profile's application starts. Not made from the
 * profile's configuration overrides: Quarkus reads those while it discovers the tests too, and each
 * time in a class loader of its own, so each such read started a DynamoDB Local of its own.
 */
public class MessagesTableResource implements QuarkusTestResourceLifecycleManager {

    /** The init argument naming the table. */
    public static final String TABLE = "table";

    private String table;

    @Override
    public void init(Map<String, String> initArgs) {
        table = initArgs.get(TABLE);
    }

    @Override
    public Map<String, String> start() {
        DynamoDbLocalResource.server().createMessagesTable(table);
        return Map.of();
    }

    @Override
    public void stop() {
        // The table goes with the DynamoDB Local server, at the JVM's exit.
    }
}
