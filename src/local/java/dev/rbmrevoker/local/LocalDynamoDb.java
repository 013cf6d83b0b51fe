package dev.rbmrevoker.local;

import dev.rbmrevoker.local.dynamodb.EmbeddedDynamoDb;
import dev.rbmrevoker.store.StoreConfig;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** In the local run, DynamoDB Local starts with the application and the table is created. */
@ApplicationScoped
@IfBuildProfile("dev")
public class LocalDynamoDb {

    private static final Logger LOG = Logger.getLogger(LocalDynamoDb.class);

    private final int port;
    private final String table;
    private EmbeddedDynamoDb server;

    public LocalDynamoDb(@ConfigProperty(name = "local.dynamodb.port") int port, StoreConfig store) {
        this.port = port;
        this.table = store.table();
    }

    // Runs before the application's own start-up observers, so the table exists when they need it.
    void start(@Observes @Priority(1) StartupEvent event) {
        server = EmbeddedDynamoDb.start(port);
        server.createMessagesTable(table);
        LOG.infof("DynamoDB Local is running at %s with table %s", server.endpoint(), table);
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.close();
        }
    }
}
