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
import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageExistsException;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.Messages;
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
        table = newTable();
        store = storeOn(table);
    }

    private static String newTable() {
        String name = "store-test-" + UUID.randomUUID();
        DynamoDbLocalResource.server().createMessagesTable(name);
        return name;
    }

    private static DynamoMessageStore storeOn(String tableName) {
        return new DynamoMessageStore(client, () -> tableName, Messages.TIMING);
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
        Message sameId = new Message(first.messageId(), other.agentId(), other.phoneNumber(), other.state(),
                other.deadline(), other.rbmExpireTime(), "other", other.rbmPayload(), other.createdAt(),
                other.updatedAt(), null, null, null, other.revokeAt(), null, other.dueAt(), other.fallback(),
                other.history(), 0, List.of(), 0, false, 0);

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
        DynamoMessageStore store = storeOn(newTable());
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
    void history_staysBoundedToTheNewest50() {
        Message message = store.create(Messages.pending(NOW, NOW.plusSeconds(60)));
        for (int i = 0; i < 30; i++) {
            Instant at = NOW.plusSeconds(i);
            message = transition(message, message.claimRevoke(FallbackReason.DEADLINE_PASSED, true,
                    Duration.ofMinutes(2), Source.SWEEP, at));
            message = transition(message, message.releaseRevoke("RBM unavailable", false, Source.SWEEP, at));
        }

        Message stored = store.get(message.messageId()).orElseThrow();
        assertEquals(Message.HISTORY_LIMIT, stored.history().size());
        assertEquals(61 - Message.HISTORY_LIMIT, stored.historyDropped());
        assertEquals(NOW.plusSeconds(29), stored.history().get(Message.HISTORY_LIMIT - 1).at());
        assertNull(stored.claim());
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
