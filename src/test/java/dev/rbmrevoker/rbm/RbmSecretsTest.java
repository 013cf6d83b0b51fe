package dev.rbmrevoker.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class RbmSecretsTest {

    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rbm-AbCdEf";
    private static final Duration MAX_AGE = Duration.ofMinutes(5);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));

    private RbmSecrets secrets(Optional<String> arn, Optional<String> key, Optional<String> token,
            Optional<String> callback, Function<String, String> reader) {
        return new RbmSecrets(arn, key, token, callback, reader, clock, MAX_AGE, RbmSecrets.MIN_REREAD_INTERVAL);
    }

    private static String secretJson(String key, String token) {
        return "{\"serviceAccountJson\":\"" + key + "\",\"webhookClientToken\":\"" + token + "\"}";
    }

    @Test
    void secretFilledAfterStart_isSeenOnceTheReadIsOlderThanItsMaxAge() {
        AtomicReference<String> stored = new AtomicReference<>("{}");
        AtomicInteger reads = new AtomicInteger();
        RbmSecrets secrets = secrets(Optional.of(ARN), Optional.empty(), Optional.empty(), Optional.empty(), arn -> {
            reads.incrementAndGet();
            return stored.get();
        });
        assertEquals(Optional.empty(), secrets.webhookClientToken());
        stored.set(secretJson("{key}", "filled-later"));
        clock.advance(MAX_AGE.minusSeconds(1));
        assertEquals(Optional.empty(), secrets.webhookClientToken(), "still within its max age");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.of("filled-later"), secrets.webhookClientToken());
        assertEquals(2, reads.get());
    }

    @Test
    void refusedToken_isReadAgainAtOnce_onceForAllWhoSawIt() {
        AtomicReference<String> stored = new AtomicReference<>(secretJson("{key}", "old-token"));
        AtomicInteger reads = new AtomicInteger();
        RbmSecrets secrets = secrets(Optional.of(ARN), Optional.empty(), Optional.empty(), Optional.empty(), arn -> {
            reads.incrementAndGet();
            return stored.get();
        });
        Optional<String> used = secrets.webhookClientToken();
        stored.set(secretJson("{key}", "new-token"));
        clock.advance(RbmSecrets.MIN_REREAD_INTERVAL);
        assertTrue(secrets.webhookClientTokenRefused(used));
        assertTrue(secrets.webhookClientTokenRefused(used), "a second request that saw the old token");
        assertEquals(Optional.of("new-token"), secrets.webhookClientToken());
        assertEquals(2, reads.get());
    }

    @Test
    void refusals_readAtMostOncePerInterval_andNeverWithoutSecretArn() {
        AtomicInteger reads = new AtomicInteger();
        RbmSecrets secrets = secrets(Optional.of(ARN), Optional.empty(), Optional.empty(), Optional.empty(), arn -> {
            reads.incrementAndGet();
            return secretJson("{key}", "token");
        });
        Optional<String> used = secrets.webhookClientToken();
        for (int i = 0; i < 5; i++) {
            assertFalse(secrets.webhookClientTokenRefused(used));
        }
        assertEquals(1, reads.get(), "forged signatures must not each cost a Secrets Manager call");
        clock.advance(RbmSecrets.MIN_REREAD_INTERVAL);
        assertFalse(secrets.webhookClientTokenRefused(used));
        assertEquals(2, reads.get());

        RbmSecrets plain = secrets(Optional.empty(), Optional.of("{key}"), Optional.of("token"), Optional.empty(), arn -> {
            throw new AssertionError("Secrets Manager must not be asked");
        });
        assertFalse(plain.webhookClientTokenRefused(Optional.of("token")));
        assertFalse(plain.serviceAccountJsonRefused(Optional.of("{key}")));
    }

    @Test
    void restoreFromSnapshot_forgetsWhatWasRead() {
        AtomicReference<String> stored = new AtomicReference<>("{}");
        RbmSecrets secrets = secrets(Optional.of(ARN), Optional.empty(), Optional.empty(), Optional.empty(),
                arn -> stored.get());
        assertEquals(Optional.empty(), secrets.serviceAccountJson());
        stored.set(secretJson("{key}", "token"));
        secrets.afterRestore(null);
        assertEquals(Optional.of("{key}"), secrets.serviceAccountJson());
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void plainVariables_areUsed_withoutSecretArn() {
        RbmSecrets secrets = secrets(Optional.empty(), Optional.of("{key}"), Optional.of("token"),
                Optional.of("callback"), arn -> {
                    throw new AssertionError("Secrets Manager must not be asked");
                });
        assertEquals(Optional.of("{key}"), secrets.serviceAccountJson());
        assertEquals(Optional.of("token"), secrets.webhookClientToken());
        assertEquals(Optional.of("callback"), secrets.callbackSecret());
        assertFalse(secrets.fromSecretsManager());
    }

    @Test
    void secretArn_isReadOnceWithinItsMaxAge_andWinsOverPlainVariables() {
        AtomicInteger reads = new AtomicInteger();
        RbmSecrets secrets = secrets(Optional.of(ARN), Optional.of("{plain}"), Optional.of("plain-token"),
                Optional.empty(), arn -> {
                    reads.incrementAndGet();
                    assertEquals(ARN, arn);
                    return "{\"serviceAccountJson\":\"{secret-key}\",\"webhookClientToken\":\"secret-token\","
                            + "\"callbackSecret\":\"secret-callback\"}";
                });
        assertEquals(Optional.of("{secret-key}"), secrets.serviceAccountJson());
        assertEquals(Optional.of("secret-token"), secrets.webhookClientToken());
        assertEquals(Optional.of("secret-callback"), secrets.callbackSecret());
        secrets.serviceAccountJson();
        assertEquals(1, reads.get());
        assertTrue(secrets.fromSecretsManager());
    }

    @Test
    void keyStoredAsJsonObject_isTakenAsItsText() {
        RbmSecrets secrets = secrets(Optional.of(ARN), Optional.empty(), Optional.empty(), Optional.empty(),
                arn -> "{\"serviceAccountJson\":{\"type\":\"service_account\"}}");
        assertEquals(Optional.of("{\"type\":\"service_account\"}"), secrets.serviceAccountJson());
        assertEquals(Optional.empty(), secrets.webhookClientToken());
    }

    @Test
    void secretThatIsNotJson_failsNamingTheVariable_withoutItsValue() {
        RbmSecrets secrets = secrets(Optional.of(ARN), Optional.empty(), Optional.empty(), Optional.empty(),
                arn -> "hunter2-not-json");
        RbmConfigurationException e = assertThrows(RbmConfigurationException.class, secrets::serviceAccountJson);
        assertTrue(e.getMessage().contains("RBM_SECRET_ARN"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void unreadableSecret_failsNamingTheVariable() {
        RbmSecrets secrets = secrets(Optional.of(ARN), Optional.empty(), Optional.empty(), Optional.empty(),
                arn -> {
                    throw new IllegalStateException("AccessDeniedException");
                });
        RbmConfigurationException e = assertThrows(RbmConfigurationException.class, secrets::webhookClientToken);
        assertTrue(e.getMessage().contains("RBM_SECRET_ARN"), e.getMessage());
        assertTrue(e.getMessage().contains("AccessDeniedException"), e.getMessage());
    }
}
