package epaprlab.orchestrator.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/** The restarts one VM has used: a sliding window over {@link RestartIntensity}. Actor-local. */
public final class RestartBudget {
    private final RestartIntensity intensity;
    private final Deque<Instant> recent = new ArrayDeque<>();
    private int streak;

    public RestartBudget(RestartIntensity intensity) {
        this.intensity = intensity;
    }

    /**
     * Takes one restart at {@code now}: the backoff to wait before booting again, or empty when the
     * window already holds the maximum (the VM must end with restart-limit).
     */
    public Optional<Duration> tryAcquire(Instant now) {
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(now.minus(intensity.within()))) recent.removeFirst();
        if (recent.size() >= intensity.maxRestarts()) return Optional.empty();
        recent.addLast(now);
        streak = recent.size();
        long factor = 1L << Math.min(30, streak - 1);
        Duration backoff = intensity.backoffMin().multipliedBy(factor);
        return Optional.of(backoff.compareTo(intensity.backoffMax()) > 0 ? intensity.backoffMax() : backoff);
    }

    /** Restarts currently inside the window. */
    public int used() { return recent.size(); }
}
