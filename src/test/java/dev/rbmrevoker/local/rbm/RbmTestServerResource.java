package dev.rbmrevoker.local.rbm;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts an {@link RbmTestServer} for a {@code @QuarkusTest} and points the application at it: RBM_ENDPOINT,
 * RBM_SERVICE_ACCOUNT_JSON (the generated key, whose token_uri is the server), RBM_AGENT_ID and
 * RBM_WEBHOOK_CLIENT_TOKEN. A field annotated {@link InjectRbmTestServer} receives the server.
 *
 * <pre>
 * &#64;QuarkusTest
 * &#64;WithTestResource(RbmTestServerResource.class)
 * class SomeTest {
 *     &#64;InjectRbmTestServer
 *     RbmTestServer rbm;
 * }
 * </pre>
 */
public class RbmTestServerResource implements QuarkusTestResourceLifecycleManager {

    public static final String AGENT_ID = "rbm-revoker-test-agent";
    public static final String WEBHOOK_CLIENT_TOKEN = "rbm-test-client-token";

    private RbmTestServer server;

    @Override
    public Map<String, String> start() {
        server = RbmTestServer.start();
        return Map.of(
                "rbm.endpoint", server.baseUrl(),
                "rbm.service-account-json", server.serviceAccountJson(),
                "rbm.agent-id", AGENT_ID,
                "rbm.webhook-client-token", WEBHOOK_CLIENT_TOKEN);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(InjectRbmTestServer.class, RbmTestServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
