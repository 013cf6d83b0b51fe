package dev.rbmrevoker.fallback;

import dev.rbmrevoker.config.LifecycleConfig;
import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.PhoneNumbers;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
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
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
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
 * The SMS fallback: one Amazon SNS {@code Publish} to the message's phone number per hand-over, at most
 * once per message. A publish that may have reached SNS without its answer (a timeout or a dropped
 * connection after the request went out) is {@link HandOver.Unconfirmed}, never retried; only a failure
 * that proves nothing was published (no connection, an SNS error answer, no credentials) is retried.
 * A publish gets a fixed timeout ({@code FALLBACK_SMS_TIMEOUT}) and starts only with that much time left
 * ({@link #shortestBudget()}).
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
    // Shorter than the publish timeout, so an unreachable SNS shows as a connect failure: provably nothing sent.
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    // 4xx error codes that say "not now" rather than "never" (SNS's own and the SDK's usual ones).
    private static final Set<String> PASSING_CODES = Set.of("Throttled", "Throttling", "ThrottlingException",
            "KMSThrottling", "RequestTimeout", "RequestExpired", "ExpiredToken", "ExpiredTokenException");

    private final FallbackConfig config;
    private final Duration publishTimeout;
    private volatile SnsClient client;

    /**
     * @throws IllegalStateException when SMS is enabled with a publish timeout no call budget can cover:
     *     no SMS could ever be started
     */
    @Inject
    public SmsChannel(FallbackConfig config, LifecycleConfig lifecycle) {
        this(config);
        if (config.smsEnabled() && publishTimeout.compareTo(lifecycle.callBudget()) >= 0) {
            throw new IllegalStateException("FALLBACK_SMS_TIMEOUT (" + publishTimeout + ") must be shorter than"
                    + " CALL_BUDGET (" + lifecycle.callBudget() + "): a publish starts only when the budget covers"
                    + " it, so no SMS would ever be sent");
        }
    }

    /** A channel checked on its own settings only. */
    public SmsChannel(FallbackConfig config) {
        this.config = config;
        this.publishTimeout = config.smsTimeout();
        if (publishTimeout.isNegative() || publishTimeout.isZero()) {
            throw new IllegalStateException("FALLBACK_SMS_TIMEOUT must be positive, is " + publishTimeout);
        }
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
    public Duration shortestBudget() {
        return publishTimeout;
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
        if (budget.compareTo(publishTimeout) < 0) {
            return retry(message, "less time left than a publish may take (FALLBACK_SMS_TIMEOUT " + publishTimeout + ")");
        }
        long deadline = System.nanoTime() + budget.toNanos();
        SnsClient sns;
        try {
            sns = client();
        } catch (SdkException e) {
            // Credentials or region not found: nothing was sent.
            return retry(message, "no SNS client: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        // Building the client (a cold start's first hand-over) spends the same budget.
        if (Duration.ofNanos(deadline - System.nanoTime()).compareTo(publishTimeout) < 0) {
            return retry(message, "too little time left after building the SNS client");
        }
        try {
            PublishResponse response = sns.publish(request(message, text));
            LOG.infof("Fallback SMS accepted: messageId=%s agentId=%s phone=%s snsMessageId=%s",
                    message.messageId(), message.agentId(), PhoneNumbers.mask(message.phoneNumber()),
                    response.messageId());
            return new HandOver.Accepted();
        } catch (SdkServiceException e) {
            // SNS answered with an error: it published nothing.
            return classify(message, e);
        } catch (SdkException e) {
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (nothingSent(e)) {
                return retry(message, "SNS not reached: " + reason);
            }
            return unconfirmed(message, "no answer from SNS, which may have taken the publish: " + reason);
        }
    }

    /**
     * Whether a client-side failure proves the request never reached SNS: the connection was never made
     * (refused, no route, unknown host, connect timeout), or the SDK failed before any I/O (credentials,
     * signing). A timeout or an I/O failure once connected may come after SNS took the publish.
     */
    static boolean nothingSent(Throwable failure) {
        if (failure instanceof ApiCallTimeoutException || failure instanceof ApiCallAttemptTimeoutException) {
            return false;
        }
        boolean io = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException
                    || (cause instanceof SocketTimeoutException && String.valueOf(cause.getMessage())
                            .toLowerCase(Locale.ROOT).contains("connect timed out"))) {
                return true;
            }
            io |= cause instanceof IOException;
            if (cause.getCause() == cause) {
                break;
            }
        }
        return !io;
    }

    private PublishRequest request(Message message, String text) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(SMS_TYPE, string("Transactional"));
        config.smsSenderId().filter(id -> !id.isBlank()).ifPresent(id -> attributes.put(SENDER_ID, string(id)));
        return PublishRequest.builder()
                .phoneNumber(message.phoneNumber())
                .message(text)
                .messageAttributes(attributes)
                .overrideConfiguration(o -> o.apiCallTimeout(publishTimeout).apiCallAttemptTimeout(publishTimeout))
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

    private static HandOver unconfirmed(Message message, String reason) {
        LOG.warnf("Fallback SMS unconfirmed, never published again: messageId=%s agentId=%s phone=%s reason=%s",
                message.messageId(), message.agentId(), PhoneNumbers.mask(message.phoneNumber()), reason);
        return new HandOver.Unconfirmed(reason);
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
                    built = build(config.sms(), publishTimeout);
                    client = built;
                }
            }
        }
        return built;
    }

    private static SnsClient build(FallbackConfig.Sms sms, Duration publishTimeout) {
        SnsClientBuilder builder = SnsClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT.compareTo(publishTimeout) < 0 ? CONNECT_TIMEOUT
                                : publishTimeout.dividedBy(2))
                        .socketTimeout(publishTimeout)
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
