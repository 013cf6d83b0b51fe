package dev.rbmrevoker.revoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rbmrevoker.local.rbm.Route;
import dev.rbmrevoker.message.Fallback;
import dev.rbmrevoker.message.Message;
import dev.rbmrevoker.message.MessageState;
import dev.rbmrevoker.message.MessageStore;
import dev.rbmrevoker.message.RevokeClaim;
import dev.rbmrevoker.message.TransitionResult;
import dev.rbmrevoker.send.SendCommand;
import dev.rbmrevoker.send.SendService;
import dev.rbmrevoker.testing.RevokerResource;
import dev.rbmrevoker.testing.StoreFaults;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A revoke that died between RBM's answer and our record of it is finished by a later revoke. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class RevokeCrashPointTest {

    private static final String PHONE = "+16502530001";

    @Inject
    SendService sends;
    @Inject
    RevokeService revokes;
    @Inject
    MessageStore store;

    @BeforeEach
    void reset() {
        RevokerResource.resetAll();
    }

    @AfterEach
    void noMoreOutages() {
        StoreFaults.clear();
    }

    private String sent() {
        String id = UUID.randomUUID().toString();
        sends.send(new SendCommand(id, RevokerResource.AGENT, PHONE, "{\"contentMessage\":{\"text\":\"hi\"}}",
                Instant.now().plusSeconds(600), Fallback.requested("Your code is 1234", true), "fingerprint-" + id));
        return id;
    }

    /** The lease of the dead revoke has run out. */
    private void leaseRunsOut(String id) {
        Message revoking = store.get(id).orElseThrow();
        RevokeClaim claim = revoking.claim();
        Message expired = revoking.toBuilder()
                .claim(new RevokeClaim(Instant.now().minusSeconds(1), claim.reason(), claim.fallback(), claim.by(),
                        claim.uncertain()))
                .dueAt(Instant.now().minusSeconds(1)).build();
        assertInstanceOf(TransitionResult.Applied.class, store.transition(revoking, expired));
    }

    @Test
    void storeDownWhenRecordingRbmsRevoke_leavesALease_andTheRevokeAfterItFallsBackOnce() {
        String id = sent();
        RevokeCommand command = new RevokeCommand(id, null, null, null);
        // The claim is written; recording RBM's 200 fails.
        StoreFaults.failTransitionsAfter(1, 1);
        assertThrows(RuntimeException.class, () -> revokes.revoke(command));
        assertEquals(MessageState.REVOKING, store.get(id).orElseThrow().state());
        assertEquals("REVOKED", RevokerResource.rbm().message(id).orElseThrow().state().name());
        assertInstanceOf(RevokeResult.InProgress.class, revokes.revoke(command), "the lease still holds");

        leaseRunsOut(id);
        RevokeResult result = revokes.revoke(command);

        assertInstanceOf(RevokeResult.Revoked.class, result);
        assertEquals(MessageState.FALLEN_BACK, store.get(id).orElseThrow().state());
        assertEquals(2, RevokerResource.rbm().calls(Route.REVOKE).size());
        assertEquals(1, RevokerResource.sns().publishes().size());
        assertEquals(1, RevokerResource.callbacks().received().size());
    }
}
