package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.HistoryEntry;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.message.NewMessage;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.revoke.RevokeResult;
import dev.rbmrevoker.revoke.RevokeService;
import dev.rbmrevoker.testing.CapturingMetricSink;
import dev.rbmrevoker.testing.DynamoDbLocalResource;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Regression for issue 12 item 3: RBM 400/403 on an automatic revoke released the claim with its old
 * dueAt, so every tick called RBM again, forever, and these items sorted first. Now each refusal is
 * noted (REVOKE_REFUSED) and retried after 1, 2, 4, 8 minutes; the fifth ends automatic revokes
 * (REVOKE_GAVE_UP, metric revokeRefused): PENDING, nothing due, no fallback, expiring a retention
 * after the deadline. Other due work is served in the same sweeps.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class RefusedRevokeSweepTest {

    /** RBM answers 400 (invalid phone number) to every revoke of a message sent to this spelling. */
    private static final String PHONE_RBM_REFUSES = "16502530001";

    @Inject
    Sweeper sweeper;
    @Inject
    MessageStore store;
    @Inject
    RbmGateway rbm;
    @Inject
    CapturingMetricSink metrics;
    @Inject
    RevokeService revokes;

    @BeforeEach
    void reset() {
        SweepFixtures.clearTable();
        RevokerResource.resetAll();
        metrics.clear();
    }

    @Test
    void refusedAutomaticRevoke_backsOff1248Minutes_thenGivesUpAfter5_whileOtherDueWorkIsServed() throws Exception {
        Instant deadline = SweepFixtures.now().minusSeconds(60);
        Message refused = store.create(Message.tracked(refusedSpec(deadline), Messages.TIMING, deadline.minusSeconds(60)));
        String id = refused.messageId();
        List<String> served = new ArrayList<>();

        for (int refusal = 1; refusal <= 5; refusal++) {
            List<String> others = SweepFixtures.ids(SweepFixtures.pendingAtRbm(store, rbm, 2));
            served.addAll(others);

            sweeper.sweep(Duration.ofSeconds(20));

            assertEquals(refusal, SweepFixtures.revokeCalls(400).get(id), "refused RBM revokes after sweep " + refusal);
            for (String other : others) {
                assertEquals(1L, SweepFixtures.revokeCalls(200).get(other), "served in the same sweep: " + other);
            }
            Message stored = store.get(id).orElseThrow();
            assertEquals(MessageState.PENDING, stored.state());
            assertNull(stored.claim());
            HistoryEntry last = lastRefusal(stored);
            assertTrue(last.detail().contains("400"), last.toString());
            if (refusal < 5) {
                assertEquals(refusal, stored.revokeRefusals());
                Duration backoff = Duration.ofMinutes(1L << (refusal - 1));
                assertEquals(last.at().plus(backoff), stored.dueAt(), "due after " + backoff + " (refusal " + refusal + ")");
                assertFalse(SweepFixtures.events(stored).contains("REVOKE_GAVE_UP"));
                makeDueNow(stored);
            } else {
                assertNull(stored.dueAt(), "nothing due after the fifth refusal");
                assertEquals("REVOKE_GAVE_UP", SweepFixtures.events(stored).get(stored.history().size() - 1));
                assertTrue(stored.revokesGaveUp());
                assertEquals(deadline.plus(Messages.TIMING.retention()).getEpochSecond(), expiresAt(id),
                        "expires a retention after its deadline");
            }
        }
        assertTrue(metrics.lines().stream().anyMatch(line -> line.contains("\"revokeRefused\"")), metrics.lines().toString());

        SweepSummary after = sweeper.sweep(Duration.ofSeconds(20));

        assertEquals(5L, SweepFixtures.revokeCalls(400).get(id), "no automatic revoke after REVOKE_GAVE_UP");
        assertEquals(0, after.due(), after.toString());
        assertEquals(Map.of(id, 0L), SweepFixtures.smsPublishes(List.of(id)), "no fallback SMS");
        assertEquals(Map.of(id, 0L), SweepFixtures.callbacks(List.of(id)), "no fallback callback");
        assertEquals(SweepFixtures.once(served), SweepFixtures.revokeCalls(200).entrySet().stream()
                .filter(e -> served.contains(e.getKey()))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    @Test
    void refusedItems_neverHoldBackOtherDueWork_inOneSweep() throws Exception {
        Instant deadline = SweepFixtures.now().minusSeconds(600);
        List<String> refusedIds = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            refusedIds.add(store.create(Message.tracked(refusedSpec(deadline), Messages.TIMING,
                    deadline.minusSeconds(60))).messageId());
        }
        List<String> others = SweepFixtures.ids(SweepFixtures.pendingAtRbm(store, rbm, 6));

        sweeper.sweep(Duration.ofSeconds(20));
        SweepSummary second = sweeper.sweep(Duration.ofSeconds(20));

        assertEquals(SweepFixtures.once(others), SweepFixtures.revokeCalls(200));
        assertEquals(SweepFixtures.once(refusedIds), SweepFixtures.revokeCalls(400),
                "each refused item called once, then backed off");
        assertEquals(0, second.due(), second.toString());
    }

    @Test
    void aSweepThatReadTheMessageBeforeAnotherGaveUp_neverClaimsItAfterwards() throws Exception {
        Instant deadline = SweepFixtures.now().minusSeconds(60);
        Message read = store.create(Message.tracked(refusedSpec(deadline), Messages.TIMING, deadline.minusSeconds(60)));
        // Meanwhile another sweep's refusals gave up: PENDING with nothing due. The first sweep's claim then
        // conflicts, and it must not claim the newer version just because it is PENDING.
        Message gaveUp = read.toBuilder().dueAt(null).build();
        assertInstanceOf(TransitionResult.Applied.class, store.transition(read, gaveUp));

        RevokeResult result = revokes.revokeDue(read, Duration.ofSeconds(5));

        assertInstanceOf(RevokeResult.NotDue.class, result, result.toString());
        assertFalse(SweepFixtures.revokeCalls(400).containsKey(read.messageId()), "RBM not called");
        assertEquals(MessageState.PENDING, store.get(read.messageId()).orElseThrow().state());
    }

    private static NewMessage refusedSpec(Instant deadline) {
        String messageId = UUID.randomUUID().toString();
        return new NewMessage(messageId, RevokerResource.AGENT, PHONE_RBM_REFUSES, deadline, false, "fingerprint",
                SweepFixtures.PAYLOAD, Fallback.requested(SweepFixtures.smsText(messageId), true));
    }

    private static HistoryEntry lastRefusal(Message message) {
        return message.history().stream().filter(e -> e.event().equals("REVOKE_REFUSED"))
                .reduce((first, second) -> second).orElseThrow(() -> new AssertionError(message.history()));
    }

    /** Time passes: the backoff is over. */
    private void makeDueNow(Message message) {
        Message due = message.toBuilder().dueAt(SweepFixtures.now().minusMillis(1)).build();
        assertInstanceOf(TransitionResult.Applied.class, store.transition(message, due));
    }

    private static long expiresAt(String id) {
        try (DynamoDbClient client = DynamoDbLocalResource.server().client()) {
            Map<String, AttributeValue> item = client.getItem(b -> b.tableName(SweepProfile.TABLE)
                    .key(Map.of("messageId", AttributeValue.fromS(id)))).item();
            assertNotNull(item.get("expiresAt"), item.toString());
            return Long.parseLong(item.get("expiresAt").n());
        }
    }
}
