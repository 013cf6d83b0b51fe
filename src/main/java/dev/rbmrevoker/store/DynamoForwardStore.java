package dev.rbmrevoker.store;

import dev.rbmrevoker.message.DueKind;
import dev.rbmrevoker.webhook.ForwardStore;
import dev.rbmrevoker.webhook.PendingForward;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * Failed webhook forwards in the messages table, keyed {@code forward:<envelope id>} (never a UUID,
 * so never a messageId), on the due index until delivered or given up.
 */
@ApplicationScoped
public class DynamoForwardStore implements ForwardStore {

    static final String KEY_PREFIX = "forward:";
    private static final String BODY = "body";
    private static final String SIGNATURE = "signature";
    private static final String ATTEMPTS = "attempts";
    private static final String CREATED_AT = "createdAt";
    private static final String LAST_ERROR = "lastError";

    private final DynamoDbClient dynamo;
    private final String table;
    private final int dueShards;

    public DynamoForwardStore(DynamoDbClient dynamo, StoreConfig config) {
        this.dynamo = dynamo;
        this.table = config.table();
        this.dueShards = config.dueShards();
    }

    /** The forward id of a due item's id. */
    public static String forwardId(String itemId) {
        return itemId.startsWith(KEY_PREFIX) ? itemId.substring(KEY_PREFIX.length()) : itemId;
    }

    @Override
    public void add(PendingForward forward) {
        // Already there: the same envelope failed before and is waiting for the sweep.
        WholeItems.putNew(dynamo, table, toItem(forward, 1));
    }

    @Override
    public Optional<PendingForward> get(String id) {
        GetItemResponse response = dynamo.getItem(b -> b.tableName(table).key(key(id)).consistentRead(true));
        return response.hasItem() && !response.item().isEmpty()
                ? Optional.of(fromItem(response.item()))
                : Optional.empty();
    }

    @Override
    public Optional<PendingForward> update(PendingForward from, PendingForward to) {
        long version = from.version() + 1;
        if (!WholeItems.putOver(dynamo, table, toItem(to, version), from.version())) {
            return Optional.empty();
        }
        return Optional.of(new PendingForward(to.id(), to.body(), to.signature(), to.attempts(), to.createdAt(),
                to.nextAttemptAt(), to.lastError(), version));
    }

    @Override
    public boolean remove(PendingForward forward) {
        try {
            dynamo.deleteItem(b -> b.tableName(table)
                    .key(key(forward.id()))
                    .conditionExpression("#version = :expected")
                    .expressionAttributeNames(Map.of("#version", MessagesTable.VERSION))
                    .expressionAttributeValues(Map.of(":expected", number(forward.version()))));
            return true;
        } catch (ConditionalCheckFailedException someoneElse) {
            return false;
        }
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of(MessagesTable.MESSAGE_ID, AttributeValue.fromS(KEY_PREFIX + id));
    }

    private Map<String, AttributeValue> toItem(PendingForward f, long version) {
        Map<String, AttributeValue> item = new HashMap<>(key(f.id()));
        item.put(MessagesTable.KIND, AttributeValue.fromS(DueKind.FORWARD.name()));
        item.put(BODY, AttributeValue.fromS(f.body()));
        item.put(SIGNATURE, AttributeValue.fromS(f.signature()));
        item.put(ATTEMPTS, AttributeValue.fromN(Integer.toString(f.attempts())));
        item.put(CREATED_AT, MessageItemMapper.n(f.createdAt()));
        if (f.lastError() != null) {
            item.put(LAST_ERROR, AttributeValue.fromS(f.lastError()));
        }
        item.put(MessagesTable.DUE_SHARD, AttributeValue.fromS(MessagesTable.shardOf(f.id(), dueShards)));
        item.put(MessagesTable.DUE_AT, MessageItemMapper.n(f.nextAttemptAt()));
        item.put(MessagesTable.VERSION, number(version));
        return item;
    }

    private static PendingForward fromItem(Map<String, AttributeValue> item) {
        return new PendingForward(
                forwardId(MessageItemMapper.str(item, MessagesTable.MESSAGE_ID)),
                MessageItemMapper.str(item, BODY),
                MessageItemMapper.str(item, SIGNATURE),
                Integer.parseInt(item.get(ATTEMPTS).n()),
                MessageItemMapper.instant(item, CREATED_AT),
                MessageItemMapper.instant(item, MessagesTable.DUE_AT),
                MessageItemMapper.str(item, LAST_ERROR),
                Long.parseLong(item.get(MessagesTable.VERSION).n()));
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
