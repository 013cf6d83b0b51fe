package dev.rbmrevoker.store;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Small items written whole (webhook forwards, campaign revocations), each write conditional: a new item
 * only where none is, a change only over the version it read.
 */
final class WholeItems {

    private WholeItems() {
    }

    /** @return empty when written, else the item that was there */
    static Optional<Map<String, AttributeValue>> putNew(DynamoDbClient dynamo, String table,
            Map<String, AttributeValue> item) {
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", MessagesTable.MESSAGE_ID))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            return Optional.of(e.hasItem() ? e.item() : Map.of());
        }
    }

    /** @return whether it was written: false when the stored version is no longer {@code expected} */
    static boolean putOver(DynamoDbClient dynamo, String table, Map<String, AttributeValue> item, long expected) {
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(item)
                    .conditionExpression("#version = :expected")
                    .expressionAttributeNames(Map.of("#version", MessagesTable.VERSION))
                    .expressionAttributeValues(Map.of(":expected", AttributeValue.fromN(Long.toString(expected)))));
            return true;
        } catch (ConditionalCheckFailedException someoneElse) {
            return false;
        }
    }
}
