package dev.rbmrevoker.local.rbm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

/** A webhook endpoint for tests: records what arrives and answers a chosen status. */
final class WebhookReceiver implements AutoCloseable {

    record Received(String body, String signature, String contentType) {
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private volatile int status = 200;

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/webhooks/rbm", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (received) {
                received.add(new Received(body, exchange.getRequestHeaders().getFirst("X-Goog-Signature"),
                        exchange.getRequestHeaders().getFirst("Content-Type")));
                received.notifyAll();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks/rbm");
    }

    void clear() {
        synchronized (received) {
            received.clear();
        }
    }

    void answer(int status) {
        this.status = status;
    }

    List<Received> await(int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (received.size() < count && end - System.nanoTime() > 0) {
                TimeUnit.NANOSECONDS.timedWait(received, end - System.nanoTime());
            }
            return List.copyOf(received);
        }
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
