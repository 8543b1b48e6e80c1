package epaprlab.orchestrator.vm;

import epaprlab.orchestrator.config.VmConfig.ConsoleStep;
import epaprlab.orchestrator.console.BoundedMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How far a VM's scripted console steps have come: the step that waits now, and the console text
 * it has to look at (what came after the previous step's match, as LAVA's expect continues after
 * the last match). Pure and actor-local: the supervisor feeds it the output it receives as
 * messages and acts on what it returns.
 */
final class ConsoleScript {
    /** Text kept for the waiting step at most; older output is dropped from the front. */
    static final int MAX_SEEN = 64 * 1024;

    private final List<ConsoleStep> steps;
    private int next;
    private final StringBuilder seen = new StringBuilder();

    ConsoleScript(List<ConsoleStep> steps) {
        this.steps = List.copyOf(steps);
    }

    /** The step that waits now, or empty when every step is done. */
    Optional<ConsoleStep> current() {
        return next < steps.size() ? Optional.of(steps.get(next)) : Optional.empty();
    }

    /**
     * Takes console output; returns the steps it completed, in order (each one's input is due
     * now). Several steps can complete at once when the output holds each one's pattern in turn.
     *
     * @throws BoundedMatch.Runaway when the waiting step's pattern ran out of its budget ({@link #current} is that step)
     */
    List<ConsoleStep> onOutput(String text) throws BoundedMatch.Runaway {
        if (next == steps.size()) return List.of();
        seen.append(text);
        if (seen.length() > MAX_SEEN) seen.delete(0, seen.length() - MAX_SEEN);
        List<ConsoleStep> done = new ArrayList<>();
        while (next < steps.size()) {
            int end = BoundedMatch.find(steps.get(next).waitFor(), seen);
            if (end < 0) break;
            done.add(steps.get(next++));
            seen.delete(0, end);
        }
        return done;
    }
}
