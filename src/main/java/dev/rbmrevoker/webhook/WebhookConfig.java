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

    /**
     * How long the fallback hand-over and then the forward may take together ({@code WEBHOOK_RESPONSE_BUDGET}),
     * so that RBM is answered within about a second even when a fallback channel and the agent's webhook
     * are both slow; each still keeps its own limit above, and a forward always gets at least 0.2 s.
     */
    @WithDefault("PT0.9S")
    Duration responseBudget();
}
