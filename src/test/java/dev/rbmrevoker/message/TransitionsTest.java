package dev.rbmrevoker.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One case per (state, event) pair, legal and illegal. The expected outcomes are written out by hand
 * from API.md ("States", the revoke table): they are not read from {@link Transitions}.
 *
 * <p>Expected: a state name = the message moves there; {@code SAME} = a repeat, nothing changes;
 * {@code NOTE:<fact>} = the state stays and the conflicting fact goes to history; {@code REFUSE} = not
 * allowed.
 */
class TransitionsTest {

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource(textBlock = """
            # SENDING: recorded, RBM has not confirmed the send. The send's answer decides; RBM's webhook
            # can report the message before the answer reaches us (RBM took it after all). Past its deadline
            # the sweep claims a revoke of it, whose answer settles whether RBM has it.
            SENDING, ACCEPTED,        PENDING
            SENDING, UNREACHABLE,     UNDELIVERABLE
            SENDING, REJECTED,        REJECTED
            SENDING, CLAIM_REVOKE,    REVOKING
            SENDING, RELEASE_REVOKE,  REFUSE
            SENDING, REVOKED,         REVOKED
            SENDING, DELIVERED,       DELIVERED
            SENDING, READ,            READ
            SENDING, FALLEN_BACK,     REFUSE
            SENDING, FALLBACK_FAILED, REFUSE
            SENDING, REVOKE_CONFIRMED, REFUSE
            # PENDING: sent or tracked, not known delivered.
            PENDING, ACCEPTED,        SAME
            PENDING, UNREACHABLE,     REFUSE
            PENDING, REJECTED,        REFUSE
            PENDING, CLAIM_REVOKE,    REVOKING
            PENDING, RELEASE_REVOKE,  REFUSE
            PENDING, REVOKED,         REVOKED
            PENDING, DELIVERED,       DELIVERED
            PENDING, READ,            READ
            PENDING, FALLEN_BACK,     REFUSE
            PENDING, FALLBACK_FAILED, REFUSE
            PENDING, REVOKE_CONFIRMED, REFUSE
            # REVOKING: a lease. Retaking it is a move (Message checks the lease has expired); RBM 404 on
            # the revoke means delivered; unavailable gives the lease back (PENDING).
            REVOKING, ACCEPTED,        SAME
            REVOKING, UNREACHABLE,     REFUSE
            REVOKING, REJECTED,        REFUSE
            REVOKING, CLAIM_REVOKE,    REVOKING
            REVOKING, RELEASE_REVOKE,  PENDING
            REVOKING, REVOKED,         REVOKED
            REVOKING, DELIVERED,       DELIVERED
            REVOKING, READ,            READ
            REVOKING, FALLEN_BACK,     REFUSE
            REVOKING, FALLBACK_FAILED, REFUSE
            REVOKING, REVOKE_CONFIRMED, REFUSE
            # DELIVERED: never revoked; a later REVOKED is only history; READ follows.
            DELIVERED, ACCEPTED,        SAME
            DELIVERED, UNREACHABLE,     REFUSE
            DELIVERED, REJECTED,        REFUSE
            DELIVERED, CLAIM_REVOKE,    REFUSE
            DELIVERED, RELEASE_REVOKE,  REFUSE
            DELIVERED, REVOKED,         NOTE:REVOKED_AFTER_DELIVERY
            DELIVERED, DELIVERED,       SAME
            DELIVERED, READ,            READ
            DELIVERED, FALLEN_BACK,     REFUSE
            DELIVERED, FALLBACK_FAILED, REFUSE
            DELIVERED, REVOKE_CONFIRMED, SAME
            # READ: never revoked; DELIVERED after READ still ends in READ.
            READ, ACCEPTED,        SAME
            READ, UNREACHABLE,     REFUSE
            READ, REJECTED,        REFUSE
            READ, CLAIM_REVOKE,    REFUSE
            READ, RELEASE_REVOKE,  REFUSE
            READ, REVOKED,         NOTE:REVOKED_AFTER_DELIVERY
            READ, DELIVERED,       SAME
            READ, READ,            SAME
            READ, FALLEN_BACK,     REFUSE
            READ, FALLBACK_FAILED, REFUSE
            READ, REVOKE_CONFIRMED, SAME
            # REVOKED: the revoke came first; a later delivery is only history; the fallback finishes it.
            # (REVOKED + ACCEPTED: see lateAcceptedAfterWebhookRevoke.)
            REVOKED, UNREACHABLE,     REFUSE
            REVOKED, REJECTED,        REFUSE
            REVOKED, CLAIM_REVOKE,    REFUSE
            REVOKED, RELEASE_REVOKE,  REFUSE
            REVOKED, REVOKED,         SAME
            REVOKED, DELIVERED,       NOTE:DELIVERED_AFTER_REVOKE
            REVOKED, READ,            NOTE:DELIVERED_AFTER_REVOKE
            REVOKED, FALLEN_BACK,     FALLEN_BACK
            REVOKED, FALLBACK_FAILED, FALLBACK_FAILED
            REVOKED, REVOKE_CONFIRMED, SAME
            # UNDELIVERABLE: RBM 404 on send; the fallback follows.
            UNDELIVERABLE, ACCEPTED,        REFUSE
            UNDELIVERABLE, UNREACHABLE,     SAME
            UNDELIVERABLE, REJECTED,        REFUSE
            UNDELIVERABLE, CLAIM_REVOKE,    REFUSE
            UNDELIVERABLE, RELEASE_REVOKE,  REFUSE
            UNDELIVERABLE, REVOKED,         SAME
            UNDELIVERABLE, DELIVERED,       NOTE:DELIVERED_AFTER_REVOKE
            UNDELIVERABLE, READ,            NOTE:DELIVERED_AFTER_REVOKE
            UNDELIVERABLE, FALLEN_BACK,     FALLEN_BACK
            UNDELIVERABLE, FALLBACK_FAILED, FALLBACK_FAILED
            UNDELIVERABLE, REVOKE_CONFIRMED, REFUSE
            # REJECTED: terminal; only a repeat of the rejection is accepted.
            REJECTED, ACCEPTED,        REFUSE
            REJECTED, UNREACHABLE,     REFUSE
            REJECTED, REJECTED,        SAME
            REJECTED, CLAIM_REVOKE,    REFUSE
            REJECTED, RELEASE_REVOKE,  REFUSE
            REJECTED, REVOKED,         REFUSE
            REJECTED, DELIVERED,       REFUSE
            REJECTED, READ,            REFUSE
            REJECTED, FALLEN_BACK,     REFUSE
            REJECTED, FALLBACK_FAILED, REFUSE
            REJECTED, REVOKE_CONFIRMED, REFUSE
            # FALLEN_BACK: terminal; late RBM evidence is only history.
            # (FALLEN_BACK + ACCEPTED: see lateAcceptedAfterWebhookRevoke.)
            FALLEN_BACK, UNREACHABLE,     REFUSE
            FALLEN_BACK, REJECTED,        REFUSE
            FALLEN_BACK, CLAIM_REVOKE,    REFUSE
            FALLEN_BACK, RELEASE_REVOKE,  REFUSE
            FALLEN_BACK, REVOKED,         SAME
            FALLEN_BACK, DELIVERED,       NOTE:DELIVERED_AFTER_REVOKE
            FALLEN_BACK, READ,            NOTE:DELIVERED_AFTER_REVOKE
            FALLEN_BACK, FALLEN_BACK,     SAME
            FALLEN_BACK, FALLBACK_FAILED, REFUSE
            FALLEN_BACK, REVOKE_CONFIRMED, SAME
            # FALLBACK_FAILED: terminal, alarmed; late RBM evidence is only history.
            # (FALLBACK_FAILED + ACCEPTED: see lateAcceptedAfterWebhookRevoke.)
            FALLBACK_FAILED, UNREACHABLE,     REFUSE
            FALLBACK_FAILED, REJECTED,        REFUSE
            FALLBACK_FAILED, CLAIM_REVOKE,    REFUSE
            FALLBACK_FAILED, RELEASE_REVOKE,  REFUSE
            FALLBACK_FAILED, REVOKED,         SAME
            FALLBACK_FAILED, DELIVERED,       NOTE:DELIVERED_AFTER_REVOKE
            FALLBACK_FAILED, READ,            NOTE:DELIVERED_AFTER_REVOKE
            FALLBACK_FAILED, FALLEN_BACK,     REFUSE
            FALLBACK_FAILED, FALLBACK_FAILED, SAME
            FALLBACK_FAILED, REVOKE_CONFIRMED, SAME
            """)
    void transition(MessageState state, Event event, String expected) {
        assertEquals(outcome(expected), Transitions.of(state, event));
    }

    /**
     * A REVOKED message whose revoke RBM answered 200 while its fallback waits out the confirm window: a
     * delivery overturns it (no fallback), the window's end confirms it.
     */
    @ParameterizedTest(name = "unconfirmed revoke + {0} -> {1}")
    @CsvSource(textBlock = """
            ACCEPTED,         SAME
            UNREACHABLE,      REFUSE
            REJECTED,         REFUSE
            CLAIM_REVOKE,     REFUSE
            RELEASE_REVOKE,   REFUSE
            REVOKED,          SAME
            DELIVERED,        OVERTURN:DELIVERED
            READ,             OVERTURN:READ
            REVOKE_CONFIRMED, REVOKED
            FALLEN_BACK,      REFUSE
            FALLBACK_FAILED,  REFUSE
            """)
    void unconfirmedRevoke(Event event, String expected) {
        assertEquals(outcome(expected), Transitions.ofUnconfirmedRevoke(event));
    }

    @Test
    void theUnconfirmedRevokeTableCoversEveryEvent() throws Exception {
        Method m = TransitionsTest.class.getDeclaredMethod("unconfirmedRevoke", Event.class, String.class);
        List<String> listed = m.getAnnotation(CsvSource.class).textBlock().lines().map(String::trim)
                .filter(l -> !l.isEmpty()).map(l -> l.split(",")[0].trim()).toList();
        assertEquals(Event.values().length, new HashSet<>(listed).size());
        assertEquals(Event.values().length, listed.size());
    }

    /**
     * SENDING + REVOKED moves to REVOKED (RBM's TTL webhook can beat the send's answer), so the send's
     * late 200 must then change nothing, as it does after DELIVERED/READ: what arrived first wins.
     */
    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource(textBlock = """
            REVOKED,         ACCEPTED, SAME
            FALLEN_BACK,     ACCEPTED, SAME
            FALLBACK_FAILED, ACCEPTED, SAME
            """)
    void lateAcceptedAfterWebhookRevoke(MessageState state, Event event, String expected) {
        assertEquals(outcome(expected), Transitions.of(state, event));
    }

    @Test
    void theTablesCoverEveryStateAndEventPairExactlyOnce() throws Exception {
        List<String> rows = new ArrayList<>();
        rows.addAll(rows("transition"));
        rows.addAll(rows("lateAcceptedAfterWebhookRevoke"));

        Set<String> seen = new HashSet<>();
        for (String row : rows) {
            String[] cells = row.split(",");
            String pair = MessageState.valueOf(cells[0].trim()) + "," + Event.valueOf(cells[1].trim());
            assertTrue(seen.add(pair), "listed twice: " + pair);
            outcome(cells[2].trim()); // every expectation parses
        }
        Set<String> all = new HashSet<>();
        for (MessageState state : MessageState.values()) {
            for (Event event : Event.values()) {
                all.add(state + "," + event);
            }
        }
        Set<String> missing = new HashSet<>(all);
        missing.removeAll(seen);
        assertEquals(Set.of(), missing, "pairs without an expected outcome");
        assertEquals(MessageState.values().length * Event.values().length, seen.size());
    }

    private static List<String> rows(String method) throws NoSuchMethodException {
        Method m = TransitionsTest.class.getDeclaredMethod(method, MessageState.class, Event.class, String.class);
        String block = m.getAnnotation(CsvSource.class).textBlock();
        return block.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static Outcome outcome(String expected) {
        if (expected.equals("SAME")) {
            return new Outcome.Same();
        }
        if (expected.equals("REFUSE")) {
            return new Outcome.Refuse();
        }
        if (expected.startsWith("OVERTURN:")) {
            return new Outcome.Overturn(MessageState.valueOf(expected.substring("OVERTURN:".length())),
                    Fact.REVOKE_NOT_HONOURED);
        }
        if (expected.startsWith("NOTE:")) {
            return new Outcome.Note(Fact.valueOf(expected.substring("NOTE:".length())));
        }
        return new Outcome.Move(MessageState.valueOf(expected));
    }
}
