package epaprlab.orchestrator.policy;

import java.time.Duration;

/**
 * How many crash or watchdog restarts a VM may have within a sliding window, and the exponential
 * backoff before each: the n-th restart in a row waits {@code min · 2^(n-1)}, at most {@code max}.
 */
public record RestartIntensity(int maxRestarts, Duration within, Duration backoffMin, Duration backoffMax) {
    public static final RestartIntensity DEFAULT =
            new RestartIntensity(3, Duration.ofMinutes(1), Duration.ofMillis(10), Duration.ofSeconds(1));

    public RestartIntensity {
        if (maxRestarts < 0) throw new IllegalArgumentException("max restarts must be >= 0");
        if (within.isNegative() || within.isZero()) throw new IllegalArgumentException("window must be positive");
        if (backoffMin.isNegative() || backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= min <= max");
        }
    }
}
