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

/**
 * template.yaml declares the table the code defines, so a deployment gets the table the code uses. Its
 * attributes and indexes depend on parameters (the upgrade steps): TemplateTransformTest checks them on
 * the transform's output.
 */
class TemplateTableTest {

    private static Map<String, Object> table;
    private static final CreateTableRequest CODE = MessagesTable.createTableRequest("t");

    @BeforeAll
    static void load() throws Exception {
        Map<String, Object> template = Template.load(Path.of("template.yaml"));
        table = map(map(map(template.get("Resources")).get("MessagesTable")).get("Properties"));
    }

    @Test
    void tableKey_matchesTheCode() {
        assertEquals(keys(CODE.keySchema()), declaredKeys(table.get("KeySchema")));
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
