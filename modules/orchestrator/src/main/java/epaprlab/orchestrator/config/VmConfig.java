package epaprlab.orchestrator.config;

import epaprlab.machine.board.BoardSpec;
import epaprlab.orchestrator.policy.Policies;
import epaprlab.orchestrator.snapshot.VmSnapshot;
import epaprlab.orchestrator.vm.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One VM as configured: its HOCON keys over the {@code epapr-lab.vm} defaults, checked.
 *
 * @param board    the hardware (and what its device tree advertises)
 * @param expect   the outcomes that count as success
 */
public record VmConfig(Path image, BoardSpec board, Policies policies, Limits limits, ResultRules result,
                       Set<Outcome> expect, EngineTuning engine, int consoleMaxLine, List<ConsoleStep> consoleSteps,
                       Optional<Ppce500Files> ppce500, SnapshotRules snapshot) {

    public VmConfig {
        expect = Set.copyOf(expect);
        consoleSteps = List.copyOf(consoleSteps);
    }

    /** A VM that takes no snapshot by itself and boots from its images. */
    public VmConfig(Path image, BoardSpec board, Policies policies, Limits limits, ResultRules result,
                    Set<Outcome> expect, EngineTuning engine, int consoleMaxLine, List<ConsoleStep> consoleSteps,
                    Optional<Ppce500Files> ppce500) {
        this(image, board, policies, limits, result, expect, engine, consoleMaxLine, consoleSteps, ppce500, SnapshotRules.NONE);
    }

    /** A VM of the ePAPR board. */
    public VmConfig(Path image, BoardSpec board, Policies policies, Limits limits, ResultRules result,
                    Set<Outcome> expect, EngineTuning engine, int consoleMaxLine, List<ConsoleStep> consoleSteps) {
        this(image, board, policies, limits, result, expect, engine, consoleMaxLine, consoleSteps, Optional.empty());
    }

    /**
     * The images of a {@code board = ppce500} VM (QEMU's -bios, -kernel, -initrd); at least one of
     * bios and kernel. {@link #image()} is then the one CPU 0 enters (bios, else kernel).
     */
    public record Ppce500Files(Optional<Path> bios, Optional<Path> kernel, Optional<Path> initrd) {}

    public String name() { return board.name(); }

    /** {@code snapshot.at}: what makes the lab take the VM's snapshot (besides a host request). */
    public enum SnapshotAt { NONE, HYPERCALL, CONSOLE }

    /**
     * The VM's snapshot keys.
     *
     * @param consolePattern with {@link SnapshotAt#CONSOLE}: the output that triggers it
     * @param file           where to save the snapshot when it is taken
     * @param from           the snapshot file to start from instead of booting, read and checked
     *                       when the config was loaded (one object for every VM naming the file)
     * @param bootOnce       {@code boot-once}: one VM of {@code group} boots to the snapshot point,
     *                       the others start from its snapshot
     * @param group          the lab entry (and matrix combination) the VM belongs to
     */
    public record SnapshotRules(SnapshotAt at, Optional<Pattern> consolePattern, Optional<Path> file,
                                Optional<VmSnapshot> from, boolean bootOnce, String group) {
        public static final SnapshotRules NONE = new SnapshotRules(SnapshotAt.NONE, Optional.empty(), Optional.empty(),
                Optional.empty(), false, "");
    }

    /** The limits that end a VM: wall clock, instructions (0 = none), console silence (zero = none). */
    public record Limits(Duration wallTimeout, long maxInstructions, Duration consoleSilence) {}

    /** Where a pass/fail result comes from besides the result hypercall. */
    public record ResultRules(Optional<Pattern> pass, Optional<Pattern> fail, boolean endOnResult) {}

    /**
     * One scripted console step ({@code console.steps[number - 1]}): wait until the console output
     * since the previous step matches {@code waitFor}, then type {@code send} and a newline (if
     * given); the VM ends as {@code step-timed-out} if the match takes longer than {@code timeout}.
     */
    public record ConsoleStep(int number, Pattern waitFor, Optional<String> send, Duration timeout) {
        /** How reports name the step. */
        public String describe() {
            return "console step " + number + " (wait for /" + waitFor.pattern() + "/"
                    + send.map(line -> ", then send \"" + line + "\"").orElse("") + ")";
        }
    }

    /**
     * How the vCPU actors run the engine.
     *
     * @param traceBranches the last taken branches each vCPU keeps for its crash report
     *                      ({@code debug.trace-branches}); 0 = none
     */
    public record EngineTuning(long turnInstructions, Duration spinPoll, int traceBranches, Gdb gdb) {}

    /** When a VM serves the GDB remote protocol ({@code debug.gdb}). */
    public enum GdbMode {
        /** No stub (the default). */
        OFF,
        /** The first instruction waits until a debugger attaches and continues. */
        HOLD,
        /** The VM runs; a crash, engine error or watchdog holds it for a debugger instead of ending it. */
        ON_CRASH
    }

    /** The GDB stub: its mode and TCP port on 127.0.0.1 (0 = any free port, printed at start). */
    public record Gdb(GdbMode mode, int port) {}

    /** The same VM keeping its last {@code n} branches per vCPU ({@code --trace-branches}). */
    public VmConfig withTraceBranches(int n) {
        return new VmConfig(image, board, policies, limits, result, expect,
                new EngineTuning(engine.turnInstructions(), engine.spinPoll(), n, engine.gdb()), consoleMaxLine, consoleSteps, ppce500, snapshot);
    }

    /** The same VM with a GDB stub ({@code --gdb VM[:PORT]}). */
    public VmConfig withGdb(Gdb gdb) {
        return new VmConfig(image, board, policies, limits, result, expect,
                new EngineTuning(engine.turnInstructions(), engine.spinPoll(), engine.traceBranches(), gdb), consoleMaxLine,
                consoleSteps, ppce500, snapshot);
    }

    /** The same VM under another name and guest id (lab counts and matrices). */
    public VmConfig renamed(String name, int guestId) {
        BoardSpec b = board;
        return new VmConfig(image, new BoardSpec(name, guestId, b.cpu(), b.ramBytes(), b.vcpus(), b.hypercalls(),
                b.idle(), b.bootargs(), b.clockHz(), b.timebaseHz(), b.consoleBuffer(), b.timeSource(),
                b.compileThreshold()),
                policies, limits, result, expect, engine, consoleMaxLine, consoleSteps, ppce500, snapshot);
    }

    /** The same VM with other snapshot keys (a boot-once entry's clones). */
    public VmConfig withSnapshot(SnapshotRules rules) {
        return new VmConfig(image, board, policies, limits, result, expect, engine, consoleMaxLine, consoleSteps, ppce500, rules);
    }
}
