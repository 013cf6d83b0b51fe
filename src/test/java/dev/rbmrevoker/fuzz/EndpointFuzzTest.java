package dev.rbmrevoker.fuzz;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.local.rbm.WebhookSigner;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.sessions.JqwikSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Property-based fuzzing of every endpoint through the HTTP path (rest-assured against the running
 * test application, through the Lambda mock event server). jqwik's arbitraries generate the odd
 * values; they are drawn programmatically from a seeded {@link Random} because a jqwik
 * {@code @Property} cannot be a {@code @QuarkusTest} method: jqwik's engine knows nothing of Quarkus'
 * application lifecycle. The properties, for every request:
 * <ul>
 * <li>never a 5xx;</li>
 * <li>every 4xx is {@code application/problem+json} with a {@code urn:rbm-revoker:problem:} type;</li>
 * <li>a rejected request changes no state: the target message reads the same before and after (or
 * still does not exist), and RBM saw no send or revoke for it, and no webhook was forwarded.</li>
 * </ul>
 * The seed is printed; replay with {@code -Dfuzz.seed=...}; {@code -Dfuzz.tries=...} scales each endpoint.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class EndpointFuzzTest {

    // Fixed by default so every run (CI included) gives the same answer; explore with -Dfuzz.seed=<n>.
    private static final long SEED = Long.getLong("fuzz.seed", 20261130L);
    private static final int TRIES = Integer.getInteger("fuzz.tries", 80);
    /** Each endpoint stops early when it has used this much wall time, so the whole run stays near a minute. */
    private static final Duration TIME_PER_ENDPOINT = Duration.ofSeconds(Long.getLong("fuzz.seconds", 10));
    private static final String PROBLEM_PREFIX = "urn:rbm-revoker:problem:";
    private static final String PHONE = "+16502530001";
    private static final int LIMIT = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Random random;
    private String endpoint;
    private final List<String> failures = new ArrayList<>();

    @BeforeAll
    static void printSeed() {
        System.out.printf("EndpointFuzzTest: seed=%d tries=%d per endpoint (replay with -Dfuzz.seed=%d)%n", SEED,
                TRIES, SEED);
    }

    @BeforeEach
    void setUp(TestInfo info) {
        RevokerResource.resetAll();
        endpoint = info.getTestMethod().orElseThrow().getName();
        random = new Random(SEED ^ endpoint.hashCode());
    }

    // ------------------------------------------------------------------------------ the endpoints

    @Test
    void postMessages_mutatedBodies_neverFail5xx_andRejectedOnesSendNothing() {
        run(() -> {
            String id = UUID.randomUUID().toString();
            Mutant body = mutate(validSend(id), "messageId", "phoneNumber", "contentMessage", "deadline", "ttl",
                    "fallback", "agentId", "messageTrafficType");
            int sendsBefore = sends(null);
            Response answer = request(body).post("/v1/messages");
            String what = "POST /v1/messages " + body.describe();
            checkAnswer(answer, what);
            if (answer.statusCode() >= 400 && answer.statusCode() != 422) {
                expectNoMessage(id, what);
                if (sends(null) != sendsBefore) {
                    failures.add(what + ": answered " + answer.statusCode() + " yet RBM saw a send");
                }
            }
            return body.describe();
        });
    }

    @Test
    void putMessage_mutatedBodiesAndIds_neverFail5xx_andRejectedOnesTrackNothing() {
        run(() -> {
            String id = UUID.randomUUID().toString();
            boolean oddPath = random.nextInt(5) == 0;
            String pathId = oddPath ? oddId() : id;
            Mutant body = mutate(validTrack(), "phoneNumber", "deadline", "ttl", "fallback", "agentId");
            Response answer = request(body).put("/v1/messages/{id}", pathId);
            String what = "PUT /v1/messages/" + printable(pathId) + " " + body.describe();
            checkAnswer(answer, what);
            if (answer.statusCode() >= 400) {
                expectNoMessage(id, what);
            }
            return what;
        });
    }

    @Test
    void revoke_mutatedBodiesAndIds_neverFail5xx_andRejectedOnesChangeNothing() {
        run(() -> {
            boolean unknown = random.nextInt(4) == 0;
            String id = UUID.randomUUID().toString();
            if (!unknown) {
                track(id);
            }
            String before = unknown ? null : read(id);
            ObjectNode valid = JSON.createObjectNode();
            if (random.nextBoolean()) {
                valid.put("fallback", random.nextBoolean());
            }
            if (unknown) {
                valid.put("phoneNumber", PHONE);
            }
            Mutant body = random.nextInt(6) == 0 ? Mutant.raw(new byte[0], "empty body")
                    : mutate(valid, "fallback", "phoneNumber", "agentId");
            String pathId = random.nextInt(8) == 0 ? oddId() : id;
            Response answer = request(body).post("/v1/messages/{id}/revoke", pathId);
            String what = "POST /v1/messages/" + printable(pathId) + "/revoke " + body.describe() + " -> "
                    + answer.statusCode() + " " + abbreviate(answer.asString());
            checkAnswer(answer, what);
            // 409 and 422 answer a valid revoke RBM settled (already delivered, refused): not rejections.
            if (answer.statusCode() >= 400 && answer.statusCode() != 409 && answer.statusCode() != 422) {
                if (unknown) {
                    // Known bug, pinned by RevokeUntrackedWithFallbackTest: an untracked message asked to fall
                    // back is tracked before the 400. Skipped here so this property keeps guarding the rest.
                    if (!asksFallbackForUntracked(body)) {
                        expectNoMessage(id, what);
                    }
                } else if (!before.equals(read(id))) {
                    failures.add(what + ": answered " + answer.statusCode() + " yet the message changed:\n    before "
                            + before + "\n    after  " + read(id));
                }
                if (revokes(id) > 0) {
                    failures.add(what + ": answered " + answer.statusCode() + " yet RBM saw a revoke");
                }
            }
            return what;
        });
    }

    @Test
    void bodiesOver256KiB_answer413ProblemJson() {
        run(() -> {
            int target = LIMIT + 1 + random.nextInt(8 * 1024);
            String id = UUID.randomUUID().toString();
            Mutant body = huge(validSend(id), target);
            Response answer = request(body).post("/v1/messages");
            String what = "POST /v1/messages " + body.describe();
            checkAnswer(answer, what);
            expectNoMessage(id, what);
            Response webhook = given().contentType("application/json").body("{\"message\":{\"data\":\""
                    + "A".repeat(target) + "\"}}").post("/webhooks/rbm");
            checkAnswer(webhook, "POST /webhooks/rbm (" + target + " bytes)");
            if (answer.statusCode() != 413 || webhook.statusCode() != 413) {
                failures.add(what + ": answered " + answer.statusCode() + " and the webhook " + webhook.statusCode()
                        + ", not 413");
            }
            return what;
        });
    }

    @Test
    void getMessage_oddIds_neverFail5xx() {
        run(() -> {
            String pathId = oddId();
            Response answer = given().urlEncodingEnabled(true).get("/v1/messages/{id}", pathId);
            checkAnswer(answer, "GET /v1/messages/" + printable(pathId));
            return printable(pathId);
        });
    }

    @Test
    void webhook_badBase64AndSignatures_neverFail5xx_andRejectedOnesChangeNothing() {
        String[] target = {null};
        run(() -> {
            if (target[0] == null) {
                target[0] = UUID.randomUUID().toString();
                track(target[0]);
            }
            String id = target[0];
            String before = read(id);
            int forwardsBefore = RevokerResource.forwards().received().size();
            WebhookSigner signer = new WebhookSigner(RevokerResource.CLIENT_TOKEN);
            WebhookSigner.SignedEnvelope envelope = signer.userEvent(RevokerResource.AGENT, PHONE, "DELIVERED", id,
                    Instant.now());
            WebhookMutant mutant = mutateWebhook(envelope);
            RequestSpecification spec = given().contentType("application/json").body(mutant.body());
            if (mutant.signature() != null) {
                spec = spec.header(WebhookSigner.SIGNATURE_HEADER, mutant.signature());
            }
            Response answer = spec.post("/webhooks/rbm");
            String what = "POST /webhooks/rbm " + mutant.description();
            checkAnswer(answer, what);
            if (answer.statusCode() >= 400) {
                if (!before.equals(read(id))) {
                    failures.add(what + ": answered " + answer.statusCode() + " yet the message changed");
                }
                if (RevokerResource.forwards().received().size() != forwardsBefore) {
                    failures.add(what + ": answered " + answer.statusCode() + " yet the envelope was forwarded");
                }
            } else {
                target[0] = null; // a signed event may have moved it: the next try takes a fresh message
            }
            return what;
        });
    }

    // ------------------------------------------------------------------------------ the properties

    private void run(Supplier<String> oneTry) {
        Instant end = Instant.now().plus(TIME_PER_ENDPOINT);
        int tries = 0;
        // Outside a @Property, jqwik's generators need a session (their memoisation lives in it).
        JqwikSession.start();
        try {
            while (tries < TRIES && Instant.now().isBefore(end)) {
                tries++;
                oneTry.get();
            }
        } finally {
            JqwikSession.finish();
        }
        System.out.printf("EndpointFuzzTest: %s: %d tries, %d failures%n", endpoint, tries, failures.size());
        if (!failures.isEmpty()) {
            fail("EndpointFuzzTest seed=" + SEED + " (replay with -Dfuzz.seed=" + SEED + "), " + endpoint + ": "
                    + failures.size() + " failure(s):\n  " + String.join("\n  ", failures.subList(0,
                            Math.min(15, failures.size()))));
        }
    }

    private void checkAnswer(Response answer, String what) {
        int status = answer.statusCode();
        if (status >= 500) {
            failures.add(what + ": answered " + status + " " + abbreviate(answer.asString()));
            return;
        }
        if (status < 400) {
            return;
        }
        String contentType = answer.contentType();
        if (contentType == null || !contentType.startsWith("application/problem+json")) {
            failures.add(what + ": " + status + " with content type " + contentType + ", not application/problem+json: "
                    + abbreviate(answer.asString()));
            return;
        }
        try {
            JsonNode problem = JSON.readTree(answer.asByteArray());
            String type = problem.path("type").asText("");
            if (!type.startsWith(PROBLEM_PREFIX)) {
                failures.add(what + ": " + status + " problem type '" + type + "' is not " + PROBLEM_PREFIX + "...");
            }
            if (problem.path("status").asInt() != status) {
                failures.add(what + ": " + status + " but the problem says status " + problem.path("status"));
            }
        } catch (Exception e) {
            failures.add(what + ": " + status + " problem body is not JSON: " + abbreviate(answer.asString()));
        }
    }

    private void expectNoMessage(String id, String what) {
        Response stored = given().get("/v1/messages/{id}", id);
        if (stored.statusCode() != 404) {
            failures.add(what + ": rejected, yet GET " + id + " answers " + stored.statusCode() + " (expected 404): "
                    + abbreviate(stored.asString()));
        }
        if (sends(id) > 0) {
            failures.add(what + ": rejected, yet RBM saw a send of " + id);
        }
    }

    // ------------------------------------------------------------------------------ valid requests

    private ObjectNode validSend(String id) {
        ObjectNode body = JSON.createObjectNode();
        body.put("messageId", id);
        body.put("phoneNumber", PHONE);
        body.putObject("contentMessage").put("text", "Your code is 1234");
        body.put("deadline", Instant.now().plusSeconds(600).toString());
        ObjectNode fallback = body.putObject("fallback");
        fallback.putObject("sms").put("text", "Your code is 1234");
        fallback.putObject("callback");
        return body;
    }

    private ObjectNode validTrack() {
        ObjectNode body = JSON.createObjectNode();
        body.put("phoneNumber", PHONE);
        body.put("ttl", "PT10M");
        body.putObject("fallback").putObject("sms").put("text", "Your code is 1234");
        return body;
    }

    private void track(String id) {
        int status = given().contentType("application/json").body(validTrack().toString())
                .put("/v1/messages/{id}", id).statusCode();
        if (status != 201) {
            throw new IllegalStateException("tracking " + id + " answered " + status);
        }
    }

    private static boolean asksFallbackForUntracked(Mutant body) {
        try {
            JsonNode tree = JSON.readTree(body.bytes());
            return tree != null && tree.path("fallback").asBoolean(false) && tree.path("fallback").isBoolean();
        } catch (Exception e) {
            return false;
        }
    }

    private static String read(String id) {
        return given().get("/v1/messages/{id}", id).asString();
    }

    private static int sends(String id) {
        return (int) RevokerResource.rbm().calls(Route.SEND).stream()
                .filter(c -> id == null || id.equals(c.query().get("messageId"))).count();
    }

    private static int revokes(String id) {
        return (int) RevokerResource.rbm().calls(Route.REVOKE).stream().map(RecordedCall::rawPath)
                .filter(path -> path.endsWith("/" + id)).count();
    }

    // ------------------------------------------------------------------------------ mutations

    /** A request body: bytes, the content type to send it as, and what was done to it. */
    record Mutant(byte[] bytes, String contentType, String description) {
        static Mutant raw(byte[] bytes, String description) {
            return new Mutant(bytes, "application/json", description);
        }

        String describe() {
            return "[" + description + "] (" + bytes.length + " bytes)";
        }
    }

    private static RequestSpecification request(Mutant body) {
        RequestSpecification spec = given().urlEncodingEnabled(true);
        if (body.contentType() != null) {
            spec = spec.contentType(body.contentType());
        }
        return body.bytes().length == 0 ? spec : spec.body(body.bytes());
    }

    /** A valid body with one thing wrong (sometimes two), or a body that is not a valid request at all. */
    private Mutant mutate(ObjectNode valid, String... fields) {
        int kind = random.nextInt(100);
        if (kind < 10) {
            return rawGarbage(valid);
        }
        if (kind < 15) {
            return huge(valid);
        }
        if (kind < 19) {
            return deep(valid);
        }
        if (kind < 22) {
            return new Mutant(valid.toString().getBytes(StandardCharsets.UTF_8),
                    pick(Arbitraries.of("text/plain", "application/xml", "application/octet-stream",
                            "application/json; charset=ISO-8859-1", "text/csv")),
                    "valid body, odd content type");
        }
        ObjectNode body = valid.deepCopy();
        StringBuilder description = new StringBuilder();
        int mutations = random.nextInt(4) == 0 ? 2 : 1;
        for (int i = 0; i < mutations; i++) {
            String field = fields[random.nextInt(fields.length)];
            int how = random.nextInt(100);
            if (how < 15) {
                body.remove(field);
                description.append("no ").append(field).append("; ");
            } else if (how < 25) {
                String unknown = pick(Arbitraries.strings().ofMinLength(1).ofMaxLength(12));
                body.set(unknown, wrongValue());
                description.append("unknown field '").append(printable(unknown)).append("'; ");
            } else if (field.equals("phoneNumber") && how < 75) {
                String phone = oddPhone();
                body.put(field, phone);
                description.append("phoneNumber '").append(printable(phone)).append("'; ");
            } else if ((field.equals("deadline") || field.equals("ttl")) && how < 70) {
                String value = oddTime(field);
                body.put(field, value);
                description.append(field).append(" '").append(printable(value)).append("'; ");
            } else if (field.equals("fallback") && how < 70) {
                JsonNode fallback = oddFallback();
                body.set(field, fallback);
                description.append("fallback ").append(abbreviate(fallback.toString())).append("; ");
            } else if (field.equals("messageId") && how < 60) {
                String value = oddId();
                body.put(field, value);
                description.append("messageId '").append(printable(value)).append("'; ");
            } else {
                JsonNode value = wrongValue();
                body.set(field, value);
                description.append(field).append(" = ").append(abbreviate(value.toString())).append("; ");
            }
        }
        return Mutant.raw(body.toString().getBytes(StandardCharsets.UTF_8), description.toString().trim());
    }

    private Mutant rawGarbage(ObjectNode valid) {
        String text = valid.toString();
        return switch (random.nextInt(7)) {
            case 0 -> Mutant.raw(text.substring(0, random.nextInt(text.length())).getBytes(StandardCharsets.UTF_8),
                    "truncated JSON");
            case 1 -> {
                byte[] bytes = new byte[1 + random.nextInt(200)];
                random.nextBytes(bytes);
                yield Mutant.raw(bytes, "random bytes");
            }
            case 2 -> {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                int at = random.nextInt(bytes.length);
                bytes[at] = (byte) (0x80 | random.nextInt(0x40)); // a lone continuation byte: invalid UTF-8
                yield Mutant.raw(bytes, "invalid UTF-8 at byte " + at);
            }
            case 3 -> Mutant.raw(pick(Arbitraries.of("[]", "null", "42", "\"text\"", "true", "{}", "[{}]", " ",
                    "{\"a\":", "}{", "{\"messageId\":\"\\ud800\"}")).getBytes(StandardCharsets.UTF_8), "not an object");
            case 4 -> Mutant.raw(("[" + text + "]").getBytes(StandardCharsets.UTF_8), "the body in an array");
            case 5 -> Mutant.raw((text + text).getBytes(StandardCharsets.UTF_8), "two objects");
            default -> Mutant.raw(pick(Arbitraries.strings().all().ofMaxLength(300)).getBytes(StandardCharsets.UTF_8),
                    "random text");
        };
    }

    /** Bodies just under and at 256 KiB (over it: see {@link #bodiesOver256KiB_answer413ProblemJson}). */
    private Mutant huge(ObjectNode valid) {
        int[] targets = {LIMIT - 1024, LIMIT - 1, LIMIT};
        return huge(valid, targets[random.nextInt(targets.length)]);
    }

    private Mutant huge(ObjectNode valid, int target) {
        ObjectNode body = valid.deepCopy();
        String padField = body.has("contentMessage") ? null : "padding";
        if (padField == null) {
            ((ObjectNode) body.get("contentMessage")).put("text", "");
        } else {
            body.put(padField, "");
        }
        int base = body.toString().getBytes(StandardCharsets.UTF_8).length;
        String pad = "x".repeat(Math.max(0, target - base));
        if (padField == null) {
            ((ObjectNode) body.get("contentMessage")).put("text", pad);
        } else {
            body.put(padField, pad);
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        return Mutant.raw(bytes, "huge body, " + bytes.length + " bytes");
    }

    private Mutant deep(ObjectNode valid) {
        int depth = pick(Arbitraries.of(50, 500, 999, 1001, 2000, 5000));
        boolean arrays = random.nextBoolean();
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        ObjectNode body = valid.deepCopy();
        String field = body.has("contentMessage") ? "contentMessage" : "fallback";
        String text = body.toString();
        String marker = "\"" + field + "\":";
        int at = text.indexOf(marker);
        String json;
        if (at < 0) {
            json = text.substring(0, text.length() - 1) + ",\"" + field + "\":" + nested + "}";
        } else {
            body.put(field, "__DEEP__");
            json = body.toString().replace("\"__DEEP__\"", nested);
        }
        return Mutant.raw(json.getBytes(StandardCharsets.UTF_8), field + " nested " + depth + " deep in "
                + (arrays ? "arrays" : "objects"));
    }

    private JsonNode wrongValue() {
        return switch (random.nextInt(10)) {
            case 0 -> JSON.getNodeFactory().numberNode(random.nextLong());
            case 1 -> JSON.getNodeFactory().numberNode(random.nextDouble() * 1e300);
            case 2 -> JSON.getNodeFactory().booleanNode(random.nextBoolean());
            case 3 -> JSON.getNodeFactory().nullNode();
            case 4 -> JSON.createArrayNode().add("a").add(1);
            case 5 -> JSON.createObjectNode().put("unexpected", true);
            case 6 -> JSON.getNodeFactory().textNode("");
            case 7 -> JSON.getNodeFactory().textNode(pick(Arbitraries.strings().all().ofMaxLength(40)));
            case 8 -> JSON.getNodeFactory().textNode("x".repeat(10_000));
            default -> JSON.getNodeFactory().textNode(oddPhone());
        };
    }

    /** Phone numbers a person or a buggy client might type, none of them strict ASCII E.164. */
    private String oddPhone() {
        String valid = PHONE;
        return switch (random.nextInt(9)) {
            case 0 -> "＋１６５０２５３０００１"; // full-width plus and digits
            case 1 -> "+١٦٥٠٢٥٣٠٠٠١"; // Arabic-Indic digits
            case 2 -> "+۱۶۵۰۲۵۳۰۰۰۱"; // Extended Arabic-Indic (Persian) digits
            case 3 -> insert(valid, pick(Arbitraries.of("\u200F", "\u200E", "\u202E", "\u200B", "\uFEFF", "\u00A0",
                    " ", "-", "(", ".", "\u2060", "\u0301", "\uD83D\uDCF1", "\uD83D", "\uDC00", "\u0000", "\t")));
            case 4 -> pick(Arbitraries.of("+1 (650) 253-0001", "16502530001", "+", "", "+0", "+16502530001 ",
                    " +16502530001", "+1650253000١", "+16502530001\n", "+1234567890123456", "+1234", "+00000000000",
                    "++16502530001", "+16502530001+", "tel:+16502530001", "\uD83D\uDE00"));
            case 5 -> "+" + pick(Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20));
            case 6 -> "+" + pick(Arbitraries.strings().withCharRange('\u0660', '\u0669').withCharRange('0', '9')
                    .ofMinLength(7).ofMaxLength(15));
            case 7 -> pick(Arbitraries.strings().all().ofMinLength(1).ofMaxLength(20));
            default -> insert(valid, pick(Arbitraries.strings().all().ofLength(1)));
        };
    }

    private String oddTime(String field) {
        Instant now = Instant.now();
        return field.equals("deadline")
                ? pick(Arbitraries.of(now.minusSeconds(1).toString(), now.plus(Duration.ofDays(16)).toString(),
                        now.plus(Duration.ofDays(15)).plusSeconds(60).toString(), "tomorrow", "2026-13-45T25:61:00Z",
                        "1970-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "2026-11-22T10:00:00+25:00",
                        now.plusSeconds(600).toString().replace("Z", ""), "", "\u0662\u0660\u0662\u0666-01-01T00:00:00Z",
                        String.valueOf(now.getEpochSecond() + 600)))
                : pick(Arbitraries.of("PT0S", "-PT10M", "P16D", "PT1000000H", "10m", "600s", "PT", "P", "PT10M ",
                        "ＰＴ１０Ｍ", "PT9223372036854775807S", "PT0.0000000001S", ""));
    }

    private JsonNode oddFallback() {
        ObjectNode fallback = JSON.createObjectNode();
        switch (random.nextInt(8)) {
            case 0 -> fallback.put("sms", "text");
            case 1 -> fallback.putObject("sms").put("text", random.nextInt());
            case 2 -> fallback.putObject("sms");
            case 3 -> fallback.put("callback", "yes");
            case 4 -> fallback.putObject("sms").put("text", "x".repeat(5_000));
            case 5 -> fallback.putObject("fax").put("number", PHONE);
            case 6 -> fallback.putObject("sms").put("text", pick(Arbitraries.strings().all().ofMaxLength(50)));
            default -> {
                return JSON.createArrayNode().add("sms");
            }
        }
        return fallback;
    }

    private String oddId() {
        String uuid = UUID.randomUUID().toString();
        return switch (random.nextInt(8)) {
            case 0 -> uuid.toUpperCase();
            case 1 -> uuid.replace("-", "");
            case 2 -> uuid + "x";
            case 3 -> insert(uuid, pick(Arbitraries.of("\u200B", "\u202E", "%", "..", "\u00e9", "\uD83D\uDE00")));
            case 4 -> pick(Arbitraries.of("", " ", "null", "..", "%00", "0", "-1", "%7Bid%7D"));
            case 5 -> pick(Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40));
            case 6 -> "x".repeat(2_000);
            default -> uuid.replace('a', '\u0430'); // Cyrillic a
        };
    }

    // ------------------------------------------------------------------------------ webhook mutations

    record WebhookMutant(String body, String signature, String description) {
    }

    private WebhookMutant mutateWebhook(WebhookSigner.SignedEnvelope envelope) {
        String body = envelope.body();
        String signature = envelope.signature();
        try {
            ObjectNode tree = (ObjectNode) JSON.readTree(body);
            ObjectNode message = (ObjectNode) tree.get("message");
            String data = message.get("data").asText();
            return switch (random.nextInt(14)) {
                case 0 -> new WebhookMutant(body, null, "no signature");
                case 1 -> new WebhookMutant(body, "", "empty signature");
                case 2 -> new WebhookMutant(body, signature.substring(0, random.nextInt(signature.length())),
                        "truncated signature");
                case 3 -> new WebhookMutant(body, flipOneChar(signature), "signature with one character changed");
                case 4 -> new WebhookMutant(body, WebhookSigner.sign("another-token", Base64.getDecoder().decode(data)),
                        "signed with another token");
                case 5 -> new WebhookMutant(body, pick(Arbitraries.strings().all().ofMaxLength(100)),
                        "random signature text");
                case 6 -> {
                    message.put("data", insert(data, pick(Arbitraries.of("!", "*", "\u00e9", " ", "=", "-", "_"))));
                    yield new WebhookMutant(tree.toString(), signature, "data not base64");
                }
                case 7 -> {
                    message.put("data", data.substring(0, Math.max(1, data.length() - 1 - random.nextInt(3))));
                    yield new WebhookMutant(tree.toString(), signature, "data truncated");
                }
                case 8 -> {
                    message.set("data", wrongValue());
                    yield new WebhookMutant(tree.toString(), signature, "data of a wrong type");
                }
                case 9 -> {
                    tree.remove("message");
                    yield new WebhookMutant(tree.toString(), signature, "no message");
                }
                case 10 -> new WebhookMutant(body.substring(0, random.nextInt(body.length())), signature,
                        "truncated envelope");
                case 11 -> new WebhookMutant(body + " ".repeat(LIMIT - 1 - body.length()), signature,
                        "envelope padded to just under 256 KiB");
                case 12 -> {
                    String other = Base64.getEncoder().encodeToString(
                            "{\"eventType\":\"READ\",\"messageId\":\"x\"}".getBytes(StandardCharsets.UTF_8));
                    message.put("data", other);
                    yield new WebhookMutant(tree.toString(), signature, "data swapped, signature of the original");
                }
                default -> new WebhookMutant(body, Base64.getUrlEncoder().encodeToString(
                        Base64.getDecoder().decode(signature)), "signature in URL-safe base64");
            };
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------ helpers

    private <T> T pick(Arbitrary<T> arbitrary) {
        return arbitrary.generatorWithEmbeddedEdgeCases(100).next(random).value();
    }

    private String insert(String text, String piece) {
        int at = random.nextInt(text.length() + 1);
        return text.substring(0, at) + piece + text.substring(at);
    }

    private String flipOneChar(String text) {
        char[] chars = text.toCharArray();
        int at = random.nextInt(chars.length);
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return new String(chars);
    }

    /** Code points outside printable ASCII as \\uXXXX, so a failure message shows what was sent. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : abbreviate(text).toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }

    private static String abbreviate(String text) {
        return text == null ? "null" : text.length() > 160 ? text.substring(0, 160) + "..." : text;
    }
}
