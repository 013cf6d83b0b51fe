package dev.rbmrevoker.local.sns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sns.model.SnsException;

/** The stand-in against the real SDK client: it must understand what the SDK sends and answer in kind. */
class LocalSnsTest {

    private final LocalSns sns = LocalSns.start();
    private final SnsClient client = SnsClient.builder()
            .endpointOverride(sns.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();

    @AfterEach
    void stop() {
        client.close();
        sns.close();
    }

    @Test
    void publish_isRecorded_fromTheSdksQueryProtocolRequest() {
        PublishResponse response = client.publish(p -> p.phoneNumber("+16502530001").message("Grüße & <hi>")
                .messageAttributes(Map.of("AWS.SNS.SMS.SMSType",
                        MessageAttributeValue.builder().dataType("String").stringValue("Transactional").build())));

        assertEquals(1, sns.publishes().size());
        LocalSns.Publish publish = sns.publishes().get(0);
        assertEquals(publish.messageId(), response.messageId());
        assertEquals("+16502530001", publish.phoneNumber());
        assertEquals("Grüße & <hi>", publish.message());
        assertEquals(Map.of("AWS.SNS.SMS.SMSType", "Transactional"), publish.attributes());
        assertEquals("Publish", publish.form().get("Action"));
        assertEquals("2010-03-31", publish.form().get("Version"));
    }

    @Test
    void lostAnswerNext_takesThePublish_butTheClientGetsNoAnswer() {
        sns.lostAnswerNext(1);

        assertThrows(SdkClientException.class, () -> client.publish(p -> p.phoneNumber("+16502530001").message("a")));
        assertEquals(1, sns.publishes().size(), "SNS took it");
        client.publish(p -> p.phoneNumber("+16502530001").message("b"));

        assertEquals(2, sns.publishes().size());
        assertEquals(2, sns.requests());
    }

    @Test
    void failNext_answersTheNextCallsWithTheSnsError_thenPublishesAgain() {
        sns.failNext(2, 400, "InvalidParameter");

        InvalidParameterException first = assertThrows(InvalidParameterException.class,
                () -> client.publish(p -> p.phoneNumber("+16502530001").message("one")));
        assertThrows(InvalidParameterException.class,
                () -> client.publish(p -> p.phoneNumber("+16502530001").message("two")));
        client.publish(p -> p.phoneNumber("+16502530001").message("three"));

        assertEquals(400, first.statusCode());
        assertEquals("InvalidParameter", first.awsErrorDetails().errorCode());
        assertEquals(3, sns.requests());
        assertEquals(1, sns.publishes().size());
        assertEquals("three", sns.publishes().get(0).message());
    }

    @Test
    void failNext_withA500_isAServerErrorForTheSdk() {
        sns.failNext(1, 500, "InternalError");

        SnsException e = assertThrows(SnsException.class,
                () -> client.publish(p -> p.phoneNumber("+16502530001").message("one")));

        assertEquals(500, e.statusCode());
        assertEquals("InternalError", e.awsErrorDetails().errorCode());
        assertTrue(sns.publishes().isEmpty());
    }

    @Test
    void otherActions_areRefused() {
        SnsException e = assertThrows(SnsException.class, () -> client.listTopics());

        assertEquals("InvalidAction", e.awsErrorDetails().errorCode());
        assertNotNull(e.requestId());
        assertFalse(sns.requests() == 0);
    }
}
