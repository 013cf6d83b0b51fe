package dev.rbmrevoker.fallback;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** A {@link FallbackConfig} for tests that build channels without Quarkus. */
record TestConfig(
        Optional<URI> callbackUrl,
        Optional<String> callbackSecret,
        Duration callbackTimeout,
        boolean smsEnabled,
        Optional<String> smsSenderId,
        int maxAttempts,
        boolean onAmbiguous,
        Sms sms,
        Duration smsTimeout) implements FallbackConfig {

    record TestSms(Optional<URI> endpointOverride, Optional<String> region, Optional<String> accessKeyId,
            Optional<String> secretAccessKey) implements Sms {
    }

    @Override
    public Duration firstRetry() {
        return Duration.ofSeconds(30);
    }

    static TestConfig none() {
        return new TestConfig(Optional.empty(), Optional.empty(), Duration.ofSeconds(5), false, Optional.empty(),
                10, true, new TestSms(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()),
                Duration.ofSeconds(3));
    }

    static TestConfig callback(URI url, String secret) {
        TestConfig none = none();
        return new TestConfig(Optional.of(url), Optional.ofNullable(secret), none.callbackTimeout(), false,
                Optional.empty(), 10, true, none.sms(), none.smsTimeout());
    }

    TestConfig withCallbackTimeout(Duration timeout) {
        return new TestConfig(callbackUrl, callbackSecret, timeout, smsEnabled, smsSenderId, maxAttempts,
                onAmbiguous, sms, smsTimeout);
    }

    /** SMS on, through the local SNS stand-in at {@code endpoint} with static credentials. */
    static TestConfig sms(URI endpoint, String senderId) {
        TestConfig none = none();
        return new TestConfig(Optional.empty(), Optional.empty(), none.callbackTimeout(), true,
                Optional.ofNullable(senderId), 10, true, new TestSms(Optional.of(endpoint),
                        Optional.of("us-east-1"), Optional.of("local"), Optional.of("local")), none.smsTimeout());
    }

    TestConfig withSmsTimeout(Duration timeout) {
        return new TestConfig(callbackUrl, callbackSecret, callbackTimeout, smsEnabled, smsSenderId, maxAttempts,
                onAmbiguous, sms, timeout);
    }

    TestConfig withSmsEnabled(boolean enabled) {
        return new TestConfig(callbackUrl, callbackSecret, callbackTimeout, enabled, smsSenderId, maxAttempts,
                onAmbiguous, sms, smsTimeout);
    }
}
