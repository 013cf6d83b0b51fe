package dev.rbmrevoker.local;

import dev.rbmrevoker.local.rbm.RbmTestServer;
import dev.rbmrevoker.rbm.RbmConfig;
import dev.rbmrevoker.rbm.RbmSecrets;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The local run's RBM: the project's RBM test server, acting like a phone that is on. It takes sends,
 * delivers each after a delay unless revoked (never to {@code local.rbm.never-delivered}), expires
 * messages at their expireTime, and posts correctly signed webhooks to this application. Its
 * service-account key is made at start, so no Google account is needed.
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class LocalRbmSandbox {

    private static final Logger LOG = Logger.getLogger(LocalRbmSandbox.class);

    private final RbmTestServer server;
    private final String clientToken;
    private final Optional<String> callbackSecret;

    public LocalRbmSandbox(RbmConfig rbm,
            @ConfigProperty(name = "local.rbm.port") int port,
            @ConfigProperty(name = "local.rbm.delivery-delay") Duration deliveryDelay,
            @ConfigProperty(name = "local.rbm.never-delivered") String neverDelivered,
            @ConfigProperty(name = "local.rbm.webhook-url") URI webhookUrl,
            @ConfigProperty(name = "fallback.callback-secret") Optional<String> callbackSecret) {
        this.clientToken = rbm.webhookClientToken().orElseThrow();
        this.callbackSecret = callbackSecret;
        this.server = RbmTestServer.start(port);
        server.setAutoDelivery(deliveryDelay, Set.of(neverDelivered));
        server.setWebhook(webhookUrl, clientToken);
        LOG.infof("RBM sandbox at %s: delivers after %s, never to %s; webhooks to %s", server.baseUrl(),
                deliveryDelay, neverDelivered, webhookUrl);
    }

    /** The sandbox's own service-account key, in place of one from the environment. */
    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    RbmSecrets sandboxSecrets() {
        return RbmSecrets.of(server.serviceAccountJson(), clientToken, callbackSecret.orElse(null));
    }

    void stop(@Observes ShutdownEvent event) {
        server.close();
    }
}
