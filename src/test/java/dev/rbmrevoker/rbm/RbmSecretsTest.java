package dev.rbmrevoker.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class RbmSecretsTest {

    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rbm-AbCdEf";

    @Test
    void plainVariables_areUsed_withoutSecretArn() {
        RbmSecrets secrets = new RbmSecrets(Optional.empty(), Optional.of("{key}"), Optional.of("token"),
                Optional.of("callback"), arn -> {
                    throw new AssertionError("Secrets Manager must not be asked");
                });
        assertEquals(Optional.of("{key}"), secrets.serviceAccountJson());
        assertEquals(Optional.of("token"), secrets.webhookClientToken());
        assertEquals(Optional.of("callback"), secrets.callbackSecret());
        assertFalse(secrets.fromSecretsManager());
    }

    @Test
    void secretArn_isReadOnce_andWinsOverPlainVariables() {
        AtomicInteger reads = new AtomicInteger();
        RbmSecrets secrets = new RbmSecrets(Optional.of(ARN), Optional.of("{plain}"), Optional.of("plain-token"),
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
        RbmSecrets secrets = new RbmSecrets(Optional.of(ARN), Optional.empty(), Optional.empty(), Optional.empty(),
                arn -> "{\"serviceAccountJson\":{\"type\":\"service_account\"}}");
        assertEquals(Optional.of("{\"type\":\"service_account\"}"), secrets.serviceAccountJson());
        assertEquals(Optional.empty(), secrets.webhookClientToken());
    }

    @Test
    void secretThatIsNotJson_failsNamingTheVariable_withoutItsValue() {
        RbmSecrets secrets = new RbmSecrets(Optional.of(ARN), Optional.empty(), Optional.empty(), Optional.empty(),
                arn -> "hunter2-not-json");
        RbmConfigurationException e = assertThrows(RbmConfigurationException.class, secrets::serviceAccountJson);
        assertTrue(e.getMessage().contains("RBM_SECRET_ARN"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void unreadableSecret_failsNamingTheVariable() {
        RbmSecrets secrets = new RbmSecrets(Optional.of(ARN), Optional.empty(), Optional.empty(), Optional.empty(),
                arn -> {
                    throw new IllegalStateException("AccessDeniedException");
                });
        RbmConfigurationException e = assertThrows(RbmConfigurationException.class, secrets::webhookClientToken);
        assertTrue(e.getMessage().contains("RBM_SECRET_ARN"), e.getMessage());
        assertTrue(e.getMessage().contains("AccessDeniedException"), e.getMessage());
    }
}
