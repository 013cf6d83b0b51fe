package dev.rbmrevoker.sweep;

import dev.rbmrevoker.testing.DynamoDbLocalResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The sweep tests' own messages table, so that due messages other test classes leave behind neither
 * slow a sweep down (its lookahead waits for them) nor blur its summary. RBM's 200 on a revoke is trusted
 * at once ({@code REVOKE_CONFIRM_WINDOW=PT0S}) so that one sweep revokes and falls back; the window has
 * tests of its own (ConfirmWindowSweepTest).
 */
public class SweepProfile implements QuarkusTestProfile {

    public static final String TABLE = "rbm-revoker-sweep-test";

    @Override
    public Map<String, String> getConfigOverrides() {
        DynamoDbLocalResource.server().createMessagesTable(TABLE);
        return Map.of("messages.table", TABLE, "lifecycle.revoke-confirm-window", "PT0S");
    }
}
