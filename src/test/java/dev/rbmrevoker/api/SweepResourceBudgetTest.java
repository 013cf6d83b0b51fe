package dev.rbmrevoker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.Context;
import dev.rbmrevoker.config.LifecycleConfig;
import dev.rbmrevoker.observe.Metrics;
import dev.rbmrevoker.sweep.SweepConfig;
import dev.rbmrevoker.sweep.SweepSummary;
import dev.rbmrevoker.sweep.Sweeper;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The sweep's budget: the Lambda invocation's time left, or SWEEP_BUDGET when that is unknown or absurd. */
class SweepResourceBudgetTest {

    private static final Metrics METRICS = new Metrics(line -> { }, java.time.Clock.systemUTC());

    private static final Duration CONFIGURED = Duration.ofSeconds(50);

    @Test
    void budget_isTheInvocationsTimeLeft() {
        assertEquals(Duration.ofSeconds(58), budgetFor(lambdaWithMillisLeft(58_000)));
    }

    @Test
    void budget_isSweepBudget_whenTheMockEventServerReportsNonsense() {
        assertEquals(CONFIGURED, budgetFor(lambdaWithMillisLeft(-1_700_000_000)));
        assertEquals(CONFIGURED, budgetFor(lambdaWithMillisLeft(0)));
        assertEquals(CONFIGURED, budgetFor(lambdaWithMillisLeft(Integer.MAX_VALUE)));
        assertEquals(CONFIGURED, budgetFor(null));
    }

    @Test
    void disabledSweep_answersNotFound_withoutSweeping() {
        RecordingSweeper sweeper = new RecordingSweeper();
        SweepResource resource = new SweepResource(sweeper, config(false), METRICS);

        ProblemException e = assertThrows(ProblemException.class, () -> resource.sweep(lambdaWithMillisLeft(58_000)));

        assertEquals(404, e.problem().status());
        assertNull(sweeper.budget, "no sweep ran");
    }

    @Test
    void failedSweep_answersAServerError() {
        RecordingSweeper sweeper = new RecordingSweeper();
        sweeper.failure = new IllegalStateException("DynamoDB unreachable");
        SweepResource resource = new SweepResource(sweeper, config(true), METRICS);

        ProblemException e = assertThrows(ProblemException.class, () -> resource.sweep(null));

        assertEquals(500, e.problem().status());
    }

    private static Duration budgetFor(Context lambda) {
        RecordingSweeper sweeper = new RecordingSweeper();
        new SweepResource(sweeper, config(true), METRICS).sweep(lambda);
        return sweeper.budget;
    }

    private static Context lambdaWithMillisLeft(int millis) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> method.getName().equals("getRemainingTimeInMillis") ? millis : null);
    }

    private static final class RecordingSweeper extends Sweeper {
        Duration budget;
        RuntimeException failure;

        RecordingSweeper() {
            super(null, null, null, null, null, null, null, null, null, lifecycle(), METRICS, null, null);
        }

        @Override
        public SweepSummary sweep(Duration given) {
            if (failure != null) {
                throw failure;
            }
            budget = given;
            return new SweepSummary(0, 0, 0, 0, 0, 0, 0);
        }
    }

    private static SweepConfig config(boolean enabled) {
        return new SweepConfig() {
            public boolean enabled() {
                return enabled;
            }

            public int concurrency() {
                return 16;
            }

            public Duration lookahead() {
                return Duration.ofSeconds(60);
            }

            public Duration budget() {
                return CONFIGURED;
            }

            public Duration margin() {
                return Duration.ofSeconds(5);
            }

            public int maxItems() {
                return 20_000;
            }
        };
    }

    private static LifecycleConfig lifecycle() {
        return new LifecycleConfig() {
            public Duration leaseDuration() {
                return Duration.ofMinutes(2);
            }

            public Duration ttlGrace() {
                return Duration.ofMinutes(2);
            }

            public Duration callBudget() {
                return Duration.ofSeconds(10);
            }

            public Duration retention() {
                return Duration.ofDays(30);
            }

            public int revokeMaxAttempts() {
                return 5;
            }

            public Duration revokeConfirmWindow() {
                return Duration.ofSeconds(5);
            }
        };
    }
}
