package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Fault;
import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.Source;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.testing.GatedRbm;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sweep stays inside its invocation: every RBM call ends SWEEP_MARGIN (5 s here) before the
 * deadline, the answer comes before the deadline, and a worker whose lease another sweep retook never
 * records its late answer over the newer claim.
 */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class SweepDeadlineTest {

    private static final Duration MARGIN = Duration.ofSeconds(5);

    @Inject
    Sweeper sweeper;
    @Inject
    MessageStore store;
    @Inject
    RbmGateway rbm;

    @BeforeEach
    void reset() {
        SweepFixtures.clearTable();
        RevokerResource.resetAll();
    }

    @AfterEach
    void openGates() throws InterruptedException {
        GatedRbm.clear();
        CallWindowRbm.stop();
        RevokerResource.rbm().setLatency(Duration.ZERO);
        RevokerResource.rbm().awaitIdle(Duration.ofSeconds(30));
    }

    @Test
    void slowRbm_callsEndBeforeDeadlineLessMargin_andTheSweepAnswersBeforeItsDeadline() throws Exception {
        SweepFixtures.pendingAtRbm(store, rbm, 3);
        Duration budget = Duration.ofSeconds(8);
        // Slower than the whole budget, so a call left to run would overrun the deadline; no slower, as the
        // test ends waiting for RBM's last answer.
        RevokerResource.rbm().setLatency(budget.plusSeconds(1));
        CallWindowRbm.record();

        Instant started = Instant.now();
        SweepSummary summary = CompletableFuture.supplyAsync(() -> sweeper.sweep(budget)).get(1, TimeUnit.MINUTES);
        Instant answered = Instant.now();

        List<Instant> budgetEnds = CallWindowRbm.stop();
        Instant deadline = started.plus(budget);
        assertEquals(3, budgetEnds.size(), "each due message was revoked once: " + summary);
        // The sweep starts a moment after `started` (long on a loaded machine); a second covers that moment,
        // far less than the margin a call would overrun by if it ran to the deadline.
        Instant callsEnd = deadline.minus(MARGIN).plusSeconds(1);
        for (Instant end : budgetEnds) {
            assertFalse(end.isAfter(callsEnd), "an RBM call's budget ends at " + end + ", after " + callsEnd);
        }
        assertTrue(answered.isBefore(deadline), "answered at " + answered + ", deadline " + deadline);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 503})
    void lateAnswer_ofARetakenLease_isNotRecordedOverTheNewerClaim(int rbmStatus) throws Exception {
        String id = SweepFixtures.pendingAtRbm(store, rbm, 1).get(0).messageId();
        if (rbmStatus != 200) {
            RevokerResource.rbm().inject(Route.REVOKE, Fault.status(rbmStatus), 10);
        }
        GatedRbm.close();
        CompletableFuture<SweepSummary> first = CompletableFuture.supplyAsync(
                () -> sweeper.sweep(Duration.ofSeconds(30)));
        GatedRbm.awaitRevokeAnswered();

        // The first sweep's worker is now slower than its lease: a second sweep retakes the expired lease.
        Message heldByFirst = store.get(id).orElseThrow();
        assertEquals(MessageState.REVOKING, heldByFirst.state());
        Message retaken = heldByFirst.claimRevoke(FallbackReason.DEADLINE_PASSED, true, Duration.ofMinutes(2),
                Source.SWEEP, heldByFirst.claim().leaseUntil().plusSeconds(1));
        Message second = assertInstanceOf(TransitionResult.Applied.class, store.transition(heldByFirst, retaken))
                .message();

        GatedRbm.open();
        first.get(1, TimeUnit.MINUTES);

        Message after = store.get(id).orElseThrow();
        assertEquals(MessageState.REVOKING, after.state(), "the newer claim is untouched: " + SweepFixtures.events(after));
        assertTrue(after.claim().isSameClaim(second.claim()), "still the newer claim");
        assertEquals(second.version(), after.version(), "nothing written over the newer claim");
        assertEquals(0L, SweepFixtures.smsPublishes(List.of(id)).get(id), "no fallback on a late answer");
        assertEquals(0L, SweepFixtures.callbacks(List.of(id)).get(id), "no callback on a late answer");
    }
}
