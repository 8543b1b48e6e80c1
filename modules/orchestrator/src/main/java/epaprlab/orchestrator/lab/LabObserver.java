package epaprlab.orchestrator.lab;

import epaprlab.orchestrator.vm.Lifecycle;
import java.util.List;

/**
 * Receives a lab's events in order: the events of each VM as they happen, then one
 * {@link LabEvent.LabFinished}. Called from the lab guardian only, one event at a time.
 */
@FunctionalInterface
public interface LabObserver {
    void onEvent(LabEvent event);

    /**
     * False when this observer reads no lifecycle transition but those into {@link Lifecycle#RUNNING}:
     * the lab's VMs then publish only those (fewer messages per start).
     */
    default boolean wantsEveryTransition() {
        return true;
    }

    /** Every one of {@code observers}, in order; it wants every transition when one of them does. */
    static LabObserver all(List<? extends LabObserver> observers) {
        List<LabObserver> each = List.copyOf(observers);
        boolean every = each.stream().anyMatch(LabObserver::wantsEveryTransition);
        return new LabObserver() {
            @Override public void onEvent(LabEvent event) {
                for (LabObserver o : each) o.onEvent(event);
            }

            @Override public boolean wantsEveryTransition() {
                return every;
            }
        };
    }
}
