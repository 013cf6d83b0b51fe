package dev.rbmrevoker.local;

import com.sun.net.httpserver.HttpServer;
import dev.rbmrevoker.fallback.CallbackSignature;
import dev.rbmrevoker.message.PhoneNumbers;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * In the local run, the fallback callback goes here unless FALLBACK_CALLBACK_URL names a receiver of
 * your own: it checks the signature as a receiver should and prints the callback to the log.
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class LocalCallbackPrinter {

    private static final Logger LOG = Logger.getLogger(LocalCallbackPrinter.class);

    /** How far a callback's timestamp may be from now, as a receiver should check against replays. */
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    private static final Pattern PHONE = Pattern.compile("\"phoneNumber\":\"([^\"]*)\"");

    private final int port;
    private final String secret;
    private final Clock clock;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private HttpServer server;

    public LocalCallbackPrinter(@ConfigProperty(name = "local.callback.port") int port,
            @ConfigProperty(name = "fallback.callback-secret") String secret, Clock clock) {
        this.port = port;
        this.secret = secret;
        this.clock = clock;
    }

    void start(@Observes @Priority(1) StartupEvent event) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/fallback", exchange -> {
            try (exchange) {
                byte[] bytes = exchange.getRequestBody().readAllBytes();
                String body = new String(bytes, StandardCharsets.UTF_8);
                String timestamp = exchange.getRequestHeaders().getFirst(CallbackSignature.TIMESTAMP_HEADER);
                String signature = exchange.getRequestHeaders().getFirst(CallbackSignature.SIGNATURE_HEADER);
                boolean valid = timestamp != null && signature != null
                        && CallbackSignature.verify(secret, timestamp, bytes, signature, clock, TOLERANCE);
                LOG.infof("Fallback callback received (signature %s): %s", valid ? "valid" : "INVALID",
                        PHONE.matcher(body).replaceAll(m -> "\"phoneNumber\":\"" + PhoneNumbers.mask(m.group(1)) + "\""));
                exchange.sendResponseHeaders(valid ? 204 : 401, -1);
            }
        });
        server.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.stop(0);
        }
        executor.shutdownNow();
    }
}
