package dev.rbmrevoker.store;

import dev.rbmrevoker.message.DueCursor;
import dev.rbmrevoker.message.DueItem;
import dev.rbmrevoker.message.DueKind;
import dev.rbmrevoker.message.DuePage;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageExistsException;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Timing;
import dev.rbmrevoker.message.TransitionResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** Messages in DynamoDB through the low-level client, which is the native-image friendly one. */
@ApplicationScoped
public class DynamoMessageStore implements MessageStore {

    private final DynamoDbClient dynamo;
    private final String table;
    private final MessageItemMapper mapper;

    public DynamoMessageStore(DynamoDbClient dynamo, StoreConfig config, Timing timing) {
        this.dynamo = dynamo;
        this.table = config.table();
        this.mapper = new MessageItemMapper(timing.retention());
    }

    @Override
    public Message create(Message message) {
        Message stored = message.toBuilder().version(1).build();
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(mapper.toItem(stored))
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", MessagesTable.MESSAGE_ID))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return stored;
        } catch (ConditionalCheckFailedException e) {
            throw new MessageExistsException(mapper.fromItem(e.item()));
        }
    }

    @Override
    public Optional<Message> get(String messageId) {
        GetItemResponse response = dynamo.getItem(b -> b.tableName(table)
                .key(Map.of(MessagesTable.MESSAGE_ID, AttributeValue.fromS(messageId)))
                .consistentRead(true));
        return response.hasItem() && !response.item().isEmpty()
                ? Optional.of(mapper.fromItem(response.item()))
                : Optional.empty();
    }

    @Override
    public TransitionResult transition(Message from, Message to) {
        if (!from.messageId().equals(to.messageId())) {
            throw new IllegalArgumentException("a transition cannot change the messageId");
        }
        Message next = to.toBuilder().version(from.version() + 1).build();
        Map<String, AttributeValue> item = mapper.toItem(next);
        item.remove(MessagesTable.MESSAGE_ID);

        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder set = new StringBuilder();
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            names.put("#a" + i, e.getKey());
            values.put(":a" + i, e.getValue());
            set.append(set.isEmpty() ? "SET " : ", ").append("#a").append(i).append(" = :a").append(i);
            i++;
        }
        StringBuilder remove = new StringBuilder();
        for (String optional : MessageItemMapper.OPTIONAL) {
            if (!item.containsKey(optional)) {
                names.put("#a" + i, optional);
                remove.append(remove.isEmpty() ? " REMOVE " : ", ").append("#a").append(i);
                i++;
            }
        }
        names.put("#state", MessagesTable.STATE);
        names.put("#version", MessagesTable.VERSION);
        values.put(":expectedState", AttributeValue.fromS(from.state().name()));
        values.put(":expectedVersion", AttributeValue.fromN(Long.toString(from.version())));
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(Map.of(MessagesTable.MESSAGE_ID, AttributeValue.fromS(from.messageId())))
                    .updateExpression(set.append(remove).toString())
                    .conditionExpression("#state = :expectedState AND #version = :expectedVersion")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return new TransitionResult.Applied(next);
        } catch (ConditionalCheckFailedException e) {
            Optional<Message> current = e.hasItem() && !e.item().isEmpty()
                    ? Optional.of(mapper.fromItem(e.item()))
                    : Optional.empty();
            return new TransitionResult.Conflict(current);
        }
    }

    @Override
    public int dueShards() {
        return MessagesTable.DUE_SHARDS;
    }

    @Override
    public DuePage queryDue(int shard, Instant upTo, int pageSize, DueCursor after) {
        String shardKey = Integer.toString(shard);
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(table)
                .indexName(MessagesTable.DUE_INDEX)
                .keyConditionExpression("#shard = :shard AND #dueAt <= :upTo")
                .expressionAttributeNames(Map.of("#shard", MessagesTable.DUE_SHARD, "#dueAt", MessagesTable.DUE_AT))
                .expressionAttributeValues(Map.of(
                        ":shard", AttributeValue.fromS(shardKey),
                        ":upTo", MessageItemMapper.n(upTo)))
                .limit(pageSize);
        if (after != null) {
            query.exclusiveStartKey(Map.of(
                    MessagesTable.MESSAGE_ID, AttributeValue.fromS(after.id()),
                    MessagesTable.DUE_SHARD, AttributeValue.fromS(shardKey),
                    MessagesTable.DUE_AT, MessageItemMapper.n(after.dueAt())));
        }
        QueryResponse response = dynamo.query(query.build());
        List<DueItem> items = response.items().stream()
                .map(DynamoMessageStore::dueItem)
                .toList();
        DueCursor next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? new DueCursor(
                        MessageItemMapper.str(response.lastEvaluatedKey(), MessagesTable.MESSAGE_ID),
                        MessageItemMapper.instant(response.lastEvaluatedKey(), MessagesTable.DUE_AT))
                : null;
        return new DuePage(items, next);
    }

    private static DueItem dueItem(Map<String, AttributeValue> item) {
        String kind = MessageItemMapper.str(item, MessagesTable.KIND);
        String state = MessageItemMapper.str(item, MessagesTable.STATE);
        DueKind dueKind = kind == null ? DueKind.MESSAGE : DueKind.valueOf(kind);
        String id = MessageItemMapper.str(item, MessagesTable.MESSAGE_ID);
        return new DueItem(
                dueKind == DueKind.FORWARD ? DynamoForwardStore.forwardId(id) : id,
                dueKind,
                MessageItemMapper.instant(item, MessagesTable.DUE_AT),
                state == null ? null : MessageState.valueOf(state),
                Long.parseLong(item.get(MessagesTable.VERSION).n()));
    }
}
