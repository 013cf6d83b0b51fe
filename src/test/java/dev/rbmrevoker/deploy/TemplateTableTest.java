package dev.rbmrevoker.deploy;

import static dev.rbmrevoker.deploy.Template.list;
import static dev.rbmrevoker.deploy.Template.map;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.store.MessagesTable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/** template.yaml declares the table the code defines, so a deployment gets the table the code uses. */
class TemplateTableTest {

    private static Map<String, Object> table;
    private static final CreateTableRequest CODE = MessagesTable.createTableRequest("t");

    @BeforeAll
    static void load() throws Exception {
        Map<String, Object> template = Template.load(Path.of("template.yaml"));
        table = map(map(map(template.get("Resources")).get("MessagesTable")).get("Properties"));
    }

    @Test
    void attributeTypes_matchTheCode() {
        Map<String, String> declared = new HashMap<>();
        list(table.get("AttributeDefinitions")).forEach(a -> declared.put(
                (String) map(a).get("AttributeName"), (String) map(a).get("AttributeType")));
        Map<String, String> code = CODE.attributeDefinitions().stream()
                .collect(Collectors.toMap(a -> a.attributeName(), a -> a.attributeTypeAsString()));
        assertEquals(code, declared);
    }

    @Test
    void tableKey_matchesTheCode() {
        assertEquals(keys(CODE.keySchema()), declaredKeys(table.get("KeySchema")));
    }

    @Test
    void indexes_matchTheCode_namesKeysAndProjection() {
        // The second branch is every new stack's; the first adds the legacy index while an upgrade moves over.
        List<Object> branches = list(map(table.get("GlobalSecondaryIndexes")).get("Fn::If"));
        assertEquals("KeepsLegacyDueIndex", branches.get(0));
        assertEquals(indexes(CODE.globalSecondaryIndexes()), declaredIndexes(branches.get(2)));
        assertEquals(indexes(List.of(MessagesTable.dueIndex(), MessagesTable.legacyDueIndex())),
                declaredIndexes(branches.get(1)));
    }

    private static Map<String, Object> declaredIndexes(Object declaredList) {
        Map<String, Object> declared = new HashMap<>();
        for (Object index : list(declaredList)) {
            Map<String, Object> projection = map(map(index).get("Projection"));
            Object nonKey = projection.get("NonKeyAttributes");
            declared.put((String) map(index).get("IndexName"), List.of(
                    declaredKeys(map(index).get("KeySchema")),
                    projection.get("ProjectionType"),
                    nonKey == null ? Set.of() : new HashSet<>(list(nonKey))));
        }
        return declared;
    }

    private static Map<String, Object> indexes(List<GlobalSecondaryIndex> indexes) {
        Map<String, Object> code = new HashMap<>();
        for (GlobalSecondaryIndex index : indexes) {
            code.put(index.indexName(), List.of(
                    keys(index.keySchema()),
                    index.projection().projectionTypeAsString(),
                    new HashSet<>(index.projection().nonKeyAttributes())));
        }
        return code;
    }

    @Test
    void timeToLive_isTheCodesAttribute() {
        Map<String, Object> ttl = map(table.get("TimeToLiveSpecification"));
        assertEquals(MessagesTable.EXPIRES_AT, ttl.get("AttributeName"));
        assertEquals(true, ttl.get("Enabled"));
    }

    @Test
    void billingAndRecovery_areOnDemandWithPointInTimeRecovery() {
        assertEquals(CODE.billingModeAsString(), table.get("BillingMode"));
        assertEquals(true, map(table.get("PointInTimeRecoverySpecification")).get("PointInTimeRecoveryEnabled"));
    }

    private static List<String> keys(List<KeySchemaElement> schema) {
        return schema.stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList();
    }

    private static List<String> declaredKeys(Object schema) {
        return list(schema).stream()
                .map(k -> map(k).get("AttributeName") + ":" + map(k).get("KeyType"))
                .toList();
    }
}
