package dev.rbmrevoker.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** An HTTP endpoint for tests (fallback callbacks, webhook forwards): records requests, answers a chosen status. */
public final class HttpRecorder implements AutoCloseable {

    /** One request: method, headers (names in lower case) and body. */
    public record Received(String method, String path, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile int failuresLeft;
    private volatile int failureStatus;
    private volatile Duration delay = Duration.ZERO;

    public HttpRecorder() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                Map<String, String> headers = new HashMap<>();
                exchange.getRequestHeaders().forEach((name, values) ->
                        headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
                        body));
                if (!delay.isZero()) {
                    Thread.sleep(delay.toMillis());
                }
                int answer = status;
                synchronized (this) {
                    if (failuresLeft > 0) {
                        failuresLeft--;
                        answer = failureStatus;
                    }
                }
                exchange.sendResponseHeaders(answer, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Answers {@code status} to every request from now on. */
    public HttpRecorder answering(int value) {
        status = value;
        return this;
    }

    /** Answers {@code status} to the next {@code times} requests, then the usual status again. */
    public synchronized HttpRecorder failNext(int times, int failure) {
        failuresLeft = times;
        failureStatus = failure;
        return this;
    }

    public HttpRecorder delaying(Duration value) {
        delay = value;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Waits until at least {@code count} requests arrived, or the timeout passed; returns what arrived. */
    public List<Received> await(int count, Duration timeout) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (received.size() < count && Instant.now().isBefore(end)) {
            Thread.sleep(20);
        }
        return received();
    }

    public synchronized void reset() {
        received.clear();
        status = 200;
        failuresLeft = 0;
        delay = Duration.ZERO;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
