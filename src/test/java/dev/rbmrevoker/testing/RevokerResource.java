package dev.rbmrevoker.testing;

import dev.rbmrevoker.local.dynamodb.EmbeddedDynamoDb;
import dev.rbmrevoker.local.rbm.RbmTestServer;
import dev.rbmrevoker.local.sns.LocalSns;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the application talks to, real and local: DynamoDB Local, the RBM test server (with the
 * real Google auth library against its token endpoint), a local SNS, and HTTP recorders for the
 * fallback callback and the webhook forward. Started once per test JVM; tests reset them.
 */
public class RevokerResource implements QuarkusTestResourceLifecycleManager {

    public static final String AGENT = "test-agent";
    public static final String CLIENT_TOKEN = "test-webhook-client-token";
    public static final String CALLBACK_SECRET = "test-callback-secret";
    public static final String CALLBACK_PATH = "/fallback";
    public static final String FORWARD_PATH = "/agent-webhook";

    private static RbmTestServer rbm;
    private static LocalSns sns;
    private static HttpRecorder callbacks;
    private static HttpRecorder forwards;

    public static synchronized RbmTestServer rbm() {
        if (rbm == null) {
            rbm = RbmTestServer.start();
        }
        return rbm;
    }

    public static synchronized LocalSns sns() {
        if (sns == null) {
            sns = LocalSns.start();
        }
        return sns;
    }

    public static synchronized HttpRecorder callbacks() {
        if (callbacks == null) {
            callbacks = new HttpRecorder();
        }
        return callbacks;
    }

    public static synchronized HttpRecorder forwards() {
        if (forwards == null) {
            forwards = new HttpRecorder();
        }
        return forwards;
    }

    /** Forgets what every stand-in recorded and clears injected faults. */
    public static void resetAll() {
        rbm().reset();
        sns().reset();
        callbacks().reset();
        forwards().reset();
    }

    @Override
    public Map<String, String> start() {
        EmbeddedDynamoDb db = DynamoDbLocalResource.server();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.dynamodb.endpoint-override", db.endpoint());
        config.put("quarkus.dynamodb.aws.region", EmbeddedDynamoDb.REGION);
        config.put("quarkus.dynamodb.aws.credentials.type", "static");
        config.put("quarkus.dynamodb.aws.credentials.static-provider.access-key-id", EmbeddedDynamoDb.ACCESS_KEY);
        config.put("quarkus.dynamodb.aws.credentials.static-provider.secret-access-key", EmbeddedDynamoDb.SECRET_KEY);
        config.put("messages.table", DynamoDbLocalResource.TABLE);
        config.put("rbm.agent-id", AGENT);
        config.put("rbm.endpoint", rbm().baseUrl());
        config.put("rbm.service-account-json", rbm().serviceAccountJson());
        config.put("rbm.webhook-client-token", CLIENT_TOKEN);
        config.put("rbm.webhook-forward-url", forwards().url(FORWARD_PATH).toString());
        config.put("fallback.callback-url", callbacks().url(CALLBACK_PATH).toString());
        config.put("fallback.callback-secret", CALLBACK_SECRET);
        config.put("fallback.sms-enabled", "true");
        config.put("fallback.sms-sender-id", "Revoker");
        config.put("fallback.sms.endpoint-override", sns().endpoint().toString());
        config.put("fallback.sms.region", EmbeddedDynamoDb.REGION);
        config.put("fallback.sms.access-key-id", "local");
        config.put("fallback.sms.secret-access-key", "local");
        return config;
    }

    @Override
    public void stop() {
        // The stand-ins outlive one application start; the JVM's exit ends them.
    }
}
