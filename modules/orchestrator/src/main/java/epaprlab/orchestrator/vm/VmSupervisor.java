package epaprlab.orchestrator.vm;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.board.Board;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.ResetReason;
import epaprlab.orchestrator.config.Durations;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.console.ConsoleSink;
import epaprlab.orchestrator.policy.Policies;
import epaprlab.orchestrator.policy.RestartBudget;
import epaprlab.orchestrator.vcpu.VcpuActor;
import epaprlab.orchestrator.vcpu.VcpuReport;
import epaprlab.orchestrator.vcpu.VcpuReport.EngineFailed;
import epaprlab.orchestrator.vcpu.VcpuReport.GuestCrashed;
import epaprlab.orchestrator.vcpu.VcpuReport.InstructionLimitReached;
import epaprlab.orchestrator.vcpu.VcpuReport.ResetRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.ResultReported;
import epaprlab.orchestrator.vcpu.VcpuReport.ShutdownRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.VcpuStop;
import epaprlab.orchestrator.vcpu.VcpuReport.WatchdogExpired;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.ppc.disasm.Disassembler;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Owns one guest: its board (RAM, devices, pristine image) and the subtree of vCPU actors that
 * run it. Each lifecycle state is its own behaviour that accepts only what is legal there; every
 * way the VM can end is an {@link Outcome}, chosen by one total mapping in {@link #onStop}.
 *
 * <p>Reset or restart: stop every vCPU actor, wait until each has terminated (only then may RAM be
 * touched), wait the backoff if it is a crash restart, rebuild RAM and the device tree from the
 * pristine image with the next boot count and reason, spawn a fresh subtree. Ending: stop the
 * subtree, publish the result, stop.
 */
public final class VmSupervisor {

    /** The supervisor's protocol. */
    public sealed interface Command {}

    /** The host asks the VM to stop (it ends as {@link Outcome#STOPPED}). */
    public record Stop(String why) implements Command {}

    private record FromVcpu(VcpuReport report) implements Command {}

    private record ChildStopped(ActorRef<VcpuActor.Command> child) implements Command {}

    /** A console line matched the pass or fail pattern (sent from a vCPU thread). */
    private record ConsoleResult(Outcome outcome, String line) implements Command {}

    private record BootAfterBackoff(ResetReason reason, String why) implements Command {}

    private enum WallTimeout implements Command { INSTANCE }

    private enum SilenceCheck implements Command { INSTANCE }

    /** The vCPU actors' dispatcher, configured in conf/reference.conf. */
    public static final String VCPU_DISPATCHER = "epapr-lab.vcpu-dispatcher";

    /** A board failed to come up: the image is bad or does not fit. */
    public interface BoardFactory {
        Board build(VmConfig config) throws BootException, java.io.IOException;
    }

    public static Behavior<Command> create(VmConfig config, ActorRef<VmEvent> events, BoardFactory boards) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Instant started = Instant.now();
            Board board;
            try {
                board = boards.build(config);
            } catch (BootException | java.io.IOException | RuntimeException e) {
                return failedAtStart(config, events, started, "cannot boot: " + e.getMessage());
            }
            timers.startSingleTimer(WallTimeout.INSTANCE, config.limits().wallTimeout());
            Duration silence = config.limits().consoleSilence();
            if (!silence.isZero()) {
                Duration every = silence.dividedBy(4).compareTo(Duration.ofSeconds(1)) > 0
                        ? Duration.ofSeconds(1) : silence.dividedBy(4).plusMillis(1);
                timers.startTimerWithFixedDelay(SilenceCheck.INSTANCE, every);
            }
            return new VmSupervisor(ctx, timers, config, events, board, started).boot(ResetReason.POWER_ON, "power on");
        }));
    }

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final VmConfig config;
    private final ActorRef<VmEvent> events;
    private final Board board;
    private final Instant started;
    private final ConsoleSink console;
    private final ActorRef<VcpuReport> reports;
    private final RestartBudget restartBudget;

    private Lifecycle state = Lifecycle.BOOTING;
    private int boots;
    private int restarts;
    private long instructions;
    private OptionalLong resultCode = OptionalLong.empty();
    /** The result the guest gave (hypercall or console pattern), if any. */
    private Optional<Outcome> result = Optional.empty();
    private String resultDetail = "";
    private int guestResets;
    private long resetNanos;
    /** System.nanoTime when the guest's pending reset request arrived; -1 when none is pending. */
    private long resetRequestedAt = -1;

    private VmSupervisor(ActorContext<Command> ctx, TimerScheduler<Command> timers, VmConfig config,
                         ActorRef<VmEvent> events, Board board, Instant started) {
        this.ctx = ctx;
        this.timers = timers;
        this.config = config;
        this.events = events;
        this.board = board;
        this.started = started;
        ActorRef<Command> self = ctx.getSelf();
        VmConfig.ResultRules rules = config.result();
        this.console = new ConsoleSink(config.consoleMaxLine(), line -> {
            events.tell(new ConsoleLine(config.name(), line, Instant.now()));
            if (rules.fail().isPresent() && rules.fail().get().matcher(line).find()) {
                self.tell(new ConsoleResult(Outcome.FAILED, line));
            } else if (rules.pass().isPresent() && rules.pass().get().matcher(line).find()) {
                self.tell(new ConsoleResult(Outcome.PASSED, line));
            }
        });
        this.reports = ctx.messageAdapter(VcpuReport.class, FromVcpu::new);
        this.restartBudget = new RestartBudget(config.policies().intensity());
    }

    // ---- BOOTING ------------------------------------------------------------------------------

    /** Rebuilds the board for the next boot and spawns a fresh vCPU subtree. */
    private Behavior<Command> boot(ResetReason reason, String why) {
        if (state == Lifecycle.RESETTING) move(Lifecycle.BOOTING, why);
        boots++;
        try {
            board.powerOn(boots, reason);
        } catch (BootException | RuntimeException e) {
            move(Lifecycle.FAILED, "boot " + boots + " failed");
            return finish(Outcome.CRASHED, "boot " + boots + " failed: " + e.getMessage());
        }
        Set<ActorRef<VcpuActor.Command>> children = new HashSet<>();
        for (Vcpu vcpu : board.vcpus()) {
            ActorRef<VcpuActor.Command> child = ctx.spawn(VcpuActor.create(wiring(vcpu)),
                    "vcpu-" + vcpu.id() + "-boot-" + boots, DispatcherSelector.fromConfig(VCPU_DISPATCHER));
            ctx.watchWith(child, new ChildStopped(child));
            children.add(child);
        }
        move(Lifecycle.RUNNING, why);
        children.forEach(c -> c.tell(VcpuActor.Start.INSTANCE));
        if (resetRequestedAt >= 0) {
            guestResets++;
            resetNanos += System.nanoTime() - resetRequestedAt;
            resetRequestedAt = -1;
        }
        return running(children);
    }

    private VcpuActor.Wiring wiring(Vcpu vcpu) {
        long max = config.limits().maxInstructions();
        long left = max == 0 ? Long.MAX_VALUE : Math.max(0, max - instructions);
        VmConfig.EngineTuning e = config.engine();
        return new VcpuActor.Wiring(board, vcpu, board.newHostHypercalls(), console, reports,
                e.turnInstructions(), e.spinPoll(), left);
    }

    // ---- RUNNING ------------------------------------------------------------------------------

    private Behavior<Command> running(Set<ActorRef<VcpuActor.Command>> children) {
        return Behaviors.receive(Command.class)
                .onMessage(Command.class, msg -> switch (msg) {
                    case FromVcpu(ResultReported r) -> onResult(r.code() == 0 ? Outcome.PASSED : Outcome.FAILED,
                            "the guest reported result " + r.code(), OptionalLong.of(r.code()), children);
                    case FromVcpu(VcpuStop stop) -> onStop(stop, children);
                    case ConsoleResult c -> onResult(c.outcome(), "console line matched: " + c.line(),
                            OptionalLong.empty(), children);
                    case ChildStopped c -> end(Outcome.CRASHED,
                            "vCPU actor " + c.child().path().name() + " stopped unexpectedly", without(children, c.child()));
                    case WallTimeout _ -> end(Outcome.TIMED_OUT, timedOut(), children);
                    case SilenceCheck _ -> silentTooLong() ? end(Outcome.CONSOLE_SILENT, silent(), children)
                            : Behaviors.same();
                    case Stop s -> end(Outcome.STOPPED, "stopped by the host: " + s.why(), children);
                    case BootAfterBackoff _ -> Behaviors.same();   // cannot happen while running
                })
                .build();
    }

    private Behavior<Command> onResult(Outcome outcome, String detail, OptionalLong code,
                                       Set<ActorRef<VcpuActor.Command>> children) {
        if (result.isEmpty()) {
            result = Optional.of(outcome);
            resultDetail = detail;
            if (code.isPresent()) resultCode = code;
        }
        return config.result().endOnResult() ? end(result.get(), resultDetail, children) : Behaviors.same();
    }

    /** One total mapping from how a vCPU stopped to what the VM does next. */
    private Behavior<Command> onStop(VcpuStop stop, Set<ActorRef<VcpuActor.Command>> children) {
        Policies p = config.policies();
        return switch (stop) {
            case ResetRequested r -> switch (p.onReset()) {
                case RESTART -> restartOnRequest(children, ResetReason.GUEST_RESET, "vCPU " + r.vcpu() + " called KVM_HC_VM_RESET",
                        Duration.ZERO);
                case SHUTDOWN -> endAsShutdown("vCPU " + r.vcpu() + " called KVM_HC_VM_RESET (on-reset = shutdown)", children);
            };
            case ShutdownRequested s -> switch (p.onShutdown()) {
                case STOP -> endAsShutdown("vCPU " + s.vcpu() + " called KVM_HC_VM_SHUTDOWN", children);
                case RESTART -> restart(children, ResetReason.HOST_REQUEST,
                        "vCPU " + s.vcpu() + " called KVM_HC_VM_SHUTDOWN (on-shutdown = restart)", Duration.ZERO);
            };
            case GuestCrashed c -> fault(p.onCrash(), Outcome.CRASHED, ResetReason.CRASH_RESTART,
                    "vm %s vCPU %d crashed at PC 0x%08x (instruction 0x%08x: %s): %s"
                            .formatted(config.name(), c.vcpu(), c.pc(), c.insn(),
                                    Disassembler.render(config.board().cpu(), c.pc(), c.insn()), c.why()), children);
            case EngineFailed f -> {
                ctx.getLog().error("vm {} vCPU {}: engine failure at PC 0x{}", config.name(), f.vcpu(),
                        Long.toHexString(f.pc()), f.cause());
                yield fault(p.onCrash(), Outcome.CRASHED, ResetReason.CRASH_RESTART,
                        "vm %s vCPU %d: engine failure at PC 0x%08x: %s"
                                .formatted(config.name(), f.vcpu(), f.pc(), f.cause()), children);
            }
            case WatchdogExpired w -> fault(p.onWatchdog(), Outcome.WATCHDOG, ResetReason.WATCHDOG,
                    "vm %s vCPU %d: watchdog expired (time base %d)".formatted(config.name(), w.vcpu(), w.timebase()),
                    children);
            case InstructionLimitReached l -> end(Outcome.INSTRUCTION_LIMIT,
                    "executed the limit of " + config.limits().maxInstructions() + " instructions", children);
        };
    }

    /** A crash or watchdog: restart within the intensity (with backoff), or end. */
    private Behavior<Command> fault(Policies.OnFault policy, Outcome outcome, ResetReason reason, String detail,
                                    Set<ActorRef<VcpuActor.Command>> children) {
        if (policy == Policies.OnFault.STOP) return end(outcome, detail, children);
        Optional<Duration> backoff = restartBudget.tryAcquire(Instant.now());
        if (backoff.isEmpty()) {
            return end(Outcome.RESTART_LIMIT, detail + "; more than " + config.policies().intensity().maxRestarts()
                    + " restarts within " + config.policies().intensity().within(), children);
        }
        restarts++;
        return restart(children, reason, detail, backoff.get());
    }

    private Behavior<Command> endAsShutdown(String why, Set<ActorRef<VcpuActor.Command>> children) {
        return result.isPresent() ? end(result.get(), resultDetail + "; then " + why, children)
                : end(Outcome.SHUTDOWN, why, children);
    }

    // ---- RESETTING ----------------------------------------------------------------------------

    private Behavior<Command> restartOnRequest(Set<ActorRef<VcpuActor.Command>> children, ResetReason reason, String why,
                                               Duration backoff) {
        resetRequestedAt = System.nanoTime();
        return restart(children, reason, why, backoff);
    }

    private Behavior<Command> restart(Set<ActorRef<VcpuActor.Command>> children, ResetReason reason, String why,
                                      Duration backoff) {
        move(Lifecycle.RESETTING, why);
        return stopChildren(children, () -> {
            if (backoff.isZero()) return boot(reason, why);
            timers.startSingleTimer(new BootAfterBackoff(reason, why), backoff);
            return awaitChildren(Set.of(), null);   // wait for the backoff timer
        });
    }

    // ---- ending -------------------------------------------------------------------------------

    /** Ends the VM with {@code outcome}: FAILED for crashes, SHUTTING_DOWN → STOPPED otherwise. */
    private Behavior<Command> end(Outcome outcome, String detail, Set<ActorRef<VcpuActor.Command>> children) {
        boolean failure = outcome == Outcome.CRASHED || outcome == Outcome.WATCHDOG || outcome == Outcome.RESTART_LIMIT;
        move(failure ? Lifecycle.FAILED : Lifecycle.SHUTTING_DOWN, detail);
        return stopChildren(children, () -> failure ? finish(outcome, detail) : stopped(outcome, detail));
    }

    /**
     * Kicks and stops every child, then waits until each has terminated before {@code then}: no
     * vCPU of this subtree may run once RAM is rebuilt or the VM is reported as ended.
     */
    private Behavior<Command> stopChildren(Set<ActorRef<VcpuActor.Command>> alive, AfterStop then) {
        for (Vcpu v : board.vcpus()) v.requestImmediateExit();   // ends a running turn early
        alive.forEach(ctx::stop);
        return awaitChildren(alive, then);
    }

    /** Waits for the children (and, with {@code then == null}, for a backoff timer). */
    private Behavior<Command> awaitChildren(Set<ActorRef<VcpuActor.Command>> alive, AfterStop then) {
        if (alive.isEmpty() && then != null) {
            countInstructions();
            return then.next();
        }
        return Behaviors.receive(Command.class)
                .onMessage(Command.class, msg -> switch (msg) {
                    case ChildStopped c -> awaitChildren(without(alive, c.child()), then);
                    case BootAfterBackoff b -> state == Lifecycle.RESETTING ? boot(b.reason(), b.why()) : Behaviors.same();
                    case WallTimeout _ -> endInsteadOfReboot(alive, then, Outcome.TIMED_OUT, timedOut());
                    case Stop s -> endInsteadOfReboot(alive, then, Outcome.STOPPED, "stopped by the host: " + s.why());
                    case FromVcpu _, ConsoleResult _, SilenceCheck _ -> Behaviors.same();  // late, from a stopping subtree
                })
                .build();
    }

    /** While resetting, a timeout or a stop request ends the VM instead of booting it again. */
    private Behavior<Command> endInsteadOfReboot(Set<ActorRef<VcpuActor.Command>> alive, AfterStop then,
                                                 Outcome outcome, String why) {
        if (state != Lifecycle.RESETTING) return Behaviors.same();   // already ending
        move(Lifecycle.SHUTTING_DOWN, why);
        timers.cancelAll();
        return awaitChildren(alive, () -> stopped(outcome, why));
    }

    @FunctionalInterface
    private interface AfterStop {
        Behavior<Command> next();
    }

    private void countInstructions() {
        for (Vcpu v : board.vcpus()) {
            instructions += v.instructionsRetired();
            v.reset();                        // counted once: the next boot starts from zero anyway
        }
    }

    private Behavior<Command> stopped(Outcome outcome, String detail) {
        move(Lifecycle.STOPPED, detail);
        return finish(outcome, detail);
    }

    private Behavior<Command> finish(Outcome outcome, String detail) {
        timers.cancelAll();
        console.flush();
        Duration wall = Duration.between(started, Instant.now());
        events.tell(new VmFinished(new VmResult(config.name(), outcome, config.expect(), boots, restarts, instructions,
                wall, detail, resultCode, guestResets, Duration.ofNanos(resetNanos)), Instant.now()));
        return Behaviors.stopped();
    }

    private static Behavior<Command> failedAtStart(VmConfig config, ActorRef<VmEvent> events, Instant started,
                                                   String detail) {
        events.tell(new LifecycleChanged(config.name(), Lifecycle.BOOTING, Lifecycle.FAILED, detail, Instant.now()));
        events.tell(new VmFinished(new VmResult(config.name(), Outcome.CRASHED, config.expect(), 0, 0, 0,
                Duration.between(started, Instant.now()), detail, OptionalLong.empty(), 0, Duration.ZERO), Instant.now()));
        return Behaviors.stopped();
    }

    private boolean silentTooLong() {
        return Duration.ofNanos(System.nanoTime() - console.lastWriteNanos()).compareTo(config.limits().consoleSilence()) > 0;
    }

    private String silent() {
        return "no console output for " + Durations.format(config.limits().consoleSilence());
    }

    private String timedOut() {
        return "no end within the wall-clock limit of " + Durations.format(config.limits().wallTimeout());
    }

    /** The only place the state changes; publishes the transition. */
    private void move(Lifecycle next, String why) {
        Lifecycle from = state;
        state = state.to(next);
        events.tell(new LifecycleChanged(config.name(), from, next, why, Instant.now()));
    }

    private static <T> Set<T> without(Set<T> set, T item) {
        Set<T> copy = new HashSet<>(set);
        copy.remove(item);
        return copy;
    }
}
