package dev.rbmrevoker.local.rbm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for Google's RBM API on 127.0.0.1: the OAuth token endpoint of a generated service-account
 * key, agentMessages.create and agentMessages.delete with RBM's per-message state, expiry, deliveries,
 * signed webhooks, fault injection and a record of every call.
 *
 * <p>Start with {@link #start()}, point the client at {@link #baseUrl()} with {@link #serviceAccountJson()}
 * as its key, {@link #reset()} between tests and {@link #close()} at the end. Time is the system clock;
 * expiry and scheduled deliveries run on the server's own scheduler.
 */
public final class RbmTestServer implements AutoCloseable {

    public static final String SCOPE = "https://www.googleapis.com/auth/rcsbusinessmessaging";
    /** The audience google-auth signs into its assertion whatever the key file's token_uri says. */
    public static final String GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";
    public static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private static final Logger LOG = Logger.getLogger(RbmTestServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SEND_PATH = Pattern.compile("^/v1/phones/([^/]+)/agentMessages$");
    private static final Pattern REVOKE_PATH = Pattern.compile("^/v1/phones/([^/]+)/agentMessages/([^/]+)$");
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final Pattern TTL = Pattern.compile("^([0-9]+)(\\.[0-9]{1,9})?s$");
    private static final Set<String> AGENT_MESSAGE_FIELDS = Set.of("name", "sendTime", "contentMessage",
            "messageTrafficType", "expireTime", "ttl");

    private final HttpServer server;
    private final ExecutorService handlers;
    private final ScheduledThreadPoolExecutor scheduler;
    private volatile Duration autoDelivery;
    private volatile Set<String> neverDelivered = Set.of();
    private final ExecutorService webhookExecutor;
    private final HttpClient webhookClient;
    private final String baseUrl;
    private final ServiceAccountKey key;

    private final Map<String, PublicKey> accounts = new ConcurrentHashMap<>();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger tokenGrants = new AtomicInteger();
    private final Object idle = new Object();
    private int inFlight;
    private final List<CallSlot> calls = new ArrayList<>();
    private final Map<Route, Deque<Fault>> faults = new EnumMap<>(Route.class);
    private final Map<String, Entry> messages = new LinkedHashMap<>();
    private final Set<ScheduledFuture<?>> scheduled = ConcurrentHashMap.newKeySet();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    private final Set<String> failExpiryFor = ConcurrentHashMap.newKeySet();
    private final List<WebhookPost> webhookPosts = new ArrayList<>();

    private volatile Duration latency = Duration.ZERO;
    private volatile Duration tokenLifetime = Duration.ofHours(1);
    private volatile URI webhookUrl;
    private volatile WebhookSigner webhookSigner;
    private volatile boolean failAllExpiries;

    private RbmTestServer(int port) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.server = HttpServer.create(new InetSocketAddress(loopback, port), 64);
        this.handlers = Executors.newFixedThreadPool(32, daemon("rbm-test-server"));
        this.scheduler = new ScheduledThreadPoolExecutor(2, daemon("rbm-test-scheduler"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.webhookExecutor = Executors.newFixedThreadPool(2, daemon("rbm-test-webhook"));
        this.webhookClient = HttpClient.newBuilder().executor(webhookExecutor)
                .connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
        this.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
        this.key = ServiceAccountKey.generate(tokenUri());
        accounts.put(key.clientEmail(), key.publicKey());
    }

    /** Starts a server on a free port. */
    public static RbmTestServer start() {
        return start(0);
    }

    /** Starts a server on the given port (0: a free one). */
    public static RbmTestServer start(int port) {
        try {
            return new RbmTestServer(port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the RBM test server", e);
        }
    }

    // ---------------------------------------------------------------- configuration

    /** {@code http://127.0.0.1:PORT}: what RBM_ENDPOINT should be. */
    public String baseUrl() {
        return baseUrl;
    }

    public String tokenUri() {
        return baseUrl + "/token";
    }

    public ServiceAccountKey key() {
        return key;
    }

    /** The key file to give the client (RBM_SERVICE_ACCOUNT_JSON). */
    public String serviceAccountJson() {
        return key.json();
    }

    /** Lets another service account get tokens too (its {@code client_email} is the JWT issuer). */
    public void register(ServiceAccountKey other) {
        accounts.put(other.clientEmail(), other.publicKey());
    }

    /** Where webhooks go and the client token that signs them; null url: nowhere (posts are recorded as failed). */
    public void setWebhook(URI url, String clientToken) {
        this.webhookUrl = url;
        this.webhookSigner = clientToken == null ? null : new WebhookSigner(clientToken);
    }

    /** {@code expires_in} of the tokens granted from now on (default one hour). */
    public void setTokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
    }

    /** A pause before every answer, on every route (benchmarks use 20 ms). */
    public void setLatency(Duration latency) {
        this.latency = latency == null ? Duration.ZERO : latency;
    }

    /**
     * Behaves like a phone that is on: every accepted message is delivered {@code delay} after its send
     * (and read right after) unless it was revoked or expired first, except to the numbers given, whose
     * messages are never delivered. The sandbox of the local run uses it; null turns it off.
     */
    public void setAutoDelivery(Duration delay, Set<String> neverDelivered) {
        this.autoDelivery = delay;
        this.neverDelivered = Set.copyOf(neverDelivered);
    }

    /** Sends to this number answer 404 NOT_FOUND, as for a user RCS cannot reach. */
    public void setUnreachable(String phoneNumber) {
        unreachable.add(phoneNumber);
    }

    /** When this message's expiry comes, RBM fails to revoke it and posts TTL_EXPIRATION_REVOKE_FAILED. */
    public void failExpiryRevoke(String messageId) {
        failExpiryFor.add(messageId);
    }

    /** Every expiry fails to revoke (TTL_EXPIRATION_REVOKE_FAILED) while set. */
    public void setFailAllExpiryRevokes(boolean fail) {
        this.failAllExpiries = fail;
    }

    /** The next {@code times} calls of {@code route} meet {@code fault}, after any faults queued before. */
    public void inject(Route route, Fault fault, int times) {
        synchronized (faults) {
            Deque<Fault> queue = faults.computeIfAbsent(route, r -> new ArrayDeque<>());
            for (int i = 0; i < times; i++) {
                queue.add(fault);
            }
        }
    }

    /** The next call of {@code route} meets {@code fault}. */
    public void inject(Route route, Fault fault) {
        inject(route, fault, 1);
    }

    public void clearFaults() {
        synchronized (faults) {
            faults.clear();
        }
    }

    /**
     * Forgets messages, calls, faults, webhook posts, unreachable numbers, latency and the grant count, and
     * cancels scheduled expiries and deliveries. Issued tokens stay valid (a client's cached token still works).
     */
    public void reset() {
        for (ScheduledFuture<?> f : scheduled) {
            f.cancel(false);
        }
        scheduled.clear();
        synchronized (messages) {
            messages.clear();
        }
        synchronized (calls) {
            calls.clear();
        }
        synchronized (webhookPosts) {
            webhookPosts.clear();
        }
        clearFaults();
        unreachable.clear();
        failExpiryFor.clear();
        failAllExpiries = false;
        latency = Duration.ZERO;
        tokenLifetime = Duration.ofHours(1);
        tokenGrants.set(0);
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        scheduler.shutdownNow();
        webhookExecutor.shutdownNow();
    }

    // ---------------------------------------------------------------- tokens

    /** How many access tokens the token endpoint granted since start or the last reset. */
    public int tokenGrants() {
        return tokenGrants.get();
    }

    /** Every token granted so far now gets 401, as after its expiry. */
    public void expireAllTokens() {
        Instant past = Instant.now().minusSeconds(1);
        tokens.replaceAll((token, expiry) -> past);
    }

    /** The tokens granted, for checking that none of them shows up in logs. */
    public Set<String> issuedTokens() {
        return Set.copyOf(tokens.keySet());
    }

    // ---------------------------------------------------------------- messages

    public List<StoredMessage> messages() {
        synchronized (messages) {
            return messages.values().stream().map(Entry::snapshot).toList();
        }
    }

    public Optional<StoredMessage> message(String messageId) {
        synchronized (messages) {
            return messages.values().stream().filter(e -> e.messageId.equals(messageId)).findFirst().map(Entry::snapshot);
        }
    }

    /** Delivers a queued message now and posts DELIVERED; false when it is not deliverable (revoked, expired, unknown). */
    public boolean deliver(String messageId) {
        return deliver(messageId, false);
    }

    /** Delivers now, posting DELIVERED and, when {@code alsoRead}, READ after it. */
    public boolean deliver(String messageId, boolean alsoRead) {
        Entry entry;
        synchronized (messages) {
            entry = find(messageId);
            if (entry == null || !(entry.state == StoredMessage.State.QUEUED
                    || entry.state == StoredMessage.State.EXPIRY_REVOKE_FAILED)) {
                return false;
            }
            entry.state = StoredMessage.State.DELIVERED;
        }
        postUserEvent(entry, "DELIVERED");
        if (alsoRead) {
            read(messageId);
        }
        return true;
    }

    /** Delivers at {@code at} (if still deliverable then) on the server's scheduler. */
    public void deliverAt(String messageId, Instant at, boolean alsoRead) {
        schedule(at, () -> deliver(messageId, alsoRead));
    }

    /** The user reads a delivered message: posts READ. False when it was not delivered. */
    public boolean read(String messageId) {
        Entry entry;
        synchronized (messages) {
            entry = find(messageId);
            if (entry == null || entry.state != StoredMessage.State.DELIVERED) {
                return false;
            }
            entry.state = StoredMessage.State.READ;
        }
        postUserEvent(entry, "READ");
        return true;
    }

    // ---------------------------------------------------------------- records

    public List<RecordedCall> calls() {
        synchronized (calls) {
            return calls.stream().map(s -> s.call).toList();
        }
    }

    public List<RecordedCall> calls(Route route) {
        return calls().stream().filter(c -> c.route() == route).toList();
    }

    public List<WebhookPost> webhookPosts() {
        synchronized (webhookPosts) {
            return List.copyOf(webhookPosts);
        }
    }

    /** Waits until at least {@code count} webhooks were posted (or tried) and returns them all. */
    public List<WebhookPost> awaitWebhookPosts(int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (webhookPosts) {
            while (webhookPosts.size() < count) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(webhookPosts, left);
            }
            return List.copyOf(webhookPosts);
        }
    }

    /**
     * Waits until no call is being handled (a slow or delayed one finishes its work), so that a test's
     * leftovers cannot touch the next test's state.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (inFlight > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
            return true;
        }
    }

    // ---------------------------------------------------------------- HTTP

    private record Answer(int status, String contentType, String body, Map<String, String> headers) {
        static Answer json(int status, String body) {
            return new Answer(status, "application/json; charset=UTF-8", body, Map.of());
        }
    }

    private static final class CallSlot {
        volatile RecordedCall call;

        CallSlot(RecordedCall call) {
            this.call = call;
        }
    }

    private void handle(HttpExchange exchange) {
        synchronized (idle) {
            inFlight++;
        }
        try {
            process(exchange);
        } finally {
            synchronized (idle) {
                inFlight--;
                idle.notifyAll();
            }
        }
    }

    private void process(HttpExchange exchange) {
        CallSlot slot = null;
        try {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            Route route = Route.OTHER;
            String phone = null;
            String pathMessageId = null;
            Matcher send = SEND_PATH.matcher(rawPath);
            Matcher revoke = REVOKE_PATH.matcher(rawPath);
            if ("POST".equals(method) && "/token".equals(rawPath)) {
                route = Route.TOKEN;
            } else if ("POST".equals(method) && send.matches()) {
                route = Route.SEND;
                phone = percentDecode(send.group(1));
            } else if ("DELETE".equals(method) && revoke.matches()) {
                route = Route.REVOKE;
                phone = percentDecode(revoke.group(1));
                pathMessageId = percentDecode(revoke.group(2));
            }
            Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            slot = new CallSlot(new RecordedCall(Instant.now(), route, method, rawPath, phone, Map.copyOf(query),
                    Collections.unmodifiableMap(headers), body, 0));
            synchronized (calls) {
                calls.add(slot);
            }
            pause(latency);
            Fault fault = nextFault(route);
            if (fault != null) {
                switch (fault.kind()) {
                    case DROP -> {
                        drop(exchange, slot);
                        return;
                    }
                    case STATUS -> {
                        answer(exchange, slot, faultAnswer(fault));
                        return;
                    }
                    case DELAY -> pause(fault.delay());
                    case LOST_ANSWER, REVOKE_IGNORED -> {
                        // handled after processing, or by the revoke itself
                    }
                }
            }
            Answer answer = switch (route) {
                case TOKEN -> token(body);
                case SEND -> send(exchange, phone, query, body);
                case REVOKE -> revoke(exchange, phone, pathMessageId, query,
                        fault != null && fault.kind() == Fault.Kind.REVOKE_IGNORED ? fault.delay() : null);
                case OTHER -> googleError(404, "Requested entity was not found.");
            };
            if (fault != null && fault.kind() == Fault.Kind.LOST_ANSWER) {
                drop(exchange, slot);
                return;
            }
            answer(exchange, slot, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        } catch (IOException e) {
            // Typically the caller gave up on a slow answer and closed the connection.
            LOG.debugf("RBM test server could not answer a call: %s", e.toString());
            if (slot != null) {
                slot.call = slot.call.withStatus(-1);
            }
            exchange.close();
        } catch (RuntimeException e) {
            LOG.warnf(e, "RBM test server failed to handle a call");
            if (slot != null) {
                slot.call = slot.call.withStatus(-1);
            }
            exchange.close();
        }
    }

    private Fault nextFault(Route route) {
        synchronized (faults) {
            Deque<Fault> queue = faults.get(route);
            return queue == null ? null : queue.poll();
        }
    }

    private static void drop(HttpExchange exchange, CallSlot slot) {
        slot.call = slot.call.withStatus(-1);
        // Closing before the response headers are sent closes the connection: the caller sees no answer.
        exchange.close();
    }

    private static void answer(HttpExchange exchange, CallSlot slot, Answer answer) throws IOException {
        byte[] bytes = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        if (answer.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        }
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        slot.call = slot.call.withStatus(answer.status());
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private static Answer faultAnswer(Fault fault) {
        Answer answer;
        if (fault.status() == 502) {
            // Google's front end answers 502 with an HTML page, not JSON.
            answer = new Answer(502, "text/html; charset=UTF-8",
                    "<!DOCTYPE html><html><title>Error 502 (Server Error)!!1</title><p><b>502.</b> That's an error.",
                    Map.of());
        } else {
            answer = googleError(fault.status(), switch (fault.status()) {
                case 429 -> "Quota exceeded for quota metric 'Requests' of service 'rcsbusinessmessaging.googleapis.com'.";
                case 500 -> "Internal error encountered.";
                case 503 -> "The service is currently unavailable.";
                case 504 -> "The request timed out.";
                default -> "Injected fault.";
            });
        }
        if (fault.retryAfter() != null) {
            Map<String, String> headers = new LinkedHashMap<>(answer.headers());
            headers.put("Retry-After", String.valueOf(Math.max(0, fault.retryAfter().toSeconds())));
            answer = new Answer(answer.status(), answer.contentType(), answer.body(), headers);
        }
        return answer;
    }

    static Answer googleError(int code, String message) {
        String status = switch (code) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ALREADY_EXISTS";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 500 -> "INTERNAL";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> "UNKNOWN";
        };
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        error.put("status", status);
        return Answer.json(code, root.toString());
    }

    // ---------------------------------------------------------------- token endpoint

    private Answer token(String body) {
        Map<String, String> form = parseForm(body);
        if (!JWT_BEARER.equals(form.get("grant_type"))) {
            return oauthError("unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
        }
        String assertion = form.get("assertion");
        if (assertion == null) {
            return oauthError("invalid_request", "Missing required parameter: assertion");
        }
        String[] parts = assertion.split("\\.", -1);
        if (parts.length != 3) {
            return oauthError("invalid_grant", "Invalid JWT: not a signed JWT.");
        }
        JsonNode header;
        JsonNode claims;
        try {
            Base64.Decoder decoder = Base64.getUrlDecoder();
            header = JSON.readTree(decoder.decode(parts[0]));
            claims = JSON.readTree(decoder.decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            return oauthError("invalid_grant", "Invalid JWT: cannot be decoded.");
        }
        if (!"RS256".equals(header.path("alg").asText())) {
            return oauthError("invalid_grant", "Invalid JWT: alg must be RS256.");
        }
        PublicKey publicKey = accounts.get(claims.path("iss").asText());
        if (publicKey == null) {
            return oauthError("invalid_grant", "Invalid JWT: unknown issuer.");
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(publicKey);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return oauthError("invalid_grant", "Invalid JWT Signature.");
            }
        } catch (Exception e) {
            return oauthError("invalid_grant", "Invalid JWT Signature.");
        }
        String aud = claims.path("aud").asText();
        if (!GOOGLE_TOKEN_AUDIENCE.equals(aud) && !tokenUri().equals(aud)) {
            return oauthError("invalid_grant", "Invalid JWT: audience is not the token endpoint.");
        }
        long now = Instant.now().getEpochSecond();
        long exp = claims.path("exp").asLong(0);
        long iat = claims.path("iat").asLong(0);
        if (exp <= now || iat > now + 300 || exp - iat > 3600) {
            return oauthError("invalid_grant",
                    "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
        }
        List<String> scopes = List.of(claims.path("scope").asText("").split(" "));
        if (!scopes.contains(SCOPE)) {
            return oauthError("invalid_scope", "Invalid OAuth scope or ID token audience provided.");
        }
        byte[] raw = new byte[48];
        RANDOM.nextBytes(raw);
        String token = "ya29.test-" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Duration lifetime = tokenLifetime;
        tokens.put(token, Instant.now().plus(lifetime));
        tokenGrants.incrementAndGet();
        ObjectNode answer = JSON.createObjectNode();
        answer.put("access_token", token);
        answer.put("expires_in", lifetime.toSeconds());
        answer.put("token_type", "Bearer");
        return Answer.json(200, answer.toString());
    }

    private static Answer oauthError(String error, String description) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", error);
        body.put("error_description", description);
        return Answer.json(400, body.toString());
    }

    private boolean authorized(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        Instant expiry = tokens.get(authorization.substring("Bearer ".length()).trim());
        return expiry != null && expiry.isAfter(Instant.now());
    }

    private static Answer unauthenticated() {
        return googleError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                + "login cookie or other valid authentication credential. "
                + "See https://developers.google.com/identity/sign-in/web/devconsole-project.");
    }

    private static Answer permissionDenied() {
        return googleError(403, "The caller does not have permission");
    }

    // ---------------------------------------------------------------- agentMessages

    private Answer send(HttpExchange exchange, String phone, Map<String, String> query, String body) {
        if (!authorized(exchange)) {
            return unauthenticated();
        }
        String agentId = query.get("agentId");
        if (agentId == null || agentId.isBlank()) {
            return permissionDenied();
        }
        String messageId = query.get("messageId");
        if (messageId == null || messageId.isBlank()) {
            return googleError(400, "messageId is required.");
        }
        if (!E164.matcher(phone).matches()) {
            return googleError(400, "Invalid phone number: the number must be in E.164 format.");
        }
        JsonNode message;
        try {
            message = JSON.readTree(body);
        } catch (IOException e) {
            return googleError(400, "Invalid JSON payload received.");
        }
        if (message == null || !message.isObject()) {
            return googleError(400, "Invalid JSON payload received. Expected an AgentMessage object.");
        }
        for (Iterator<String> names = message.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!AGENT_MESSAGE_FIELDS.contains(name)) {
                return googleError(400, "Invalid JSON payload received. Unknown name \"" + name + "\": Cannot find field.");
            }
        }
        if (!message.path("contentMessage").isObject()) {
            return googleError(400, "contentMessage is required.");
        }
        if (message.has("ttl") && message.has("expireTime")) {
            return googleError(400, "Only one of expireTime and ttl may be set.");
        }
        Instant now = Instant.now();
        Instant expireAt = null;
        if (message.has("expireTime")) {
            try {
                expireAt = OffsetDateTime.parse(message.get("expireTime").asText()).toInstant();
            } catch (DateTimeParseException e) {
                return googleError(400, "Invalid value at 'agent_message.expire_time' (type.googleapis.com/google.protobuf.Timestamp).");
            }
            if (!expireAt.isAfter(now)) {
                return googleError(400, "expireTime must be in the future.");
            }
        } else if (message.has("ttl")) {
            Matcher ttl = TTL.matcher(message.get("ttl").asText());
            if (!ttl.matches()) {
                return googleError(400, "Invalid value at 'agent_message.ttl' (type.googleapis.com/google.protobuf.Duration).");
            }
            expireAt = now.plusSeconds(Long.parseLong(ttl.group(1)));
        }
        String key = agentId + "\n" + messageId;
        Entry entry;
        synchronized (messages) {
            Entry existing = messages.get(key);
            if (existing != null) {
                // RBM ignores a repeated messageId from the same agent.
                LOG.debugf("RBM test server: repeated messageId %s of agent %s ignored", messageId, agentId);
                return Answer.json(200, existing.response().toString());
            }
            if (unreachable.contains(phone)) {
                return googleError(404, "Requested entity was not found.");
            }
            entry = new Entry(agentId, phone, messageId, body, now, expireAt);
            messages.put(key, entry);
        }
        if (expireAt != null) {
            Entry expiring = entry;
            schedule(expireAt, () -> expire(expiring));
        }
        Duration deliverAfter = autoDelivery;
        if (deliverAfter != null && !neverDelivered.contains(phone)) {
            deliverAt(messageId, now.plus(deliverAfter), true);
        }
        return Answer.json(200, entry.response().toString());
    }

    /** {@code ignoredDeliverAfter}: non-null when this revoke is answered 200 but the message is delivered anyway. */
    private Answer revoke(HttpExchange exchange, String phone, String messageId, Map<String, String> query,
            Duration ignoredDeliverAfter) {
        if (!authorized(exchange)) {
            return unauthenticated();
        }
        String agentId = query.get("agentId");
        if (agentId == null || agentId.isBlank()) {
            return permissionDenied();
        }
        if (!E164.matcher(phone).matches()) {
            return googleError(400, "Invalid phone number: the number must be in E.164 format.");
        }
        synchronized (messages) {
            Entry entry = messages.get(agentId + "\n" + messageId);
            if (entry == null || !entry.phone.equals(phone) || entry.state != StoredMessage.State.QUEUED) {
                return googleError(404, "Requested entity was not found.");
            }
            if (ignoredDeliverAfter == null) {
                entry.state = StoredMessage.State.REVOKED;
            }
        }
        if (ignoredDeliverAfter != null) {
            deliverAt(messageId, Instant.now().plus(ignoredDeliverAfter), false);
        }
        return Answer.json(200, "{}");
    }

    private void expire(Entry entry) {
        String eventType;
        synchronized (messages) {
            if (entry.state != StoredMessage.State.QUEUED) {
                return;
            }
            if (failAllExpiries || failExpiryFor.contains(entry.messageId)) {
                entry.state = StoredMessage.State.EXPIRY_REVOKE_FAILED;
                eventType = "TTL_EXPIRATION_REVOKE_FAILED";
            } else {
                entry.state = StoredMessage.State.EXPIRED;
                eventType = "TTL_EXPIRATION_REVOKED";
            }
        }
        WebhookSigner signer = webhookSigner;
        if (signer == null) {
            recordPost(new WebhookPost(Instant.now(), eventType, entry.messageId, null, null, -1, "no webhook client token set"));
            return;
        }
        post(eventType, entry.messageId,
                signer.serverEvent(entry.agentId, entry.phone, eventType, entry.messageId, Instant.now()));
    }

    private void postUserEvent(Entry entry, String eventType) {
        WebhookSigner signer = webhookSigner;
        if (signer == null) {
            recordPost(new WebhookPost(Instant.now(), eventType, entry.messageId, null, null, -1, "no webhook client token set"));
            return;
        }
        post(eventType, entry.messageId,
                signer.userEvent(entry.agentId, entry.phone, eventType, entry.messageId, Instant.now()));
    }

    private void post(String eventType, String messageId, WebhookSigner.SignedEnvelope envelope) {
        URI target = webhookUrl;
        if (target == null) {
            recordPost(new WebhookPost(Instant.now(), eventType, messageId, envelope.body(), envelope.signature(), -1,
                    "no webhook URL set"));
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header(WebhookSigner.SIGNATURE_HEADER, envelope.signature())
                .header("User-Agent", "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)")
                .POST(HttpRequest.BodyPublishers.ofString(envelope.body())).build();
        int status = -1;
        String error = null;
        try {
            status = webhookClient.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            error = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = e.toString();
        }
        recordPost(new WebhookPost(Instant.now(), eventType, messageId, envelope.body(), envelope.signature(), status, error));
    }

    private void recordPost(WebhookPost post) {
        if (!post.succeeded()) {
            LOG.debugf("RBM test server: webhook %s for %s not accepted: status %d %s", post.eventType(),
                    post.messageId(), post.status(), post.error());
        }
        synchronized (webhookPosts) {
            webhookPosts.add(post);
            webhookPosts.notifyAll();
        }
    }

    private void schedule(Instant at, Runnable task) {
        long delay = Math.max(0, Duration.between(Instant.now(), at).toMillis());
        ScheduledFuture<?>[] holder = new ScheduledFuture<?>[1];
        Runnable wrapped = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warnf(e, "RBM test server: scheduled task failed");
            } finally {
                synchronized (holder) {
                    scheduled.remove(holder[0]);
                }
            }
        };
        synchronized (holder) {
            holder[0] = scheduler.schedule(wrapped, delay, TimeUnit.MILLISECONDS);
            scheduled.add(holder[0]);
        }
    }

    private Entry find(String messageId) {
        for (Entry e : messages.values()) {
            if (e.messageId.equals(messageId)) {
                return e;
            }
        }
        return null;
    }

    private static final class Entry {
        final String agentId;
        final String phone;
        final String messageId;
        final String body;
        final Instant sendTime;
        final Instant expireAt;
        StoredMessage.State state = StoredMessage.State.QUEUED;

        Entry(String agentId, String phone, String messageId, String body, Instant sendTime, Instant expireAt) {
            this.agentId = agentId;
            this.phone = phone;
            this.messageId = messageId;
            this.body = body;
            this.sendTime = sendTime;
            this.expireAt = expireAt;
        }

        StoredMessage snapshot() {
            return new StoredMessage(agentId, phone, messageId, body, sendTime, expireAt, state);
        }

        ObjectNode response() {
            ObjectNode answer = JSON.createObjectNode();
            answer.put("name", "phones/" + phone + "/agentMessages/" + messageId);
            answer.put("sendTime", sendTime.toString());
            try {
                JsonNode sent = JSON.readTree(body);
                answer.set("contentMessage", sent.get("contentMessage"));
                for (String field : List.of("messageTrafficType", "expireTime", "ttl")) {
                    if (sent.has(field)) {
                        answer.set(field, sent.get(field));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return answer;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void pause(Duration duration) throws InterruptedException {
        if (duration != null && !duration.isZero() && !duration.isNegative()) {
            Thread.sleep(duration.toMillis());
        }
    }

    /** Decodes %XX escapes of a path segment; a literal {@code +} stays a plus (paths are not forms). */
    static String percentDecode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        byte[] out = new byte[segment.length()];
        int n = 0;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            int hex = c == '%' && i + 2 < segment.length() ? hexByte(segment, i + 1) : -1;
            if (hex >= 0) {
                out[n++] = (byte) hex;
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static int hexByte(String s, int at) {
        int high = Character.digit(s.charAt(at), 16);
        int low = Character.digit(s.charAt(at + 1), 16);
        return high < 0 || low < 0 ? -1 : high * 16 + low;
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        return parseForm(rawQuery);
    }

    private static Map<String, String> parseForm(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
