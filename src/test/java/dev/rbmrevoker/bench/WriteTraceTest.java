package dev.rbmrevoker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The bench's pricing of a write by AWS's rules: item sizes and due-index writes. */
class WriteTraceTest {

    static Map<String, AttributeValue> item(String state, String shard, String dueAt, int padding) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("messageId", AttributeValue.fromS("m1"));
        item.put("state", AttributeValue.fromS(state));
        item.put("pad", AttributeValue.fromS("x".repeat(padding)));
        if (shard != null) {
            item.put("dueShard", AttributeValue.fromS(shard));
            item.put("dueAt", AttributeValue.fromN(dueAt));
        }
        return item;
    }

    @Test
    void sizesNamesAndValuesAsDynamoDbCountsThem() {
        assertEquals(9 + 2, ItemSize.of(Map.of("messageId", AttributeValue.fromS("m1"))));
        // 13 significant digits: 7 bytes + 1; trailing zeros are trimmed (8 significant digits: 4 + 1).
        assertEquals(5 + 8, ItemSize.of(Map.of("dueAt", AttributeValue.fromN("1764561600123"))));
        assertEquals(5 + 5, ItemSize.of(Map.of("dueAt", AttributeValue.fromN("1764561600000"))));
        assertEquals(1 + 2, ItemSize.of(Map.of("n", AttributeValue.fromN("-1.50"))));
        assertEquals(1 + 2, ItemSize.of(Map.of("s", AttributeValue.fromS("é"))));
        // A list: 3 + 1 per element + elements; a map element also counts its name.
        assertEquals(1 + 3 + 2 + 1 + 1, ItemSize.of(Map.of("l", AttributeValue.fromL(List.of(
                AttributeValue.fromS("a"), AttributeValue.fromBool(true))))));
        assertEquals(1 + 3 + 1 + 1 + 2, ItemSize.of(Map.of("m", AttributeValue.fromM(Map.of(
                "k", AttributeValue.fromS("vv"))))));
    }

    @Test
    void itemWritesCostStartedKilobytesOfTheLargerSide() {
        WriteTrace shrink = new WriteTrace("UpdateItem", "m1", item("SENDING", null, null, 5000),
                item("PENDING", null, null, 10), true);
        assertEquals(5, shrink.itemUnits());
        WriteTrace put = new WriteTrace("PutItem", "m1", null, item("SENDING", null, null, 10), true);
        assertEquals(1, put.itemUnits());
        WriteTrace failed = new WriteTrace("UpdateItem", "m1", item("PENDING", null, null, 3000),
                item("PENDING", null, null, 3000), false);
        assertEquals(3, failed.itemUnits());
        assertEquals(0, failed.indexWrites());
    }

    @Test
    void indexWritesFollowWhatHappensToTheEntry() {
        assertEquals(1, trace(item("SENDING", null, null, 1), item("SENDING", "1", "100", 1)).indexWrites());
        assertEquals(2, trace(item("SENDING", "1", "100", 1), item("PENDING", "1", "200", 1)).indexWrites());
        assertEquals(1, trace(item("PENDING", "1", "200", 1), item("REVOKING", "1", "200", 1)).indexWrites());
        assertEquals(1, trace(item("PENDING", "1", "200", 1), item("DELIVERED", null, null, 1)).indexWrites());
        assertEquals(0, trace(item("PENDING", "1", "200", 1), item("PENDING", "1", "200", 9)).indexWrites());
        assertEquals(0, trace(item("DELIVERED", null, null, 1), item("READ", null, null, 1)).indexWrites());
    }

    static WriteTrace trace(Map<String, AttributeValue> before, Map<String, AttributeValue> after) {
        return new WriteTrace("UpdateItem", "m1", before, after, true);
    }
}
