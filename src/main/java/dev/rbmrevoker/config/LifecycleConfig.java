package dev.rbmrevoker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Time rules of the message lifecycle; application.properties binds them to API.md's variables. */
@ConfigMapping(prefix = "lifecycle")
public interface LifecycleConfig {

    /** REVOKING lease ({@code LEASE_DURATION}); must outlast any revoke's retry budget. */
    @WithDefault("PT2M")
    Duration leaseDuration();

    /** Wait for RBM's own expiry events before the sweep acts ({@code TTL_GRACE}). */
    @WithDefault("PT2M")
    Duration ttlGrace();

    /**
     * Time one request may spend on RBM and fallback calls, retries included ({@code CALL_BUDGET}); well
     * inside API Gateway's 30 s, and shorter than the lease.
     */
    @WithDefault("PT10S")
    Duration callBudget();

    /**
     * After RBM's 200 on a revoke, how long the fallback waits for a contradicting DELIVERED/READ event
     * before it is handed over ({@code REVOKE_CONFIRM_WINDOW}); {@code PT0S} trusts the 200.
     */
    @WithDefault("PT5S")
    Duration revokeConfirmWindow();

    /** How long finished messages are kept before DynamoDB's TTL removes them ({@code RETENTION}). */
    @WithDefault("P30D")
    Duration retention();

    /**
     * Automatic revokes RBM may refuse (400/403) before the sweep stops revoking the message
     * ({@code REVOKE_MAX_ATTEMPTS}, at least 1); they are tried again after 1, 2, 4, 8... minutes.
     */
    @WithDefault("5")
    int revokeMaxAttempts();
}
