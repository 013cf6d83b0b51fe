package dev.rbmrevoker.deploy;

import static dev.rbmrevoker.deploy.Template.list;
import static dev.rbmrevoker.deploy.Template.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rbmrevoker.store.MessagesTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;

/**
 * What CloudFormation would deploy: assertions on AWS's SAM translator's output for every
 * Packaging × Architecture combination (.ci/run produces it; skipped where it was not given).
 */
class TemplateTransformTest {

    /** The schedule's input, exactly as API.md gives it ("The sweep function"). */
    static final String SWEEP_EVENT = "{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\"/internal/sweep\","
            + "\"requestContext\":{\"http\":{\"method\":\"POST\",\"path\":\"/internal/sweep\"}},\"isBase64Encoded\":false}";

    private List<Transformed> outputs;

    /** Per test, so each one reports itself skipped, with why, when no transform output was given. */
    @BeforeEach
    void load() {
        outputs = Transformed.all();
    }

    @Test
    void routes_areWhatTheCodeServes_iamOnEveryV1Route_webhookPublic_noSweepRoute() throws Exception {
        Set<String> code = TemplateRoutesTest.codeRoutes();
        code.remove(TemplateRoutesTest.SWEEP_ROUTE);
        for (Transformed cfn : outputs) {
            Map<String, Object> body = map(cfn.properties("HttpApi").get("Body"));
            Set<String> routes = new TreeSet<>();
            map(body.get("paths")).forEach((path, methods) -> map(methods).forEach((method, operation) -> {
                String route = method.toUpperCase() + " " + path;
                routes.add(route);
                Object security = map(operation).get("security");
                if (path.startsWith("/v1/")) {
                    assertEquals(List.of(Map.of("AWS_IAM", List.of())), security, cfn + " " + route);
                } else {
                    assertTrue(security == null || List.of(Map.of("NONE", List.of())).equals(security),
                            cfn + " " + route + " must be public, has " + security);
                }
                String uri = String.valueOf(map(map(operation).get("x-amazon-apigateway-integration")).get("uri"));
                assertTrue(uri.contains("${ApiFunctionAliaslive}"), cfn + " " + route + " integrates " + uri);
            }));
            assertEquals(code, routes, cfn + ": routes");
            assertTrue(routes.stream().noneMatch(r -> r.contains("/internal") || r.contains("{proxy+}")
                    || r.startsWith("X-AMAZON-APIGATEWAY-ANY-METHOD") || r.contains("$default")), cfn + ": " + routes);
            assertEquals("awsSigv4", map(map(map(map(body.get("components")).get("securitySchemes")).get("AWS_IAM")))
                    .get("x-amazon-apigateway-authtype"), cfn + ": the AWS_IAM scheme is SigV4");
            assertTrue(cfn.ofType("AWS::ApiGatewayV2::Route").isEmpty(), cfn + ": routes outside the API body");
        }
    }

    @Test
    void throttling_onEveryV1Route_neverOnTheWebhook() {
        for (Transformed cfn : outputs) {
            Map<String, Object> stage = cfn.ofType("AWS::ApiGatewayV2::Stage").values().stream()
                    .map(r -> map(r.get("Properties"))).findFirst().orElseThrow();
            assertEquals("$default", stage.get("StageName"), cfn + ": a named stage puts it into rawPath");
            assertNull(stage.get("DefaultRouteSettings"), cfn + ": default route settings would reach the webhook");
            Map<String, Object> settings = map(stage.get("RouteSettings"));
            Set<String> v1 = new TreeSet<>(v1Routes(cfn));
            assertEquals(v1, new TreeSet<>(settings.keySet()), cfn + ": throttled routes");
            settings.values().forEach(s -> {
                assertEquals("50", map(s).get("ThrottlingRateLimit"), cfn.toString());
                assertEquals("100", map(s).get("ThrottlingBurstLimit"), cfn.toString());
            });
        }
    }

    @Test
    void schedule_targetsTheSweepAlias_withApiMdsEvent_andADeadLetterQueueThatIsAlarmed() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (Transformed cfn : outputs) {
            Map<String, Map<String, Object>> schedules = cfn.ofType("AWS::Scheduler::Schedule");
            assertEquals(1, schedules.size(), cfn + ": one schedule");
            Map<String, Object> schedule = map(schedules.values().iterator().next().get("Properties"));
            assertEquals("rate(1 minute)", schedule.get("ScheduleExpression"), cfn.toString());
            assertNull(schedule.get("Name"), cfn + ": a fixed schedule name collides with a second stack");
            Map<String, Object> target = map(schedule.get("Target"));
            assertEquals(Map.of("Ref", "SweepFunctionAliaslive"), target.get("Arn"), cfn + ": target");
            assertEquals(json.readTree(SWEEP_EVENT), json.readTree((String) target.get("Input")), cfn + ": input");

            Map<String, Object> dlq = map(map(target.get("DeadLetterConfig")).get("Arn"));
            String queue = (String) list(dlq.get("Fn::GetAtt")).get(0);
            assertEquals("AWS::SQS::Queue", cfn.resource(queue).get("Type"), cfn + ": the DLQ");
            assertTrue(alarms(cfn).stream().anyMatch(a -> "AWS/SQS".equals(a.get("Namespace"))
                    && "ApproximateNumberOfMessagesVisible".equals(a.get("MetricName"))
                    && String.valueOf(a.get("Dimensions")).contains("GetAtt=[" + queue + ", QueueName]")
                    && a.get("AlarmActions") != null), cfn + ": no alarm on the scheduler's DLQ");
        }
    }

    @Test
    void sweep_isNotRetriedByLambda_andEndsBeforeTheNextTick() {
        for (Transformed cfn : outputs) {
            Map<String, Object> invoke = cfn.ofType("AWS::Lambda::EventInvokeConfig").values().stream()
                    .map(r -> map(r.get("Properties")))
                    .filter(p -> Map.of("Ref", "SweepFunction").equals(p.get("FunctionName")))
                    .findFirst().orElseThrow(() -> new AssertionError(cfn + ": no EventInvokeConfig for the sweep"));
            assertEquals(0, invoke.get("MaximumRetryAttempts"), cfn.toString());
            assertEquals(60, invoke.get("MaximumEventAgeInSeconds"), cfn.toString());
            assertEquals("live", invoke.get("Qualifier"), cfn + ": the scheduler invokes the alias");

            Matcher rate = Pattern.compile("rate\\((\\d+) minutes?\\)").matcher((String) cfn.ofType(
                    "AWS::Scheduler::Schedule").values().stream().map(r -> map(r.get("Properties")))
                    .findFirst().orElseThrow().get("ScheduleExpression"));
            assertTrue(rate.matches());
            int period = Integer.parseInt(rate.group(1)) * 60;
            int timeout = ((Number) cfn.properties("SweepFunction").get("Timeout")).intValue();
            assertTrue(timeout < period, cfn + ": sweep timeout " + timeout + " s is not under the period " + period);
            assertTrue(alarms(cfn).stream().anyMatch(a -> "sweepFailed".equals(a.get("MetricName"))),
                    cfn + ": a failed sweep answers 5xx, a successful invocation: only its metric shows it");
        }
    }

    @Test
    void functions_publishAnAlias_withSnapStartOnJvm_andTheRuntimeOfTheirPackaging() {
        for (Transformed cfn : outputs) {
            boolean jvm = "jvm".equals(cfn.parameters.get("Packaging"));
            for (String function : List.of("ApiFunction", "SweepFunction")) {
                Map<String, Object> properties = cfn.properties(function);
                assertEquals(List.of(cfn.parameters.get("Architecture")), properties.get("Architectures"), cfn.toString());
                assertEquals(jvm ? "java21" : "provided.al2023", properties.get("Runtime"), cfn + " " + function);
                assertEquals(jvm ? "PublishedVersions" : "None", map(properties.get("SnapStart")).get("ApplyOn"),
                        cfn + " " + function);
                if (jvm) {
                    assertEquals("io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest",
                            properties.get("Handler"), cfn.toString());
                }
                Map<String, Object> alias = cfn.properties(function + "Aliaslive");
                assertEquals("live", alias.get("Name"), cfn.toString());
                assertEquals(Map.of("Ref", function), alias.get("FunctionName"), cfn.toString());
                String version = (String) list(map(alias.get("FunctionVersion")).get("Fn::GetAtt")).get(0);
                assertEquals("AWS::Lambda::Version", cfn.resource(version).get("Type"), cfn.toString());
            }
        }
    }

    @Test
    void messagesTable_survivesStackDeletionAndReplacement() {
        for (Transformed cfn : outputs) {
            Map<String, Object> table = cfn.resource("MessagesTable");
            assertEquals("Retain", table.get("DeletionPolicy"), cfn.toString());
            assertEquals("Retain", table.get("UpdateReplacePolicy"), cfn.toString());
            Map<String, Object> properties = map(table.get("Properties"));
            assertEquals(true, properties.get("DeletionProtectionEnabled"), cfn.toString());
            assertEquals(true, map(properties.get("PointInTimeRecoverySpecification")).get("PointInTimeRecoveryEnabled"));
        }
    }

    @Test
    void logs_ofBothFunctionsAndTheApi_keepLogRetentionDays() {
        for (Transformed cfn : outputs) {
            List<String> groups = new ArrayList<>();
            for (String function : List.of("ApiFunction", "SweepFunction")) {
                groups.add((String) map(map(cfn.properties(function).get("LoggingConfig")).get("LogGroup")).get("Ref"));
            }
            Map<String, Object> stage = cfn.ofType("AWS::ApiGatewayV2::Stage").values().stream()
                    .map(r -> map(r.get("Properties"))).findFirst().orElseThrow();
            groups.add((String) list(map(map(stage.get("AccessLogSettings")).get("DestinationArn")).get("Fn::GetAtt")).get(0));
            for (String group : groups) {
                assertEquals("AWS::Logs::LogGroup", cfn.resource(group).get("Type"), cfn + " " + group);
                assertEquals("30", cfn.properties(group).get("RetentionInDays"), cfn + " " + group);
                assertEquals("7", cfn.with(Map.of("LogRetentionDays", "7")).properties(group).get("RetentionInDays"));
            }
        }
    }

    @Test
    void eachFunction_getsOnlyTheDynamoDbActionsItsCodeCalls() {
        Set<String> items = Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");
        for (Transformed cfn : outputs) {
            // The API reads and writes single items (DynamoMessageStore, DynamoForwardStore, DynamoCampaignStore)
            // and queries the campaign index (a revocation started in the request, a campaign's counts); only
            // the sweep queries the due index (MessageStore.queryDue).
            String campaignIndex = String.valueOf(Map.of("Fn::Sub", "${MessagesTable.Arn}/index/campaign"));
            assertEquals(Map.of(String.valueOf(Map.of("Fn::GetAtt", List.of("MessagesTable", "Arn"))), items,
                    campaignIndex, Set.of("dynamodb:Query")),
                    dynamoGrants(cfn, "ApiFunctionRole"), cfn + ": ApiFunction");
            assertEquals(Map.of(
                    String.valueOf(Map.of("Fn::GetAtt", List.of("MessagesTable", "Arn"))), items,
                    String.valueOf(Map.of("Fn::Sub", "${MessagesTable.Arn}/index/dueV2")), Set.of("dynamodb:Query"),
                    campaignIndex, Set.of("dynamodb:Query")),
                    dynamoGrants(cfn, "SweepFunctionRole"), cfn + ": SweepFunction");
            // While an upgraded stack moves over, the sweep reads (and may query) the old index only.
            assertEquals(String.valueOf(Map.of("Fn::Sub", "${MessagesTable.Arn}/index/due")), List.copyOf(
                    dynamoGrants(cfn.with(Map.of("KeepLegacyDueIndex", "true")), "SweepFunctionRole").keySet())
                    .stream().filter(r -> r.contains("/index/") && !r.contains("/index/campaign")).findFirst()
                    .orElseThrow(), cfn.toString());
        }
    }

    /**
     * From the first releases' table (index {@code due} only) to today's, one index change per deploy, as
     * CloudFormation requires: dueV2 beside due (the sweep reading due), then due removed, then the campaign
     * index added; the last step is a new stack's table.
     */
    @Test
    void upgrade_changesOneIndexPerStep_theSweepReadsTheOldIndexUntilItGoes_andEndsAtTheCodesTable() {
        List<Map<String, String>> steps = List.of(
                Map.of("KeepLegacyDueIndex", "true", "CampaignIndex", "false"),
                Map.of("KeepLegacyDueIndex", "false", "CampaignIndex", "false"),
                Map.of());
        List<List<String>> expected = List.of(List.of("dueV2", "due"), List.of("dueV2"), List.of("dueV2", "campaign"));
        for (Transformed base : outputs) {
            Set<String> before = Set.of("due");
            for (int i = 0; i < steps.size(); i++) {
                Transformed cfn = base.with(steps.get(i));
                Map<String, Object> table = cfn.properties("MessagesTable");
                List<String> indexes = list(table.get("GlobalSecondaryIndexes")).stream()
                        .map(index -> (String) map(index).get("IndexName")).toList();
                assertEquals(expected.get(i), indexes, cfn.toString());
                Set<String> changed = new HashSet<>(before);
                changed.addAll(indexes);
                Set<String> kept = new HashSet<>(before);
                kept.retainAll(indexes);
                changed.removeAll(kept);
                assertEquals(1, changed.size(), cfn + ": indexes changed in one update: " + changed);
                before = Set.copyOf(indexes);
                assertEquals(keyAttributes(table), definedAttributes(table), cfn + ": attribute definitions");
                for (String function : List.of("ApiFunction", "SweepFunction")) {
                    Map<String, Object> env = map(map(cfn.properties(function).get("Environment")).get("Variables"));
                    assertEquals(i == 0 ? "due" : "dueV2", env.get("DUE_INDEX"), cfn + " " + function);
                    assertEquals("8", String.valueOf(env.get("DUE_SHARDS")), cfn + " " + function);
                    assertEquals("50", String.valueOf(env.get("CAMPAIGN_REVOKE_RATE")), cfn + " " + function);
                    assertEquals("PT5S", env.get("REVOKE_CONFIRM_WINDOW"), cfn + " " + function);
                }
            }
        }
    }

    @Test
    void table_isTheCodesTable_attributesKeysAndIndexes() {
        CreateTableRequest code = MessagesTable.createTableRequest("t");
        Map<String, String> codeAttributes = new HashMap<>();
        code.attributeDefinitions().forEach(a -> codeAttributes.put(a.attributeName(), a.attributeTypeAsString()));
        Map<String, Object> codeIndexes = new HashMap<>();
        for (GlobalSecondaryIndex index : code.globalSecondaryIndexes()) {
            codeIndexes.put(index.indexName(), List.of(
                    index.keySchema().stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList(),
                    index.projection().projectionTypeAsString(), new HashSet<>(index.projection().nonKeyAttributes())));
        }
        for (Transformed cfn : outputs) {
            Map<String, Object> table = cfn.properties("MessagesTable");
            Map<String, String> declared = new HashMap<>();
            list(table.get("AttributeDefinitions")).forEach(a -> declared.put(
                    (String) map(a).get("AttributeName"), (String) map(a).get("AttributeType")));
            assertEquals(codeAttributes, declared, cfn.toString());
            Map<String, Object> declaredIndexes = new HashMap<>();
            for (Object index : list(table.get("GlobalSecondaryIndexes"))) {
                Map<String, Object> projection = map(map(index).get("Projection"));
                Object nonKey = projection.get("NonKeyAttributes");
                declaredIndexes.put((String) map(index).get("IndexName"), List.of(
                        list(map(index).get("KeySchema")).stream()
                                .map(k -> map(k).get("AttributeName") + ":" + map(k).get("KeyType")).toList(),
                        projection.get("ProjectionType"), nonKey == null ? Set.of() : new HashSet<>(list(nonKey))));
            }
            assertEquals(codeIndexes, declaredIndexes, cfn.toString());
        }
        // The legacy index an upgrade keeps for a while is the code's too.
        Map<String, Object> legacy = map(list(outputs.get(0).with(Map.of("KeepLegacyDueIndex", "true"))
                .properties("MessagesTable").get("GlobalSecondaryIndexes")).get(1));
        assertEquals(new HashSet<>(MessagesTable.legacyDueIndex().projection().nonKeyAttributes()),
                new HashSet<>(list(map(legacy.get("Projection")).get("NonKeyAttributes"))));
    }

    private static Set<String> keyAttributes(Map<String, Object> table) {
        Set<String> used = new TreeSet<>();
        list(table.get("KeySchema")).forEach(k -> used.add((String) map(k).get("AttributeName")));
        list(table.get("GlobalSecondaryIndexes")).forEach(index -> list(map(index).get("KeySchema"))
                .forEach(k -> used.add((String) map(k).get("AttributeName"))));
        return used;
    }

    private static Set<String> definedAttributes(Map<String, Object> table) {
        Set<String> defined = new TreeSet<>();
        list(table.get("AttributeDefinitions")).forEach(a -> defined.add((String) map(a).get("AttributeName")));
        return defined;
    }

    @Test
    void sms_reachesPhoneNumbersOnly_neverATopic() {
        for (Transformed base : outputs) {
            for (String role : List.of("ApiFunctionRole", "SweepFunctionRole")) {
                assertTrue(statements(base, role).stream().noneMatch(s -> String.valueOf(s.get("Action")).contains("sns:")),
                        base + " " + role + ": SNS granted with SMS off");
                Transformed cfn = base.with(Map.of("SmsEnabled", "true"));
                List<Map<String, Object>> sns = statements(cfn, role).stream()
                        .filter(s -> String.valueOf(s.get("Action")).contains("sns:")).toList();
                assertTrue(sns.stream().anyMatch(s -> "Allow".equals(s.get("Effect"))
                        && "sns:Publish".equals(s.get("Action"))), cfn + " " + role + ": no SMS publish");
                assertTrue(sns.stream().anyMatch(s -> "Deny".equals(s.get("Effect"))
                        && "sns:Publish".equals(s.get("Action"))
                        && Map.of("Fn::Sub", "arn:${AWS::Partition}:sns:*:*:*").equals(s.get("Resource"))),
                        cfn + " " + role + ": topics are not denied");
                assertTrue(sns.stream().allMatch(s -> "sns:Publish".equals(s.get("Action"))), cfn + " " + role);
            }
        }
    }

    @Test
    void existingSecretArn_isUsedInsteadOfANewSecret() {
        String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rbm-revoker-AbCdEf";
        for (Transformed base : outputs) {
            assertTrue(base.resources().containsKey("RbmSecret"), base + ": no secret created by default");
            Transformed cfn = base.with(Map.of("ExistingSecretArn", arn));
            assertFalse(cfn.resources().containsKey("RbmSecret"), cfn + ": a secret created beside the given one");
            for (String function : List.of("ApiFunction", "SweepFunction")) {
                assertEquals(arn, map(map(cfn.properties(function).get("Environment")).get("Variables"))
                        .get("RBM_SECRET_ARN"), cfn + " " + function);
                String role = function + "Role";
                assertTrue(statements(cfn, role).stream().anyMatch(s -> "secretsmanager:GetSecretValue".equals(
                        s.get("Action")) && arn.equals(s.get("Resource"))), cfn + " " + role);
                assertTrue(statements(cfn, role).stream().noneMatch(s -> String.valueOf(s).contains("Ref=RbmSecret")),
                        cfn + " " + role + " refers to the secret that is not created");
            }
        }
    }

    @Test
    void revokeConfirmWindow_reachesBothFunctions_soARollbackCanDrainTheWindowsFirst() {
        for (Transformed base : outputs) {
            Transformed cfn = base.with(Map.of("RevokeConfirmWindow", "PT0S"));
            for (String function : List.of("ApiFunction", "SweepFunction")) {
                assertEquals("PT0S", map(map(cfn.properties(function).get("Environment")).get("Variables"))
                        .get("REVOKE_CONFIRM_WINDOW"), cfn + " " + function);
            }
        }
    }

    @Test
    void alarms_reachTheAlarmTopic() {
        for (Transformed cfn : outputs) {
            Set<String> watched = new HashSet<>();
            for (Map<String, Object> alarm : alarms(cfn)) {
                assertEquals(List.of(Map.of("Ref", "AlarmTopic")), alarm.get("AlarmActions"), cfn + " " + alarm);
                watched.add(alarm.get("Namespace") + "/" + alarm.get("MetricName"));
            }
            assertTrue(watched.containsAll(Set.of("RbmRevoker/revokeRefused", "RbmRevoker/oldestForwardAgeMs",
                    "RbmRevoker/sweepFailed", "AWS/Lambda/Errors", "AWS/SQS/ApproximateNumberOfMessagesVisible")),
                    cfn + ": " + watched);
        }
    }

    private static List<String> v1Routes(Transformed cfn) {
        List<String> routes = new ArrayList<>();
        map(map(cfn.properties("HttpApi").get("Body")).get("paths")).forEach((path, methods) -> map(methods).keySet()
                .forEach(method -> {
                    if (path.startsWith("/v1/")) {
                        routes.add(method.toUpperCase() + " " + path);
                    }
                }));
        return routes;
    }

    private static List<Map<String, Object>> alarms(Transformed cfn) {
        return cfn.ofType("AWS::CloudWatch::Alarm").values().stream().map(r -> map(r.get("Properties"))).toList();
    }

    private static List<Map<String, Object>> statements(Transformed cfn, String role) {
        List<Map<String, Object>> statements = new ArrayList<>();
        Object policies = cfn.properties(role).get("Policies");
        if (policies != null) {
            for (Object policy : list(policies)) {
                Object statement = map(map(policy).get("PolicyDocument")).get("Statement");
                list(statement).forEach(s -> statements.add(map(s)));
            }
        }
        assertNull(cfn.properties(role).get("ManagedPolicyArns") == null ? null
                : list(cfn.properties(role).get("ManagedPolicyArns")).stream()
                        .filter(a -> String.valueOf(a).contains("DynamoDB") || String.valueOf(a).contains("SNS"))
                        .findAny().orElse(null), cfn + " " + role + ": a managed policy grants DynamoDB or SNS");
        return statements;
    }

    /** resource → DynamoDB actions allowed on it, from the role's inline policies. */
    private static Map<String, Set<String>> dynamoGrants(Transformed cfn, String role) {
        Map<String, Set<String>> grants = new java.util.HashMap<>();
        for (Map<String, Object> statement : statements(cfn, role)) {
            Object action = statement.get("Action");
            List<Object> actions = action instanceof List<?> many ? list(many) : List.of(action);
            if (actions.stream().noneMatch(a -> String.valueOf(a).startsWith("dynamodb:"))) {
                continue;
            }
            assertEquals("Allow", statement.get("Effect"));
            Object resource = statement.get("Resource");
            List<Object> resources = resource instanceof List<?> many ? list(many) : List.of(resource);
            assertNotNull(resource);
            for (Object r : resources) {
                assertFalse("*".equals(r), cfn + " " + role + ": DynamoDB on every resource");
                actions.forEach(a -> grants.computeIfAbsent(String.valueOf(r), k -> new TreeSet<>()).add((String) a));
            }
        }
        return grants;
    }
}
