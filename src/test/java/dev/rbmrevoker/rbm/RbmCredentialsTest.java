package dev.rbmrevoker.rbm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.rbmrevoker.local.rbm.RbmTestServer;
import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;

/** The real google-auth library against the test server's token endpoint. */
class RbmCredentialsTest {

    private static RbmTestServer server;

    @BeforeAll
    static void start() {
        server = RbmTestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        server.reset();
    }

    @Test
    void concurrentCallers_shareOneTokenFetch() throws Exception {
        RbmCredentials credentials = RbmCredentials.fromJson(server.serviceAccountJson());
        Set<String> headers = concurrently(50, () -> credentials.authorization(null).get(10, TimeUnit.SECONDS));
        assertEquals(1, server.tokenGrants());
        assertEquals(1, headers.size());
        assertTrue(headers.iterator().next().startsWith("Bearer ya29."));
    }

    @Test
    void tokenRequest_isScopedToRbm() throws Exception {
        RbmCredentials.fromJson(server.serviceAccountJson()).authorization(null).get(10, TimeUnit.SECONDS);
        RecordedCall call = server.calls(Route.TOKEN).get(0);
        String assertion = call.body().replaceAll(".*assertion=([^&]+).*", "$1");
        String claims = new String(java.util.Base64.getUrlDecoder().decode(assertion.split("\\.")[1]));
        assertTrue(claims.contains(RbmCredentials.SCOPE), claims);
    }

    @Test
    void rejectedToken_isRefreshedOnce_forAllCallersThatSawIt() throws Exception {
        RbmCredentials credentials = RbmCredentials.fromJson(server.serviceAccountJson());
        String rejected = credentials.authorization(null).get(10, TimeUnit.SECONDS);
        Set<String> headers = concurrently(20, () -> credentials.authorization(rejected).get(10, TimeUnit.SECONDS));
        assertEquals(2, server.tokenGrants());
        assertEquals(1, headers.size());
        assertNotEquals(rejected, headers.iterator().next());
    }

    @Test
    void missingKey_failsNamingTheVariables() {
        RbmCredentials credentials = new RbmCredentials(RbmSecrets.of(null, null, null));
        RbmConfigurationException e = assertThrows(RbmConfigurationException.class, () -> credentials.authorization(null));
        assertTrue(e.getMessage().contains("RBM_SERVICE_ACCOUNT_JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("RBM_SECRET_ARN"), e.getMessage());
    }

    @Test
    void unusableKey_failsWithoutRepeatingIt() {
        String broken = "{\"type\":\"service_account\",\"client_email\":\"x@y\",\"private_key\":\"SECRET-MATERIAL\"}";
        RbmCredentials credentials = new RbmCredentials(RbmSecrets.of(broken, null, null));
        RbmConfigurationException e = assertThrows(RbmConfigurationException.class, () -> credentials.authorization(null));
        assertTrue(e.getMessage().contains("RBM_SERVICE_ACCOUNT_JSON"), e.getMessage());
        assertFalse(e.getMessage().contains("SECRET-MATERIAL"), e.getMessage());
        assertEquals(null, e.getCause());
    }

    private static Set<String> concurrently(int callers, java.util.concurrent.Callable<String> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return call.call();
                }));
            }
            go.countDown();
            Set<String> values = new HashSet<>();
            for (Future<String> result : results) {
                values.add(result.get(20, TimeUnit.SECONDS));
            }
            return values;
        } finally {
            pool.shutdownNow();
        }
    }
}
