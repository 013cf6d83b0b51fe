package dev.rbmrevoker.store;

import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.testing.DynamoDbLocalResource;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Stores on fresh tables of the shared DynamoDB Local, for tests that need no Quarkus. */
final class TestStores {

    private TestStores() {
    }

    static String newTable() {
        String name = "store-test-" + UUID.randomUUID();
        DynamoDbLocalResource.server().createMessagesTable(name);
        return name;
    }

    static DynamoMessageStore on(DynamoDbClient client, String table) {
        return new DynamoMessageStore(client, config(table, MessagesTable.DEFAULT_DUE_SHARDS, MessagesTable.DUE_INDEX),
                Messages.TIMING);
    }

    static StoreConfig config(String table, int dueShards, String dueIndex) {
        return new StoreConfig() {
            @Override
            public String table() {
                return table;
            }

            @Override
            public int dueShards() {
                return dueShards;
            }

            @Override
            public String dueIndex() {
                return dueIndex;
            }
        };
    }
}
