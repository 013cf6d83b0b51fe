package dev.rbmrevoker.local.sns;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * A stand-in for Amazon SNS's {@code Publish} to a phone number, for tests and the local run. It speaks
 * the AWS Query protocol of the SDK v2 SNS client (form-encoded {@code Action=Publish&...} in, XML out),
 * records every publish, and can fail the next calls with an SNS error. It checks no signature.
 */
public final class LocalSns implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalSns.class);
    private static final String NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";

    /** One recorded {@code Publish}; {@code attributes} maps each message attribute's name to its string value. */
    public record Publish(String messageId, String phoneNumber, String topicArn, String message,
            Map<String, String> attributes, Map<String, String> form) {
    }

    /** An injected failure: the HTTP status and the SNS error code of the {@code ErrorResponse}. */
    public record Fault(int status, String code, String message) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Publish> publishes = new ArrayList<>();
    private final List<Fault> faults = new ArrayList<>();
    private final List<Duration> delays = new ArrayList<>();
    private int lostAnswers;
    private int requests;

    private LocalSns(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on 127.0.0.1 at a free port. */
    public static LocalSns start() {
        return start(0);
    }

    /** Starts on 127.0.0.1 at {@code port}, or at a free port when {@code port} is 0. */
    public static LocalSns start(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            // A thread per request, so that a slowed answer does not hold up the others.
            ExecutorService executor = Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "local-sns");
                thread.setDaemon(true);
                return thread;
            });
            LocalSns sns = new LocalSns(server, executor);
            server.setExecutor(executor);
            server.createContext("/", sns::handle);
            server.start();
            return sns;
        } catch (IOException e) {
            throw new UncheckedIOException("the local SNS could not listen on port " + port, e);
        }
    }

    /** The URL to give the SNS client as its endpoint override. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Every successful publish so far, oldest first. */
    public synchronized List<Publish> publishes() {
        return List.copyOf(publishes);
    }

    /** Requests received so far, failed ones included. */
    public synchronized int requests() {
        return requests;
    }

    /** Answers the next {@code times} requests with {@code status} and the SNS error {@code code}. */
    public synchronized void failNext(int times, int status, String code) {
        for (int i = 0; i < times; i++) {
            faults.add(new Fault(status, code, "injected by the local SNS"));
        }
    }

    /**
     * Holds back the next {@code times} requests by {@code delay}, as a slow SNS would. The delay comes
     * before the request is processed: a publish is recorded only once its delay is over, and it is
     * recorded then even when the client gave up waiting meanwhile (SNS takes a request whose answer
     * nobody reads). A test that times the client out must wait past the delay before counting publishes.
     */
    public synchronized void delayNext(int times, Duration delay) {
        for (int i = 0; i < times; i++) {
            delays.add(delay);
        }
    }

    /**
     * The next {@code times} publishes are taken (recorded, as SNS would) and then the connection is
     * closed without an answer, so the client fails without knowing whether the SMS went out. Applies
     * to valid publishes only, after any delay and unless a fault is queued for the same request.
     */
    public synchronized void lostAnswerNext(int times) {
        lostAnswers += times;
    }

    /** Forgets publishes, pending faults, delays and lost answers. */
    public synchronized void reset() {
        publishes.clear();
        faults.clear();
        delays.clear();
        lostAnswers = 0;
        requests = 0;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(exchange);
            Fault fault;
            Duration delay;
            synchronized (this) {
                requests++;
                fault = faults.isEmpty() ? null : faults.remove(0);
                delay = delays.isEmpty() ? Duration.ZERO : delays.remove(0);
            }
            if (!delay.isZero()) {
                sleep(delay);
            }
            if (fault != null) {
                error(exchange, fault);
                return;
            }
            String action = form.get("Action");
            if (!"POST".equals(exchange.getRequestMethod()) || !"Publish".equals(action)) {
                error(exchange, new Fault(400, "InvalidAction",
                        "the local SNS serves POST Action=Publish only, got " + exchange.getRequestMethod()
                                + " Action=" + action));
                return;
            }
            String phone = form.get("PhoneNumber");
            String topic = form.get("TopicArn");
            String text = form.get("Message");
            if (text == null || (phone == null) == (topic == null && form.get("TargetArn") == null)) {
                error(exchange, new Fault(400, "InvalidParameter",
                        "Invalid parameter: a Message and exactly one of PhoneNumber, TopicArn, TargetArn"));
                return;
            }
            Publish publish = new Publish(UUID.randomUUID().toString(), phone, topic, text, attributes(form), form);
            boolean loseAnswer;
            synchronized (this) {
                publishes.add(publish);
                loseAnswer = lostAnswers > 0;
                if (loseAnswer) {
                    lostAnswers--;
                }
            }
            if (loseAnswer) {
                LOG.infof("Local SNS: SMS to %s taken, answer withheld", dev.rbmrevoker.message.PhoneNumbers.mask(phone));
                // Closing before the response headers are sent closes the connection: no answer reaches the client.
                return;
            }
            LOG.infof("Local SNS: SMS to %s (%s): %s", dev.rbmrevoker.message.PhoneNumbers.mask(phone), publish.attributes(), text);
            respond(exchange, 200, "<PublishResponse xmlns=\"" + NAMESPACE + "\">"
                    + "<PublishResult><MessageId>" + publish.messageId() + "</MessageId></PublishResult>"
                    + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>"
                    + "</PublishResponse>");
        } catch (RuntimeException e) {
            LOG.error("Local SNS failed on a request", e);
            throw e;
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code MessageAttributes.entry.N.Name} and {@code MessageAttributes.entry.N.Value.StringValue} pairs. */
    private static Map<String, String> attributes(Map<String, String> form) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int n = 1; form.containsKey("MessageAttributes.entry." + n + ".Name"); n++) {
            String prefix = "MessageAttributes.entry." + n + ".";
            String value = form.get(prefix + "Value.StringValue");
            attributes.put(form.get(prefix + "Name"), value);
        }
        return Collections.unmodifiableMap(attributes);
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String query = exchange.getRequestURI().getRawQuery();
        String all = query == null || query.isEmpty() ? body : body.isEmpty() ? query : query + "&" + body;
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : all.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(name, value);
        }
        return form;
    }

    private static void error(HttpExchange exchange, Fault fault) throws IOException {
        String type = fault.status() >= 500 ? "Receiver" : "Sender";
        respond(exchange, fault.status(), "<ErrorResponse xmlns=\"" + NAMESPACE + "\">"
                + "<Error><Type>" + type + "</Type><Code>" + xml(fault.code()) + "</Code>"
                + "<Message>" + xml(fault.message()) + "</Message></Error>"
                + "<RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>");
    }

    private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String xml(String text) {
        return Objects.toString(text, "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
