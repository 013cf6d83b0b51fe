package dev.rbmrevoker.bench;

import static dev.rbmrevoker.bench.BenchTable.f;

import dev.rbmrevoker.local.dynamodb.EmbeddedDynamoDb;
import dev.rbmrevoker.local.rbm.RbmTestServer;
import dev.rbmrevoker.local.rbm.WebhookSigner;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.NewMessage;
import dev.rbmrevoker.message.Timing;
import dev.rbmrevoker.send.SendResult;
import dev.rbmrevoker.send.SendService;
import dev.rbmrevoker.send.TrackCommand;
import dev.rbmrevoker.store.BenchItems;
import dev.rbmrevoker.store.MessagesTable;
import dev.rbmrevoker.sweep.SweepSummary;
import dev.rbmrevoker.sweep.Sweeper;
import dev.rbmrevoker.testing.DynamoDbLocalResource;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.webhook.RbmEvent;
import dev.rbmrevoker.webhook.WebhookService;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The performance figures (a-f), each beside its comparison measured in this run. Runs only with
 * {@code -Pbench}; prints a Markdown table and writes target/bench/results.md. No assertion on time:
 * a missed target is reported in the table, never a failure. Sizes: system properties {@code bench.*}.
 */
@QuarkusTest
@TestProfile(BenchProfile.class)
@WithTestResource(RevokerResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RevokerBench {

    static final String PHONE = "+16502530001";
    static final int CONCURRENCY = 16;
    static final long RUN_STARTED = System.nanoTime();

    @Inject
    Sweeper sweeper;
    @Inject
    MessageStore store;
    @Inject
    SendService sends;
    @Inject
    WebhookService webhooks;
    @Inject
    Timing timing;
    @Inject
    DynamoDbClient appDynamo;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static int prop(String name, int def) {
        return Integer.getInteger("bench." + name, def);
    }

    // ------------------------------------------------------------------ b. idle sweep tick cost

    @Test
    @Order(1)
    void b_idleSweepTick() throws Exception {
        int pending = prop("b.pending", 20_000);
        // Nothing else is in the table yet: this is the first figure.
        Tick empty = idleTick();
        long t0 = System.nanoTime();
        batchWritePending(pending, Instant.now().plus(Duration.ofDays(10)));
        double loadS = (System.nanoTime() - t0) / 1e9;
        Tick full = idleTick();
        String size = pending == 100_000 ? "100,000" : pending + " (scaled down from 100,000)";
        BenchTable.add("b. idle sweep tick: items read (Query Count / ScannedCount), " + size + " PENDING not due",
                full.items + " / " + full.scanned + " in " + full.queries + " queries",
                "0 pending: " + empty.items + " / " + empty.scanned + " in " + empty.queries + " queries",
                "same? " + (full.items == empty.items && full.scanned == empty.scanned), "the same",
                full.items == empty.items && full.scanned == empty.scanned);
        BenchTable.add("b. idle sweep tick: consumed capacity (RCU, ReturnConsumedCapacity=TOTAL), " + size
                + " PENDING not due", f(full.units) + " RCU", "0 pending: " + f(empty.units) + " RCU",
                "same? " + (full.units == empty.units), "the same", full.units == empty.units);
        BenchTable.note("b: the " + pending + " PENDING messages (deadlines 10 days ahead) were batch-written in "
                + f(loadS) + " s with the store's item shape; the tick is Sweeper.sweep on the app's client, its "
                + "due-index Queries counted by an SDK ExecutionInterceptor (" + CapacityMeter.missingCapacity()
                + " responses without ConsumedCapacity). The capacity is what DynamoDB Local reports; on AWS an "
                + "eventually consistent Query is charged for the data it reads, rounded up to 4 KB (at least 0.5 RCU),"
                + " so an idle tick there costs about one such minimum per shard, whatever the table holds.");
    }

    record Tick(long items, long scanned, long queries, double units) {
    }

    Tick idleTick() {
        CapacityMeter.reset();
        SweepSummary s = sweeper.sweep(Duration.ofSeconds(50));
        return new Tick(CapacityMeter.items("Query"), CapacityMeter.scanned("Query"), CapacityMeter.calls("Query"),
                CapacityMeter.units("Query"));
    }

    void batchWritePending(int n, Instant deadline) throws Exception {
        String table = DynamoDbLocalResource.TABLE;
        Instant now = Instant.now();
        int batches = (n + 24) / 25;
        try (DynamoDbClient client = DynamoDbLocalResource.server().client()) {
            parallel(4, batches, b -> {
                List<WriteRequest> writes = new ArrayList<>();
                for (int i = b * 25; i < Math.min(n, b * 25 + 25); i++) {
                    Message m = Message.tracked(spec(UUID.randomUUID().toString(), deadline, Fallback.none()),
                            timing, now);
                    writes.add(WriteRequest.builder()
                            .putRequest(PutRequest.builder().item(BenchItems.item(m)).build()).build());
                }
                Map<String, List<WriteRequest>> request = Map.of(table, writes);
                while (!request.isEmpty()) {
                    Map<String, List<WriteRequest>> pendingWrites = request;
                    BatchWriteItemResponse r = client.batchWriteItem(w -> w.requestItems(pendingWrites));
                    request = r.hasUnprocessedItems() ? r.unprocessedItems() : Map.of();
                }
            });
        }
    }

    // ------------------------------------------------------------------ a. sweep throughput

    @Test
    @Order(2)
    void a_sweepThroughput() throws Exception {
        int n = prop("a.messages", 2000);
        RbmTestServer rbm = RevokerResource.rbm();
        RevokerResource.resetAll();
        String token = bearerToken();
        int warm = Math.min(300, n);
        // Warm-up of both paths (JIT, connections), not measured.
        rawRevokes(atServer(warm, token), token);
        sweepRevokes(warm, token);

        rbm.setLatency(Duration.ofMillis(20));
        List<String> rawIds = atServer(n, token);
        rbm.setLatency(Duration.ofMillis(20));
        double raw = rawRevokes(rawIds, token);
        double[] sweep = sweepRevokes(n, token);
        double ratio = sweep[0] / raw;
        // Diagnostic: the same sweep with RBM answering at once shows what DynamoDB and the app cost alone.
        int nDiag = Math.max(100, n / 5);
        RevokerResource.rbm().reset();
        double[] diag = sweepRevokesAt(nDiag, token, Duration.ZERO);
        String size = n == 5000 ? "5,000" : n + " (scaled down from 5,000)";
        BenchTable.add("a. sweep throughput: " + size + " due messages, RBM answering in 20 ms, concurrency "
                + CONCURRENCY, f(sweep[0]) + " revocations/s (" + (long) sweep[1] + " revoked)",
                "plain java.net.http.HttpClient raw revoke DELETEs, concurrency 16: " + f(raw) + " /s",
                f(ratio), ">= 0.9", ratio >= 0.9);
        BenchTable.note("a: diagnostic, the same sweep of " + nDiag + " messages with RBM answering at once: "
                + f(diag[0]) + " revocations/s; per revoke the sweep makes a GetItem, a conditional UpdateItem "
                + "(claim) and another (REVOKED) on DynamoDB Local, which runs in the bench JVM on the same cores.");
        rbm.reset();
    }

    /** Sends n messages to the RBM test server directly (no latency), as an agent would; returns their ids. */
    List<String> atServer(int n, String token) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        return atServer(ids, token);
    }

    List<String> atServer(List<String> ids, String token) throws Exception {
        RbmTestServer rbm = RevokerResource.rbm();
        rbm.setLatency(Duration.ZERO);
        int n = ids.size();
        AtomicInteger failed = new AtomicInteger();
        parallel(CONCURRENCY, n, i -> {
            HttpRequest send = HttpRequest.newBuilder(URI.create(rbm.baseUrl() + "/v1/phones/%2B16502530001/agentMessages"
                    + "?messageId=" + ids.get(i) + "&agentId=" + RevokerResource.AGENT))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"contentMessage\":{\"text\":\"bench\"}}")).build();
            if (status(send) != 200) {
                failed.incrementAndGet();
            }
        });
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " sends to the RBM test server failed");
        }
        return ids;
    }

    /** Raw revoke DELETEs at concurrency 16; revocations per second. */
    double rawRevokes(List<String> ids, String token) throws Exception {
        String base = RevokerResource.rbm().baseUrl();
        AtomicInteger ok = new AtomicInteger();
        long t0 = System.nanoTime();
        parallel(CONCURRENCY, ids.size(), i -> {
            HttpRequest revoke = HttpRequest.newBuilder(URI.create(base + "/v1/phones/%2B16502530001/agentMessages/"
                    + ids.get(i) + "?agentId=" + RevokerResource.AGENT))
                    .header("Authorization", "Bearer " + token).DELETE().build();
            if (status(revoke) == 200) {
                ok.incrementAndGet();
            }
        });
        double s = (System.nanoTime() - t0) / 1e9;
        return ok.get() / s;
    }

    /** n messages at the server, tracked in the store with deadlines just past, revoked by one sweep. */
    double[] sweepRevokes(int n, String token) throws Exception {
        return sweepRevokesAt(n, token, Duration.ofMillis(20));
    }

    double[] sweepRevokesAt(int n, String token, Duration latency) throws Exception {
        RbmTestServer rbm = RevokerResource.rbm();
        List<String> ids = atServer(n, token);
        Instant now = Instant.now();
        Instant past = now.minusSeconds(1);
        parallel(8, n, i -> store.create(Message.tracked(spec(ids.get(i), past, Fallback.none()), timing, now)));
        rbm.setLatency(latency);
        long t0 = System.nanoTime();
        SweepSummary summary = sweeper.sweep(Duration.ofMinutes(10));
        double s = (System.nanoTime() - t0) / 1e9;
        rbm.setLatency(Duration.ZERO);
        return new double[] {summary.revoked() / s, summary.revoked()};
    }

    String bearerToken() {
        RbmTestServer rbm = RevokerResource.rbm();
        if (rbm.issuedTokens().isEmpty()) {
            // One send through the app makes it fetch a token with its service account.
            SendResult r = sends.send(new dev.rbmrevoker.send.SendCommand(UUID.randomUUID().toString(),
                    RevokerResource.AGENT, PHONE, "{\"contentMessage\":{\"text\":\"warm\"}}",
                    Instant.now().plusSeconds(600), Fallback.none(), "fp"));
        }
        return rbm.issuedTokens().iterator().next();
    }

    // ------------------------------------------------------------------ c. webhook throughput

    @Test
    @Order(3)
    void c_webhookThroughput() throws Exception {
        int n = prop("c.events", 1000);
        int threads = prop("c.threads", 4);
        RevokerResource.resetAll();
        WebhookSigner signer = new WebhookSigner(RevokerResource.CLIENT_TOKEN);
        Instant deadline = Instant.now().plus(Duration.ofDays(1));

        // Through HTTP: the mock Lambda event server hands one event at a time to the app, as one Lambda
        // instance does, so one client thread; compared with raw UpdateItem on one thread.
        int nHttp = Math.max(100, n / 2);
        List<String> httpIds = tracked(nHttp, deadline);
        List<WebhookSigner.SignedEnvelope> envelopes = new ArrayList<>();
        for (String id : httpIds) {
            envelopes.add(signer.userEvent(RevokerResource.AGENT, PHONE, "DELIVERED", id, Instant.now()));
        }
        String url = "http://localhost:" + RestAssured.port + "/webhooks/rbm";
        AtomicInteger ok = new AtomicInteger();
        warmWebhooks(signer, deadline, url);
        long t0 = System.nanoTime();
        parallel(1, nHttp, i -> {
            HttpRequest post = HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json")
                    .header(WebhookSigner.SIGNATURE_HEADER, envelopes.get(i).signature())
                    .POST(HttpRequest.BodyPublishers.ofString(envelopes.get(i).body())).build();
            if (status(post) == 200) {
                ok.incrementAndGet();
            }
        });
        double httpRate = ok.get() / ((System.nanoTime() - t0) / 1e9);
        double raw1 = rawUpdates(nHttp, 1);
        long delivered = httpIds.stream().filter(id -> store.get(id).map(m -> m.deliveredAt() != null).orElse(false))
                .count();
        BenchTable.add("c. webhook throughput, HTTP: signed DELIVERED events POST /webhooks/rbm through the mock "
                + "Lambda event server, 1 client thread (" + nHttp + " events, " + delivered + " applied)",
                f(httpRate) + " events/s", "raw conditional UpdateItem, 1 thread: " + f(raw1) + " /s",
                f(httpRate / raw1), ">= 0.8", httpRate / raw1 >= 0.8);

        // Service layer: WebhookService.apply from several threads, against raw UpdateItem on as many.
        List<String> ids = tracked(n, deadline);
        List<RbmEvent> events = new ArrayList<>();
        for (String id : ids) {
            events.add(new RbmEvent("DELIVERED", "Mx" + UUID.randomUUID().toString().replace("-", ""), id, PHONE,
                    RevokerResource.AGENT));
        }
        t0 = System.nanoTime();
        parallel(threads, n, i -> webhooks.apply(events.get(i), "env-" + i));
        double serviceRate = n / ((System.nanoTime() - t0) / 1e9);
        double rawN = rawUpdates(n, threads);
        BenchTable.add("c. webhook throughput, service layer: WebhookService.apply of DELIVERED events, " + threads
                + " threads (" + n + " events)", f(serviceRate) + " events/s",
                "raw conditional UpdateItem, " + threads + " threads: " + f(rawN) + " /s", f(serviceRate / rawN),
                ">= 0.8", serviceRate / rawN >= 0.8);
    }

    void warmWebhooks(WebhookSigner signer, Instant deadline, String url) throws Exception {
        for (String id : tracked(100, deadline)) {
            WebhookSigner.SignedEnvelope e = signer.userEvent(RevokerResource.AGENT, PHONE, "DELIVERED", id,
                    Instant.now());
            status(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .header(WebhookSigner.SIGNATURE_HEADER, e.signature())
                    .POST(HttpRequest.BodyPublishers.ofString(e.body())).build());
        }
        rawUpdates(200, 1);
    }

    List<String> tracked(int n, Instant deadline) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        Instant now = Instant.now();
        parallel(8, n, i -> store.create(Message.tracked(spec(ids.get(i), deadline, Fallback.none()), timing, now)));
        return ids;
    }

    /**
     * What the webhook path must at least do: one conditional UpdateItem (state and version as expected)
     * on a stored message, on the same DynamoDB Local, with the same kind of client as the app.
     */
    double rawUpdates(int n, int threads) throws Exception {
        List<String> ids = tracked(n, Instant.now().plus(Duration.ofDays(1)));
        DynamoDbClient client = DynamoDbLocalResource.server().client();
        try {
            AtomicInteger ok = new AtomicInteger();
            long t0 = System.nanoTime();
            parallel(threads, n, i -> {
                client.updateItem(UpdateItemRequest.builder().tableName(DynamoDbLocalResource.TABLE)
                        .key(Map.of(MessagesTable.MESSAGE_ID, AttributeValue.fromS(ids.get(i))))
                        .updateExpression("SET #state = :delivered, #version = :next, deliveredAt = :now"
                                + " REMOVE dueAt, dueShard")
                        .conditionExpression("#state = :pending AND #version = :v")
                        .expressionAttributeNames(Map.of("#state", MessagesTable.STATE, "#version",
                                MessagesTable.VERSION))
                        .expressionAttributeValues(Map.of(":delivered", AttributeValue.fromS("DELIVERED"),
                                ":pending", AttributeValue.fromS("PENDING"),
                                ":v", AttributeValue.fromN("1"), ":next", AttributeValue.fromN("2"),
                                ":now", AttributeValue.fromN(Long.toString(System.currentTimeMillis()))))
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .build());
                ok.incrementAndGet();
            });
            return ok.get() / ((System.nanoTime() - t0) / 1e9);
        } finally {
            client.close();
        }
    }

    // ------------------------------------------------------------------ f. capacity per lifecycle

    @Test
    @Order(4)
    void f_capacityPerLifecycle() throws Exception {
        RevokerResource.resetAll();
        bearerToken();
        WebhookSigner signer = new WebhookSigner(RevokerResource.CLIENT_TOKEN);
        String base = "http://localhost:" + RestAssured.port;
        String fallback = "\"fallback\":{\"sms\":{\"text\":\"Your code is 1234\"},\"callback\":{}}";

        // 1. send -> delivered (the DELIVERED webhook, then READ is not counted: the lifecycle ends delivered).
        String id1 = UUID.randomUUID().toString();
        CapacityMeter.reset();
        int sent = status(HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"messageId\":\"" + id1 + "\",\"phoneNumber\":\"" + PHONE
                        + "\",\"contentMessage\":{\"text\":\"hi\"},\"ttl\":\"PT10M\"," + fallback + "}")).build());
        Cost sendCost = Cost.now();
        WebhookSigner.SignedEnvelope d = signer.userEvent(RevokerResource.AGENT, PHONE, "DELIVERED", id1, Instant.now());
        int hooked = status(HttpRequest.newBuilder(URI.create(base + "/webhooks/rbm"))
                .header("Content-Type", "application/json").header(WebhookSigner.SIGNATURE_HEADER, d.signature())
                .POST(HttpRequest.BodyPublishers.ofString(d.body())).build());
        Cost delivered = Cost.now();
        String state1 = store.get(id1).map(m -> m.state().name()).orElse("?");

        // 2. send -> revoked on request -> fallen back (SMS and callback).
        String id2 = UUID.randomUUID().toString();
        CapacityMeter.reset();
        status(HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"messageId\":\"" + id2 + "\",\"phoneNumber\":\"" + PHONE
                        + "\",\"contentMessage\":{\"text\":\"hi\"},\"ttl\":\"PT10M\"," + fallback + "}")).build());
        int revoked = status(HttpRequest.newBuilder(URI.create(base + "/v1/messages/" + id2 + "/revoke"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        Cost fallenBack = Cost.now();
        String state2 = store.get(id2).map(m -> m.state().name()).orElse("?");

        BenchTable.add("f. DynamoDB capacity, send -> delivered (HTTP " + sent + ", webhook " + hooked + ", ends "
                + state1 + ")", delivered.describe(), "send alone: " + sendCost.describe(),
                "<= 3 WCU + 1 RCU", "<= 3 write units + 1 read unit", delivered.w <= 3 && delivered.r <= 1);
        BenchTable.add("f. DynamoDB capacity, send -> revoked on request -> fallen back, SMS + callback (revoke HTTP "
                + revoked + ", ends " + state2 + ")", fallenBack.describe(), "per call: " + fallenBack.calls,
                "<= 3 WCU + 1 RCU", "<= 3 write units + 1 read unit", fallenBack.w <= 3 && fallenBack.r <= 1);
    }

    record Cost(double r, double w, String calls) {
        static Cost now() {
            double r = CapacityMeter.units("GetItem", "Query");
            double w = CapacityMeter.units("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem");
            StringBuilder b = new StringBuilder();
            CapacityMeter.snapshot().forEach((op, t) -> b.append(b.isEmpty() ? "" : ", ").append(op).append(' ')
                    .append(t.calls.sum()).append("x=").append(f(t.units.sum())).append(" CU"));
            return new Cost(r, w, b.toString());
        }

        String describe() {
            return f(w) + " WCU + " + f(r) + " RCU (" + calls + ")";
        }
    }

    // ------------------------------------------------------------------ d. deadline lateness

    @Test
    @Order(5)
    void d_deadlineLateness() throws Exception {
        int n = prop("d.messages", 1000);
        int spreadS = prop("d.spreadSeconds", 180);
        int tickS = prop("d.tickSeconds", 60);
        RevokerResource.resetAll();
        // Deadlines start after the set-up (sending and tracking n messages) is surely over.
        Instant start = Instant.now().plusSeconds(prop("d.leadSeconds", 30));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        // The agent sent them itself (here: straight to the RBM test server), then asks us to track them.
        atServer(ids, bearerToken());
        long spreadMs = spreadS * 1000L;
        parallel(8, n, i -> {
            Instant deadline = start.plusMillis(spreadMs * i / n);
            SendResult r = sends.track(new TrackCommand(ids.get(i), RevokerResource.AGENT, PHONE, deadline, null,
                    Fallback.requested(null, true), "fp-" + i));
            if (!(r instanceof SendResult.Created)) {
                throw new IllegalStateException("track: " + r);
            }
        });
        // Ticks every tickS seconds from now, each on its own thread as separate Lambda invocations, with the
        // SweepFunction's budget (its Timeout, 75 s); until two ticks past the last deadline.
        Instant last = start.plusMillis(spreadMs);
        ExecutorService ticks = Executors.newCachedThreadPool();
        List<Future<SweepSummary>> done = new ArrayList<>();
        Instant tick = Instant.now();
        int count = 0;
        while (!tick.isAfter(last.plusSeconds(tickS))) {
            long wait = Duration.between(Instant.now(), tick).toMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            done.add(ticks.submit(() -> sweeper.sweep(Duration.ofSeconds(75))));
            count++;
            tick = tick.plusSeconds(tickS);
        }
        for (Future<SweepSummary> f : done) {
            f.get(3, TimeUnit.MINUTES);
        }
        ticks.shutdown();
        List<Long> revokeLate = new ArrayList<>();
        List<Long> fallbackLate = new ArrayList<>();
        int unsettled = 0;
        Map<String, Integer> states = new java.util.TreeMap<>();
        for (String id : ids) {
            Message m = store.get(id).orElseThrow();
            states.merge(m.state().name(), 1, Integer::sum);
            if (m.revokedAt() == null || m.fallback().sentAt() == null) {
                unsettled++;
                continue;
            }
            revokeLate.add(Duration.between(m.deadline(), m.revokedAt()).toMillis());
            fallbackLate.add(Duration.between(m.deadline(), m.fallback().sentAt()).toMillis());
        }
        String size = n + " tracked messages, deadlines over " + spreadS + " s"
                + (spreadS == 180 && n == 1000 ? "" : " (scaled from 1,000 over 180 s)") + ", " + count + " ticks every "
                + tickS + " s, lookahead 60 s";
        long lateOver2s = revokeLate.stream().filter(l -> l > 2000).count();
        BenchTable.note("d: " + lateOver2s + " of " + revokeLate.size() + " revoked more than 2 s late; final states " + states + "; revokes at the RBM test server: "
                + RevokerResource.rbm().calls(dev.rbmrevoker.local.rbm.Route.REVOKE).size()
                + ", callbacks received: " + RevokerResource.callbacks().received().size());
        Pct rv = Pct.of(revokeLate);
        Pct fb = Pct.of(fallbackLate);
        BenchTable.add("d. lateness revokedAt - deadline: " + size + (unsettled > 0 ? ", " + unsettled + " unsettled!" : ""),
                "p50 " + rv.p50 + " ms, p99 " + rv.p99 + " ms, max " + rv.max + " ms", "limit 2,000 ms",
                "p99/limit " + f(rv.p99 / 2000.0), "p99 <= 2 s", rv.p99 <= 2000 && unsettled == 0);
        BenchTable.add("d. lateness fallback sentAt - deadline (callback)", "p50 " + fb.p50 + " ms, p99 " + fb.p99
                + " ms, max " + fb.max + " ms", "limit 2,000 ms", "p99/limit " + f(fb.p99 / 2000.0), "p99 <= 2 s",
                fb.p99 <= 2000 && unsettled == 0);
    }

    record Pct(long p50, long p99, long max) {
        static Pct of(List<Long> values) {
            if (values.isEmpty()) {
                return new Pct(-1, -1, -1);
            }
            long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Pct(v[(int) Math.ceil(0.50 * v.length) - 1], v[(int) Math.ceil(0.99 * v.length) - 1],
                    v[v.length - 1]);
        }
    }

    // ------------------------------------------------------------------ e. start-up

    @Test
    @Order(6)
    void e_startup() throws Exception {
        int runs = prop("e.runs", 3);
        Path app = findRunner(Path.of("target"), "rbm-revoker");
        Path hello = findRunner(Path.of("bench", "hello", "target"), "hello");
        if (hello == null) {
            buildHello();
            hello = findRunner(Path.of("bench", "hello", "target"), "hello");
        }
        if (app == null || hello == null) {
            BenchTable.add("e. start-up", "not measured: runner jar missing (app " + app + ", hello " + hello + ")",
                    "-", "-", "<= 1.3x", null);
            return;
        }
        Path driver = driverClasses();
        EmbeddedDynamoDb db = DynamoDbLocalResource.server();
        RbmTestServer rbm = RevokerResource.rbm();
        rbm.reset();
        Map<String, String> env = new HashMap<>();
        env.put("MESSAGES_TABLE", DynamoDbLocalResource.TABLE);
        env.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", db.endpoint());
        env.put("AWS_REGION", EmbeddedDynamoDb.REGION);
        env.put("QUARKUS_DYNAMODB_AWS_REGION", EmbeddedDynamoDb.REGION);
        env.put("AWS_ACCESS_KEY_ID", EmbeddedDynamoDb.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", EmbeddedDynamoDb.SECRET_KEY);
        env.put("RBM_AGENT_ID", RevokerResource.AGENT);
        env.put("RBM_ENDPOINT", rbm.baseUrl());
        env.put("RBM_SERVICE_ACCOUNT_JSON", rbm.serviceAccountJson());
        env.put("RBM_WEBHOOK_CLIENT_TOKEN", RevokerResource.CLIENT_TOKEN);
        String appEvent = event("GET", "/v1/messages/" + UUID.randomUUID());
        String helloEvent = event("GET", "/hello");
        List<long[]> appRuns = new ArrayList<>();
        List<long[]> helloRuns = new ArrayList<>();
        String appAnswer = "";
        String helloAnswer = "";
        for (int i = 0; i < runs; i++) {
            Start h = start(hello, driver, helloEvent, Map.of());
            helloRuns.add(new long[] {h.ms, h.rssKb});
            helloAnswer = h.answer;
            Start a = start(app, driver, appEvent, env);
            appRuns.add(new long[] {a.ms, a.rssKb});
            appAnswer = a.answer;
        }
        long appMs = median(appRuns, 0);
        long helloMs = median(helloRuns, 0);
        long appRss = median(appRuns, 1);
        long helloRss = median(helloRuns, 1);
        String how = " (JVM start to first answered invocation, median of " + runs + ")";
        BenchTable.add("e. start-up time, packaged app, GET /v1/messages/{unknown id} (a DynamoDB GetItem)" + how,
                appMs + " ms", "bare lambda-http hello, GET /hello: " + helloMs + " ms", f((double) appMs / helloMs)
                + "x", "<= 1.3x", appMs <= 1.3 * helloMs);
        BenchTable.add("e. memory: VmRSS at the first answer", appRss / 1024 + " MiB", "hello: " + helloRss / 1024
                + " MiB", f((double) appRss / helloRss) + "x", "<= 1.3x", appRss <= 1.3 * helloRss);
        BenchTable.note("e: runs " + Arrays.toString(appRuns.stream().mapToLong(r -> r[0]).toArray()) + " ms (app) and "
                + Arrays.toString(helloRuns.stream().mapToLong(r -> r[0]).toArray()) + " ms (hello); answers: app "
                + abbreviate(appAnswer) + " / hello " + abbreviate(helloAnswer) + ". Each runs as `java -cp "
                + "<runner jar>:<driver> LambdaJvmDriver QuarkusStreamHandler event.json` with -XX:TieredStopAtLevel=1 -XX:MaxRAM=1g (as Lambda's Java runtime at 1024 MB): the "
                + "driver plays Lambda's Java runtime (Quarkus' Runtime API poll loop exists only in native builds).");
    }

    static String abbreviate(String s) {
        String t = s.replace("|", "/");
        return "`" + (t.length() > 60 ? t.substring(0, 60) + "..." : t) + "`";
    }

    record Start(long ms, long rssKb, String answer) {
    }

    Start start(Path runner, Path driver, String eventJson, Map<String, String> env) throws Exception {
        Path event = Files.createTempFile("bench-event", ".json");
        Files.writeString(event, eventJson);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Flags close to Lambda's Java runtime at 1024 MB (template.yaml): C1 only, a 1 GiB machine.
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                "-XX:MaxRAM=1g", "-cp", runner.toAbsolutePath() + File.pathSeparator + driver,
                LambdaJvmDriver.class.getName(), "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler",
                event.toString());
        pb.environment().putAll(env);
        pb.redirectError(Path.of("target", "bench", runner.getFileName() + ".stderr.log").toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ANSWERED ")) {
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    String[] parts = line.split(" ", 3);
                    return new Start(ms, Long.parseLong(parts[1]), parts.length > 2 ? parts[2] : "");
                }
            }
            throw new IllegalStateException(runner + " exited without answering; see target/bench/*.stderr.log");
        } finally {
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            Files.deleteIfExists(event);
        }
    }

    static long median(List<long[]> runs, int index) {
        long[] v = runs.stream().mapToLong(r -> r[index]).sorted().toArray();
        return v[v.length / 2];
    }

    static String event(String method, String path) {
        return """
                {"version":"2.0","routeKey":"$default","rawPath":"%s","rawQueryString":"",
                 "headers":{"host":"bench.execute-api.us-east-1.amazonaws.com","accept":"*/*"},
                 "requestContext":{"accountId":"000000000000","apiId":"bench","domainName":"bench",
                  "http":{"method":"%s","path":"%s","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"bench"},
                  "requestId":"bench-1","routeKey":"$default","stage":"$default","time":"22/Nov/2026:00:00:00 +0000",
                  "timeEpoch":0},
                 "isBase64Encoded":false}
                """.formatted(path, method, path);
    }

    static Path findRunner(Path dir, String prefix) throws Exception {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith("-runner.jar")).findFirst().orElse(null);
        }
    }

    static void buildHello() throws Exception {
        Process p = new ProcessBuilder("./mvnw", "-B", "-q", "-f", "bench/hello/pom.xml", "package")
                .inheritIO().start();
        p.waitFor(10, TimeUnit.MINUTES);
    }

    /** The driver's class files alone (the test class path would bring test configuration along). */
    static Path driverClasses() throws Exception {
        Path target = Path.of("target", "bench", "driver").toAbsolutePath();
        Path pkg = target.resolve("dev/rbmrevoker/bench");
        Files.createDirectories(pkg);
        Path classes = Path.of("target", "test-classes", "dev", "rbmrevoker", "bench");
        try (Stream<Path> files = Files.list(classes)) {
            for (Path c : files.filter(p -> p.getFileName().toString().startsWith("LambdaJvmDriver")).toList()) {
                Files.copy(c, pkg.resolve(c.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }

    // ------------------------------------------------------------------ helpers

    @AfterAll
    static void table() {
        double minutes = (System.nanoTime() - RUN_STARTED) / 60e9;
        BenchTable.write("## rbm-revoker bench (" + Instant.now() + ", " + f(minutes) + " min in the bench JVM; "
                + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version") + ")");
    }

    static NewMessage spec(String id, Instant deadline, Fallback fallback) {
        return new NewMessage(id, RevokerResource.AGENT, PHONE, deadline, false, "fp", null, fallback);
    }

    int status(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Runs task(0..n-1) on {@code threads} threads, each taking the next index; rethrows the first failure. */
    static void parallel(int threads, int n, ThrowingIntConsumer task) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        List<Throwable> first = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        try {
                            task.accept(i);
                        } catch (Throwable e) {
                            if (failures.getAndIncrement() == 0) {
                                synchronized (first) {
                                    first.add(e);
                                }
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        if (!first.isEmpty()) {
            throw new IllegalStateException(failures.get() + " of " + n + " tasks failed", first.get(0));
        }
    }

    @FunctionalInterface
    interface ThrowingIntConsumer {
        void accept(int i) throws Exception;
    }
}
