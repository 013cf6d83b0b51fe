package dev.rbmrevoker.local;

import dev.rbmrevoker.local.sns.LocalSns;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** In the local run, the SNS stand-in receives the fallback SMS and logs each one. */
@ApplicationScoped
@IfBuildProfile("dev")
public class LocalSnsServer {

    private static final Logger LOG = Logger.getLogger(LocalSnsServer.class);

    private final int port;
    private LocalSns server;

    public LocalSnsServer(@ConfigProperty(name = "local.sns.port") int port) {
        this.port = port;
    }

    void start(@Observes @Priority(1) StartupEvent event) {
        server = LocalSns.start(port);
        LOG.infof("Local SNS stand-in is running at %s: fallback SMS are logged, not sent", server.endpoint());
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.close();
        }
    }
}
