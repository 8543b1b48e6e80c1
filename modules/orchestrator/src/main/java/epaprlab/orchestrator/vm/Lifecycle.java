package epaprlab.orchestrator.vm;

/**
 * The states of one VM. {@link #to} is the only way to change state, so every transition is
 * checked here and nowhere else. A VM starts in BOOTING (from its images) or RESTORING (from a
 * snapshot); SNAPSHOTTING is the pause of every vCPU while its snapshot is taken.
 */
public enum Lifecycle {
    BOOTING, RESTORING, RUNNING, SNAPSHOTTING, RESETTING, SHUTTING_DOWN, STOPPED, FAILED;

    /** Returns {@code next} if the move is legal; throws otherwise (a bug, not guest behaviour). */
    public Lifecycle to(Lifecycle next) {
        boolean legal = next == FAILED ? this != STOPPED && this != FAILED : switch (this) {
            case BOOTING, RESTORING -> next == RUNNING;
            case RUNNING -> next == RESETTING || next == SHUTTING_DOWN || next == SNAPSHOTTING;
            case SNAPSHOTTING -> next == RUNNING || next == SHUTTING_DOWN;
            case RESETTING -> next == BOOTING || next == RESTORING || next == SHUTTING_DOWN;
            case SHUTTING_DOWN -> next == STOPPED;
            case STOPPED, FAILED -> false;
        };
        if (!legal) throw new IllegalStateException("lifecycle " + this + " -> " + next);
        return next;
    }

    /** True for the states a VM never leaves. */
    public boolean isFinal() { return this == STOPPED || this == FAILED; }
}
