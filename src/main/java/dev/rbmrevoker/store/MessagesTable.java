package dev.rbmrevoker.store;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * The messages table, defined once: the local run and the tests create it from here, and a test
 * holds template.yaml to it.
 *
 * <p>One item per message. The due index is sparse: {@value #DUE_SHARD} and {@value #DUE_AT} exist
 * only while the sweep owes the message work, so finding due work is a Query per shard. It projects
 * state, version and kind so the sweep can claim an item without reading it first. Webhook forwards
 * waiting for a retry live in the same table under their own ids, so one index finds all due work.
 */
public final class MessagesTable {

    public static final String MESSAGE_ID = "messageId";
    public static final String DUE_INDEX = "due";
    /** Which of the {@link #DUE_SHARDS} partitions of the due index the item is in, "0" to "7". */
    public static final String DUE_SHARD = "dueShard";
    /** When work is owed, epoch milliseconds. */
    public static final String DUE_AT = "dueAt";
    /** DynamoDB TTL attribute, epoch seconds: set when a message is settled, to remove it after the retention. */
    public static final String EXPIRES_AT = "expiresAt";
    public static final String STATE = "state";
    public static final String VERSION = "version";
    /** Absent on messages; {@code FORWARD} on a webhook forward waiting for a retry. */
    public static final String KIND = "kind";
    /** Spreads due items over partitions so that no shard is hot; changing it orphans due items. */
    public static final int DUE_SHARDS = 8;

    private MessagesTable() {
    }

    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        attribute(MESSAGE_ID, ScalarAttributeType.S),
                        attribute(DUE_SHARD, ScalarAttributeType.S),
                        attribute(DUE_AT, ScalarAttributeType.N))
                .keySchema(key(MESSAGE_ID, KeyType.HASH))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                        .indexName(DUE_INDEX)
                        .keySchema(key(DUE_SHARD, KeyType.HASH), key(DUE_AT, KeyType.RANGE))
                        .projection(Projection.builder()
                                .projectionType(ProjectionType.INCLUDE)
                                .nonKeyAttributes(List.of(STATE, VERSION, KIND))
                                .build())
                        .build())
                .build();
    }

    public static UpdateTimeToLiveRequest timeToLiveRequest(String tableName) {
        return UpdateTimeToLiveRequest.builder()
                .tableName(tableName)
                .timeToLiveSpecification(TimeToLiveSpecification.builder()
                        .attributeName(EXPIRES_AT)
                        .enabled(true)
                        .build())
                .build();
    }

    static String shardOf(String messageId) {
        return Integer.toString(Math.floorMod(messageId.hashCode(), DUE_SHARDS));
    }

    private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
