package dev.rbmrevoker.webhook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.observe.Metrics;
import dev.rbmrevoker.rbm.RbmConfig;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RBM_WEBHOOK_FORWARD_URL is checked at start: a bad one fails the start naming it, never each webhook. */
class WebhookForwarderConfigTest {

    private static WebhookForwarder forwarderFor(String forwardUrl) {
        Map<String, String> variables = new HashMap<>();
        if (forwardUrl != null) {
            variables.put("RBM_WEBHOOK_FORWARD_URL", forwardUrl);
        }
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(RbmConfig.class)
                .withMapping(WebhookConfig.class)
                .withSources(new EnvConfigSource(variables, 300))
                .build();
        Clock clock = Clock.systemUTC();
        return new WebhookForwarder(config.getConfigMapping(RbmConfig.class), null, clock,
                config.getConfigMapping(WebhookConfig.class), new Metrics(line -> { }, clock));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://hooks.example.com/rbm", "hooks.example.com/rbm", "mailto:ops@example.com",
            "http://", "https:///rbm", "not a url at all"})
    void start_fails_namingTheVariable_whenTheForwardUrlIsNotAbsoluteHttp(String url) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> forwarderFor(url));

        assertTrue(e.getMessage().contains("RBM_WEBHOOK_FORWARD_URL"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com/rbm", "http://127.0.0.1:8089/agent-webhook"})
    void httpAndHttpsUrls_areForwardedTo(String url) {
        assertTrue(forwarderFor(url).isEnabled());
    }

    @Test
    void noForwardUrl_forwardsNothing() {
        assertFalse(forwarderFor(null).isEnabled());
    }
}
