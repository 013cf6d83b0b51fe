package dev.rbmrevoker.rbm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.ServiceAccountCredentials;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;

/**
 * OAuth access tokens for RBM from the service-account key. google-auth caches the token, refreshes it
 * before it expires and lets concurrent callers share one refresh; the key file's {@code token_uri} decides
 * the token endpoint. The key is parsed on first use; nothing here ever logs a token or the key.
 */
@ApplicationScoped
public class RbmCredentials {

    public static final String SCOPE = "https://www.googleapis.com/auth/rcsbusinessmessaging";

    private static final Logger LOG = Logger.getLogger(RbmCredentials.class);

    private final Supplier<Optional<String>> keySource;
    private final Predicate<Optional<String>> keyRefused;
    private final Supplier<String> sourceName;
    private final boolean checkOnStart;
    private final ExecutorService executor;
    private final Object lock = new Object();
    private volatile Loaded loaded;

    /** Credentials and the key they were made from, so that a new key in the secret replaces them. */
    private record Loaded(Optional<String> key, ServiceAccountCredentials credentials) {
        @Override
        public String toString() {
            return "RbmCredentials.Loaded[redacted]";
        }
    }

    @Inject
    public RbmCredentials(RbmSecrets secrets) {
        // A key from Secrets Manager is read on first use: at start it may not be filled yet, and under
        // SnapStart the start happens once, when the version is published.
        this(secrets::serviceAccountJson, secrets::serviceAccountJsonRefused, secrets::serviceAccountSource,
                !secrets.fromSecretsManager());
    }

    RbmCredentials(Supplier<Optional<String>> keySource, Predicate<Optional<String>> keyRefused,
            Supplier<String> sourceName, boolean checkOnStart) {
        this.keySource = keySource;
        this.keyRefused = keyRefused;
        this.sourceName = sourceName;
        this.checkOnStart = checkOnStart;
        AtomicInteger count = new AtomicInteger();
        // Token fetches run here so a caller can stop waiting when its budget ends; a fetch it abandons
        // still completes and serves the next caller.
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "rbm-token-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Credentials from a key file given directly (tests, local runs). */
    public static RbmCredentials fromJson(String serviceAccountJson) {
        return new RbmCredentials(() -> Optional.ofNullable(serviceAccountJson), refused -> false,
                () -> "the given service-account JSON", false);
    }

    /** A function given its key directly fails at start, naming the variables, instead of at the first send. */
    void checkOnStart(@Observes StartupEvent event) {
        if (checkOnStart && LaunchMode.current() == LaunchMode.NORMAL) {
            credentials();
            LOG.info("RBM service-account credentials loaded");
        }
    }

    @PreDestroy
    void close() {
        executor.shutdownNow();
    }

    /**
     * The {@code Authorization} header value for the next RBM call, fetched on a background thread.
     *
     * @param rejected the header value RBM just answered 401 to, or null; if it is still the current one,
     *     the token is refreshed (once, however many callers saw it rejected)
     */
    CompletableFuture<String> authorization(String rejected) {
        Loaded current = loaded();
        return CompletableFuture.supplyAsync(() -> {
            try {
                ServiceAccountCredentials use = rejected == null ? current.credentials() : afterRejection(current, rejected);
                Map<String, List<String>> metadata = use.getRequestMetadata();
                List<String> values = metadata.get("Authorization");
                if (values == null || values.isEmpty()) {
                    throw new IOException("google-auth produced no Authorization header");
                }
                return values.get(0);
            } catch (IOException e) {
                throw new CompletionException(new TokenException(e));
            }
        }, executor);
    }

    /**
     * RBM refused a token of these credentials. If it is still their current token, the key itself may be
     * the problem (the secret was filled or rotated since it was read): a new key in the secret replaces
     * the credentials, else the token is refreshed. Once, however many callers saw it rejected.
     */
    private ServiceAccountCredentials afterRejection(Loaded used, String rejected) throws IOException {
        synchronized (lock) {
            Loaded current = loaded;
            if (current != used) {
                return current.credentials();
            }
            AccessToken token = current.credentials().getAccessToken();
            if (token == null || !rejected.equals("Bearer " + token.getTokenValue())) {
                return current.credentials();
            }
            if (keyRefused.test(current.key())) {
                LOG.info("RBM refused the cached access token and the secret holds another key; using it");
                return loaded().credentials();
            }
            LOG.info("RBM refused the cached access token; refreshing it");
            current.credentials().refresh();
            return current.credentials();
        }
    }

    ServiceAccountCredentials credentials() {
        return loaded().credentials();
    }

    private Loaded loaded() {
        Optional<String> key = keySource.get();
        Loaded current = loaded;
        if (current == null || !current.key().equals(key)) {
            synchronized (lock) {
                current = loaded;
                if (current == null || !current.key().equals(key)) {
                    current = new Loaded(key, load(key));
                    loaded = current;
                }
            }
        }
        return current;
    }

    private ServiceAccountCredentials load(Optional<String> json) {
        if (json.isEmpty()) {
            throw new RbmConfigurationException("No RBM service-account key: set " + sourceName.get(), null);
        }
        try {
            ServiceAccountCredentials parsed = ServiceAccountCredentials.fromStream(
                    new ByteArrayInputStream(json.get().getBytes(StandardCharsets.UTF_8)));
            // Our own retries, bounded by the caller's budget, replace google-auth's.
            return parsed.toBuilder().setScopes(List.of(SCOPE)).setDefaultRetriesEnabled(false).build();
        } catch (IOException | RuntimeException e) {
            // google-auth's messages name missing fields, never values; the cause is dropped all the same.
            throw new RbmConfigurationException("The RBM service-account key in " + sourceName.get()
                    + " is not a usable service-account JSON key file: " + e.getClass().getSimpleName(), null);
        }
    }

    /** The token endpoint failed or refused us; worth another attempt. */
    static final class TokenException extends IOException {
        private static final long serialVersionUID = 1L;

        TokenException(IOException cause) {
            super("access token: " + firstLine(cause.getMessage()), cause);
        }

        private static String firstLine(String message) {
            if (message == null) {
                return "no detail";
            }
            int newline = message.indexOf('\n');
            return newline < 0 ? message : message.substring(0, newline);
        }
    }
}
