package dev.rbmrevoker.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.RbmTestServer;
import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.local.rbm.WebhookPost;
import dev.rbmrevoker.local.sns.LocalSns;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One message's life through the packaged function (the native executable under {@code -Dnative}),
 * as API Gateway and RBM would drive it: what only a run of the binary proves is that google-auth signs
 * its JWT, Jackson reads and writes the bodies, the webhook's HMAC checks and the SNS client publishes
 * there. The function runs in another process, so the test knows only HTTP and what the stand-ins saw.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(LifecycleIT.ShortConfirmWindow.class)
class LifecycleIT {

    private static final String PHONE = "+16502530001";
    private static final String SMS_TEXT = "Your code is 1234";
    private static final String WEBHOOK_PATH = "/webhooks/rbm";

    /** A confirm window short enough to wait out, long enough that the sweep (not the revoke) hands over. */
    public static class ShortConfirmWindow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The packaged function serves the sweep too here, as the deployed SweepFunction does.
            return Map.of("lifecycle.revoke-confirm-window", "PT1S", "sweep.enabled", "true");
        }
    }

    private final RbmTestServer rbm = RevokerResource.rbm();
    private final LocalSns sns = RevokerResource.sns();

    @BeforeEach
    void setUp() {
        RevokerResource.resetAll();
        rbm.setWebhook(URI.create("http://localhost:" + RestAssured.port + WEBHOOK_PATH),
                RevokerResource.CLIENT_TOKEN);
    }

    @AfterEach
    void tearDown() {
        rbm.setWebhook(null, null);
    }

    @Test
    void sendRevokeWebhookAndSms_throughThePackagedFunction() throws Exception {
        // Whatever token the function holds is refused from now on: the next call fetches a new one.
        Set<String> oldTokens = rbm.issuedTokens();
        rbm.expireAllTokens();

        String delivered = send();
        String revoked = send();

        assertTrue(rbm.tokenGrants() >= 1, "the function fetched a token from the key file's token_uri");
        Set<String> newTokens = new HashSet<>(rbm.issuedTokens());
        newTokens.removeAll(oldTokens);
        assertFalse(newTokens.isEmpty(), "a token granted after the old ones expired");
        List<RecordedCall> grants = rbm.calls(Route.TOKEN).stream().filter(c -> c.status() == 200).toList();
        assertFalse(grants.isEmpty(), "a granted token request: " + rbm.calls(Route.TOKEN));
        assertTrue(grants.get(0).body().contains("jwt-bearer") && grants.get(0).body().contains("assertion="),
                "a JWT-bearer grant (the test server checked the JWT's RS256 signature): " + grants.get(0).body());
        List<RecordedCall> sends = rbm.calls(Route.SEND).stream().filter(c -> c.status() == 200).toList();
        assertEquals(2, sends.size(), "one accepted create per message: " + rbm.calls(Route.SEND));
        assertCarriesNewToken(sends, newTokens);
        assertEquals(Set.of(delivered, revoked), Set.of(sends.get(0).query().get("messageId"),
                sends.get(1).query().get("messageId")));

        // RBM delivers the first one and posts signed DELIVERED and READ webhooks to the function.
        assertTrue(rbm.deliver(delivered, true));
        List<WebhookPost> posts = rbm.awaitWebhookPosts(2, Duration.ofSeconds(20));
        assertEquals(List.of("DELIVERED", "READ"), posts.stream().map(WebhookPost::eventType).toList());
        assertEquals(List.of(200, 200), posts.stream().map(WebhookPost::status).toList());
        given().when().get("/v1/messages/" + delivered).then().statusCode(200).body("state", equalTo("READ"));

        // The second one is revoked; its SMS waits out the confirm window, then the sweep hands it over.
        given().when().post("/v1/messages/" + revoked + "/revoke")
                .then().statusCode(200)
                .body("state", equalTo("REVOKED"))
                .body("fallback.state", equalTo("WAITING"));
        List<RecordedCall> revokes = rbm.calls(Route.REVOKE);
        assertEquals(1, revokes.size(), "one DELETE: " + revokes);
        assertEquals("DELETE", revokes.get(0).method());
        assertEquals("/v1/phones/%2B16502530001/agentMessages/" + revoked, revokes.get(0).rawPath());
        assertEquals(200, revokes.get(0).status());
        assertCarriesNewToken(revokes, newTokens);
        assertEquals(0, sns.requests(), "no SMS inside the confirm window");

        given().when().post("/internal/sweep")
                .then().statusCode(200)
                .body("fallenBack", equalTo(1))
                .body("failed", equalTo(0));

        given().when().get("/v1/messages/" + revoked)
                .then().statusCode(200)
                .body("state", equalTo("FALLEN_BACK"))
                .body("fallback.reason", equalTo("REVOKED_ON_REQUEST"));
        List<LocalSns.Publish> publishes = sns.publishes();
        assertEquals(1, publishes.size(), "one SMS: " + publishes);
        assertEquals(PHONE, publishes.get(0).phoneNumber());
        assertEquals(SMS_TEXT, publishes.get(0).message());
        assertEquals("Revoker", publishes.get(0).attributes().get("AWS.SNS.SMS.SenderID"));
    }

    private static String send() {
        String id = UUID.randomUUID().toString();
        given().contentType("application/json")
                .body("""
                        {"messageId":"%s","phoneNumber":"%s","contentMessage":{"text":"Your code is 1234"},
                         "ttl":"PT10M","fallback":{"sms":{"text":"%s"}}}"""
                        .formatted(id, PHONE, SMS_TEXT))
                .when().post("/v1/messages")
                .then().statusCode(201)
                .body("state", equalTo("PENDING"));
        return id;
    }

    private static void assertCarriesNewToken(List<RecordedCall> calls, Set<String> newTokens) {
        for (RecordedCall call : calls) {
            String authorization = call.header("Authorization");
            assertTrue(authorization != null && authorization.startsWith("Bearer ")
                    && newTokens.contains(authorization.substring("Bearer ".length())),
                    call.method() + " " + call.rawPath() + " carried " + authorization);
        }
    }
}
