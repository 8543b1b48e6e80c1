package epaprlab.orchestrator.vm;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.board.Machine;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.ResetReason;
import epaprlab.orchestrator.admission.VmCharge;
import epaprlab.orchestrator.config.Durations;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.config.VmConfig.ConsoleStep;
import epaprlab.orchestrator.console.BoundedMatch;
import epaprlab.orchestrator.console.ConsoleSink;
import epaprlab.machine.snapshot.SnapshotFile;
import epaprlab.orchestrator.debug.CrashReport;
import epaprlab.orchestrator.snapshot.SnapshotFacts;
import epaprlab.orchestrator.snapshot.VmSnapshot;
import epaprlab.ppc.mem.PageBudgetExceeded;
import epaprlab.orchestrator.debug.CrashReporter;
import epaprlab.orchestrator.debug.DebugGate;
import epaprlab.orchestrator.debug.GdbStub;
import epaprlab.orchestrator.policy.Policies;
import epaprlab.orchestrator.policy.RestartBudget;
import epaprlab.orchestrator.vcpu.Baton;
import epaprlab.orchestrator.vcpu.HypercallCounts;
import epaprlab.orchestrator.vcpu.VcpuActor;
import epaprlab.orchestrator.vcpu.VcpuLoop;
import epaprlab.orchestrator.vcpu.VcpuReport;
import epaprlab.orchestrator.vcpu.VcpuReport.EngineFailed;
import epaprlab.orchestrator.vcpu.VcpuReport.GuestCrashed;
import epaprlab.orchestrator.vcpu.VcpuReport.InstructionLimitReached;
import epaprlab.orchestrator.vcpu.VcpuReport.ResetRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.ResultReported;
import epaprlab.orchestrator.vcpu.VcpuReport.ShutdownRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.SnapshotRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.VcpuStop;
import epaprlab.orchestrator.vcpu.VcpuReport.WatchdogExpired;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.ppc.cpu.TimeSource;
import epaprlab.ppc.disasm.Disassembler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Set;

/**
 * Owns one guest: its board (RAM, devices, pristine image) and what runs its vCPUs: for a VM of
 * one vCPU this actor itself (the vCPU's {@link VcpuLoop} runs in its mailbox, so a start spawns,
 * watches and stops nothing more), else a subtree of one {@link VcpuActor} per vCPU. Each
 * lifecycle state is its own behaviour that accepts only what is legal there ({@link #running},
 * {@link #resetting}, {@link #awaitingBackoff}, {@link #shuttingDown}, {@link #failing}); BOOTING is passed through synchronously in {@link #boot}. Which state the VM
 * is in is which behaviour is current: no field holds it, and {@link #move} (through
 * {@link Lifecycle#to}) is the only place a transition is checked and published. Every way the
 * VM can end is an {@link Outcome}, chosen by one total mapping in {@link #onStop}.
 *
 * <p>Reset or restart: stop every vCPU actor, wait until each has terminated (only then may RAM be
 * touched; the own loop of a one-vCPU VM stops at once, as none of its turns runs meanwhile), wait
 * the backoff if it is a crash restart, rebuild RAM and the device tree from the pristine image
 * with the next boot count and reason, spawn a fresh subtree (or loop). Ending: stop the
 * subtree, wait until it has terminated, publish the result, stop.
 *
 * <p>Clones one after another ({@link #createTakingClones}, a lab's clones of one vCPU): when a
 * clone has published its result the actor does not stop but waits between clones
 * ({@link #betweenClones}) for the guardian's next clone or its retirement. Each clone is a
 * supervisor object of its own (nothing of the one before is reused but the actor and, through the
 * board factory, maybe its board), and everything a clone sends itself is stamped with it
 * ({@link OfClone}), so a late message of an ended clone is dropped instead of reaching the next.
 */
public final class VmSupervisor {

    /** The supervisor's protocol. */
    public sealed interface Command {}

    /** The host asks the VM to stop (it ends as {@link Outcome#STOPPED}). */
    public record Stop(String why) implements Command {}

    /**
     * The host asks for a reset: like a guest reset (the subtree is replaced, boot count + 1) but
     * with reset reason {@code host-request}. Only RUNNING acts on it; a VM already resetting or
     * ending ignores it.
     */
    public record Reset(String why) implements Command {}

    /** The host asks for a snapshot of the VM now (it goes on running); the reply says when it is taken or why not. */
    public record TakeSnapshot(ActorRef<SnapshotReply> replyTo) implements Command {}

    /** The answer to {@link TakeSnapshot}. */
    public sealed interface SnapshotReply {
        /** Taken (and saved to {@code savedTo} with {@code snapshot.file}). */
        record Taken(String vm, VmSnapshot snapshot, Optional<Path> savedTo) implements SnapshotReply {}

        /** Not taken: the VM is not running (booting, resetting, ending) or the machine refused. */
        record Refused(String vm, String reason) implements SnapshotReply {}
    }

    /**
     * From the lab's guardian to a supervisor that takes clones one after another ({@link #createTakingClones})
     * once it has reported its clone's end: run {@code config}'s VM next, in this actor, from
     * {@code from}, holding {@code charge}. Nothing of the clone before carries over: the new one is
     * a supervisor of its own (its own board from the factory, state, timers, limits, console,
     * result), and whatever the earlier one had under way is dropped ({@link OfClone}).
     */
    public record RunNext(VmConfig config, VmCharge charge, VmSnapshot from) implements Command {}

    /** From the lab's guardian to a supervisor between clones: no clone runs next here, it stops. */
    public enum Retire implements Command { INSTANCE }

    /**
     * Every message a VM sends itself (timers, console callbacks, its own vCPU loop's reports and
     * commands, the wall-clock limit, the debugger), stamped with the supervisor that sent it: an
     * actor that runs clones one after another hands a message only to that clone's states, so
     * nothing late of one clone reaches the next. The own loop's turn is not stamped: it names its
     * loop ({@link ToOwnVcpu}), which is checked the same way. An actor that runs one VM only sends
     * them bare.
     */
    private record OfClone(VmSupervisor sender, Command command) implements Command {}

    /** The console output matched {@code snapshot.console-pattern} (sent once, from a vCPU thread). */
    private enum ConsoleSnapshotMatched implements Command { INSTANCE }

    private record FromVcpu(VcpuReport report) implements Command {}

    private record ChildStopped(ActorRef<VcpuActor.Command> child) implements Command {}

    /**
     * A command or turn for the vCPU loop this actor runs itself (a VM of one vCPU has no vCPU
     * actor); {@code to} tells one of an earlier boot's loop, dropped, from the current one's;
     * null for the supervisor's commands, which go to whichever loop runs when they are handled.
     */
    private record ToOwnVcpu(OwnVcpu to, VcpuActor.Command command) implements Command {}

    /** This actor's timers, one of each at most ({@link SelfTimers}: no interceptor in the path of every message). */
    private enum TimerKey {
        /** The own vCPU loop's one timer (its idle deadline or spin poll). */
        OWN_VCPU_TURN,
        /** The waiting console step's timeout (one step waits at a time). */
        CONSOLE_STEP,
        BOOT_AFTER_BACKOFF,
        SILENCE_CHECK
    }

    /** A timer of {@link #timers} fired; {@link #receive} turns it into the message it was armed with. */
    private record TimerFired(TimerKey key, long generation) implements Command {}

    /** A console line matched the pass or fail pattern (sent from a vCPU thread). */
    private record ConsoleResult(Outcome outcome, String line) implements Command {}

    /** Console output as it came, for the console steps (sent from a vCPU thread; only with steps). */
    private record ConsoleOutput(String text) implements Command {}

    /**
     * A console pattern ran out of its match budget ({@link BoundedMatch}): the VM ends as crashed,
     * {@code detail} naming the VM, the config key and the pattern (sent from a vCPU thread or self).
     */
    private record PatternRunaway(String detail) implements Command {}

    /** Console step {@code number}'s timeout ran out before its pattern was seen. */
    private record StepTimedOut(int number) implements Command {}

    private enum BootAfterBackoff implements Command { INSTANCE }

    /** The debugger began ({@code true}) or ended a hold: the VM's clocks pause meanwhile. */
    private record DebugHeld(boolean held) implements Command {}

    /**
     * The wall-clock limit ran out ({@code which}: the limit armed then, see {@link #wallTimer}; a
     * stale one, cancelled meanwhile, is dropped).
     */
    private record WallTimeout(Object which) implements Command {}

    private enum SilenceCheck implements Command { INSTANCE }

    /** The vCPU actors' dispatcher, configured in conf/reference.conf. */
    public static final String VCPU_DISPATCHER = "epapr-lab.vcpu-dispatcher";

    /**
     * Where a supervisor must be spawned: the vCPU dispatcher, as a VM of one vCPU runs its
     * guest code in its supervisor (never on Akka's default dispatcher).
     */
    public static final DispatcherSelector DISPATCHER = DispatcherSelector.fromConfig(VCPU_DISPATCHER);

    /** A board failed to come up: the image is bad or does not fit. */
    public interface BoardFactory {
        Machine build(VmConfig config) throws BootException, java.io.IOException;

        /**
         * A board for a VM that starts from a snapshot (its state all comes from the snapshot): it
         * may be one that an ended VM of the same hardware gave back ({@link #recycle}).
         */
        default Machine buildForRestore(VmConfig config) throws BootException, java.io.IOException {
            return build(config);
        }

        /** {@code board} of {@code config}'s VM has ended, no vCPU of it runs: it may serve a later restore. */
        default void recycle(VmConfig config, Machine board) {}
    }

    /**
     * The boot a reset leads to: its reason, why (for the transition), the backoff before it, and
     * when the guest asked for it ({@link System#nanoTime()}, -1 when the guest did not: it then
     * does not count as a guest reset).
     */
    private record Reboot(ResetReason reason, String why, Duration backoff, long requestedAtNanos) {}

    public static Behavior<Command> create(VmConfig config, ActorRef<VmEvent> events, BoardFactory boards) {
        return create(config, events, boards, VmCharge.unlimited(), Optional.empty(), new HypercallCounts());
    }

    /**
     * In a lab: {@code charge} is what the VM holds of the lab's heap pool (its RAM's page budget);
     * {@code startFrom}, the snapshot it starts from instead of booting (a boot-once clone), else
     * its {@code snapshot.from} file, if any. {@code hypercalls} is shared by the lab's VMs.
     */
    public static Behavior<Command> create(VmConfig config, ActorRef<VmEvent> events, BoardFactory boards, VmCharge charge,
                                           Optional<VmSnapshot> startFrom, HypercallCounts hypercalls) {
        return create(config, events, boards, hypercalls, ConsoleSink.Tap.NONE, charge, startFrom, true);
    }

    /** As above, with {@code consoleTap} getting the console's bytes as they come (an attached terminal). */
    public static Behavior<Command> create(VmConfig config, ActorRef<VmEvent> events, BoardFactory boards, VmCharge charge,
                                           Optional<VmSnapshot> startFrom, HypercallCounts hypercalls,
                                           ConsoleSink.Tap consoleTap) {
        return create(config, events, boards, hypercalls, consoleTap, charge, startFrom, true);
    }

    /**
     * As above; without {@code everyTransition} only the transitions into RUNNING are published
     * (what the lab's observers read when none prints the lifecycle: two messages fewer per start).
     */
    public static Behavior<Command> create(VmConfig config, ActorRef<VmEvent> events, BoardFactory boards, VmCharge charge,
                                           Optional<VmSnapshot> startFrom, HypercallCounts hypercalls,
                                           ConsoleSink.Tap consoleTap, boolean everyTransition) {
        return create(config, events, boards, hypercalls, consoleTap, charge, startFrom, everyTransition);
    }

    /**
     * For a host: {@code hypercalls} is where this VM's vCPUs count their hypercalls by token
     * (shared by the host's VMs); {@code consoleTap} gets the console's bytes as they come (the
     * {@link ConsoleLine} events still come by lines).
     */
    public static Behavior<Command> create(VmConfig config, ActorRef<VmEvent> events, BoardFactory boards,
                                           HypercallCounts hypercalls, ConsoleSink.Tap consoleTap) {
        return create(config, events, boards, hypercalls, consoleTap, VmCharge.unlimited(), Optional.empty(), true);
    }

    /**
     * In a lab, for a clone of one vCPU (see {@link #takesClones}): as above, but when the VM has
     * ended and reported its result the actor does not stop; it waits for the guardian's
     * {@link RunNext} (the next clone, started in place: no spawn, watch or stop per clone) or
     * {@link Retire}. To everything outside each clone stays a VM of its own.
     */
    public static Behavior<Command> createTakingClones(VmConfig config, ActorRef<VmEvent> events, BoardFactory boards,
                                                       VmCharge charge, VmSnapshot from, HypercallCounts hypercalls,
                                                       boolean everyTransition) {
        return Behaviors.setup(ctx -> begin(ctx, new Slot(events, boards, hypercalls, ConsoleSink.Tap.NONE, everyTransition,
                new SlotDeadline(WallDeadlines.SHARED)), config, charge, Optional.of(from), null));
    }

    /**
     * Whether a supervisor made by {@link #createTakingClones} may run {@code vm}: a VM of one vCPU
     * (its loop runs in the supervisor, so every message of it can be stamped; vCPU actors would
     * report through an adapter and a death watch whose late messages carry no clone).
     */
    public static boolean takesClones(VmConfig vm) {
        return vm.board().vcpus() == 1;
    }

    /**
     * What the VMs an actor runs share (one VM, or clones one after another): where they publish,
     * where boards come from and go back, the hypercall counts, the console tap, and for clones the
     * one wall-clock deadline their limits are watched through (else null: a VM arms its own).
     */
    private record Slot(ActorRef<VmEvent> events, BoardFactory boards, HypercallCounts hypercalls, ConsoleSink.Tap consoleTap,
                        boolean everyTransition, SlotDeadline deadline) {
        /** Whether the actor runs the next clone when this one has ended: the actors that run clones share a deadline. */
        boolean takesNext() { return deadline != null; }
    }

    private static Behavior<Command> create(VmConfig config, ActorRef<VmEvent> events, BoardFactory boards,
                                            HypercallCounts hypercalls, ConsoleSink.Tap consoleTap, VmCharge charge,
                                            Optional<VmSnapshot> startFrom, boolean everyTransition) {
        Slot slot = new Slot(events, boards, hypercalls, consoleTap, everyTransition, null);
        return Behaviors.setup(ctx -> begin(ctx, slot, config, charge, startFrom, null));
    }

    /**
     * A VM's start in this actor (its setup, or a clone that runs next): a new supervisor, its board
     * ({@code kept}, the board of the clone before when it may serve this one, else one from the
     * factory), BOOTING or RESTORING.
     */
    private static Behavior<Command> begin(ActorContext<Command> ctx, Slot slot, VmConfig config, VmCharge charge,
                                           Optional<VmSnapshot> startFrom, Machine kept) {
        Instant started = Instant.now();
        Optional<VmSnapshot> from = startFrom.or(() -> config.snapshot().from());
        Machine board;
        try {
            board = kept != null ? kept : from.isPresent() ? slot.boards().buildForRestore(config) : slot.boards().build(config);
            board.vm().memory().setPageBudget(charge);      // every page the guest writes is charged to the lab's pool
        } catch (PageBudgetExceeded e) {
            return failedAtStart(slot, config, started, Outcome.HOST_OUT_OF_MEMORY, "vm " + config.name()
                    + ": the host's memory, not a guest fault: " + e.getMessage() + "; " + charge.describe());
        } catch (BootException | java.io.IOException | RuntimeException e) {
            return failedAtStart(slot, config, started, Outcome.CRASHED, "cannot boot: " + e.getMessage());
        }
        VmSupervisor vm = new VmSupervisor(ctx, slot, config, board, started, charge).withConsole();
        Duration silence = config.limits().consoleSilence();
        if (!silence.isZero()) {
            Duration every = silence.dividedBy(4).compareTo(Duration.ofSeconds(1)) > 0
                    ? Duration.ofSeconds(1) : silence.dividedBy(4).plusMillis(1);
            vm.timers.startFixedDelay(TimerKey.SILENCE_CHECK, SilenceCheck.INSTANCE, every);
        }
        vm.startedFrom = from.orElse(null);
        return from.isPresent() ? vm.restore(from.get(), Lifecycle.RESTORING, "started from the " + from.get().origin())
                : vm.boot(ResetReason.POWER_ON, "power on");
    }

    /**
     * Between two clones of an actor that runs them one after another: the guardian says which
     * runs next, or that none does. Whatever the clone that ended left on its way is dropped.
     */
    private static Behavior<Command> betweenClones(Slot slot, KeptBoard kept) {
        return Behaviors.receive((ctx, msg) -> switch (msg) {
            case RunNext n -> {
                // the same snapshot: the same group, so the same hardware; a restore replaces all its state
                boolean fits = kept != null && kept.from() == n.from();
                if (kept != null && !fits) slot.boards().recycle(kept.config(), kept.board());
                yield begin(ctx, slot, n.config(), n.charge(), Optional.of(n.from()), fits ? kept.board() : null);
            }
            case Retire _ -> {
                if (kept != null) slot.boards().recycle(kept.config(), kept.board());
                slot.deadline().close();
                yield Behaviors.stopped();
            }
            case TakeSnapshot t -> {
                t.replyTo().tell(new SnapshotReply.Refused("", "the VM has ended"));
                yield Behaviors.same();
            }
            // late, of the clone that ended (a host's stop or reset was meant for it too)
            case OfClone _, ToOwnVcpu _, TimerFired _, FromVcpu _, ChildStopped _, ConsoleResult _, ConsoleOutput _,
                 PatternRunaway _, StepTimedOut _, BootAfterBackoff _, DebugHeld _, WallTimeout _, SilenceCheck _,
                 ConsoleSnapshotMatched _, Stop _, Reset _ -> Behaviors.same();
        });
    }

    /** Console output that does not come through hypercalls (the ppce500 UART) goes to the same sink. */
    private VmSupervisor withConsole() {
        board.connectConsole(console::write);
        return this;
    }

    private final ActorContext<Command> ctx;
    private final ActorRef<Command> self;
    /** What this VM shares with the others this actor runs, and whether it runs the next clone when this one has ended. */
    private final Slot slot;
    private final SelfTimers<TimerKey, Command> timers;
    private final VmConfig config;
    private final ActorRef<VmEvent> events;
    /** False: only the transitions into RUNNING are published (see {@link #move}). */
    private final boolean everyTransition;
    private final Machine board;
    private final Instant started;
    private final ConsoleSink console;
    /** The vCPU actors' address for their reports, made at the first spawn (an own loop reports through its driver). */
    private ActorRef<VcpuReport> reports;
    private final RestartBudget restartBudget;
    /** The console steps' progress, fed by {@link ConsoleOutput} messages. */
    private final ConsoleScript script;
    private final HypercallCounts hypercalls;
    /** This VM's share of the lab's heap pool: its RAM's page budget. */
    private final VmCharge charge;
    /**
     * The board of a clone that ended (no vCPU of it runs, its pages given back), kept by an actor
     * that runs clones one after another for its next clone, which restores {@code from} into it
     * as {@code on-reset = snapshot} restores in place; {@code config}: the ended clone's, to give
     * the board back to the factory when the next clone starts from another snapshot or none comes.
     */
    private record KeptBoard(VmConfig config, VmSnapshot from, Machine board) {}

    /** Where the board came from; it goes back there when the VM has ended (for later restores). */
    private final BoardFactory boards;

    // what the result will report, accumulated over every boot
    private int boots;
    private int restarts;
    private long instructions;
    private OptionalLong resultCode = OptionalLong.empty();
    /** The result the guest gave (hypercall or console pattern), if any. */
    private Optional<Outcome> result = Optional.empty();
    private String resultDetail = "";
    private int guestResets;
    private long resetNanos;
    /** Starts from a snapshot (first start of a clone, resets with on-reset = snapshot). */
    private int restores;
    private Optional<String> restoredFrom = Optional.empty();
    /** The snapshot this VM started from (null: it booted), whatever it took later: what its board may serve next. */
    private VmSnapshot startedFrom;
    /** The snapshot this VM started from or last took: where on-reset = snapshot returns to. */
    private Optional<VmSnapshot> snapshot = Optional.empty();
    /**
     * Each vCPU's {@link Vcpu#instructionsExecuted} when last counted into {@link #instructions}:
     * that count never goes back, so a reset or a restore in place cannot count anything twice
     * (and a board that served an earlier VM counts from where it is).
     */
    private final long[] executedCounted;
    /** Set once a console pattern has run away: no pattern is matched any more, the VM is ending. */
    private volatile boolean patternRanAway;
    /** Set once the console trigger has fired (or can never fire: a VM started from a snapshot). */
    private volatile boolean consoleSnapshotDone;
    /** The console output since the start, cut to its last {@link #CONSOLE_WINDOW} chars, for the console trigger. */
    private final StringBuilder consoleWindow = new StringBuilder();
    private static final int CONSOLE_WINDOW = 4096;
    /**
     * This boot's halt (a new one per boot, so a late console match of an old subtree cannot halt
     * the next boot); read by console callbacks on vCPU threads.
     */
    private volatile VcpuActor.Halt halt = new VcpuActor.Halt(List.of());
    /** This boot's hold for a snapshot (a new one per boot, like {@link #halt}); set from the console trigger too. */
    private volatile VcpuActor.Hold hold = new VcpuActor.Hold(List.of());
    /** This boot's round robin of its vCPUs (several vCPUs on the instruction time base), else null. */
    private Baton baton;
    /** The debugger's hold of this VM, or null without {@code debug.gdb}. */
    private final DebugGate gate;
    /** This boot's vCPU loop when this actor runs it (one vCPU), else null (vCPU actors, or none running). */
    private OwnVcpu own;
    /**
     * The own loop's entry in a boot's vCPUs (Akka's ignoring address, never told: {@link #tellVcpu}
     * sends its commands through this actor's mailbox), so a VM needs no message adapter.
     */
    private final ActorRef<VcpuActor.Command> toOwnVcpu;
    /** A crash the debugger is looking at: handled once it lets the VM go on. */
    private Optional<VcpuStop> crashHeld = Optional.empty();
    /** When the wall-clock limit runs out ({@link System#nanoTime()}; a debugger's hold moves it on by the hold). */
    private long wallDeadlineNanos;
    /**
     * The armed wall-clock limit (one timer thread for every VM of the JVM): its deadline, or for a
     * clone run in place its watch of the actor's {@link SlotDeadline}; null while a debugger holds the VM.
     */
    private Object wallTimer;
    private long heldSinceNanos = -1;

    private VmSupervisor(ActorContext<Command> ctx, Slot slot, VmConfig config, Machine board, Instant started, VmCharge charge) {
        this.ctx = ctx;
        this.self = ctx.getSelf();
        this.slot = slot;
        this.boards = slot.boards();
        this.charge = charge;
        this.executedCounted = new long[board.vcpus().size()];
        for (Vcpu v : board.vcpus()) executedCounted[v.id()] = v.instructionsExecuted();
        this.hypercalls = slot.hypercalls();
        this.timers = new SelfTimers<>(ctx, TimerKey.class, (key, generation) -> stamped(new TimerFired(key, generation)));
        this.config = config;
        ActorRef<VmEvent> events = slot.events();
        this.events = events;
        this.everyTransition = slot.everyTransition();
        this.board = board;
        this.started = started;
        VmConfig.ResultRules rules = config.result();
        this.console = new ConsoleSink(config.consoleMaxLine(), line -> {
            events.tell(new ConsoleLine(config.name(), line, Instant.now()));
            // on the vCPU thread that printed it: with end-on-result, that vCPU stops right here
            if (finds(rules.fail(), "result.fail-pattern", line)) {
                if (rules.endOnResult()) halt.set();
                tellSelf(new ConsoleResult(Outcome.FAILED, line));
            } else if (finds(rules.pass(), "result.pass-pattern", line)) {
                if (rules.endOnResult()) halt.set();
                tellSelf(new ConsoleResult(Outcome.PASSED, line));
            }
        }, textConsumer(config), slot.consoleTap());
        this.toOwnVcpu = ctx.getSystem().ignoreRef();
        this.restartBudget = new RestartBudget(config.policies().intensity());
        this.script = new ConsoleScript(config.consoleSteps());
        script.current().ifPresent(this::armStep);      // the first step's time runs from the start
        this.wallDeadlineNanos = System.nanoTime() + config.limits().wallTimeout().toNanos();
        armWallTimer();
        VmConfig.Gdb gdb = config.engine().gdb();
        if (gdb.mode() == VmConfig.GdbMode.OFF) {
            this.gate = null;
        } else {
            this.gate = new DebugGate(board.vcpus(), gdb.mode() == VmConfig.GdbMode.HOLD, h -> tellSelf(new DebugHeld(h)),
                    () -> tellSelf(new Stop("gdb's kill")));
            GdbStub.start(config.name(), gdb, gate, board, config.board().cpu());
        }
    }

    /**
     * What sees the console's output as it comes (on the printing vCPU's thread, under the sink's
     * lock): the console steps, and the snapshot's console pattern; null when neither is used.
     */
    private java.util.function.Consumer<String> textConsumer(VmConfig config) {
        boolean steps = !config.consoleSteps().isEmpty();
        Optional<java.util.regex.Pattern> pattern = config.snapshot().at() == VmConfig.SnapshotAt.CONSOLE
                ? config.snapshot().consolePattern() : Optional.empty();
        if (!steps && pattern.isEmpty()) return null;
        return text -> {
            if (steps) tellSelf(new ConsoleOutput(text));
            if (pattern.isPresent() && !consoleSnapshotDone) {
                consoleWindow.append(text);
                if (consoleWindow.length() > CONSOLE_WINDOW) consoleWindow.delete(0, consoleWindow.length() - CONSOLE_WINDOW);
                if (finds(pattern, "snapshot.console-pattern", consoleWindow)) {
                    consoleSnapshotDone = true;
                    consoleWindow.setLength(0);
                    hold.set();             // the snapshot comes right after this output: no vCPU runs on meanwhile
                    tellSelf(ConsoleSnapshotMatched.INSTANCE);
                }
            }
        };
    }

    /**
     * Whether {@code pattern} (config key {@code key}) matches in {@code text}, within its step
     * budget; false once any console pattern of this VM ran away (then the VM ends).
     */
    private boolean finds(Optional<java.util.regex.Pattern> pattern, String key, CharSequence text) {
        if (pattern.isEmpty() || patternRanAway) return false;
        try {
            return BoundedMatch.find(pattern.get(), text) >= 0;
        } catch (BoundedMatch.Runaway e) {
            ranAway(e.detail(config.name(), key));
            return false;
        }
    }

    /**
     * A console pattern ran out of its budget (any thread): no pattern is matched any more, no vCPU
     * of this boot runs on, and the supervisor ends the VM on {@link PatternRunaway}.
     */
    private void ranAway(String detail) {
        if (patternRanAway) return;
        patternRanAway = true;
        halt.set();
        tellSelf(new PatternRunaway(detail));
    }

    // ---- BOOTING ------------------------------------------------------------------------------

    /** In BOOTING: rebuilds the board for the next boot and spawns a fresh vCPU subtree. */
    private Behavior<Command> boot(ResetReason reason, String why) {
        boots++;
        try {
            board.powerOn(boots, reason);
        } catch (PageBudgetExceeded e) {
            String detail = "vm " + config.name() + " boot " + boots + ": the host's memory, not a guest fault: loading the images "
                    + e.getMessage() + "; " + charge.describe();
            move(Lifecycle.BOOTING, Lifecycle.FAILED, detail);
            return finish(Outcome.HOST_OUT_OF_MEMORY, detail, Optional.empty());
        } catch (BootException | RuntimeException e) {
            String detail = "boot " + boots + " failed: " + e.getMessage();
            move(Lifecycle.BOOTING, Lifecycle.FAILED, detail);
            return finish(Outcome.CRASHED, detail, Optional.empty());
        }
        return start(Lifecycle.BOOTING, why);
    }

    /** In BOOTING or RESTORING, with the machine ready: a fresh vCPU subtree, started; RUNNING. */
    private Behavior<Command> start(Lifecycle from, String why) {
        Map<Integer, ActorRef<VcpuActor.Command>> vcpus = new HashMap<>();
        halt = new VcpuActor.Halt(board.vcpus());
        hold = new VcpuActor.Hold(board.vcpus());
        baton = board.vcpus().size() > 1 && config.board().timeSource() == TimeSource.INSTRUCTIONS
                ? new Baton(board.vcpus().size(), Baton.SLICE) : null;
        for (Vcpu vcpu : board.vcpus()) vcpu.setBranchTrace(config.engine().traceBranches());
        int start = boots + restores;
        for (Vcpu vcpu : board.vcpus()) {
            if (board.vcpus().size() == 1) {        // one vCPU: its loop runs in this actor, nothing is spawned or watched
                own = new OwnVcpu();
                own.loop = new VcpuLoop(wiring(vcpu), own);
                vcpus.put(vcpu.id(), toOwnVcpu);
                continue;
            }
            ActorRef<VcpuActor.Command> child = ctx.spawn(VcpuActor.create(wiring(vcpu)),
                    "vcpu-" + vcpu.id() + "-start-" + start, DISPATCHER);
            ctx.watchWith(child, new ChildStopped(child));
            vcpus.put(vcpu.id(), child);
        }
        move(from, Lifecycle.RUNNING, why);
        if (own != null) own.sendTurn();        // its first turn (Start, without the adapter's hop)
        else vcpus.values().forEach(c -> tellVcpu(c, VcpuActor.Start.INSTANCE));
        return running(Map.copyOf(vcpus));
    }

    // ---- RESTORING ----------------------------------------------------------------------------

    /**
     * In RESTORING (the first start of a VM started from a snapshot, or a reset with
     * {@code on-reset = snapshot}): the machine is put in the snapshot's state (RAM copy-on-write
     * over its image) and a fresh subtree runs on from there; the guest sees r4 = 1 after its
     * snapshot hypercall. The snapshot becomes this VM's: later resets return to it.
     */
    private Behavior<Command> restore(VmSnapshot from, Lifecycle state, String why) {
        String failed = restoreMachine(from);
        if (failed != null) {
            move(state, Lifecycle.FAILED, failed);
            return finish(Outcome.CRASHED, failed, Optional.empty());
        }
        return start(state, why);
    }

    /** Puts the machine in {@code from}'s state (no vCPU may run); null, or why it could not. */
    private String restoreMachine(VmSnapshot from) {
        restores++;
        try {
            board.restore(from.machine());
        } catch (RuntimeException e) {
            return "cannot start from the " + from.origin() + ": " + e.getMessage();
        }
        snapshot = Optional.of(from);
        restoredFrom = Optional.of(from.origin());
        consoleSnapshotDone = true;           // it has its snapshot: the console trigger does not fire again
        return null;
    }

    /**
     * A guest reset with {@code on-reset = snapshot} when the VM has its snapshot: RESETTING while
     * every vCPU pauses (the one that asked is parked on its call), then the machine is restored in
     * place and the same vCPU actors run on from the snapshot's state (RESTORING → RUNNING). The
     * subtree is kept: a restore replaces every bit of guest state the actors run, so stopping and
     * spawning them would only cost time (a full reset replaces them).
     */
    private Behavior<Command> resetToSnapshot(Map<Integer, ActorRef<VcpuActor.Command>> vcpus, String why) {
        long requestedAt = System.nanoTime();
        move(Lifecycle.RUNNING, Lifecycle.RESETTING, why);
        hold.set();
        vcpus.values().forEach(c -> tellVcpu(c, VcpuActor.Pause.INSTANCE));
        return pausingForRestore(vcpus, new HashSet<>(vcpus.keySet()), why, requestedAt);
    }

    /** In RESETTING (to the snapshot, in place), until every vCPU of {@code waiting} has paused. */
    private Behavior<Command> pausingForRestore(Map<Integer, ActorRef<VcpuActor.Command>> vcpus, Set<Integer> waiting,
                                                String why, long requestedAt) {
        if (waiting.isEmpty()) {
            countInstructions();
            move(Lifecycle.RESETTING, Lifecycle.RESTORING, why);
            String failed = restoreMachine(snapshot.orElseThrow());
            if (failed != null) {
                move(Lifecycle.RESTORING, Lifecycle.FAILED, failed);
                return failing(stopAll(vcpus), Outcome.CRASHED, failed);
            }
            guestResets++;
            resetNanos += System.nanoTime() - requestedAt;
            move(Lifecycle.RESTORING, Lifecycle.RUNNING, why);
            hold.clear();
            if (baton != null) baton.restart();
            vcpus.values().forEach(actor -> tellVcpu(actor, VcpuActor.Restored.INSTANCE));
            return running(vcpus);
        }
        return receive(msg -> switch (msg) {
            case TimerFired _, OfClone _ -> Behaviors.unhandled();     // never here: receive() hands over its message
            case RunNext _, Retire _ -> Behaviors.unhandled();      // the guardian sends them only between clones
            case FromVcpu(VcpuReport.Paused p) -> {
                waiting.remove(p.vcpu());
                yield pausingForRestore(vcpus, waiting, why, requestedAt);
            }
            case ToOwnVcpu m -> toOwnVcpu(m);
            case ChildStopped c -> abortReset(stopAll(withoutActor(vcpus, c.child())), Outcome.CRASHED,
                    "vCPU actor " + c.child().path().name() + " stopped unexpectedly");
            case WallTimeout w -> isDue(w) ? abortReset(stopAll(vcpus), Outcome.TIMED_OUT, timedOut()) : Behaviors.same();
            case PatternRunaway r -> abortReset(stopAll(vcpus), Outcome.CRASHED, r.detail());
            case Stop st -> abortReset(stopAll(vcpus), Outcome.STOPPED, "stopped by the host: " + st.why());
            case ConsoleOutput o -> onConsoleOutput(o.text());
            case StepTimedOut t -> isWaiting(t) ? abortReset(stopAll(vcpus), Outcome.STEP_TIMED_OUT, stepTimedOut())
                    : Behaviors.same();
            case TakeSnapshot t -> refuseSnapshot(t, "it is resetting");
            // what the vCPUs did before the restore no longer counts: it is undone
            case FromVcpu _, ConsoleResult _, SilenceCheck _, DebugHeld _, Reset _, ConsoleSnapshotMatched _ -> Behaviors.same();
            case BootAfterBackoff _ -> Behaviors.unhandled();
        });
    }

    private VcpuActor.Wiring wiring(Vcpu vcpu) {
        long max = config.limits().maxInstructions();
        // in the vCPU's executed count, which restores in place do not rewind (it has run nothing since the last count)
        long left = max == 0 ? Long.MAX_VALUE : Math.max(0, max - instructions) + executedCounted[vcpu.id()];
        VmConfig.EngineTuning e = config.engine();
        if (own == null && reports == null) reports = ctx.messageAdapter(VcpuReport.class, FromVcpu::new);
        return new VcpuActor.Wiring(board, vcpu, board.newHostHypercalls(), console, own == null ? reports : null,
                e.turnInstructions(), e.spinPoll(), left, halt, config.result().endOnResult(), gate, hypercalls,
                config.snapshot().at() == VmConfig.SnapshotAt.HYPERCALL, hold, baton);
    }

    /** The vCPU loop this actor runs (one vCPU), its mailbox ours and its timer one of ours. */
    private final class OwnVcpu implements VcpuLoop.Driver {
        /** Its turn, made once: the hot self-message allocates nothing (it names its loop: not stamped). */
        private final ToOwnVcpu turn = new ToOwnVcpu(this, VcpuLoop.TURN);
        private VcpuLoop loop;

        @Override public void sendTurn() { self.tell(turn); }

        @Override public void turnAfter(Duration delay) { timers.startSingle(TimerKey.OWN_VCPU_TURN, turn, delay); }

        @Override public void cancelTurnTimer() { timers.cancel(TimerKey.OWN_VCPU_TURN); }

        @Override public void report(VcpuReport report) { tellSelf(new FromVcpu(report)); }
    }

    /**
     * {@code command} to a vCPU of {@code vcpus}: the own loop's goes through this actor's mailbox,
     * after what is queued already, to whichever loop runs when it is handled (as a message adapter
     * would, without one per VM).
     */
    private void tellVcpu(ActorRef<VcpuActor.Command> to, VcpuActor.Command command) {
        if (to == toOwnVcpu) tellSelf(new ToOwnVcpu(null, command));
        else to.tell(command);
    }

    /** A message to this actor from this VM itself (any thread), stamped as this clone's ({@link OfClone}). */
    private void tellSelf(Command command) {
        self.tell(stamped(command));
    }

    /** {@code command} as this clone's; an actor that runs one VM only needs no stamp (no message to wrap). */
    private Command stamped(Command command) {
        return slot.takesNext() ? new OfClone(this, command) : command;
    }

    /** In every state: a turn or command of the own vCPU loop; one of an earlier boot's (stopped) loop is dropped. */
    private Behavior<Command> toOwnVcpu(ToOwnVcpu m) {
        OwnVcpu to = m.to() == null ? own : m.to();     // a supervisor's command: the loop running now, if any
        if (to != null && to == own) own.loop.handle(m.command());
        return Behaviors.same();
    }

    /**
     * A state's behaviour: {@code handler} gets every message, a fired timer as the message it was
     * armed with; a timer cancelled or replaced after it fired is dropped. A plain receive, not a
     * built one (every start enters several states: no case list per message).
     */
    private Behavior<Command> receive(java.util.function.Function<Command, Behavior<Command>> handler) {
        return Behaviors.receive((c, received) -> {
            Command msg = received;
            if (msg instanceof OfClone(VmSupervisor sender, Command command)) {
                if (sender != this) return Behaviors.same();    // of an earlier clone this actor ran: it has ended
                msg = command;
            }
            if (!(msg instanceof TimerFired f)) return handler.apply(msg);
            Command due = timers.due(f.key(), f.generation());
            return due == null ? Behaviors.same() : handler.apply(due);
        });
    }

    // ---- RUNNING ------------------------------------------------------------------------------

    /** In RUNNING: {@code vcpus} are this boot's vCPU actors by vCPU id. */
    private Behavior<Command> running(Map<Integer, ActorRef<VcpuActor.Command>> vcpus) {
        return receive(msg -> onRunning(vcpus, msg));
    }

    private Behavior<Command> onRunning(Map<Integer, ActorRef<VcpuActor.Command>> vcpus, Command msg) {
        return switch (msg) {
            case TimerFired _, OfClone _ -> Behaviors.unhandled();     // never here: receive() hands over its message
            case RunNext _, Retire _ -> Behaviors.unhandled();      // the guardian sends them only between clones
            case FromVcpu(ResultReported r) -> onResult(r.code() == 0 ? Outcome.PASSED : Outcome.FAILED,
                    "the guest reported result " + r.code(), OptionalLong.of(r.code()), vcpus);
            case FromVcpu(VcpuStop stop) -> onStop(stop, vcpus);
            case ToOwnVcpu m -> toOwnVcpu(m);
            case FromVcpu(VcpuReport.Paused _) -> Behaviors.same();     // late, from an earlier snapshot
            case ConsoleSnapshotMatched _ -> startSnapshot(vcpus, new SnapshotJob("console",
                    "the console matched /" + config.snapshot().consolePattern().map(java.util.regex.Pattern::pattern).orElse("")
                            + "/", OptionalInt.empty(), Optional.empty()));
            case TakeSnapshot t -> startSnapshot(vcpus, new SnapshotJob("host", "the host asked for a snapshot",
                    OptionalInt.empty(), Optional.of(t.replyTo())));
            case ConsoleResult c -> onResult(c.outcome(), "console line matched: " + c.line(), OptionalLong.empty(), vcpus);
            case ChildStopped c -> end(Outcome.CRASHED, "vCPU actor " + c.child().path().name() + " stopped unexpectedly",
                    withoutActor(vcpus, c.child()));
            case WallTimeout w -> isDue(w) ? end(Outcome.TIMED_OUT, timedOut(), vcpus) : Behaviors.same();
            // the lab's config, not the guest: on-crash does not apply (it would run away again)
            case PatternRunaway r -> end(Outcome.CRASHED, r.detail(), vcpus);
            case SilenceCheck _ -> heldSinceNanos < 0 && silentTooLong() ? end(Outcome.CONSOLE_SILENT, silent(), vcpus) : Behaviors.same();
            case Stop s -> end(Outcome.STOPPED, "stopped by the host: " + s.why(), vcpus);
            case DebugHeld d -> onDebugHeld(d.held(), vcpus);
            case Reset r -> reset(vcpus, new Reboot(ResetReason.HOST_REQUEST, "reset by the host: " + r.why(),
                    Duration.ZERO, -1));
            case ConsoleOutput o -> onConsoleOutput(o.text());
            case StepTimedOut t -> isWaiting(t) ? end(Outcome.STEP_TIMED_OUT, stepTimedOut(), vcpus) : Behaviors.same();
            case BootAfterBackoff _ -> Behaviors.unhandled();   // its timer runs only while resetting
        };
    }

    private Behavior<Command> onResult(Outcome outcome, String detail, OptionalLong code,
                                       Map<Integer, ActorRef<VcpuActor.Command>> vcpus) {
        if (result.isEmpty()) {
            result = Optional.of(outcome);
            resultDetail = detail;
            if (code.isPresent()) resultCode = code;
        }
        return config.result().endOnResult() ? end(result.get(), resultDetail, vcpus) : Behaviors.same();
    }

    /**
     * A hold pauses the wall-clock limit and the console-silence check; its end starts them again
     * with the time that was left, and lets a crash the debugger was shown take its course.
     */
    private Behavior<Command> onDebugHeld(boolean held, Map<Integer, ActorRef<VcpuActor.Command>> vcpus) {
        if (held) {
            if (heldSinceNanos < 0) heldSinceNanos = System.nanoTime();
            cancelWallTimer();
            return Behaviors.same();
        }
        if (heldSinceNanos >= 0) {
            wallDeadlineNanos += System.nanoTime() - heldSinceNanos;
            heldSinceNanos = -1;
            armWallTimer();
            console.touch();
        }
        if (crashHeld.isPresent()) {
            VcpuStop stop = crashHeld.get();
            return onStop(stop, vcpus);
        }
        return Behaviors.same();
    }

    /** With {@code debug.gdb}, a crash, engine error or watchdog first holds the VM for the debugger. */
    private boolean holdForDebugger(VcpuStop stop) {
        if (gate == null || crashHeld.isPresent()) return false;
        int signal = switch (stop) {
            case GuestCrashed _, EngineFailed _ -> DebugGate.SIGILL;
            case WatchdogExpired _ -> DebugGate.SIGSEGV;
            case ResetRequested _, ShutdownRequested _, InstructionLimitReached _, SnapshotRequested _,
                 VcpuReport.HostOutOfMemory _ -> 0;
        };
        if (signal == 0) return false;
        crashHeld = Optional.of(stop);
        gate.crashed(stop.vcpu(), signal);
        // where the gdb stub announced its port: the user attaches now
        System.err.println("epapr-lab: vm " + config.name() + " vCPU " + stop.vcpu() + " stopped (" + stop.getClass().getSimpleName()
                + "); held for gdb until it detaches or continues");
        return true;
    }

    /** One total mapping from how a vCPU stopped to what the VM does next. */
    private Behavior<Command> onStop(VcpuStop stop, Map<Integer, ActorRef<VcpuActor.Command>> vcpus) {
        if (holdForDebugger(stop)) return Behaviors.same();
        Policies p = config.policies();
        return switch (stop) {
            case ResetRequested r -> switch (p.onReset()) {
                case RESTART -> reset(vcpus, new Reboot(ResetReason.GUEST_RESET,
                        "vCPU " + r.vcpu() + " called KVM_HC_VM_RESET", Duration.ZERO, System.nanoTime()));
                // back to the snapshot if the VM has one yet, else a full restart
                case SNAPSHOT -> snapshot.isPresent()
                        ? resetToSnapshot(vcpus, "vCPU " + r.vcpu() + " called KVM_HC_VM_RESET (on-reset = snapshot: back to the "
                                + snapshot.get().origin() + ")")
                        : reset(vcpus, new Reboot(ResetReason.GUEST_RESET, "vCPU " + r.vcpu()
                                + " called KVM_HC_VM_RESET (on-reset = snapshot, but no snapshot yet: a full restart)",
                                Duration.ZERO, System.nanoTime()));
                case SHUTDOWN -> endAsShutdown("vCPU " + r.vcpu() + " called KVM_HC_VM_RESET (on-reset = shutdown)", vcpus);
                case DECLINE -> decline(vcpus, r.vcpu(), "KVM_HC_VM_RESET (on-reset = decline)");
            };
            case ShutdownRequested s -> switch (p.onShutdown()) {
                case STOP -> endAsShutdown("vCPU " + s.vcpu() + " called KVM_HC_VM_SHUTDOWN", vcpus);
                case RESTART -> reset(vcpus, new Reboot(ResetReason.HOST_REQUEST,
                        "vCPU " + s.vcpu() + " called KVM_HC_VM_SHUTDOWN (on-shutdown = restart)", Duration.ZERO, -1));
                case DECLINE -> decline(vcpus, s.vcpu(), "KVM_HC_VM_SHUTDOWN (on-shutdown = decline)");
            };
            case GuestCrashed c -> fault(p.onCrash(), Outcome.CRASHED, ResetReason.CRASH_RESTART,
                    "vm %s vCPU %d crashed at PC 0x%08x %s (instruction 0x%08x: %s): %s"
                            .formatted(config.name(), c.vcpu(), c.pc(), symbol(c.pc()), c.insn(),
                                    Disassembler.render(config.board().cpu(), c.pc(), c.insn()), c.why()), vcpus);
            // the engine's fault, not the guest's: it would recur on a restart, so on-crash does not apply
            case EngineFailed f -> {
                ctx.getLog().error("vm {} vCPU {}: engine error at PC 0x{}", config.name(), f.vcpu(),
                        Long.toHexString(f.pc()), f.cause());
                yield end(Outcome.CRASHED, "vm %s vCPU %d: engine error at PC 0x%08x %s (instruction 0x%08x: %s): %s"
                        .formatted(config.name(), f.vcpu(), f.pc(), symbol(f.pc()), f.insn(),
                                Disassembler.render(config.board().cpu(), f.pc(), f.insn()), f.cause()), vcpus);
            }
            case WatchdogExpired w -> fault(p.onWatchdog(), Outcome.WATCHDOG, ResetReason.WATCHDOG,
                    "vm %s vCPU %d: watchdog expired (time base %d)".formatted(config.name(), w.vcpu(), w.timebase()),
                    vcpus);
            case InstructionLimitReached l -> end(Outcome.INSTRUCTION_LIMIT,
                    "executed the limit of " + config.limits().maxInstructions() + " instructions", vcpus);
            case VcpuReport.HostOutOfMemory h -> end(Outcome.HOST_OUT_OF_MEMORY, ("vm %s vCPU %d at PC 0x%08x %s: the host's "
                    + "memory, not a guest fault: %s; %s").formatted(config.name(), h.vcpu(), h.pc(), symbol(h.pc()), h.why(),
                    charge.describe()), vcpus);
            case SnapshotRequested q -> startSnapshot(vcpus, new SnapshotJob("hypercall",
                    "vCPU " + q.vcpu() + " called EPAPRLAB_HC_SNAPSHOT", OptionalInt.of(q.vcpu()), Optional.empty()));
        };
    }

    // ---- SNAPSHOTTING -------------------------------------------------------------------------

    /**
     * A snapshot to take: what asked for it, the vCPU parked on the snapshot hypercall (if that
     * was it), the host waiting for the answer (if it was the host).
     */
    private record SnapshotJob(String trigger, String why, OptionalInt hypercallVcpu,
                               Optional<ActorRef<SnapshotReply>> replyTo) {}

    /** RUNNING → SNAPSHOTTING: every vCPU is kicked and asked to pause at its next instruction boundary. */
    private Behavior<Command> startSnapshot(Map<Integer, ActorRef<VcpuActor.Command>> vcpus, SnapshotJob job) {
        move(Lifecycle.RUNNING, Lifecycle.SNAPSHOTTING, job.why());
        hold.set();                     // a running turn ends at once, a queued one runs nothing
        vcpus.values().forEach(c -> tellVcpu(c, VcpuActor.Pause.INSTANCE));
        return snapshotting(vcpus, job, new HashSet<>(vcpus.keySet()), new ArrayList<>());
    }

    /**
     * In SNAPSHOTTING, until every vCPU has paused ({@code waiting}: those that have not said so);
     * what is not about the snapshot or the VM's end waits in {@code later} and is handled once
     * the VM runs again.
     */
    private Behavior<Command> snapshotting(Map<Integer, ActorRef<VcpuActor.Command>> vcpus, SnapshotJob job,
                                           Set<Integer> waiting, List<Command> later) {
        if (waiting.isEmpty()) return takeSnapshot(vcpus, job, later);
        return receive(msg -> switch (msg) {
            case TimerFired _, OfClone _ -> Behaviors.unhandled();     // never here: receive() hands over its message
            case RunNext _, Retire _ -> Behaviors.unhandled();      // the guardian sends them only between clones
            case FromVcpu(VcpuReport.Paused p) -> {
                waiting.remove(p.vcpu());
                yield snapshotting(vcpus, job, waiting, later);
            }
            case ToOwnVcpu m -> toOwnVcpu(m);       // not later: a paused loop notes a missed turn
            case ChildStopped c -> endSnapshotting(job, Outcome.CRASHED, "vCPU actor " + c.child().path().name()
                    + " stopped unexpectedly", withoutActor(vcpus, c.child()));
            case WallTimeout w -> isDue(w) ? endSnapshotting(job, Outcome.TIMED_OUT, timedOut(), vcpus) : Behaviors.same();
            case PatternRunaway r -> endSnapshotting(job, Outcome.CRASHED, r.detail(), vcpus);
            case Stop st -> endSnapshotting(job, Outcome.STOPPED, "stopped by the host: " + st.why(), vcpus);
            case TakeSnapshot t -> {
                t.replyTo().tell(new SnapshotReply.Refused(config.name(), "a snapshot is being taken already"));
                yield Behaviors.same();
            }
            case FromVcpu _, ConsoleResult _, ConsoleOutput _, StepTimedOut _, SilenceCheck _, DebugHeld _, Reset _,
                 ConsoleSnapshotMatched _ -> {
                later.add(msg);
                yield Behaviors.same();
            }
            case BootAfterBackoff _ -> Behaviors.unhandled();
        });
    }

    /** Every vCPU is at an instruction boundary: the machine's snapshot, then RUNNING again. */
    private Behavior<Command> takeSnapshot(Map<Integer, ActorRef<VcpuActor.Command>> vcpus, SnapshotJob job,
                                           List<Command> later) {
        VmSnapshot taken;
        try {
            taken = new VmSnapshot(board.snapshot(), "snapshot of vm " + config.name() + " (" + job.why() + ")");
        } catch (RuntimeException e) {
            ctx.getLog().error("vm {}: snapshot failed", config.name(), e);
            job.replyTo().ifPresent(r -> r.tell(new SnapshotReply.Refused(config.name(), "the machine refused: " + e.getMessage())));
            return resume(vcpus, job, false, "no snapshot: " + e.getMessage(), later);
        }
        Optional<Path> savedTo = config.snapshot().file();
        if (savedTo.isPresent()) {
            try {
                SnapshotFile.write(savedTo.get(), taken.machine());
            } catch (java.io.IOException | RuntimeException e) {
                String detail = "vm " + config.name() + ": its snapshot could not be saved to " + savedTo.get() + ": " + e.getMessage();
                job.replyTo().ifPresent(r -> r.tell(new SnapshotReply.Refused(config.name(), detail)));
                move(Lifecycle.SNAPSHOTTING, Lifecycle.FAILED, detail);
                return failing(stopAll(vcpus), Outcome.CRASHED, detail);
            }
        }
        snapshot.ifPresent(old -> charge.hold(-SnapshotFacts.storedBytes(old.machine())));
        snapshot = Optional.of(taken);
        charge.hold(SnapshotFacts.storedBytes(taken.machine()));   // its pages left the memory's budget for the image
        events.tell(new VmEvent.SnapshotTaken(config.name(), taken, job.trigger(), savedTo, Instant.now()));
        Behavior<Command> next = resume(vcpus, job, true, "snapshot taken" + savedTo.map(p -> " and saved to " + p).orElse(""), later);
        job.replyTo().ifPresent(r -> r.tell(new SnapshotReply.Taken(config.name(), taken, savedTo)));   // running again
        return next;
    }

    /** SNAPSHOTTING → RUNNING: the vCPUs go on; the hypercall's caller learns whether it was taken. */
    private Behavior<Command> resume(Map<Integer, ActorRef<VcpuActor.Command>> vcpus, SnapshotJob job, boolean taken,
                                     String why, List<Command> later) {
        move(Lifecycle.SNAPSHOTTING, Lifecycle.RUNNING, why);
        hold.clear();
        vcpus.forEach((id, actor) -> tellVcpu(actor, job.hypercallVcpu().orElse(-1) == id
                ? new VcpuActor.SnapshotAnswered(taken) : VcpuActor.Resume.INSTANCE));
        later.forEach(this::tellSelf);     // after the vCPUs' own messages: nothing is lost, little reordered
        return running(vcpus);
    }

    /** While snapshotting, a timeout, a stop request or a lost vCPU ends the VM; no snapshot is taken. */
    private Behavior<Command> endSnapshotting(SnapshotJob job, Outcome outcome, String detail,
                                              Map<Integer, ActorRef<VcpuActor.Command>> vcpus) {
        job.replyTo().ifPresent(r -> r.tell(new SnapshotReply.Refused(config.name(), "the VM ended: " + detail)));
        boolean failure = outcome == Outcome.CRASHED;
        move(Lifecycle.SNAPSHOTTING, failure ? Lifecycle.FAILED : Lifecycle.SHUTTING_DOWN, detail);
        Set<ActorRef<VcpuActor.Command>> alive = stopAll(vcpus);
        return failure ? failing(alive, outcome, detail) : shuttingDown(alive, outcome, detail, true);
    }

    // ---- console steps (in RUNNING and RESETTING) ----------------------------------------------

    /** Feeds output to the console steps; types the input of each step it completes. */
    private Behavior<Command> onConsoleOutput(String text) {
        if (patternRanAway) return Behaviors.same();
        List<ConsoleStep> done;
        try {
            done = script.onOutput(text);
        } catch (BoundedMatch.Runaway e) {
            int index = script.current().orElseThrow().number() - 1;
            ranAway(e.detail(config.name(), "console.steps[" + index + "].wait"));
            return Behaviors.same();
        }
        if (done.isEmpty()) return Behaviors.same();
        for (ConsoleStep step : done) {
            step.send().ifPresent(line -> board.vm().consoleInput((line + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        script.current().ifPresentOrElse(this::armStep, () -> timers.cancel(TimerKey.CONSOLE_STEP));
        return Behaviors.same();
    }

    private void armStep(ConsoleStep step) {
        timers.startSingle(TimerKey.CONSOLE_STEP, new StepTimedOut(step.number()), step.timeout());
    }

    /** False for a timeout of a step that has matched meanwhile. */
    private boolean isWaiting(StepTimedOut t) {
        return script.current().map(step -> step.number() == t.number()).orElse(false);
    }

    private String stepTimedOut() {
        ConsoleStep step = script.current().orElseThrow();
        return step.describe() + " saw no match within " + step.timeout().toMillis() + " ms (of "
                + config.consoleSteps().size() + " steps)";
    }

    /** The VM does not honour a lifecycle hypercall: that vCPU gets EV_INTERNAL and runs on. */
    private Behavior<Command> decline(Map<Integer, ActorRef<VcpuActor.Command>> vcpus, int vcpu, String call) {
        ctx.getLog().info("vm {} vCPU {}: declined {}: EV_INTERNAL", config.name(), vcpu, call);
        tellVcpu(vcpus.get(vcpu), VcpuActor.Decline.INSTANCE);
        return Behaviors.same();
    }

    /** A crash or watchdog: restart within the intensity (with backoff), or end. */
    private Behavior<Command> fault(Policies.OnFault policy, Outcome outcome, ResetReason reason, String detail,
                                    Map<Integer, ActorRef<VcpuActor.Command>> vcpus) {
        if (policy == Policies.OnFault.STOP) return end(outcome, detail, vcpus);
        Optional<Duration> backoff = restartBudget.tryAcquire(Instant.now());
        if (backoff.isEmpty()) {
            return end(Outcome.RESTART_LIMIT, detail + "; more than " + config.policies().intensity().maxRestarts()
                    + " restarts within " + config.policies().intensity().within(), vcpus);
        }
        restarts++;
        return reset(vcpus, new Reboot(reason, detail, backoff.get(), -1));
    }

    private Behavior<Command> endAsShutdown(String why, Map<Integer, ActorRef<VcpuActor.Command>> vcpus) {
        return result.isPresent() ? end(result.get(), resultDetail + "; then " + why, vcpus)
                : end(Outcome.SHUTDOWN, why, vcpus);
    }

    /** Ends the VM with {@code outcome}: FAILED for crashes, SHUTTING_DOWN → STOPPED otherwise. */
    private Behavior<Command> end(Outcome outcome, String detail, Map<Integer, ActorRef<VcpuActor.Command>> vcpus) {
        boolean failure = outcome == Outcome.CRASHED || outcome == Outcome.WATCHDOG || outcome == Outcome.RESTART_LIMIT
                || outcome == Outcome.HOST_OUT_OF_MEMORY;
        move(Lifecycle.RUNNING, failure ? Lifecycle.FAILED : Lifecycle.SHUTTING_DOWN, detail);
        Set<ActorRef<VcpuActor.Command>> alive = stopAll(vcpus);
        return failure ? failing(alive, outcome, detail) : shuttingDown(alive, outcome, detail, true);
    }

    // ---- RESETTING ----------------------------------------------------------------------------

    private Behavior<Command> reset(Map<Integer, ActorRef<VcpuActor.Command>> vcpus, Reboot next) {
        move(Lifecycle.RUNNING, Lifecycle.RESETTING, next.why());
        return resetting(stopAll(vcpus), next);
    }

    /** In RESETTING, while the old subtree is still terminating. */
    private Behavior<Command> resetting(Set<ActorRef<VcpuActor.Command>> alive, Reboot next) {
        if (alive.isEmpty()) {                // every child confirmed dead: RAM may be touched now
            countInstructions();
            if (next.backoff().isZero()) return bootAgain(next);
            timers.startSingle(TimerKey.BOOT_AFTER_BACKOFF, BootAfterBackoff.INSTANCE, next.backoff());
            return awaitingBackoff(next);
        }
        return receive(msg -> onResetting(alive, next, msg));
    }

    private Behavior<Command> onResetting(Set<ActorRef<VcpuActor.Command>> alive, Reboot next, Command msg) {
        return switch (msg) {
            case TimerFired _, OfClone _ -> Behaviors.unhandled();     // never here: receive() hands over its message
            case RunNext _, Retire _ -> Behaviors.unhandled();      // the guardian sends them only between clones
            case ChildStopped c -> resetting(without(alive, c.child()), next);
            case ToOwnVcpu m -> toOwnVcpu(m);
            case WallTimeout w -> isDue(w) ? abortReset(alive, Outcome.TIMED_OUT, timedOut()) : Behaviors.same();
            case PatternRunaway r -> abortReset(alive, Outcome.CRASHED, r.detail());
            case Stop s -> abortReset(alive, Outcome.STOPPED, "stopped by the host: " + s.why());
            case ConsoleOutput o -> onConsoleOutput(o.text());
            case StepTimedOut t -> isWaiting(t) ? abortReset(alive, Outcome.STEP_TIMED_OUT, stepTimedOut()) : Behaviors.same();
            case FromVcpu _, ConsoleResult _, SilenceCheck _, DebugHeld _, ConsoleSnapshotMatched _ ->
                    Behaviors.same();                           // late, from the old subtree
            case Reset _ -> Behaviors.same();                   // a reset is under way already
            case TakeSnapshot t -> refuseSnapshot(t, "it is resetting");
            case BootAfterBackoff _ -> Behaviors.unhandled();   // its timer starts only once the subtree is gone
        };
    }

    /** In RESETTING, with no vCPU left, until the crash-restart backoff has passed. */
    private Behavior<Command> awaitingBackoff(Reboot next) {
        return receive(msg -> onAwaitingBackoff(next, msg));
    }

    private Behavior<Command> onAwaitingBackoff(Reboot next, Command msg) {
        return switch (msg) {
            case TimerFired _, OfClone _ -> Behaviors.unhandled();     // never here: receive() hands over its message
            case RunNext _, Retire _ -> Behaviors.unhandled();      // the guardian sends them only between clones
            case BootAfterBackoff _ -> bootAgain(next);
            case ToOwnVcpu m -> toOwnVcpu(m);
            case WallTimeout w -> isDue(w) ? abortReset(Set.of(), Outcome.TIMED_OUT, timedOut()) : Behaviors.same();
            case PatternRunaway r -> abortReset(Set.of(), Outcome.CRASHED, r.detail());
            case Stop s -> abortReset(Set.of(), Outcome.STOPPED, "stopped by the host: " + s.why());
            case ConsoleOutput o -> onConsoleOutput(o.text());
            case StepTimedOut t -> isWaiting(t) ? abortReset(Set.of(), Outcome.STEP_TIMED_OUT, stepTimedOut()) : Behaviors.same();
            case FromVcpu _, ConsoleResult _, SilenceCheck _, ChildStopped _, DebugHeld _, Reset _, ConsoleSnapshotMatched _ ->
                    Behaviors.same();
            case TakeSnapshot t -> refuseSnapshot(t, "it waits to restart");
        };
    }

    private Behavior<Command> bootAgain(Reboot next) {
        move(Lifecycle.RESETTING, Lifecycle.BOOTING, next.why());
        boolean guestAsked = next.requestedAtNanos() >= 0;
        if (guestAsked) guestResets++;                  // counted before the boot, which may end the VM with its result
        Behavior<Command> booted = boot(next.reason(), next.why());
        // The cycle a user waits for ends with the new boot ready to run: its power-on is part of it.
        if (guestAsked) resetNanos += System.nanoTime() - next.requestedAtNanos();
        return booted;
    }

    private Behavior<Command> refuseSnapshot(TakeSnapshot t, String why) {
        t.replyTo().tell(new SnapshotReply.Refused(config.name(), "vm " + config.name() + " is not running: " + why));
        return Behaviors.same();
    }

    /** While resetting, a timeout or a stop request ends the VM instead of booting it again. */
    private Behavior<Command> abortReset(Set<ActorRef<VcpuActor.Command>> alive, Outcome outcome, String why) {
        move(Lifecycle.RESETTING, Lifecycle.SHUTTING_DOWN, why);
        timers.cancel(TimerKey.BOOT_AFTER_BACKOFF);
        return shuttingDown(alive, outcome, why, false);   // the vCPUs were stopped for the reset: nothing to show
    }

    // ---- SHUTTING_DOWN and FAILED -------------------------------------------------------------

    /**
     * In SHUTTING_DOWN: once the subtree has terminated, STOPPED with {@code outcome}; with a
     * crash report when {@code snapshot} and the outcome is not one the guest chose.
     */
    private Behavior<Command> shuttingDown(Set<ActorRef<VcpuActor.Command>> alive, Outcome outcome, String detail,
                                           boolean snapshot) {
        if (alive.isEmpty()) {
            Optional<CrashReport> crash = snapshot ? crashReport(outcome) : Optional.empty();
            countInstructions();
            move(Lifecycle.SHUTTING_DOWN, Lifecycle.STOPPED, detail);
            return finish(outcome, detail, crash);
        }
        return receive(msg -> switch (msg) {
            case TimerFired _, OfClone _ -> Behaviors.unhandled();     // never here: receive() hands over its message
            case RunNext _, Retire _ -> Behaviors.unhandled();      // the guardian sends them only between clones
            case ChildStopped c -> shuttingDown(without(alive, c.child()), outcome, detail, snapshot);
            case ToOwnVcpu m -> toOwnVcpu(m);
            case TakeSnapshot t -> refuseSnapshot(t, "it is ending");
            case FromVcpu _, ConsoleResult _, SilenceCheck _, WallTimeout _, Stop _, Reset _, BootAfterBackoff _,
                 ConsoleOutput _, StepTimedOut _, DebugHeld _, ConsoleSnapshotMatched _, PatternRunaway _ ->
                    Behaviors.same();    // already ending
        });
    }

    /** In FAILED: once the subtree has terminated, the result is published. */
    private Behavior<Command> failing(Set<ActorRef<VcpuActor.Command>> alive, Outcome outcome, String detail) {
        if (alive.isEmpty()) {
            Optional<CrashReport> crash = crashReport(outcome);
            countInstructions();
            return finish(outcome, detail, crash);
        }
        return receive(msg -> switch (msg) {
            case TimerFired _, OfClone _ -> Behaviors.unhandled();     // never here: receive() hands over its message
            case RunNext _, Retire _ -> Behaviors.unhandled();      // the guardian sends them only between clones
            case ChildStopped c -> failing(without(alive, c.child()), outcome, detail);
            case ToOwnVcpu m -> toOwnVcpu(m);
            case TakeSnapshot t -> refuseSnapshot(t, "it is ending");
            case FromVcpu _, ConsoleResult _, SilenceCheck _, WallTimeout _, Stop _, Reset _, BootAfterBackoff _,
                 ConsoleOutput _, StepTimedOut _, DebugHeld _, ConsoleSnapshotMatched _, PatternRunaway _ ->
                    Behaviors.same();    // already ending
        });
    }

    /**
     * Kicks and stops every vCPU actor; returns them, to be awaited before RAM is rebuilt or the
     * VM is reported as ended (no vCPU of this subtree may run then).
     */
    private Set<ActorRef<VcpuActor.Command>> stopAll(Map<Integer, ActorRef<VcpuActor.Command>> vcpus) {
        if (own != null) {                  // runs in this actor: no turn is under way, it has stopped now
            own.loop.end();
            own = null;
            return Set.of();
        }
        for (Vcpu v : board.vcpus()) v.requestImmediateExit();   // ends a running turn early
        vcpus.values().forEach(ctx::stop);
        return Set.copyOf(vcpus.values());
    }

    private void countInstructions() {
        for (Vcpu v : board.vcpus()) {
            long now = v.instructionsExecuted();
            instructions += now - executedCounted[v.id()];
            executedCounted[v.id()] = now;
        }
    }

    /**
     * Where every vCPU is, for the endings the guest did not choose. Only once every vCPU actor
     * has terminated (the ChildStopped messages order their last run before this read).
     */
    private Optional<CrashReport> crashReport(Outcome outcome) {
        if (outcome.isSuccess() || outcome == Outcome.FAILED) return Optional.empty();
        return Optional.of(CrashReporter.capture(config.image(), config.board().cpu(), board.vcpus(), board.vm().memory()));
    }

    /** {@code main+0x24} for a PC in the VM's image, {@code ?} without symbols. */
    private String symbol(long pc) {
        return CrashReporter.symbolsOf(config.image()).describe(pc);
    }

    private Behavior<Command> finish(Outcome outcome, String detail, Optional<CrashReport> crash) {
        timers.cancelAll();
        cancelWallTimer();
        // gdb's exit reply: W (exited, status) for the guest's own endings, X (killed, signal) otherwise
        if (gate != null) gate.ended(outcome.isSuccess() || outcome == Outcome.FAILED
                ? "W%02x".formatted(outcome.exitCode() & 0xFF) : "X%02x".formatted(crashHeld.isPresent() ? DebugGate.SIGILL : 9));
        console.flush();
        board.vm().memory().release();      // its pages go back to the pool now, not when the heap drops the board
        // no vCPU of it runs any more; a board that crashed or a debugger knows is not given to another VM
        KeptBoard kept = null;
        if (gate == null && outcome != Outcome.CRASHED && outcome != Outcome.HOST_OUT_OF_MEMORY) {
            if (slot.takesNext() && startedFrom != null) kept = new KeptBoard(config, startedFrom, board);
            else boards.recycle(config, board);
        }
        Instant now = Instant.now();        // one clock read for both (a fresh JVM's clones pay each)
        events.tell(new VmFinished(new VmResult(config.name(), outcome, config.expect(), boots, restarts, instructions,
                Duration.between(started, now), detail, resultCode, guestResets, Duration.ofNanos(resetNanos), crash, restores,
                restoredFrom), now));
        return slot.takesNext() ? betweenClones(slot, kept) : Behaviors.stopped();
    }

    private static Behavior<Command> failedAtStart(Slot slot, VmConfig config, Instant started, Outcome outcome, String detail) {
        ActorRef<VmEvent> events = slot.events();
        if (slot.everyTransition()) events.tell(new LifecycleChanged(config.name(), Lifecycle.BOOTING, Lifecycle.FAILED, detail, Instant.now()));
        events.tell(new VmFinished(new VmResult(config.name(), outcome, config.expect(), 0, 0, 0,
                Duration.between(started, Instant.now()), detail, OptionalLong.empty(), 0, Duration.ZERO), Instant.now()));
        return slot.takesNext() ? betweenClones(slot, null) : Behaviors.stopped();
    }

    private boolean silentTooLong() {
        return Duration.ofNanos(System.nanoTime() - console.lastWriteNanos()).compareTo(config.limits().consoleSilence()) > 0;
    }

    private String silent() {
        return "no console output for " + Durations.format(config.limits().consoleSilence());
    }

    /** Sends this VM {@link WallTimeout} at {@link #wallDeadlineNanos}. */
    private void armWallTimer() {
        SlotDeadline shared = slot.deadline();
        if (shared == null) {
            wallTimer = WallDeadlines.SHARED.arm(wallDeadlineNanos, d -> tellSelf(new WallTimeout(d)));
        } else {                            // clones one after another: one armed deadline for them all
            Object watch = new Object();
            wallTimer = watch;
            shared.watch(wallDeadlineNanos, () -> tellSelf(new WallTimeout(watch)));
        }
    }

    private void cancelWallTimer() {
        if (wallTimer instanceof WallDeadlines.Deadline d) WallDeadlines.SHARED.cancel(d);
        else if (wallTimer != null) slot.deadline().unwatch();
        wallTimer = null;
    }

    /** False for the timeout of a deadline cancelled after it fired (a debugger's hold began): the hold's end arms a new one. */
    private boolean isDue(WallTimeout w) {
        return w.which() == wallTimer;
    }

    private String timedOut() {
        return "no end within the wall-clock limit of " + Durations.format(config.limits().wallTimeout());
    }

    /** Every transition goes through here: checked by {@link Lifecycle#to}, then published (unless only RUNNING is asked for). */
    private void move(Lifecycle from, Lifecycle next, String why) {
        Lifecycle to = from.to(next);
        if (everyTransition || to == Lifecycle.RUNNING) events.tell(new LifecycleChanged(config.name(), from, to, why, Instant.now()));
    }

    private static Map<Integer, ActorRef<VcpuActor.Command>> withoutActor(Map<Integer, ActorRef<VcpuActor.Command>> vcpus,
                                                                        ActorRef<VcpuActor.Command> child) {
        Map<Integer, ActorRef<VcpuActor.Command>> copy = new HashMap<>(vcpus);
        copy.values().remove(child);
        return copy;
    }

    private static <T> Set<T> without(Set<T> set, T item) {
        if (set.size() == 1 && set.contains(item)) return Set.of();    // the one vCPU of most VMs: no copy
        Set<T> copy = new HashSet<>(set);
        copy.remove(item);
        return copy;
    }
}
