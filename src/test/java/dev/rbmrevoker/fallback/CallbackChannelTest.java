package dev.rbmrevoker.fallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.testing.HttpRecorder;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallbackChannelTest {

    private static final String CALLBACK_PATH = "/hooks/rbm-fallback";

    private static final String SECRET = "callback-secret-s3cr3t";
    private static final Instant NOW = FallbackMessages.NOW;
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration BUDGET = Duration.ofSeconds(10);

    private final HttpRecorder receiver = new HttpRecorder();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    private CallbackChannel channel() {
        return new CallbackChannel(TestConfig.callback(receiver.url(CALLBACK_PATH), SECRET), CLOCK);
    }

    @Test
    void handOver_postsTheJsonOfApiMd_signedWithTheSecret() throws Exception {
        Message message = FallbackMessages.revoked();

        HandOver result = channel().handOver(message, BUDGET);

        assertInstanceOf(HandOver.Accepted.class, result);
        assertEquals(1, receiver.received().size());
        HttpRecorder.Received request = receiver.received().get(0);
        assertEquals("POST", request.method());
        assertEquals("application/json", request.header("Content-Type"));
        assertEquals("rbm-revoker", request.header("User-Agent"));
        assertEquals(Long.toString(NOW.getEpochSecond()), request.header("X-Rbm-Revoker-Timestamp"));
        // Recomputed here rather than with CallbackSignature, so a wrong helper cannot agree with itself.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((NOW.getEpochSecond() + ".").getBytes(StandardCharsets.UTF_8));
        String expected = HexFormat.of().formatHex(mac.doFinal(request.body()));
        assertEquals(expected, request.header("X-Rbm-Revoker-Signature"));

        JsonNode body = new ObjectMapper().readTree(request.body());
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("messageId", "agentId", "phoneNumber", "reason", "revokedAt", "fallback"), fields);
        assertEquals(message.messageId(), body.get("messageId").asText());
        assertEquals("test-agent", body.get("agentId").asText());
        assertEquals("+16502530001", body.get("phoneNumber").asText());
        assertEquals("REVOKED_ON_REQUEST", body.get("reason").asText());
        assertEquals("2026-11-22T10:00:00Z", body.get("revokedAt").asText());
        assertEquals(new ObjectMapper().readTree("{\"sms\":{\"text\":\"your code is 1234\"},\"callback\":{}}"),
                body.get("fallback"));
    }

    @Test
    void handOver_sendsNullRevokedAtAndOnlyTheRequestedChannels_forAnUndeliverableMessage() throws Exception {
        Message undeliverable = FallbackMessages.undeliverable();

        channel().handOver(undeliverable, BUDGET);

        JsonNode body = new ObjectMapper().readTree(receiver.received().get(0).body());
        assertEquals("UNDELIVERABLE", body.get("reason").asText());
        assertTrue(body.get("revokedAt").isNull());
        assertEquals(new ObjectMapper().readTree("{\"sms\":{\"text\":\"your code is 1234\"}}"), body.get("fallback"));
    }

    @Test
    void signature_isAcceptedByTheReceiverHelper_andRejectedForAnotherBody() {
        channel().handOver(FallbackMessages.revoked(), BUDGET);
        HttpRecorder.Received request = receiver.received().get(0);
        String timestamp = request.header("X-Rbm-Revoker-Timestamp");
        String signature = request.header("X-Rbm-Revoker-Signature");

        assertTrue(CallbackSignature.verify(SECRET, timestamp, request.body(), signature, CLOCK,
                Duration.ofMinutes(5)));
        byte[] tampered = new String(request.body(), StandardCharsets.UTF_8).replace("0001", "0002")
                .getBytes(StandardCharsets.UTF_8);
        assertFalse(CallbackSignature.verify(SECRET, timestamp, tampered, signature, CLOCK, Duration.ofMinutes(5)));
        assertFalse(CallbackSignature.verify("other-secret", timestamp, request.body(), signature, CLOCK,
                Duration.ofMinutes(5)));
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204})
    void handOver_isAccepted_on2xx(int status) {
        receiver.answering(status);

        assertInstanceOf(HandOver.Accepted.class, channel().handOver(FallbackMessages.revoked(), BUDGET));
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 408, 429})
    void handOver_isRetriedLater_on5xx408And429(int status) {
        receiver.answering(status);

        HandOver result = channel().handOver(FallbackMessages.revoked(), BUDGET);

        HandOver.RetryLater retry = assertInstanceOf(HandOver.RetryLater.class, result);
        assertTrue(retry.reason().contains(Integer.toString(status)), retry.reason());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 410, 422, 301})
    void handOver_isRefused_onOther4xx_andOnARedirect(int status) {
        receiver.answering(status);

        HandOver result = channel().handOver(FallbackMessages.revoked(), BUDGET);

        HandOver.Refused refused = assertInstanceOf(HandOver.Refused.class, result);
        assertTrue(refused.reason().contains(Integer.toString(status)), refused.reason());
        assertEquals(1, receiver.received().size(), "a redirect is not followed");
    }

    @Test
    void handOver_isRetriedLater_whenTheReceiverDoesNotAnswerWithinTheBudget() {
        receiver.delaying(Duration.ofSeconds(6));

        long start = System.nanoTime();
        HandOver result = channel().handOver(FallbackMessages.revoked(), Duration.ofMillis(300));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertInstanceOf(HandOver.RetryLater.class, result);
        assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, "kept to the budget, took " + took);
    }

    @Test
    void everyAttempt_carriesTheMessageIdAsIdempotencyKey_soARetryAfterALostAnswerCanBeDropped() {
        Message message = FallbackMessages.revoked();
        CallbackChannel channel = channel();
        receiver.delaying(Duration.ofSeconds(2));

        assertInstanceOf(HandOver.RetryLater.class, channel.handOver(message, Duration.ofMillis(300)));
        receiver.delaying(Duration.ZERO);
        assertInstanceOf(HandOver.Accepted.class, channel.handOver(message, BUDGET));

        List<HttpRecorder.Received> received = receiver.received();
        assertEquals(2, received.size());
        assertEquals(message.messageId(), received.get(0).header("Idempotency-Key"));
        assertEquals(message.messageId(), received.get(1).header("Idempotency-Key"));
    }

    @Test
    void handOver_keepsToTheCallbackTimeout_whenTheBudgetIsLonger() {
        receiver.delaying(Duration.ofSeconds(6));
        CallbackChannel channel = new CallbackChannel(
                TestConfig.callback(receiver.url(CALLBACK_PATH), SECRET).withCallbackTimeout(Duration.ofMillis(300)), CLOCK);

        long start = System.nanoTime();
        HandOver result = channel.handOver(FallbackMessages.revoked(), Duration.ofMinutes(1));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertInstanceOf(HandOver.RetryLater.class, result);
        assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, "kept to the callback timeout, took " + took);
    }

    @Test
    void handOver_isRetriedLater_whenTheConnectionIsRefused() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CallbackChannel channel = new CallbackChannel(
                TestConfig.callback(URI.create("http://127.0.0.1:" + closedPort + "/cb"), SECRET), CLOCK);

        assertInstanceOf(HandOver.RetryLater.class, channel.handOver(FallbackMessages.revoked(), BUDGET));
    }

    @Test
    void handOver_isRetriedLaterWithoutCalling_whenNoBudgetIsLeft() {
        assertInstanceOf(HandOver.RetryLater.class, channel().handOver(FallbackMessages.revoked(), Duration.ZERO));
        assertEquals(0, receiver.received().size());
    }

    @Test
    void channel_isAvailable_withACallbackUrl() {
        CallbackChannel channel = channel();

        assertEquals(Channel.CALLBACK, channel.channel());
        assertTrue(channel.isAvailable());
    }

    @Test
    void channel_isUnavailable_andRefuses_withoutACallbackUrl() {
        CallbackChannel channel = new CallbackChannel(TestConfig.none(), CLOCK);

        assertFalse(channel.isAvailable());
        assertInstanceOf(HandOver.Refused.class, channel.handOver(FallbackMessages.revoked(), BUDGET));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void start_fails_whenACallbackUrlHasNoSecret(String blank) {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> new CallbackChannel(TestConfig.callback(receiver.url(CALLBACK_PATH), null), CLOCK));
        IllegalStateException empty = assertThrows(IllegalStateException.class,
                () -> new CallbackChannel(TestConfig.callback(receiver.url(CALLBACK_PATH), blank), CLOCK));

        assertTrue(missing.getMessage().contains("FALLBACK_CALLBACK_SECRET"), missing.getMessage());
        assertTrue(empty.getMessage().contains("FALLBACK_CALLBACK_SECRET"), empty.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/cb", "example.com/cb", "mailto:ops@example.com"})
    void start_fails_whenTheCallbackUrlIsNotHttpOrHttps(String url) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new CallbackChannel(TestConfig.callback(URI.create(url), SECRET), CLOCK));

        assertTrue(e.getMessage().contains("FALLBACK_CALLBACK_URL"), e.getMessage());
    }

    @Test
    void logs_nameTheMessageAndAMaskedPhone_butNeverTheSecretOrTheFullNumber() {
        Message message = FallbackMessages.revoked();
        String text;
        try (LogCapture logs = LogCapture.of(CallbackChannel.class)) {
            CallbackChannel channel = channel();
            channel.handOver(message, BUDGET);
            receiver.answering(503);
            channel.handOver(message, BUDGET);
            receiver.answering(400);
            channel.handOver(message, BUDGET);
            text = logs.text();
            assertEquals(3, logs.lines().size(), text);
        }

        assertTrue(text.contains(message.messageId()), text);
        assertTrue(text.contains("test-agent"), text);
        assertTrue(text.contains("+*******0001"), text);
        assertTrue(text.contains("200") && text.contains("503") && text.contains("400"), text);
        assertFalse(text.contains(SECRET), text);
        assertFalse(text.contains("6502530001"), text);
    }
}
