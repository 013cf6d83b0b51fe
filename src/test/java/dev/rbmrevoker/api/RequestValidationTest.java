package dev.rbmrevoker.api;

import static dev.rbmrevoker.api.Api.PHONE;
import static dev.rbmrevoker.api.Api.PROBLEM;
import static dev.rbmrevoker.api.Api.PROBLEM_JSON;
import static dev.rbmrevoker.api.Api.newId;
import static dev.rbmrevoker.api.Api.post;
import static dev.rbmrevoker.api.Api.put;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** API.md's validation rules: every client mistake is a 4xx problem+json, and nothing reaches RBM. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class RequestValidationTest {

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    private static String sendWithPhone(String phone) {
        return "{\"phoneNumber\":" + phone + ",\"contentMessage\":{\"text\":\"hi\"},\"ttl\":\"PT10M\"}";
    }

    private static void assertNothingSent() {
        assertEquals(0, RevokerResource.rbm().calls(Route.SEND).size(), "RBM sends");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "+1 650 253 0001",      // spaces
            "+1 (650) 253-0001",    // punctuation libphonenumber would accept
            "16502530001",          // no plus
            "\uFF0B16502530001",    // full-width plus
            "+\u0661\u0666\u0665\u0660\u0662\u0665\u0663\u0660\u0660\u0660\u0661", // Arabic-Indic digits
            "+123456",              // too short
            "+1234567890123456",    // too long
            "+11234567890",         // E.164 form, but no valid number
            "+0016502530001",       // leading zero
            "+16502530001\n",
            ""})
    void send_phoneNumberNotStrictE164_answers400NamingPhoneNumber(String phone) {
        String quoted = "\"" + phone.replace("\n", "\\n") + "\"";

        post("/v1/messages", sendWithPhone(quoted)).then().statusCode(400)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "validation"))
                .body("status", equalTo(400))
                .body("title", org.hamcrest.Matchers.notNullValue())
                .body("detail", org.hamcrest.Matchers.notNullValue())
                .body("errors.field", hasItem("phoneNumber"));

        assertNothingSent();
    }

    @Test
    void track_phoneNumberNotStrictE164_answers400NamingPhoneNumber() {
        put("/v1/messages/" + newId(), "{\"phoneNumber\":\"+1 (650) 253-0001\",\"ttl\":\"PT10M\"}")
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", hasItem("phoneNumber"));
    }

    @Test
    void revoke_phoneNumberNotStrictE164_answers400NamingPhoneNumber() {
        Api.revoke(newId(), "{\"phoneNumber\":\"\uFF0B16502530001\"}")
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", hasItem("phoneNumber"));
        assertEquals(0, RevokerResource.rbm().calls(Route.REVOKE).size());
    }

    @Test
    void send_missingPhoneNumber_answers400NamingIt() {
        post("/v1/messages", "{\"contentMessage\":{\"text\":\"hi\"},\"ttl\":\"PT10M\"}")
                .then().statusCode(400).body("errors.field", hasItem("phoneNumber"));
        assertNothingSent();
    }

    private static String sendWithTiming(String timing) {
        return "{\"phoneNumber\":\"" + PHONE + "\",\"contentMessage\":{\"text\":\"hi\"}" + timing + "}";
    }

    @Test
    void send_deadlineInThePast_answers400() {
        post("/v1/messages", sendWithTiming(",\"deadline\":\"" + Instant.now().minusSeconds(60) + "\""))
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", hasItem("deadline"));
        assertNothingSent();
    }

    @Test
    void send_deadlineMoreThan15DaysAhead_answers400() {
        Instant tooFar = Instant.now().plus(Duration.ofDays(15)).plusSeconds(3600);
        post("/v1/messages", sendWithTiming(",\"deadline\":\"" + tooFar + "\""))
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", hasItem("deadline"));
        assertNothingSent();
    }

    @Test
    void send_ttlOfMoreThan15Days_answers400() {
        post("/v1/messages", sendWithTiming(",\"ttl\":\"P16D\""))
                .then().statusCode(400).body("errors.field", hasItem("ttl"));
        assertNothingSent();
    }

    @Test
    void send_deadlineAndTtl_answers400() {
        post("/v1/messages", sendWithTiming(",\"deadline\":\"" + Instant.now().plusSeconds(600) + "\",\"ttl\":\"PT10M\""))
                .then().statusCode(400).contentType(PROBLEM_JSON).body("type", equalTo(PROBLEM + "validation"));
        assertNothingSent();
    }

    @Test
    void send_neitherDeadlineNorTtl_answers400() {
        post("/v1/messages", sendWithTiming("")).then().statusCode(400)
                .contentType(PROBLEM_JSON).body("errors.field", hasItem("deadline"));
        assertNothingSent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"tomorrow\"", "\"2026-13-01T00:00:00Z\"", "1893456000"})
    void send_deadlineThatIsNoInstant_answers400(String deadline) {
        post("/v1/messages", sendWithTiming(",\"deadline\":" + deadline))
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", hasItem("deadline"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"10 minutes\"", "\"-PT10M\"", "\"PT0S\"", "600"})
    void send_ttlThatIsNoPositiveDuration_answers400(String ttl) {
        post("/v1/messages", sendWithTiming(",\"ttl\":" + ttl))
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", hasItem("ttl"));
    }

    @Test
    void send_messageIdNotAUuid_answers400() {
        post("/v1/messages", "{\"messageId\":\"abc-123\",\"phoneNumber\":\"" + PHONE
                + "\",\"contentMessage\":{\"text\":\"hi\"},\"ttl\":\"PT10M\"}")
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", hasItem("messageId"));
        assertNothingSent();
    }

    @Test
    void trackAndRevokeAndGet_pathIdNotAUuid_answer400() {
        put("/v1/messages/abc-123", "{\"phoneNumber\":\"" + PHONE + "\",\"ttl\":\"PT10M\"}")
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", hasItem("messageId"));
        Api.revoke("abc-123").then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", hasItem("messageId"));
        Api.get("abc-123").then().statusCode(400).contentType(PROBLEM_JSON);
    }

    @Test
    void send_unknownTopLevelField_answers400NamingIt() {
        // A typo must not silently drop the deadline.
        post("/v1/messages", "{\"phoneNumber\":\"" + PHONE + "\",\"contentMessage\":{\"text\":\"hi\"},"
                + "\"ttl\":\"PT10M\",\"dedline\":\"2026-11-22T10:00:00Z\"}")
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", hasItem("dedline"));
        assertNothingSent();
    }

    @Test
    void track_unknownTopLevelField_answers400NamingIt() {
        put("/v1/messages/" + newId(), "{\"phoneNumber\":\"" + PHONE + "\",\"ttl\":\"PT10M\",\"contentMessage\":{}}")
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", hasItem("contentMessage"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"phoneNumber\":16502530001,\"contentMessage\":{\"text\":\"hi\"},\"ttl\":\"PT10M\"}",
            "{\"phoneNumber\":\"+16502530001\",\"contentMessage\":\"hi\",\"ttl\":\"PT10M\"}",
            "{\"phoneNumber\":\"+16502530001\",\"contentMessage\":{\"text\":\"hi\"},\"ttl\":[\"PT10M\"]}",
            "{\"phoneNumber\":\"+16502530001\",\"contentMessage\":{\"text\":\"hi\"},\"ttl\":\"PT10M\",\"messageId\":7}",
            "{\"phoneNumber\":\"+16502530001\",\"contentMessage\":{\"text\":\"hi\"},\"ttl\":\"PT10M\",\"fallback\":true}",
            "{\"phoneNumber\":\"+16502530001\",\"contentMessage\":{\"text\":\"hi\"},\"ttl\":\"PT10M\",\"fallback\":{\"sms\":\"hi\"}}",
            "{\"phoneNumber\":\"+16502530001\",\"contentMessage\":{\"text\":\"hi\"},\"ttl\":\"PT10M\",\"fallback\":{\"sms\":{\"text\":5}}}",
            "{\"phoneNumber\":\"+16502530001\",\"contentMessage\":{\"text\":\"hi\"},\"ttl\":\"PT10M\",\"fallback\":{\"email\":{}}}",
            "{\"phoneNumber\":\"+16502530001\",\"contentMessage\":{\"text\":\"hi\"},\"ttl\":\"PT10M\",\"agentId\":42}",
            "{\"phoneNumber\":\"+16502530001\",\"contentMessage\":{\"text\":\"hi\"},\"ttl\":\"PT10M\",\"messageTrafficType\":\"SPAM\"}"})
    void send_wrongJsonTypes_answer400Validation(String body) {
        post("/v1/messages", body).then().statusCode(400)
                .contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "validation"));
        assertNothingSent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"phoneNumber\":", "[]", "\"text\"", "null", "{} {}"})
    void send_bodyThatIsNoJsonObject_answers400(String body) {
        post("/v1/messages", body).then().statusCode(400)
                .contentType(PROBLEM_JSON)
                .body("type", org.hamcrest.Matchers.startsWith(PROBLEM));
        assertNothingSent();
    }

    @Test
    void send_emptyBody_answers400() {
        given().contentType("application/json").when().post("/v1/messages")
                .then().statusCode(400).contentType(PROBLEM_JSON);
    }

    @Test
    void revoke_bodyThatIsNoJson_answers400() {
        Api.revoke(newId(), "fallback=false").then().statusCode(400).contentType(PROBLEM_JSON);
    }

    @Test
    void send_bodyOver256KiB_answers413() {
        // Through the mock event server the HTTP layer's own limit answers first (a bare 413); in Lambda
        // the function's rule does, with problem+json: PayloadLimitTest raises the HTTP limit to see it.
        String big = "x".repeat(256 * 1024 + 1);
        post("/v1/messages", sendWithTiming(",\"ttl\":\"PT10M\",\"messageTrafficType\":\"" + big + "\""))
                .then().statusCode(413);
        assertNothingSent();
    }

    @Test
    void send_bodyJustUnder256KiB_isNotRefusedForItsSize() {
        String prefix = "{\"phoneNumber\":\"" + PHONE + "\",\"ttl\":\"PT10M\",\"contentMessage\":{\"text\":\"";
        String suffix = "\"}}";
        String text = "x".repeat(256 * 1024 - prefix.length() - suffix.length());
        int status = post("/v1/messages", prefix + text + suffix).then().extract().statusCode();
        org.hamcrest.MatcherAssert.assertThat(status, lessThan(500));
        org.junit.jupiter.api.Assertions.assertNotEquals(413, status);
    }

    @Test
    void track_deadlineInThePast_answers400() {
        put("/v1/messages/" + newId(), "{\"phoneNumber\":\"" + PHONE + "\",\"deadline\":\""
                + Instant.now().minusSeconds(5) + "\"}")
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", hasItem("deadline"));
    }

    @Test
    void send_smsTextThatIsTooLong_answers400() {
        post("/v1/messages", sendWithTiming(",\"ttl\":\"PT10M\",\"fallback\":{\"sms\":{\"text\":\""
                + "x".repeat(1601) + "\"}}"))
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.field", hasItem("fallback.sms.text"));
        assertNothingSent();
    }

    @Test
    void unsupportedMethod_answers405ProblemJson() {
        given().when().delete("/v1/messages/" + newId())
                .then().statusCode(405).contentType(PROBLEM_JSON)
                .body("type", equalTo(PROBLEM + "method-not-allowed"));
    }

    @Test
    void send_severalMistakes_areAllListedInOneAnswer() {
        post("/v1/messages", "{\"messageId\":\"nope\",\"phoneNumber\":\"+1 650\",\"contentMessage\":{\"text\":\"hi\"}}")
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.field", hasItem("messageId"))
                .body("errors.field", hasItem("phoneNumber"))
                .body("errors.field", hasItem("deadline"))
                .body("errors.message", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.not(
                        org.hamcrest.Matchers.emptyOrNullString())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/xml"})
    void get_withAnAcceptHeaderWeCannotServe_neverAnswers5xx(String accept) {
        String id = newId();
        post("/v1/messages", Api.send(id, PHONE, null)).then().statusCode(201);

        given().accept(accept).when().get("/v1/messages/" + id)
                .then().statusCode(lessThan(500));
        given().accept(accept).when().get("/v1/messages/" + newId())
                .then().statusCode(lessThan(500));
    }

    @Test
    void send_withAnXmlContentType_isReadAsJsonOrRefused_neverA5xx() {
        given().contentType("application/xml").body(Api.send(newId(), PHONE, null)).when().post("/v1/messages")
                .then().statusCode(lessThan(500));
    }
}
