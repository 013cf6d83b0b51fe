package dev.rbmrevoker.fallback;

import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.PhoneNumbers;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.SnsClientBuilder;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/**
 * The SMS fallback: one Amazon SNS {@code Publish} to the message's phone number per hand-over.
 *
 * <p>The SNS client is built on the first hand-over, so a deployment with SMS disabled never needs AWS
 * credentials or a region for it. The SDK's own retries are off: the dispatcher owns retries and
 * counts attempts. Its settings are checked at start ({@link Startup}), which needs no AWS access.
 */
@Startup
@ApplicationScoped
public class SmsChannel implements FallbackChannel {

    static final String SMS_TYPE = "AWS.SNS.SMS.SMSType";
    static final String SENDER_ID = "AWS.SNS.SMS.SenderID";

    private static final Logger LOG = Logger.getLogger(SmsChannel.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    // 4xx error codes that say "not now" rather than "never" (SNS's own and the SDK's usual ones).
    private static final Set<String> PASSING_CODES = Set.of("Throttled", "Throttling", "ThrottlingException",
            "KMSThrottling", "RequestTimeout", "RequestExpired", "ExpiredToken", "ExpiredTokenException");

    private final FallbackConfig config;
    private volatile SnsClient client;

    @Inject
    public SmsChannel(FallbackConfig config) {
        this.config = config;
        boolean oneKey = config.sms().accessKeyId().isPresent() != config.sms().secretAccessKey().isPresent();
        if (oneKey) {
            throw new IllegalStateException("FALLBACK_SMS_ACCESS_KEY_ID and FALLBACK_SMS_SECRET_ACCESS_KEY"
                    + " go together: set both for static credentials, or neither for the default chain");
        }
        config.sms().endpointOverride().ifPresent(endpoint -> {
            String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
                throw new IllegalStateException("FALLBACK_SMS_ENDPOINT_OVERRIDE must be an absolute http or https"
                        + " URL, is '" + endpoint + "'");
            }
        });
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    @Override
    public boolean isAvailable() {
        return config.smsEnabled();
    }

    @Override
    public HandOver handOver(Message message, Duration budget) {
        if (!config.smsEnabled()) {
            return refused(message, "SMS fallback is disabled");
        }
        String text = message.fallback().smsText();
        if (text == null || text.isEmpty()) {
            return refused(message, "the message asks for no SMS");
        }
        if (budget.isNegative() || budget.isZero()) {
            return retry(message, "no time left in the budget");
        }
        long deadline = System.nanoTime() + budget.toNanos();
        try {
            SnsClient sns = client();
            // Building the client (a cold start's first hand-over) spends the same budget.
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                return retry(message, "no time left in the budget after building the SNS client");
            }
            PublishResponse response = sns.publish(request(message, text, left));
            LOG.infof("Fallback SMS accepted: messageId=%s agentId=%s phone=%s snsMessageId=%s",
                    message.messageId(), message.agentId(), PhoneNumbers.mask(message.phoneNumber()),
                    response.messageId());
            return new HandOver.Accepted();
        } catch (SdkServiceException e) {
            return classify(message, e);
        } catch (SdkException e) {
            // Client side: I/O, a timeout of the budget, credentials or region not found.
            return retry(message, "SNS not reached: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private PublishRequest request(Message message, String text, Duration budget) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(SMS_TYPE, string("Transactional"));
        config.smsSenderId().filter(id -> !id.isBlank()).ifPresent(id -> attributes.put(SENDER_ID, string(id)));
        return PublishRequest.builder()
                .phoneNumber(message.phoneNumber())
                .message(text)
                .messageAttributes(attributes)
                .overrideConfiguration(o -> o.apiCallTimeout(budget).apiCallAttemptTimeout(budget))
                .build();
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static HandOver classify(Message message, SdkServiceException e) {
        String code = e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                ? aws.awsErrorDetails().errorCode()
                : null;
        String reason = "SNS answered " + e.statusCode() + (code == null ? "" : " " + code);
        if (e.statusCode() >= 500 || e.statusCode() == 408 || e.statusCode() == 429 || e.isThrottlingException()
                || e.isClockSkewException() || (code != null && PASSING_CODES.contains(code))) {
            return retry(message, reason);
        }
        // InvalidParameter (a number SNS cannot text), opted-out or blocked numbers, authorisation.
        return refused(message, reason);
    }

    private static HandOver retry(Message message, String reason) {
        LOG.warnf("Fallback SMS to retry: messageId=%s agentId=%s phone=%s reason=%s",
                message.messageId(), message.agentId(), PhoneNumbers.mask(message.phoneNumber()), reason);
        return new HandOver.RetryLater(reason);
    }

    private static HandOver refused(Message message, String reason) {
        LOG.errorf("Fallback SMS refused: messageId=%s agentId=%s phone=%s reason=%s",
                message.messageId(), message.agentId(), PhoneNumbers.mask(message.phoneNumber()), reason);
        return new HandOver.Refused(reason);
    }

    private SnsClient client() {
        SnsClient built = client;
        if (built == null) {
            synchronized (this) {
                built = client;
                if (built == null) {
                    built = build(config.sms());
                    client = built;
                }
            }
        }
        return built;
    }

    private static SnsClient build(FallbackConfig.Sms sms) {
        SnsClientBuilder builder = SnsClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT)
                        .build())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        sms.endpointOverride().ifPresent(builder::endpointOverride);
        sms.region().filter(r -> !r.isBlank()).map(Region::of).ifPresent(builder::region);
        if (sms.accessKeyId().isPresent() && sms.secretAccessKey().isPresent()) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(sms.accessKeyId().get(), sms.secretAccessKey().get())));
        }
        return builder.build();
    }

    @PreDestroy
    void close() {
        SnsClient built = client;
        if (built != null) {
            built.close();
        }
    }
}
