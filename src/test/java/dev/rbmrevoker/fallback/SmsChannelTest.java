package dev.rbmrevoker.fallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.config.LifecycleConfig;
import dev.rbmrevoker.local.sns.LocalSns;
import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.Message;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmsChannelTest {

    private static final Duration BUDGET = Duration.ofSeconds(10);
    private static LocalSns sns;

    @BeforeAll
    static void startSns() {
        sns = LocalSns.start();
    }

    @AfterAll
    static void stopSns() {
        sns.close();
    }

    @BeforeEach
    void forget() {
        sns.reset();
    }

    private static SmsChannel channel(String senderId) {
        return new SmsChannel(TestConfig.sms(sns.endpoint(), senderId));
    }

    @Test
    void handOver_publishesTheTextToTheNumber_asATransactionalSmsFromTheSenderId() {
        Message message = FallbackMessages.revoked();

        HandOver result = channel("RBMREVOKER").handOver(message, BUDGET);

        assertInstanceOf(HandOver.Accepted.class, result);
        assertEquals(1, sns.publishes().size());
        LocalSns.Publish publish = sns.publishes().get(0);
        assertEquals("+16502530001", publish.phoneNumber());
        assertEquals("your code is 1234", publish.message());
        assertEquals(Map.of("AWS.SNS.SMS.SMSType", "Transactional", "AWS.SNS.SMS.SenderID", "RBMREVOKER"),
                publish.attributes());
        assertEquals("String", publish.form().get("MessageAttributes.entry.1.Value.DataType"));
    }

    @Test
    void handOver_sendsNoSenderId_whenNoneIsConfigured() {
        channel(null).handOver(FallbackMessages.revoked(), BUDGET);

        assertEquals(Map.of("AWS.SNS.SMS.SMSType", "Transactional"), sns.publishes().get(0).attributes());
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void handOver_isRetriedLater_onAnSnsServerError_withoutRetryingInside(int status) {
        sns.failNext(1, status, status == 500 ? "InternalError" : "ServiceUnavailable");

        HandOver result = channel(null).handOver(FallbackMessages.revoked(), BUDGET);

        assertInstanceOf(HandOver.RetryLater.class, result);
        assertEquals(1, sns.requests(), "one attempt per hand-over: the dispatcher owns retries");
        assertTrue(sns.publishes().isEmpty());
    }

    @Test
    void handOver_isRetriedLater_whenSnsThrottles() {
        sns.failNext(1, 400, "Throttled");

        assertInstanceOf(HandOver.RetryLater.class, channel(null).handOver(FallbackMessages.revoked(), BUDGET));
    }

    @Test
    void handOver_isRefused_onInvalidParameter() {
        sns.failNext(1, 400, "InvalidParameter");

        HandOver result = channel(null).handOver(FallbackMessages.revoked(), BUDGET);

        HandOver.Refused refused = assertInstanceOf(HandOver.Refused.class, result);
        assertTrue(refused.reason().contains("InvalidParameter"), refused.reason());
        assertEquals(1, sns.requests());
    }

    @Test
    void handOver_isRefused_onAnAuthorizationError() {
        sns.failNext(1, 403, "AuthorizationError");

        assertInstanceOf(HandOver.Refused.class, channel(null).handOver(FallbackMessages.revoked(), BUDGET));
    }

    @Test
    void handOver_succeeds_onceTheInjectedFaultsArePassed() {
        sns.failNext(2, 500, "InternalError");
        SmsChannel channel = channel(null);
        Message message = FallbackMessages.revoked();

        assertInstanceOf(HandOver.RetryLater.class, channel.handOver(message, BUDGET));
        assertInstanceOf(HandOver.RetryLater.class, channel.handOver(message, BUDGET));
        assertInstanceOf(HandOver.Accepted.class, channel.handOver(message, BUDGET));
        assertEquals(1, sns.publishes().size());
    }

    @Test
    void handOver_isRetriedLater_whenSnsCannotBeReached() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SmsChannel channel = new SmsChannel(TestConfig.sms(URI.create("http://127.0.0.1:" + closedPort), null));

        assertInstanceOf(HandOver.RetryLater.class, channel.handOver(FallbackMessages.revoked(), BUDGET));
    }

    @Test
    void handOver_isUnconfirmed_andNeverRepeated_whenSnsTookThePublishButItsAnswerWasLost() {
        SmsChannel channel = channel(null);
        // Warm, so that the lost answer comes on a kept-alive connection, which HttpURLConnection may retry on.
        assertInstanceOf(HandOver.Accepted.class, channel.handOver(FallbackMessages.revoked(), BUDGET));
        sns.lostAnswerNext(1);

        HandOver result = channel.handOver(FallbackMessages.revoked(), BUDGET);

        assertInstanceOf(HandOver.Unconfirmed.class, result);
        // Regression: the old code answered RetryLater here, and the dispatcher published the SMS again.
        assertEquals(2, sns.requests(), "no retry inside the client either (HttpURLConnection, SDK)");
        assertEquals(2, sns.publishes().size());
    }

    @Test
    void handOver_isUnconfirmed_whenSnsDoesNotAnswerWithinThePublishTimeout() throws InterruptedException {
        SmsChannel channel = new SmsChannel(TestConfig.sms(sns.endpoint(), null).withSmsTimeout(Duration.ofSeconds(1)));
        // Warm: the first hand-over builds the client, which can take seconds on a busy machine.
        assertInstanceOf(HandOver.Accepted.class, channel.handOver(FallbackMessages.revoked(), BUDGET));
        sns.delayNext(1, Duration.ofSeconds(2));

        long start = System.nanoTime();
        HandOver result = channel.handOver(FallbackMessages.revoked(), BUDGET);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertInstanceOf(HandOver.Unconfirmed.class, result);
        assertTrue(took.compareTo(Duration.ofMillis(1900)) < 0, "kept to the publish timeout, took " + took);
        // The local SNS takes a delayed publish once its delay is over, as SNS may after a client gave up.
        Thread.sleep(1500);
        assertEquals(2, sns.publishes().size());
        assertEquals(2, sns.requests());
    }

    @Test
    void handOver_startsNoPublish_whenTheBudgetIsShorterThanThePublishTimeout() {
        SmsChannel channel = channel(null);

        HandOver result = channel.handOver(FallbackMessages.revoked(), Duration.ofSeconds(3).minusMillis(1));

        assertInstanceOf(HandOver.RetryLater.class, result);
        assertEquals(0, sns.requests());
        assertEquals(Duration.ofSeconds(3), channel.shortestBudget(), "FALLBACK_SMS_TIMEOUT's default");
    }

    @Test
    void nothingSent_onlyForFailuresBeforeAConnection() {
        assertTrue(SmsChannel.nothingSent(SdkClientException.create("refused", new java.net.ConnectException("Connection refused"))));
        assertTrue(SmsChannel.nothingSent(SdkClientException.create("connect",
                new java.net.SocketTimeoutException("connect timed out"))));
        assertTrue(SmsChannel.nothingSent(SdkClientException.create("Unable to load credentials")));
        assertFalse(SmsChannel.nothingSent(SdkClientException.create("read",
                new java.net.SocketTimeoutException("Read timed out"))));
        assertFalse(SmsChannel.nothingSent(SdkClientException.create("eof",
                new java.net.SocketException("Unexpected end of file from server"))));
        assertFalse(SmsChannel.nothingSent(ApiCallAttemptTimeoutException.create(1000)));
    }

    @Test
    void channel_isAvailable_whenSmsIsEnabled() {
        SmsChannel channel = channel(null);

        assertEquals(Channel.SMS, channel.channel());
        assertTrue(channel.isAvailable());
    }

    @Test
    void channel_isUnavailable_andPublishesNothing_whenSmsIsDisabled() {
        SmsChannel channel = new SmsChannel(TestConfig.sms(sns.endpoint(), "RBMREVOKER").withSmsEnabled(false));

        assertFalse(channel.isAvailable());
        assertInstanceOf(HandOver.Refused.class, channel.handOver(FallbackMessages.revoked(), BUDGET));
        assertEquals(0, sns.requests());
    }

    @Test
    void channel_needsNoAwsCredentialsOrRegion_untilItsFirstHandOver() {
        // Nothing configured at all, as in a deployment without SMS: building the channel must not touch AWS.
        SmsChannel channel = new SmsChannel(TestConfig.none());

        assertFalse(channel.isAvailable());
    }

    @Test
    void start_fails_withHalfOfTheStaticCredentials() {
        TestConfig half = new TestConfig(Optional.empty(), Optional.empty(), Duration.ofSeconds(5), true,
                Optional.empty(), 10, true, new TestConfig.TestSms(Optional.empty(), Optional.empty(),
                        Optional.of("AKIDEXAMPLE"), Optional.empty()), Duration.ofSeconds(3));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SmsChannel(half));

        assertTrue(e.getMessage().contains("FALLBACK_SMS_SECRET_ACCESS_KEY"), e.getMessage());
    }

    @Test
    void start_fails_whenNoCallBudgetCoversAPublish() {
        LifecycleConfig lifecycle = (LifecycleConfig) java.lang.reflect.Proxy.newProxyInstance(
                LifecycleConfig.class.getClassLoader(), new Class<?>[] {LifecycleConfig.class},
                (proxy, method, args) -> method.getName().equals("callBudget") ? Duration.ofSeconds(2) : null);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SmsChannel(TestConfig.sms(sns.endpoint(), null), lifecycle));

        assertTrue(e.getMessage().contains("FALLBACK_SMS_TIMEOUT") && e.getMessage().contains("CALL_BUDGET"),
                e.getMessage());
    }

    @Test
    void start_fails_withAnEndpointOverrideThatIsNotAnHttpUrl() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SmsChannel(TestConfig.sms(URI.create("localhost:4566"), null)));

        assertTrue(e.getMessage().contains("FALLBACK_SMS_ENDPOINT_OVERRIDE"), e.getMessage());
    }

    @Test
    void logs_nameTheMessageAndAMaskedPhone_butNeverTheTextOrTheFullNumber() {
        Message message = FallbackMessages.revoked();
        String text;
        try (LogCapture logs = LogCapture.of(SmsChannel.class)) {
            SmsChannel channel = channel("RBMREVOKER");
            channel.handOver(message, BUDGET);
            sns.failNext(1, 500, "InternalError");
            channel.handOver(message, BUDGET);
            sns.failNext(1, 400, "InvalidParameter");
            channel.handOver(message, BUDGET);
            text = logs.lines().stream().filter(line -> line.contains("Fallback SMS"))
                    .reduce((a, b) -> a + "\n" + b).orElse("");
            assertEquals(3, text.lines().count(), logs.text());
        }

        assertTrue(text.contains(message.messageId()), text);
        assertTrue(text.contains("+*******0001"), text);
        assertTrue(text.contains("InternalError") && text.contains("InvalidParameter"), text);
        assertFalse(text.contains("6502530001"), text);
        assertFalse(text.contains("your code is 1234"), text);
    }
}
