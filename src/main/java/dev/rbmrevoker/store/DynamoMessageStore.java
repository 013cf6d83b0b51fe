package dev.rbmrevoker.store;

import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.DueCursor;
import dev.rbmrevoker.message.DueItem;
import dev.rbmrevoker.message.DueKind;
import dev.rbmrevoker.message.DuePage;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageExistsException;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Presumption;
import dev.rbmrevoker.message.Timing;
import dev.rbmrevoker.message.TransitionResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Messages in DynamoDB through the low-level client, which is the native-image friendly one. Every
 * step is one conditional UpdateItem that writes only what changed: on the version it read, or, for a
 * presumed change, on the presumption, returning the new item. A conflict answers the stored item
 * with it, so nobody reads again to retry.
 */
@ApplicationScoped
public class DynamoMessageStore implements MessageStore {

    /** Written by each transition itself: the key never changes, the version by the rule of the write. */
    private static final Set<String> WRITTEN_APART = Set.of(MessagesTable.MESSAGE_ID, MessagesTable.VERSION);
    /** What a presumed change may write: what it decides, never the stand-in's made-up fields. */
    private static final Set<String> PRESUMABLE = Set.of(MessagesTable.STATE, MessageItemMapper.UPDATED_AT,
            MessageItemMapper.DELIVERED_AT, MessageItemMapper.READ_AT, MessageItemMapper.REVOKED_AT,
            MessageItemMapper.CLAIM, MessagesTable.DUE_AT, MessagesTable.DUE_SHARD, MessagesTable.EXPIRES_AT,
            MessageItemMapper.HISTORY, MessageItemMapper.SEEN_EVENTS);
    /**
     * What a change that presumes a waiting fallback writes besides: the fallback's trigger or claim, and the
     * kind that named its channels while a confirm window ran.
     */
    private static final Set<String> FALLBACK_CHANGE = Set.of(MessageItemMapper.FALLBACK, MessagesTable.KIND);

    private final DynamoDbClient dynamo;
    private final String table;
    private final String dueIndex;
    private final int dueShards;
    private final MessageItemMapper mapper;

    public DynamoMessageStore(DynamoDbClient dynamo, StoreConfig config, Timing timing) {
        if (config.dueShards() < 1) {
            throw new IllegalStateException("DUE_SHARDS must be at least 1, is " + config.dueShards());
        }
        this.dynamo = dynamo;
        this.table = config.table();
        this.dueIndex = config.dueIndex();
        this.dueShards = config.dueShards();
        this.mapper = new MessageItemMapper(timing.retention(), dueShards);
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
        ItemUpdate update = ItemUpdate.between(mapper.toItem(from), mapper.toItem(next), WRITTEN_APART);
        String version = update.name(MessagesTable.VERSION);
        update.set(version, AttributeValue.fromN(Long.toString(next.version())));
        String condition = version + " = " + update.value(AttributeValue.fromN(Long.toString(from.version())));
        try {
            dynamo.updateItem(request(from.messageId(), update, condition)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return new TransitionResult.Applied(next);
        } catch (ConditionalCheckFailedException e) {
            return conflict(e);
        }
    }

    @Override
    public TransitionResult transition(Presumption presumed, Message to) {
        if (!presumed.messageId().equals(to.messageId())) {
            throw new IllegalArgumentException("a transition cannot change the messageId");
        }
        Map<String, AttributeValue> standIn = mapper.toItem(presumed.message());
        Map<String, AttributeValue> next = mapper.toItem(to);
        ItemUpdate update = ItemUpdate.between(standIn, next, WRITTEN_APART);
        Set<String> made = new HashSet<>(update.touched());
        made.removeAll(PRESUMABLE);
        if (presumed.presumesFallback()) {
            made.removeAll(FALLBACK_CHANGE);
        }
        if (!made.isEmpty()) {
            throw new IllegalArgumentException("a presumed change may not write " + made);
        }
        String version = update.name(MessagesTable.VERSION);
        update.setExpression(version, version + " + " + update.value(AttributeValue.fromN("1")));
        List<String> condition = new ArrayList<>();
        condition.add(update.name(MessagesTable.STATE) + " = " + update.value(AttributeValue.fromS(presumed.state().name())));
        for (String absent : List.of(MessageItemMapper.CLAIM, MessageItemMapper.REVOKE_UNCERTAIN,
                MessageItemMapper.REVOKE_REFUSALS, MessageItemMapper.RBM_EXPIRY_FAILED)) {
            condition.add("attribute_not_exists(" + update.name(absent) + ")");
        }
        if (!to.updatedAt().equals(presumed.message().updatedAt())) {
            // Nothing changed the message after the time this change is stamped with: a message that left the
            // presumed shape and came back to it meanwhile (a claim released) is decided afresh, and history
            // stays in time order.
            condition.add(update.name(MessageItemMapper.UPDATED_AT) + " <= "
                    + update.value(MessageItemMapper.n(to.updatedAt())));
        }
        if (presumed.dueAt() != null) {
            condition.add(update.name(MessagesTable.DUE_AT) + " = " + update.value(MessageItemMapper.n(presumed.dueAt())));
        }
        int logged = update.appendedTo(MessageItemMapper.HISTORY);
        if (logged > 0) {
            // The history keeps its newest entries; an append that would need trimming is no presumed change.
            condition.add("size(" + update.name(MessageItemMapper.HISTORY) + ") <= "
                    + update.value(AttributeValue.fromN(Integer.toString(Message.HISTORY_LIMIT - logged))));
        }
        if (presumed.presumesFallback()) {
            condition.addAll(fallbackAsPresumed(update, standIn, next));
        }
        if (presumed.dueAt() == null && to.dueAt() != null && !update.touched().contains(MessagesTable.DUE_SHARD)) {
            // The stored message may have had no due time (its revokes gave up), and so no shard: the index needs both.
            update.set(update.name(MessagesTable.DUE_SHARD),
                    MessageItemMapper.s(MessagesTable.shardOf(to.messageId(), dueShards)));
        }
        if (presumed.event() != null) {
            String seen = update.name(MessageItemMapper.SEEN_EVENTS);
            condition.add("NOT contains(" + seen + ", " + update.value(AttributeValue.fromS(presumed.event())) + ")");
            condition.add("size(" + seen + ") < "
                    + update.value(AttributeValue.fromN(Integer.toString(Message.SEEN_EVENTS_LIMIT))));
        }
        try {
            UpdateItemResponse response = dynamo.updateItem(request(presumed.messageId(), update,
                    String.join(" AND ", condition))
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return new TransitionResult.Applied(mapper.fromItem(response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return conflict(e);
        }
    }

    /**
     * The stored fallback as the stand-in has it: the same state and due time, nothing claimed yet, no reason
     * when the change gives the first one, and, while a confirm window runs, the same channels (the kind names
     * them, and they never change).
     */
    private static List<String> fallbackAsPresumed(ItemUpdate update, Map<String, AttributeValue> standIn,
            Map<String, AttributeValue> next) {
        String fallback = update.name(MessageItemMapper.FALLBACK) + ".";
        Map<String, AttributeValue> presumed = standIn.get(MessageItemMapper.FALLBACK).m();
        List<String> condition = new ArrayList<>();
        for (String entry : List.of(MessageItemMapper.FALLBACK_STATE, MessageItemMapper.FALLBACK_DUE)) {
            String path = fallback + update.name(entry);
            condition.add(presumed.containsKey(entry) ? path + " = " + update.value(presumed.get(entry))
                    : "attribute_not_exists(" + path + ")");
        }
        if (!presumed.containsKey(MessageItemMapper.FALLBACK_REASON)
                && next.get(MessageItemMapper.FALLBACK).m().containsKey(MessageItemMapper.FALLBACK_REASON)) {
            condition.add("attribute_not_exists(" + fallback + update.name(MessageItemMapper.FALLBACK_REASON) + ")");
        }
        condition.add("size(" + fallback + update.name(MessageItemMapper.FALLBACK_DELIVERIES) + ") = "
                + update.value(AttributeValue.fromN("0")));
        if (standIn.containsKey(MessagesTable.KIND)) {
            condition.add(update.name(MessagesTable.KIND) + " = " + update.value(standIn.get(MessagesTable.KIND)));
        }
        return condition;
    }

    private UpdateItemRequest.Builder request(String messageId, ItemUpdate update, String condition) {
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of(MessagesTable.MESSAGE_ID, AttributeValue.fromS(messageId)))
                .updateExpression(update.expression())
                .conditionExpression(condition)
                .expressionAttributeNames(update.names())
                .expressionAttributeValues(update.values());
    }

    private TransitionResult conflict(ConditionalCheckFailedException e) {
        return new TransitionResult.Conflict(e.hasItem() && !e.item().isEmpty()
                ? Optional.of(mapper.fromItem(e.item()))
                : Optional.empty());
    }

    @Override
    public int dueShards() {
        return dueShards;
    }

    @Override
    public DuePage queryDue(int shard, Instant upTo, int pageSize, DueCursor after) {
        String shardKey = Integer.toString(shard);
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(table)
                .indexName(dueIndex)
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
        Set<Channel> windowChannels = MessagesTable.windowChannels(kind);
        DueKind dueKind = kind == null || windowChannels != null ? DueKind.MESSAGE : DueKind.valueOf(kind);
        String id = MessageItemMapper.str(item, MessagesTable.MESSAGE_ID);
        return new DueItem(
                dueKind == DueKind.FORWARD ? DynamoForwardStore.forwardId(id) : id,
                dueKind,
                MessageItemMapper.instant(item, MessagesTable.DUE_AT),
                state == null ? null : MessageState.valueOf(state),
                windowChannels);
    }
}
