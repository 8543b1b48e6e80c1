package epaprlab.orchestrator.vm;

import epaprlab.orchestrator.snapshot.VmSnapshot;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/** What a VM publishes: every lifecycle transition, every console line, and its end. */
public sealed interface VmEvent {
    String vm();

    Instant at();

    /** A lifecycle transition; {@code why} says what caused it. */
    record LifecycleChanged(String vm, Lifecycle from, Lifecycle to, String why, Instant at) implements VmEvent {}

    /** One line the guest wrote to its console (byte channel), without the line end. */
    record ConsoleLine(String vm, String line, Instant at) implements VmEvent {}

    /**
     * The VM's snapshot was taken ({@code trigger}: hypercall, console or host) and, with
     * {@code snapshot.file}, saved to {@code savedTo}; the VM went on running.
     */
    record SnapshotTaken(String vm, VmSnapshot snapshot, String trigger, Optional<Path> savedTo, Instant at) implements VmEvent {}

    /**
     * The VM reached STOPPED or FAILED: none of its vCPUs runs, its pages are given back (its
     * actors are gone, or, for a clone run in place, the actor waits for the next clone).
     */
    record VmFinished(VmResult result, Instant at) implements VmEvent {
        @Override public String vm() { return result.vm(); }
    }
}
