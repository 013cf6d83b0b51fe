package dev.rbmrevoker.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the webhook keeps RBM's answer fast. */
@ConfigMapping(prefix = "webhook")
public interface WebhookConfig {

    /**
     * How long forwarding an envelope to the agent's own webhook may take ({@code WEBHOOK_FORWARD_TIMEOUT})
     * before it is left to the sweep to retry.
     */
    @WithDefault("PT0.8S")
    Duration forwardTimeout();

    /**
     * How long the webhook may spend handing over the fallback that RBM's own expiry triggered
     * ({@code WEBHOOK_FALLBACK_BUDGET}); what does not finish in time is retried by the sweep.
     */
    @WithDefault("PT0.5S")
    Duration fallbackBudget();
}
