package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.rbmrevoker.local.rbm.RecordedCall;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.local.sns.LocalSns;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.HistoryEntry;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.message.NewMessage;
import dev.rbmrevoker.message.OutgoingMessage;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.SendOutcome;
import dev.rbmrevoker.testing.DynamoDbLocalResource;
import dev.rbmrevoker.testing.HttpRecorder;
import dev.rbmrevoker.testing.RevokerResource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** Due messages for sweep tests, and counts of what the stand-ins saw per messageId. */
public final class SweepFixtures {

    public static final String PAYLOAD = "{\"contentMessage\":{\"text\":\"Your code is 1234\"}}";

    private SweepFixtures() {
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** A message with an SMS (its text names the messageId) and a callback fallback; RBM does not expire it. */
    public static NewMessage spec(Instant deadline) {
        String id = UUID.randomUUID().toString();
        return new NewMessage(id, RevokerResource.AGENT, "+16502530001", deadline, false, "fingerprint", PAYLOAD,
                Fallback.requested(smsText(id), true));
    }

    public static String smsText(String messageId) {
        return "Your code for " + messageId;
    }

    /**
     * {@code count} tracked PENDING messages whose deadline passed a minute ago, each queued at RBM first
     * (RBM answers 404 to a revoke of a message it never had, which reads as delivered).
     */
    public static List<Message> pendingAtRbm(MessageStore store, RbmGateway rbm, int count) throws Exception {
        Instant now = now();
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(Message.tracked(spec(now.minusSeconds(60)), Messages.TIMING, now.minusSeconds(120)));
        }
        return createAtRbm(store, rbm, messages);
    }

    /** Queues each message at RBM, then stores it. */
    public static List<Message> createAtRbm(MessageStore store, RbmGateway rbm, List<Message> messages) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Message>> created = new ArrayList<>();
            for (Message message : messages) {
                created.add(pool.submit(() -> {
                    SendOutcome sent = rbm.send(new OutgoingMessage(message.agentId(), message.phoneNumber(),
                            message.messageId(), PAYLOAD, null), Duration.ofSeconds(10));
                    assertInstanceOf(SendOutcome.Accepted.class, sent, "RBM test server queues " + message.messageId());
                    return store.create(message);
                }));
            }
            List<Message> stored = new ArrayList<>();
            for (Future<Message> f : created) {
                stored.add(f.get());
            }
            return stored;
        } finally {
            pool.shutdownNow();
        }
    }

    public static List<String> ids(Collection<Message> messages) {
        return messages.stream().map(Message::messageId).toList();
    }

    /** RBM revoke calls per messageId, only those RBM answered with {@code status} (any when status is 0). */
    public static Map<String, Long> revokeCalls(int status) {
        return RevokerResource.rbm().calls(Route.REVOKE).stream()
                .filter(c -> status == 0 || c.status() == status)
                .collect(Collectors.groupingBy(SweepFixtures::lastSegment, Collectors.counting()));
    }

    public static Map<String, Long> sendCalls() {
        return RevokerResource.rbm().calls(Route.SEND).stream()
                .collect(Collectors.groupingBy(c -> c.query().get("messageId"), Collectors.counting()));
    }

    private static String lastSegment(RecordedCall call) {
        return call.rawPath().substring(call.rawPath().lastIndexOf('/') + 1);
    }

    /** SMS publishes per messageId (the test's SMS text names it). */
    public static Map<String, Long> smsPublishes(Collection<String> ids) {
        List<LocalSns.Publish> publishes = RevokerResource.sns().publishes();
        return countPer(ids, id -> publishes.stream().filter(p -> p.message().equals(smsText(id))).count());
    }

    /** Fallback callbacks per messageId. */
    public static Map<String, Long> callbacks(Collection<String> ids) {
        List<HttpRecorder.Received> received = RevokerResource.callbacks().received();
        return countPer(ids, id -> received.stream()
                .filter(r -> r.text().contains("\"messageId\":\"" + id + "\"")).count());
    }

    private static Map<String, Long> countPer(Collection<String> ids, Function<String, Long> count) {
        return ids.stream().collect(Collectors.toMap(id -> id, count));
    }

    /** {@code id -> 1} for each id: what "exactly once per message" looks like. */
    public static Map<String, Long> once(Collection<String> ids) {
        return ids.stream().collect(Collectors.toMap(id -> id, id -> 1L));
    }

    public static List<String> events(Message message) {
        return message.history().stream().map(HistoryEntry::event).toList();
    }

    /** Runs {@code sweeps} sweeps that start together, each on its own thread; waits for all. */
    public static List<SweepSummary> sweepConcurrently(Sweeper sweeper, int sweeps, Duration budget) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(sweeps);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<SweepSummary>> running = new ArrayList<>();
            for (int i = 0; i < sweeps; i++) {
                running.add(pool.submit(() -> {
                    start.await();
                    return sweeper.sweep(budget);
                }));
            }
            start.countDown();
            List<SweepSummary> summaries = new ArrayList<>();
            for (Future<SweepSummary> f : running) {
                summaries.add(f.get());
            }
            return summaries;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every message of the sweep tests' table, removed: each test starts with nothing due. */
    public static void clearTable() {
        try (DynamoDbClient client = DynamoDbLocalResource.server().client()) {
            client.scanPaginator(ScanRequest.builder().tableName(SweepProfile.TABLE).build()).items()
                    .forEach(item -> client.deleteItem(b -> b.tableName(SweepProfile.TABLE)
                            .key(Map.of("messageId", item.get("messageId")))));
        }
    }
}
