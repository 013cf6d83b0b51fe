package dev.rbmrevoker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.message.Channel;
import dev.rbmrevoker.message.ChannelDelivery;
import dev.rbmrevoker.message.ChannelState;
import dev.rbmrevoker.message.DueCursor;
import dev.rbmrevoker.message.DueItem;
import dev.rbmrevoker.message.DuePage;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageExistsException;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.message.NewMessage;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.testing.DynamoDbLocalResource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoMessageStoreTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static DynamoDbClient client;
    private static String table;
    private static DynamoMessageStore store;

    @BeforeAll
    static void createTable() {
        client = DynamoDbLocalResource.server().client();
        table = TestStores.newTable();
        store = storeOn(table);
    }

    private static DynamoMessageStore storeOn(String tableName) {
        return TestStores.on(client, tableName);
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @Test
    void create_thenGet_returnsEveryField() {
        Message claimed = Messages.pending(NOW, NOW.plusSeconds(60))
                .claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true, Duration.ofMinutes(2), Source.API, NOW)
                .revoked(null, Source.API, NOW)
                .fallbackProgress(Channel.SMS, new ChannelDelivery(ChannelState.SENT, 1, NOW, null), NOW,
                        Source.API, NOW)
                .withSeenEvent("event-1");

        Message stored = store.create(claimed);

        assertEquals(1, stored.version());
        assertEquals(stored, store.get(claimed.messageId()).orElseThrow());
    }

    @Test
    void create_refusesToOverwrite_andCarriesTheStoredMessage() {
        Message first = store.create(Messages.pending(NOW, NOW.plusSeconds(60)));
        Message other = Messages.sending(NOW, NOW.plusSeconds(600)).toBuilder().build();
        Message sameId = new Message(first.messageId(), other.agentId(), other.phoneNumber(), null, other.state(),
                other.deadline(), other.rbmExpireTime(), "other", other.rbmPayload(), other.createdAt(),
                other.updatedAt(), null, null, null, other.revokeAt(), null, other.dueAt(), other.fallback(),
                other.history(), 0, List.of(), 0, false, false, 0);

        MessageExistsException e = assertThrows(MessageExistsException.class, () -> store.create(sameId));

        assertEquals(first, e.existing());
        assertEquals(MessageState.PENDING, store.get(first.messageId()).orElseThrow().state());
    }

    @Test
    void get_unknown_isEmpty() {
        assertTrue(store.get(UUID.randomUUID().toString()).isEmpty());
    }

    @Test
    void transition_appliesOverTheVersionItRead_andRefusesAStaleOne() {
        Message stored = store.create(Messages.pending(NOW, NOW.plusSeconds(60)));
        Message delivered = stored.delivered(Source.WEBHOOK, NOW);

        TransitionResult first = store.transition(stored, delivered);
        TransitionResult stale = store.transition(stored, stored.read(Source.WEBHOOK, NOW));

        Message applied = assertInstanceOf(TransitionResult.Applied.class, first).message();
        assertEquals(2, applied.version());
        TransitionResult.Conflict conflict = assertInstanceOf(TransitionResult.Conflict.class, stale);
        assertEquals(applied, conflict.current().orElseThrow());
        assertEquals(MessageState.DELIVERED, store.get(stored.messageId()).orElseThrow().state());
    }

    @Test
    void transition_ofAMissingMessage_isAConflictWithNothingStored() {
        Message never = Messages.pending(NOW, NOW.plusSeconds(60));

        TransitionResult result = store.transition(never, never.delivered(Source.WEBHOOK, NOW));

        assertTrue(assertInstanceOf(TransitionResult.Conflict.class, result).current().isEmpty());
    }

    @Test
    void manyThreadsRacingTheSameTransition_exactlyOneWins() throws Exception {
        Message stored = store.create(Messages.pending(NOW, NOW.plusSeconds(60)));
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<TransitionResult>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return store.transition(stored, stored.claimRevoke(FallbackReason.DEADLINE_PASSED, true,
                        Duration.ofMinutes(2), Source.SWEEP, NOW));
            }));
        }
        start.countDown();
        int applied = 0;
        for (Future<TransitionResult> result : results) {
            if (result.get() instanceof TransitionResult.Applied) {
                applied++;
            }
        }
        pool.shutdown();

        assertEquals(1, applied);
        Message after = store.get(stored.messageId()).orElseThrow();
        assertEquals(MessageState.REVOKING, after.state());
        assertEquals(2, after.version());
    }

    @Test
    void dueQuery_overEveryShard_returnsExactlyTheDueMessages() {
        DynamoMessageStore store = storeOn(TestStores.newTable());
        Random random = new Random(42);
        Instant upTo = NOW.plus(Duration.ofDays(3650));
        Set<String> expectedDue = new HashSet<>();
        Instant queryAt = upTo.minusSeconds(1);
        for (int i = 0; i < 1000; i++) {
            Instant deadline = upTo.plusSeconds(random.nextInt(7200) - 3600);
            Message message = store.create(Messages.pending(NOW, deadline));
            switch (i % 4) {
                case 0 -> message = applied(store.transition(message, message.delivered(Source.WEBHOOK, NOW)));
                case 1 -> message = applied(store.transition(message, message.claimRevoke(
                        FallbackReason.DEADLINE_PASSED, false, Duration.ofMinutes(2), Source.SWEEP, NOW)));
                default -> {
                }
            }
            if (message.dueAt() != null && !message.dueAt().isAfter(queryAt)) {
                expectedDue.add(message.messageId());
            }
        }

        Set<String> found = new HashSet<>();
        int pages = 0;
        for (int shard = 0; shard < store.dueShards(); shard++) {
            DueCursor cursor = null;
            do {
                DuePage page = store.queryDue(shard, queryAt, 25, cursor);
                for (DueItem item : page.items()) {
                    assertFalse(item.dueAt().isAfter(queryAt));
                    assertTrue(found.add(item.id()), "returned twice: " + item.id());
                }
                cursor = page.next();
                pages++;
            } while (cursor != null);
        }

        assertEquals(expectedDue, found);
        assertTrue(pages > store.dueShards(), "pagination was exercised");
    }

    @Test
    void dueAttributes_existOnlyWhileSomethingIsOwed() {
        Message stored = store.create(Messages.pending(NOW, NOW.plusSeconds(60)));
        assertTrue(rawItem(stored.messageId()).containsKey(MessagesTable.DUE_AT));
        assertTrue(rawItem(stored.messageId()).containsKey(MessagesTable.DUE_SHARD));
        assertFalse(rawItem(stored.messageId()).containsKey(MessagesTable.EXPIRES_AT));

        transition(stored, stored.delivered(Source.WEBHOOK, NOW));

        Map<String, AttributeValue> item = rawItem(stored.messageId());
        assertFalse(item.containsKey(MessagesTable.DUE_AT));
        assertFalse(item.containsKey(MessagesTable.DUE_SHARD));
        assertEquals(NOW.plus(Duration.ofDays(30)).getEpochSecond(),
                Long.parseLong(item.get(MessagesTable.EXPIRES_AT).n()));
    }

    @Test
    void history_staysBoundedToTheNewest20() {
        Message message = store.create(Messages.pending(NOW, NOW.plusSeconds(60)));
        for (int i = 0; i < 30; i++) {
            Instant at = NOW.plusSeconds(i);
            message = transition(message, message.claimRevoke(FallbackReason.DEADLINE_PASSED, true,
                    Duration.ofMinutes(2), Source.SWEEP, at));
            message = transition(message, message.releaseRevoke("RBM unavailable", false, Source.SWEEP, at));
        }

        Message stored = store.get(message.messageId()).orElseThrow();
        assertEquals(20, stored.history().size());
        assertEquals(61 - Message.HISTORY_LIMIT, stored.historyDropped());
        assertEquals(NOW.plusSeconds(29), stored.history().get(Message.HISTORY_LIMIT - 1).at());
        assertNull(stored.claim());
    }

    @Test
    void theContentLeavesTheItemOnceRbmHasIt_andAFullLifecycleStaysUnder2KB_whateverTheContentSize() {
        String smsText = "x".repeat(160);
        String content = "{\"contentMessage\":{\"text\":\"" + "y".repeat(200 * 1024) + "\"}}";
        NewMessage spec = new NewMessage(UUID.randomUUID().toString(), "test-agent", "+16502530001",
                NOW.plusSeconds(600), true, "fingerprint", content, Fallback.requested(smsText, true));
        Message message = store.create(Message.sending(spec, Messages.TIMING, NOW));
        assertTrue(itemBytes(rawItem(message.messageId())) > 200 * 1024, "the content is kept while SENDING");

        message = transition(message, message.accepted(Source.API, NOW.plusMillis(300)));
        assertFalse(rawItem(message.messageId()).containsKey("rbmPayload"));
        for (String event : List.of("a", "b", "c")) {
            message = transition(message, message.withSeenEvent(UUID.randomUUID() + event));
        }
        message = transition(message, message.claimRevoke(FallbackReason.DEADLINE_PASSED, true, Duration.ofMinutes(2),
                Source.SWEEP, NOW.plusSeconds(600)));
        message = transition(message, message.revoked(null, Source.SWEEP, NOW.plusSeconds(601)));
        message = transition(message, message.fallbackProgress(Channel.SMS,
                new ChannelDelivery(ChannelState.SENT, 1, NOW.plusSeconds(602), null), null, Source.SWEEP,
                NOW.plusSeconds(602)));
        message = transition(message, message.fallbackProgress(Channel.CALLBACK,
                new ChannelDelivery(ChannelState.SENT, 1, NOW.plusSeconds(603), null), null, Source.SWEEP,
                NOW.plusSeconds(603)));

        assertEquals(MessageState.FALLEN_BACK, store.get(message.messageId()).orElseThrow().state());
        int size = itemBytes(rawItem(message.messageId()));
        assertTrue(size < 2048, "a settled message's item is " + size + " bytes");
    }

    /** DynamoDB's item size: attribute names and values in UTF-8, plus its overhead for lists and maps. */
    private static int itemBytes(Map<String, AttributeValue> item) {
        int size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + valueBytes(e.getValue());
        }
        return size;
    }

    private static int valueBytes(AttributeValue v) {
        if (v.s() != null) {
            return v.s().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        if (v.n() != null) {
            return v.n().length() / 2 + 2;
        }
        if (v.bool() != null) {
            return 1;
        }
        if (v.hasL()) {
            return 3 + v.l().stream().mapToInt(e -> 1 + valueBytes(e)).sum();
        }
        if (v.hasM()) {
            return 3 + itemBytes(v.m()) + v.m().size();
        }
        return 1;
    }

    private static Message transition(Message from, Message to) {
        return applied(store.transition(from, to));
    }

    private static Message applied(TransitionResult result) {
        return assertInstanceOf(TransitionResult.Applied.class, result).message();
    }

    private static Map<String, AttributeValue> rawItem(String messageId) {
        return client.getItem(b -> b.tableName(table)
                .key(Map.of(MessagesTable.MESSAGE_ID, AttributeValue.fromS(messageId)))
                .consistentRead(true)).item();
    }
}
