package epaprlab.orchestrator.lab;

/**
 * Receives a lab's events in order: the events of each VM as they happen, then one
 * {@link LabEvent.LabFinished}. Called from the lab guardian only, one event at a time.
 */
@FunctionalInterface
public interface LabObserver {
    void onEvent(LabEvent event);
}
