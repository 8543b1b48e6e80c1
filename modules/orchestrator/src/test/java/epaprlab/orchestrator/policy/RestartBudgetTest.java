package epaprlab.orchestrator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestartBudgetTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void backoffDoublesUpToItsMaximumAndTheWindowLimitsRestarts() {
        var budget = new RestartBudget(new RestartIntensity(4, Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofMillis(300)));
        assertEquals(Optional.of(Duration.ofMillis(100)), budget.tryAcquire(T0));
        assertEquals(Optional.of(Duration.ofMillis(200)), budget.tryAcquire(T0.plusSeconds(1)));
        assertEquals(Optional.of(Duration.ofMillis(300)), budget.tryAcquire(T0.plusSeconds(2)), "capped at max");
        assertEquals(Optional.of(Duration.ofMillis(300)), budget.tryAcquire(T0.plusSeconds(3)));
        assertEquals(Optional.empty(), budget.tryAcquire(T0.plusSeconds(4)), "a fifth restart within 10 s");
        assertEquals(4, budget.used());
    }

    @Test
    void restartsOutsideTheWindowAreForgotten() {
        var budget = new RestartBudget(new RestartIntensity(2, Duration.ofSeconds(10), Duration.ofMillis(10),
                Duration.ofSeconds(1)));
        budget.tryAcquire(T0);
        budget.tryAcquire(T0.plusSeconds(1));
        assertEquals(Optional.empty(), budget.tryAcquire(T0.plusSeconds(5)));
        assertEquals(Optional.of(Duration.ofMillis(20)), budget.tryAcquire(T0.plusSeconds(10).plusMillis(1)),
                "the first restart left the window; the streak counts what is inside it");
    }

    @Test
    void zeroRestartsAllowedMeansNone() {
        var budget = new RestartBudget(new RestartIntensity(0, Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO));
        assertEquals(Optional.empty(), budget.tryAcquire(T0));
    }
}
