package dev.rbmrevoker.rbm;

import java.time.Duration;
import java.util.Optional;

import dev.rbmrevoker.local.rbm.RbmTestServer;

/** An {@link RbmConfig} for tests, pointed at a test server, with short timeouts and backoffs. */
final class TestRbmConfig implements RbmConfig {

    private final String endpoint;
    private final String region;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    private TestRbmConfig(String endpoint, String region, Duration connectTimeout, Duration readTimeout, int maxAttempts,
            Duration initialBackoff, Duration maxBackoff) {
        this.endpoint = endpoint;
        this.region = region;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    static TestRbmConfig forServer(RbmTestServer server) {
        return new TestRbmConfig(server.baseUrl(), "global", Duration.ofSeconds(1), Duration.ofSeconds(2), 4,
                Duration.ofMillis(50), Duration.ofMillis(200));
    }

    TestRbmConfig withReadTimeout(Duration readTimeout) {
        return new TestRbmConfig(endpoint, region, connectTimeout, readTimeout, maxAttempts, initialBackoff, maxBackoff);
    }

    TestRbmConfig withMaxAttempts(int maxAttempts) {
        return new TestRbmConfig(endpoint, region, connectTimeout, readTimeout, maxAttempts, initialBackoff, maxBackoff);
    }

    TestRbmConfig withBackoff(Duration initialBackoff, Duration maxBackoff) {
        return new TestRbmConfig(endpoint, region, connectTimeout, readTimeout, maxAttempts, initialBackoff, maxBackoff);
    }

    @Override
    public Optional<String> agentId() {
        return Optional.of("agent-a");
    }

    @Override
    public String region() {
        return region;
    }

    @Override
    public Optional<String> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    @Override
    public Optional<String> serviceAccountJson() {
        return Optional.empty();
    }

    @Override
    public Optional<String> webhookClientToken() {
        return Optional.empty();
    }

    @Override
    public Optional<String> secretArn() {
        return Optional.empty();
    }

    @Override
    public Duration secretMaxAge() {
        return Duration.ofMinutes(5);
    }

    @Override
    public Optional<String> webhookForwardUrl() {
        return Optional.empty();
    }

    @Override
    public Duration connectTimeout() {
        return connectTimeout;
    }

    @Override
    public Duration readTimeout() {
        return readTimeout;
    }

    @Override
    public Retry retry() {
        return new Retry() {
            @Override
            public int maxAttempts() {
                return maxAttempts;
            }

            @Override
            public Duration initialBackoff() {
                return initialBackoff;
            }

            @Override
            public Duration maxBackoff() {
                return maxBackoff;
            }
        };
    }
}
