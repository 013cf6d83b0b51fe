package dev.rbmrevoker.api;

import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deployment that serves no fallback channel (SMS disabled, no callback URL), and whose local HTTP
 * layer lets large bodies through so that the function's own 256 KiB rule answers, as it does in Lambda.
 */
public class NarrowDeploymentProfile implements QuarkusTestProfile {

    /** The usual stand-ins, with the callback URL and SMS taken away. */
    public static class Resource extends RevokerResource {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            config.remove("fallback.callback-url");
            config.remove("fallback.callback-secret");
            config.put("fallback.sms-enabled", "false");
            config.put("quarkus.http.limits.max-body-size", "2M");
            return config;
        }
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Resource.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
