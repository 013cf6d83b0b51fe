package dev.rbmrevoker.fallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The mapping as SmallRye Config builds it, without booting Quarkus: defaults and the variables of API.md. */
class FallbackConfigTest {

    private static FallbackConfig fromEnvironment(Map<String, String> variables) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(FallbackConfig.class)
                .withSources(new EnvConfigSource(variables, 300))
                .build();
        return config.getConfigMapping(FallbackConfig.class);
    }

    @Test
    void defaults_leaveBothChannelsOff() {
        FallbackConfig config = fromEnvironment(Map.of());

        assertEquals(Optional.empty(), config.callbackUrl());
        assertEquals(Optional.empty(), config.callbackSecret());
        assertEquals(Duration.ofSeconds(5), config.callbackTimeout());
        assertFalse(config.smsEnabled());
        assertEquals(Optional.empty(), config.smsSenderId());
        assertEquals(10, config.maxAttempts());
        assertTrue(config.onAmbiguous());
        assertEquals(Optional.empty(), config.sms().endpointOverride());
        assertEquals(Optional.empty(), config.sms().region());
    }

    @Test
    void environmentVariables_mapToTheProperties() {
        FallbackConfig config = fromEnvironment(Map.ofEntries(
                Map.entry("FALLBACK_CALLBACK_URL", "https://hooks.example.com/rbm"),
                Map.entry("FALLBACK_CALLBACK_SECRET", "s3cr3t"),
                Map.entry("FALLBACK_CALLBACK_TIMEOUT", "PT2S"),
                Map.entry("FALLBACK_SMS_ENABLED", "true"),
                Map.entry("FALLBACK_SMS_SENDER_ID", "ACME"),
                Map.entry("FALLBACK_MAX_ATTEMPTS", "3"),
                Map.entry("FALLBACK_ON_AMBIGUOUS", "false"),
                Map.entry("FALLBACK_SMS_ENDPOINT_OVERRIDE", "http://127.0.0.1:4566"),
                Map.entry("FALLBACK_SMS_REGION", "eu-west-1"),
                Map.entry("FALLBACK_SMS_ACCESS_KEY_ID", "local"),
                Map.entry("FALLBACK_SMS_SECRET_ACCESS_KEY", "local")));

        assertEquals(Optional.of(URI.create("https://hooks.example.com/rbm")), config.callbackUrl());
        assertEquals(Optional.of("s3cr3t"), config.callbackSecret());
        assertEquals(Duration.ofSeconds(2), config.callbackTimeout());
        assertTrue(config.smsEnabled());
        assertEquals(Optional.of("ACME"), config.smsSenderId());
        assertEquals(3, config.maxAttempts());
        assertFalse(config.onAmbiguous());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), config.sms().endpointOverride());
        assertEquals(Optional.of("eu-west-1"), config.sms().region());
        assertEquals(Optional.of("local"), config.sms().accessKeyId());
        assertEquals(Optional.of("local"), config.sms().secretAccessKey());
    }
}
