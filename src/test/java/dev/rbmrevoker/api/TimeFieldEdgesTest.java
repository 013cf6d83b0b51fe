package dev.rbmrevoker.api;

import static dev.rbmrevoker.api.Api.PHONE;
import static dev.rbmrevoker.api.Api.PROBLEM;
import static dev.rbmrevoker.api.Api.PROBLEM_JSON;
import static dev.rbmrevoker.api.Api.newId;
import static dev.rbmrevoker.api.Api.post;
import static dev.rbmrevoker.api.Api.put;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every duration and timestamp field at its edges (huge, negative, zero, fractional, year 10000,
 * offsets): a value that is no acceptable time is a 400 {@code validation} naming its field, never a
 * 5xx. Regression for issue 12 item 8 ({@code "ttl":"PT9000000000000H"} fits a long and overflowed
 * {@code Instant}: 500). The random cases use a fixed seed ({@code -Dtime.fuzz.seed} overrides it).
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class TimeFieldEdgesTest {

    private static final long SEED = Long.getLong("time.fuzz.seed", 20261201L);
    private static final int TRIES = Integer.getInteger("time.fuzz.tries", 60);

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "PT9000000000000H",          // fits a long, overflows Instant
            "PT2562047788015215H",       // the most hours a Duration holds
            "PT9223372036854775807S",
            "PT9223372036854775808S",    // overflows a long
            "P106751991167300D",
            "P16D",
            "P15DT0.001S",               // a millisecond over 15 days
            "-PT10M",
            "PT-10M",
            "-P1D",
            "PT0S",
            "P0D",
            "PT-0.001S",
            "PT0.0001S",                 // positive, but under the millisecond deadlines are kept to
            "PT0.000000001S",
            "PT0.0000000001S",           // beyond nanoseconds
            "P1Y",                       // a period, not a duration
            "PT",
            "P",
            "",
            " PT10M",
            "PT10M ",
            "PT1,5M x"})
    void ttlAtItsEdges_answers400NamingTtl(String ttl) {
        String id = newId();
        post("/v1/messages", send(id, "\"ttl\":\"" + ttl + "\"")).then().statusCode(400)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "validation"))
                .body("errors.field", hasItem("ttl"));
        put("/v1/messages/" + newId(), track("\"ttl\":\"" + ttl + "\"")).then().statusCode(400)
                .body("errors.field", hasItem("ttl"));
        assertEquals(0, RevokerResource.rbm().calls(Route.SEND).size(), "RBM sends");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "+10000-01-01T00:00:00Z",                   // year 10000
            "10000-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59.999999999-18:00",
            "-999999999-01-01T00:00:00+18:00",
            "0000-01-01T00:00:00Z",
            "1970-01-01T00:00:00Z",
            "2026-11-22T10:00:00",                      // no offset
            "2026-11-22T10:00:00+25:00",
            "2026-11-22T10:00:00+18:01",
            "2026-11-22T10:00:60Z",                     // leap second
            "2026-02-30T10:00:00Z",
            "2026-11-22",
            "2026-11-22T10:00:00.1234567891Z"})         // beyond nanoseconds
    void deadlineAtItsEdges_answers400NamingDeadline(String deadline) {
        post("/v1/messages", send(newId(), "\"deadline\":\"" + deadline + "\"")).then().statusCode(400)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "validation"))
                .body("errors.field", hasItem("deadline"));
        put("/v1/messages/" + newId(), track("\"deadline\":\"" + deadline + "\"")).then().statusCode(400)
                .body("errors.field", hasItem("deadline"));
        assertEquals(0, RevokerResource.rbm().calls(Route.SEND).size(), "RBM sends");
    }

    @Test
    void deadlineJustOver15DaysAheadInAnotherOffset_answers400() {
        String tooFar = Instant.now().plus(Duration.ofDays(15)).plusSeconds(5).atOffset(ZoneOffset.ofHours(14))
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        post("/v1/messages", send(newId(), "\"deadline\":\"" + tooFar + "\"")).then().statusCode(400)
                .body("errors.field", hasItem("deadline"));
    }

    @Test
    void deadlineWithAnOffsetAndNanoseconds_isKeptAsTheSameInstantToTheMillisecond() {
        Instant at = Instant.now().plus(Duration.ofMinutes(10)).plusNanos(123_456_789);
        String withOffset = at.atOffset(ZoneOffset.ofHoursMinutes(5, 30)).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String id = newId();

        String deadline = post("/v1/messages", send(id, "\"deadline\":\"" + withOffset + "\"")).then()
                .statusCode(201).extract().path("deadline");

        assertEquals(at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), Instant.parse(deadline));
    }

    /**
     * Random durations and timestamps over the whole range their parsers accept: every answer is a 201
     * with a deadline at most 15 days ahead, or a 400 naming the field.
     */
    @Test
    void randomDurationsAndTimestamps_areAcceptedOrA400NamingTheField() {
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < TRIES; i++) {
            boolean ttl = random.nextBoolean();
            String value = ttl ? randomDuration(random) : randomTimestamp(random);
            String field = ttl ? "ttl" : "deadline";
            Response answer = post("/v1/messages", send(newId(), "\"" + field + "\":\"" + value + "\""));
            String what = field + "=" + value + " (seed " + SEED + ") answered " + answer.statusCode() + " "
                    + answer.asString();
            if (answer.statusCode() == 201) {
                Instant deadline = Instant.parse(answer.path("deadline"));
                if (deadline.isAfter(Instant.now().plus(Duration.ofDays(15))) || deadline.isBefore(Instant.now().minusSeconds(5))) {
                    failures.add(what);
                }
            } else if (answer.statusCode() != 400 || !answer.asString().contains("\"field\":\"" + field + "\"")
                    || !PROBLEM_JSON.equals(answer.contentType().split(";")[0])) {
                failures.add(what);
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " bad answers:\n" + String.join("\n", failures));
        }
        assertTrue(TRIES > 0);
    }

    private static String randomDuration(Random random) {
        StringBuilder text = new StringBuilder(random.nextInt(6) == 0 ? "-P" : "P");
        if (random.nextBoolean()) {
            text.append(number(random)).append('D');
        }
        text.append('T');
        String[] units = {"H", "M", "S"};
        for (String unit : units) {
            if (random.nextInt(3) > 0) {
                text.append(random.nextInt(5) == 0 ? "-" : "").append(number(random));
                if (unit.equals("S") && random.nextBoolean()) {
                    text.append('.').append(digits(random, 1 + random.nextInt(10)));
                }
                text.append(unit);
            }
        }
        return text.toString();
    }

    private static String randomTimestamp(Random random) {
        Instant now = Instant.now();
        long seconds = switch (random.nextInt(4)) {
            case 0 -> now.getEpochSecond() + random.nextInt(20 * 24 * 3600) - 24 * 3600;
            case 1 -> now.getEpochSecond() + (long) (random.nextGaussian() * 1e12);
            case 2 -> random.nextBoolean() ? Instant.MAX.getEpochSecond() - random.nextInt(1000)
                    : Instant.MIN.getEpochSecond() + random.nextInt(1000);
            default -> now.getEpochSecond() + 15L * 24 * 3600 + random.nextInt(7200) - 3600;
        };
        int offsetSeconds = (random.nextInt(37) - 18) * 3600 + (random.nextBoolean() ? 0 : 1800);
        try {
            return Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000))
                    .atOffset(ZoneOffset.ofTotalSeconds(Math.max(-64800, Math.min(64800, offsetSeconds))))
                    .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (RuntimeException outOfRange) {
            return "+" + digits(random, 12) + "-01-01T00:00:00Z";
        }
    }

    /** A digit string from one digit up to past a long's range. */
    private static String number(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> Integer.toString(random.nextInt(100));
            case 1 -> Long.toString(Math.abs(random.nextLong() % 100_000_000_000L));
            case 2 -> Long.toString(Long.MAX_VALUE - random.nextInt(10));
            default -> digits(random, 1 + random.nextInt(25));
        };
    }

    private static String digits(Random random, int count) {
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    private static String send(String id, String timing) {
        return """
                {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"hi"},%s}
                """.formatted(id, PHONE, timing);
    }

    private static String track(String timing) {
        return "{\"phoneNumber\":\"%s\",%s}".formatted(PHONE, timing);
    }
}
