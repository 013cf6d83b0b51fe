package dev.rbmrevoker.sweep;

import dev.rbmrevoker.testing.MessagesTableResource;
import dev.rbmrevoker.testing.TestClock;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sweep function ({@code SWEEP_ENABLED}: the default profile is the API function, without the route).
 * The sweep tests' own messages table, so that due messages other test classes leave behind neither
 * slow a sweep down (its lookahead waits for them) nor blur its summary. RBM's 200 on a revoke is trusted
 * at once ({@code REVOKE_CONFIRM_WINDOW=PT0S}) so that one sweep revokes and falls back; the window has
 * tests of its own (ConfirmWindowSweepTest). Two hand-over attempts per channel, so that
 * FallbackRetrySweepTest exhausts them (no other sweep test fails a hand-over), and a {@link TestClock} that
 * lets a test pass a fallback's backoff without waiting it out: one profile, one application start for all.
 * Campaign revocations run at 1,000 RBM calls/s, so that the campaign tests' thousands of messages take seconds.
 */
public class SweepProfile implements QuarkusTestProfile {

    public static final String TABLE = "rbm-revoker-sweep-test";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("messages.table", TABLE, "lifecycle.revoke-confirm-window", "PT0S",
                "fallback.max-attempts", "2", "sweep.enabled", "true", "campaign.revoke-rate", "1000");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(MessagesTableResource.class, Map.of(MessagesTableResource.TABLE, TABLE)));
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(TestClock.class);
    }
}
