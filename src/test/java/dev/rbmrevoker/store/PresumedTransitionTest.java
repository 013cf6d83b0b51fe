package dev.rbmrevoker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.message.Presumption;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.testing.DynamoDbLocalResource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A change stored without reading first ends exactly where reading and changing would have, and
 * applies only to a message as presumed: otherwise the stored message comes back to decide from.
 */
class PresumedTransitionTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static final Instant LATER = NOW.plusSeconds(5);
    private static DynamoDbClient client;
    private static String table;
    private static DynamoMessageStore store;

    @BeforeAll
    static void createTable() {
        client = DynamoDbLocalResource.server().client();
        table = TestStores.newTable();
        store = TestStores.on(client, table);
    }

    @Test
    void deliveryOfAPendingMessage_presumed_endsAsTheReadPathDoes_itemForItem() {
        UnaryOperator<Message> delivered = m -> m.delivered(Source.WEBHOOK, LATER).withSeenEvent("event-1");
        Message[] twins = twins(Messages.pending(NOW, NOW.plusSeconds(600)));

        Message presumed = applied(store.transition(Presumption.ofEvent(twins[0].messageId(), MessageState.PENDING,
                "event-1"), delivered.apply(presumedMessage(twins[0].messageId(), MessageState.PENDING))));
        Message read = applied(store.transition(twins[1], delivered.apply(twins[1])));

        assertSame(read, presumed);
        assertEquals(MessageState.DELIVERED, presumed.state());
        assertFalse(raw(presumed.messageId()).containsKey(MessagesTable.DUE_AT), "off the due index");
    }

    @Test
    void readOfADeliveredMessage_presumed_endsAsTheReadPathDoes_itemForItem() {
        UnaryOperator<Message> read = m -> m.read(Source.WEBHOOK, LATER.plusSeconds(1)).withSeenEvent("event-2");
        Message pending = Messages.pending(NOW, NOW.plusSeconds(600));
        Message[] twins = twins(pending);
        for (int i = 0; i < 2; i++) {
            twins[i] = applied(store.transition(twins[i], twins[i].delivered(Source.WEBHOOK, LATER)));
        }

        Message presumed = applied(store.transition(Presumption.ofEvent(twins[0].messageId(), MessageState.DELIVERED,
                "event-2"), read.apply(presumedMessage(twins[0].messageId(), MessageState.DELIVERED))));
        Message readPath = applied(store.transition(twins[1], read.apply(twins[1])));

        assertSame(readPath, presumed);
        assertEquals(LATER, presumed.deliveredAt(), "the delivery time stays");
    }

    @Test
    void revokeClaimFromTheDueIndex_presumed_endsAsTheReadPathDoes_itemForItem() {
        Message[] twins = twins(Messages.pending(NOW.minusSeconds(600), NOW.minusSeconds(1)));
        UnaryOperator<Message> claim = m -> m.claimRevoke(FallbackReason.DEADLINE_PASSED, true, Duration.ofMinutes(2),
                Source.SWEEP, NOW);

        Presumption due = Presumption.ofDue(twins[0].messageId(), MessageState.PENDING, twins[0].dueAt());
        Message presumed = applied(store.transition(due, claim.apply(due.message())));
        Message read = applied(store.transition(twins[1], claim.apply(twins[1])));

        assertSame(read, presumed);
        assertEquals(MessageState.REVOKING, presumed.state());
    }

    @Test
    void confirmWindowsEndAndTheChannelsClaim_presumedFromTheDueIndex_endAsTheReadPathDoes_itemForItem() {
        Message[] twins = twins(Messages.pending(NOW.minusSeconds(600), NOW.minusSeconds(20)));
        for (int i = 0; i < 2; i++) {
            twins[i] = awaitingWindow(twins[i]);
        }
        assertEquals("WINDOW:SMS,CALLBACK", raw(twins[0].messageId()).get(MessagesTable.KIND).s(),
                "the kind names the channels while the window runs");
        DueItem shown = dueEntry(twins[0]);
        assertEquals(Set.of(Channel.SMS, Channel.CALLBACK), shown.windowChannels());

        Presumption windowEnd = Presumption.ofWindowEnd(shown.id(), shown.dueAt(), shown.windowChannels());
        Message presumed = applied(store.transition(windowEnd, CLAIM_ALL.apply(windowEnd.message())));
        Message read = applied(store.transition(twins[1], CLAIM_ALL.apply(twins[1])));

        assertSame(read, presumed);
        assertEquals("your code is 1234", presumed.fallback().smsText(), "the stored text, not the stand-in's");
        assertEquals(ChannelState.SENDING, presumed.fallback().deliveries().get(Channel.SMS).state());
        assertFalse(raw(presumed.messageId()).containsKey(MessagesTable.KIND), "no window runs any more");
    }

    @Test
    void aWindowsEndThatAnotherWriterSettledFirst_isNotClaimed_andComesBackToDecideFrom() {
        Message claimedElsewhere = awaitingWindow(store.create(Messages.pending(NOW.minusSeconds(600),
                NOW.minusSeconds(20))));
        Message overturned = awaitingWindow(store.create(Messages.pending(NOW.minusSeconds(600),
                NOW.minusSeconds(20))));
        Presumption claimedShown = windowEndShown(claimedElsewhere);
        Presumption overturnedShown = windowEndShown(overturned);
        claimedElsewhere = applied(store.transition(claimedElsewhere, CLAIM_ALL.apply(claimedElsewhere)));
        overturned = applied(store.transition(overturned, overturned.delivered(Source.WEBHOOK, NOW.minusSeconds(5))));

        assertNotClaimed(claimedShown, claimedElsewhere);
        assertNotClaimed(overturnedShown, overturned);
    }

    @Test
    void aWindowsEndWithOtherChannelsOrAnotherTimeThanStored_isNotClaimed() {
        Message stored = awaitingWindow(store.create(Messages.pending(NOW.minusSeconds(600), NOW.minusSeconds(20))));
        Presumption smsOnly = Presumption.ofWindowEnd(stored.messageId(), stored.dueAt(), Set.of(Channel.SMS));
        Presumption earlier = Presumption.ofWindowEnd(stored.messageId(), stored.dueAt().minusMillis(1),
                Set.of(Channel.SMS, Channel.CALLBACK));

        assertNotClaimed(smsOnly, stored);
        assertNotClaimed(earlier, stored);
    }

    /** The presumed claim is refused and answers the message as stored, which stays as it was. */
    private static void assertNotClaimed(Presumption windowEnd, Message stored) {
        TransitionResult result = store.transition(windowEnd, CLAIM_ALL.apply(windowEnd.message()));

        assertEquals(stored, assertInstanceOf(TransitionResult.Conflict.class, result).current().orElseThrow());
        assertEquals(stored, store.get(stored.messageId()).orElseThrow());
    }

    @Test
    void rbmsExpiryOfAPendingMessage_presumed_endsAsTheReadPathDoes_andTheNextWriteStoresTheSameItem() {
        UnaryOperator<Message> expired = m -> m.expiredByRbm(Source.WEBHOOK, LATER).withSeenEvent("expiry-1");
        Message[] twins = twins(Messages.pending(NOW, NOW.plusSeconds(600)));

        Presumption expiry = Presumption.ofExpiry(twins[0].messageId(), "expiry-1");
        Message presumed = applied(store.transition(expiry, expired.apply(expiry.message())));
        Message read = applied(store.transition(twins[1], expired.apply(twins[1])));

        // The write did not know the channels: the item has none yet, and reads back with each pending.
        assertEquals(withId(read, presumed.messageId()), presumed);
        assertEquals(Set.of(Channel.SMS, Channel.CALLBACK), presumed.fallback().deliveries().keySet());
        assertEquals(MessageState.REVOKED, presumed.state());
        assertEquals(FallbackReason.TTL_EXPIRATION_REVOKED, presumed.fallback().reason());
        Message claimedPresumed = applied(store.transition(presumed, CLAIM_CHANNELS.apply(presumed)));
        Message claimedRead = applied(store.transition(read, CLAIM_CHANNELS.apply(read)));
        assertSame(claimedRead, claimedPresumed);
    }

    @Test
    void rbmsExpiryOfAMessageWhoseRevokesGaveUp_putsItBackOnTheDueIndex() {
        Message stored = store.create(Messages.pending(NOW.minusSeconds(600), NOW.minusSeconds(1)));
        Message gaveUp = applied(store.transition(stored, stored.toBuilder().dueAt(null).build()));
        assertTrue(gaveUp.revokesGaveUp());
        assertFalse(raw(gaveUp.messageId()).containsKey(MessagesTable.DUE_SHARD));

        Presumption expiry = Presumption.ofExpiry(gaveUp.messageId(), "expiry-2");
        Message expired = applied(store.transition(expiry,
                expiry.message().expiredByRbm(Source.WEBHOOK, NOW).withSeenEvent("expiry-2")));

        assertEquals(NOW, expired.dueAt(), "its fallback is due now");
        DueItem entry = dueEntry(expired);
        assertEquals(MessageState.REVOKED, entry.state());
    }

    @Test
    void rbmsExpiryOfAMessageWithNoFallback_orOneAlreadyTriggered_isNotPresumed() {
        Message none = store.create(Message.tracked(Messages.spec(NOW.plusSeconds(600), Fallback.none()),
                Messages.TIMING, NOW));
        Message claimed = store.create(Messages.pending(NOW, NOW.plusSeconds(600)));
        claimed = applied(store.transition(claimed, claimed.claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true,
                Duration.ofMinutes(2), Source.API, NOW)));

        for (Message stored : List.of(none, claimed)) {
            Presumption expiry = Presumption.ofExpiry(stored.messageId(), "expiry-3");
            TransitionResult result = store.transition(expiry,
                    expiry.message().expiredByRbm(Source.WEBHOOK, LATER).withSeenEvent("expiry-3"));

            assertEquals(stored, assertInstanceOf(TransitionResult.Conflict.class, result).current().orElseThrow());
        }
    }

    @Test
    void aMessageNotAsPresumed_isNotChanged_andComesBackToDecideFrom() {
        Message stored = store.create(Messages.pending(NOW, NOW.plusSeconds(600)));
        Message claimed = applied(store.transition(stored, stored.claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true,
                Duration.ofMinutes(2), Source.API, NOW)));
        Presumption pending = Presumption.ofEvent(stored.messageId(), MessageState.PENDING, "event-3");

        // REVOKING, not PENDING: the write is refused and answers the claimed message as stored.
        TransitionResult result = store.transition(pending,
                pending.message().delivered(Source.WEBHOOK, LATER).withSeenEvent("event-3"));

        assertEquals(claimed, assertInstanceOf(TransitionResult.Conflict.class, result).current().orElseThrow());
        assertEquals(claimed, store.get(stored.messageId()).orElseThrow());
    }

    @Test
    void aPendingMessageWithAnUncertainRevoke_isNotClaimedAsAPlainOne() {
        Message stored = store.create(Messages.pending(NOW.minusSeconds(600), NOW.minusSeconds(1)));
        Message claimed = applied(store.transition(stored, stored.claimRevoke(FallbackReason.DEADLINE_PASSED, true,
                Duration.ofMinutes(2), Source.SWEEP, NOW.minusSeconds(1))));
        Message uncertain = applied(store.transition(claimed, claimed.releaseRevoke("no answer", true, Source.SWEEP,
                NOW.minusSeconds(1))));
        Presumption due = Presumption.ofDue(stored.messageId(), MessageState.PENDING, uncertain.dueAt());

        // The claim of an uncertain revoke is itself uncertain (RBM's 404 then proves nothing): not presumable.
        TransitionResult result = store.transition(due, due.message().claimRevoke(FallbackReason.DEADLINE_PASSED,
                true, Duration.ofMinutes(2), Source.SWEEP, NOW));

        assertEquals(uncertain, assertInstanceOf(TransitionResult.Conflict.class, result).current().orElseThrow());
    }

    @Test
    void aDueTimeThatMovedSinceTheIndexShowedIt_isNotClaimed() {
        Message stored = store.create(Messages.pending(NOW.minusSeconds(600), NOW.minusSeconds(1)));
        Presumption stale = Presumption.ofDue(stored.messageId(), MessageState.PENDING, stored.dueAt().minusMillis(1));

        TransitionResult result = store.transition(stale, stale.message().claimRevoke(FallbackReason.DEADLINE_PASSED,
                true, Duration.ofMinutes(2), Source.SWEEP, NOW));

        assertEquals(stored, assertInstanceOf(TransitionResult.Conflict.class, result).current().orElseThrow());
    }

    @Test
    void aClaimStampedBeforeTheMessagesLastChange_isNotApplied_evenWhenTheMessageLooksAsPresumedAgain() {
        Message stored = store.create(Messages.pending(NOW.minusSeconds(600), NOW.minusSeconds(1)));
        Presumption due = Presumption.ofDue(stored.messageId(), MessageState.PENDING, stored.dueAt());
        Message lateClaim = due.message().claimRevoke(FallbackReason.DEADLINE_PASSED, true, Duration.ofMinutes(2),
                Source.SWEEP, NOW);
        // Meanwhile another sweep claimed it, RBM failed, and it was released: PENDING and due as before.
        Message claimed = applied(store.transition(stored, stored.claimRevoke(FallbackReason.DEADLINE_PASSED, true,
                Duration.ofMinutes(2), Source.SWEEP, NOW.plusMillis(100))));
        Message released = applied(store.transition(claimed, claimed.releaseRevoke("RBM unavailable", false,
                Source.SWEEP, NOW.plusMillis(300))));
        assertEquals(stored.dueAt(), released.dueAt());

        TransitionResult result = store.transition(due, lateClaim);

        assertEquals(released, assertInstanceOf(TransitionResult.Conflict.class, result).current().orElseThrow());
    }

    @Test
    void aReplayedEvent_isNotAppliedTwice() {
        Message stored = store.create(Messages.pending(NOW, NOW.plusSeconds(600)));
        Message seen = applied(store.transition(stored, stored.withSeenEvent("event-4")));
        Presumption pending = Presumption.ofEvent(stored.messageId(), MessageState.PENDING, "event-4");

        TransitionResult result = store.transition(pending,
                pending.message().delivered(Source.WEBHOOK, LATER).withSeenEvent("event-4"));

        assertEquals(seen, assertInstanceOf(TransitionResult.Conflict.class, result).current().orElseThrow());
    }

    @Test
    void anUnknownMessage_conflictsWithNothing_andIsNotCreated() {
        String id = UUID.randomUUID().toString();
        Presumption pending = Presumption.ofEvent(id, MessageState.PENDING, "event-5");

        TransitionResult result = store.transition(pending,
                pending.message().delivered(Source.WEBHOOK, LATER).withSeenEvent("event-5"));

        assertTrue(assertInstanceOf(TransitionResult.Conflict.class, result).current().isEmpty());
        assertTrue(store.get(id).isEmpty(), "an update must not create an item");
    }

    @Test
    void aChangeThatWritesWhatThePresumptionMadeUp_isRefused() {
        Message stored = store.create(Messages.pending(NOW, NOW.plusSeconds(600)));
        Presumption pending = Presumption.ofEvent(stored.messageId(), MessageState.PENDING, null);

        // The stand-in's refusal count is made up: a change that writes it would overwrite the stored one.
        assertThrows(IllegalArgumentException.class, () -> store.transition(pending,
                pending.message().toBuilder().revokeRefusals(3).build()));
        assertEquals(stored, store.get(stored.messageId()).orElseThrow());
    }

    /** Every channel of a triggered fallback claimed for its first attempt, as the dispatcher does. */
    private static final UnaryOperator<Message> CLAIM_CHANNELS = m -> {
        Message claimed = m;
        for (Channel channel : m.fallback().channels()) {
            claimed = claimed.fallbackProgress(channel, new ChannelDelivery(ChannelState.SENDING, 1, null, null),
                    NOW.plus(Duration.ofMinutes(2)), Source.SWEEP, NOW);
        }
        return claimed;
    };

    /** The window's end, then every channel claimed. */
    private static final UnaryOperator<Message> CLAIM_ALL = m -> CLAIM_CHANNELS.apply(m.revokeConfirmed(Source.SWEEP, NOW));

    /** Revoked on request, RBM answered 200 15 s ago: its 5 s confirm window ended 10 s ago. */
    private static Message awaitingWindow(Message stored) {
        Message claimed = applied(store.transition(stored, stored.claimRevoke(FallbackReason.REVOKED_ON_REQUEST, true,
                Duration.ofMinutes(2), Source.API, NOW.minusSeconds(16))));
        Message revoked = applied(store.transition(claimed, claimed.revokeAccepted(null, Duration.ofSeconds(5),
                Source.API, NOW.minusSeconds(15))));
        assertTrue(revoked.revokeUnconfirmed());
        return revoked;
    }

    private static Presumption windowEndShown(Message stored) {
        DueItem shown = dueEntry(stored);
        return Presumption.ofWindowEnd(shown.id(), shown.dueAt(), shown.windowChannels());
    }

    /** The message's entry in the due index. */
    private static DueItem dueEntry(Message stored) {
        int shard = Integer.parseInt(MessagesTable.shardOf(stored.messageId(), store.dueShards()));
        DueCursor cursor = null;
        do {
            DuePage page = store.queryDue(shard, NOW, 500, cursor);
            for (DueItem item : page.items()) {
                if (item.id().equals(stored.messageId())) {
                    return item;
                }
            }
            cursor = page.next();
        } while (cursor != null);
        throw new AssertionError("not in the due index: " + stored.messageId());
    }

    /** Two stored copies of one message under different ids, to take two paths from the same start. */
    private static Message[] twins(Message message) {
        Message first = store.create(message);
        Message second = store.create(withId(message, UUID.randomUUID().toString()));
        return new Message[] {first, second};
    }

    private static Message presumedMessage(String id, MessageState state) {
        return Presumption.ofEvent(id, state, null).message();
    }

    /** Same message and same stored item, but for the id. */
    private static void assertSame(Message expected, Message actual) {
        assertEquals(withId(expected, actual.messageId()), actual);
        assertEquals(withoutId(raw(expected.messageId())), withoutId(raw(actual.messageId())));
    }

    private static Message withId(Message m, String id) {
        return new Message(id, m.agentId(), m.phoneNumber(), m.campaign(), m.state(), m.deadline(), m.rbmExpireTime(),
                m.fingerprint(), m.rbmPayload(), m.createdAt(), m.updatedAt(), m.deliveredAt(), m.readAt(),
                m.revokedAt(), m.revokeAt(), m.claim(), m.dueAt(), m.fallback(), m.history(), m.historyDropped(),
                m.seenEvents(), m.revokeRefusals(), m.revokeUncertain(), m.rbmExpiryFailed(), m.version());
    }

    private static Map<String, AttributeValue> withoutId(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> copy = new HashMap<>(item);
        copy.remove(MessagesTable.MESSAGE_ID);
        // The shard follows from the id.
        copy.remove(MessagesTable.DUE_SHARD);
        return copy;
    }

    private static Map<String, AttributeValue> raw(String id) {
        return client.getItem(b -> b.tableName(table)
                .key(Map.of(MessagesTable.MESSAGE_ID, AttributeValue.fromS(id))).consistentRead(true)).item();
    }

    private static Message applied(TransitionResult result) {
        return assertInstanceOf(TransitionResult.Applied.class, result).message();
    }
}
