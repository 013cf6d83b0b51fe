package dev.rbmrevoker.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.DueCursor;
import dev.rbmrevoker.message.DuePage;
import dev.rbmrevoker.message.FallbackReason;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.Presumption;
import dev.rbmrevoker.message.Messages;
import dev.rbmrevoker.message.NewMessage;
import dev.rbmrevoker.message.RbmGateway;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the sweep finds: every page of every shard, and messages RBM expires only after the TTL grace. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
@TestProfile(SweepProfile.class)
class SweepCoverageTest {

    @Inject
    Sweeper sweeper;
    @Inject
    Sweepers sweepers;
    @Inject
    MessageStore store;
    @Inject
    RbmGateway rbm;

    @BeforeEach
    void reset() {
        SweepFixtures.clearTable();
        RevokerResource.resetAll();
    }

    @Test
    void sweep_readsEveryPageOfEveryShard() throws Exception {
        List<String> ids = SweepFixtures.ids(SweepFixtures.pendingAtRbm(store, rbm, 60));
        SmallPages pages = new SmallPages(store, 3);
        Sweeper paging = sweepers.over(pages);

        SweepSummary summary = paging.sweep(Duration.ofSeconds(30));

        assertTrue(pages.followedCursors.get() > 0, "pages after the first were read");
        assertEquals(60, summary.revoked(), summary.toString());
        assertEquals(SweepFixtures.once(ids), SweepFixtures.revokeCalls(0), "RBM revoke calls per message");
    }

    @Test
    void messageRbmExpires_isLeftAloneDuringTheGrace_thenA404AfterItFallsBack() throws Exception {
        Instant now = SweepFixtures.now();
        // RBM was told to expire both and did (it no longer has them): a revoke now answers 404.
        Message inGrace = store.create(Message.tracked(rbmExpiring(now.minusSeconds(30)), Messages.TIMING,
                now.minus(Duration.ofMinutes(10))));
        Message pastGrace = store.create(Message.tracked(rbmExpiring(now.minus(Duration.ofMinutes(3))),
                Messages.TIMING, now.minus(Duration.ofMinutes(10))));

        sweeper.sweep(Duration.ofSeconds(20));

        List<String> revoked = RevokerResource.rbm().calls(Route.REVOKE).stream()
                .map(c -> c.rawPath().substring(c.rawPath().lastIndexOf('/') + 1)).toList();
        assertEquals(List.of(pastGrace.messageId()), revoked, "only the message past its grace was revoked");
        assertEquals(MessageState.PENDING, store.get(inGrace.messageId()).orElseThrow().state());
        Message settled = store.get(pastGrace.messageId()).orElseThrow();
        assertEquals(MessageState.FALLEN_BACK, settled.state(), "FALLBACK_ON_AMBIGUOUS: " + settled.history());
        assertEquals(FallbackReason.DEADLINE_PASSED, settled.fallback().reason());
        assertEquals(Map.of(pastGrace.messageId(), 1L), SweepFixtures.smsPublishes(List.of(pastGrace.messageId())));
    }

    private static NewMessage rbmExpiring(Instant deadline) {
        NewMessage spec = SweepFixtures.spec(deadline);
        return new NewMessage(spec.messageId(), spec.agentId(), spec.phoneNumber(), deadline, true,
                spec.fingerprint(), spec.rbmPayload(), spec.fallback());
    }

    /** The real store, read in pages of a few items so that the sweep must follow cursors. */
    private static final class SmallPages implements MessageStore {
        private final MessageStore store;
        private final int pageSize;
        final AtomicInteger followedCursors = new AtomicInteger();

        SmallPages(MessageStore store, int pageSize) {
            this.store = store;
            this.pageSize = pageSize;
        }

        @Override
        public DuePage queryDue(int shard, Instant upTo, int ignored, DueCursor after) {
            if (after != null) {
                followedCursors.incrementAndGet();
            }
            return store.queryDue(shard, upTo, pageSize, after);
        }

        @Override
        public Message create(Message message) {
            return store.create(message);
        }

        @Override
        public Optional<Message> get(String messageId) {
            return store.get(messageId);
        }

        @Override
        public TransitionResult transition(Message from, Message to) {
            return store.transition(from, to);
        }

        @Override
        public TransitionResult transition(Presumption presumed, Message to) {
            return store.transition(presumed, to);
        }

        @Override
        public int dueShards() {
            return store.dueShards();
        }
    }
}
