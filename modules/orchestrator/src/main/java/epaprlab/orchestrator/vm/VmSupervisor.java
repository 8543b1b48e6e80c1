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
import epaprlab.machine.boot.ElfImage;
import epaprlab.machine.boot.ResetReason;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.console.ConsoleSink;
import epaprlab.orchestrator.vcpu.VcpuActor;
import epaprlab.orchestrator.vcpu.VcpuReport;
import epaprlab.orchestrator.vcpu.VcpuReport.EngineFailed;
import epaprlab.orchestrator.vcpu.VcpuReport.GuestCrashed;
import epaprlab.orchestrator.vcpu.VcpuReport.WatchdogExpired;
import epaprlab.orchestrator.vcpu.VcpuReport.ResetRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.ResultReported;
import epaprlab.orchestrator.vcpu.VcpuReport.ShutdownRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.VcpuStop;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Owns one guest: its board (RAM, devices, pristine image) and the subtree of vCPU actors that
 * run it. Each lifecycle state is its own behaviour that accepts only what is legal there.
 *
 * <p>Reset: stop every vCPU actor, wait until each has terminated (only then may RAM be touched),
 * rebuild RAM and the device tree from the pristine image with the next boot count, spawn a fresh
 * subtree. Shutdown and crash: stop the subtree, publish the result, stop.
 */
public final class VmSupervisor {

    /** The supervisor's protocol. */
    public sealed interface Command {}

    /** The host asks the VM to stop (it ends as {@link Outcome#STOPPED}). */
    public record Stop(String why) implements Command {}

    private record FromVcpu(VcpuReport report) implements Command {}

    private record ChildStopped(ActorRef<VcpuActor.Command> child) implements Command {}

    private enum WallTimeout implements Command { INSTANCE }

    /** The vCPU actors' dispatcher, configured in conf/reference.conf. */
    public static final String VCPU_DISPATCHER = "epapr-lab.vcpu-dispatcher";

    public static Behavior<Command> create(VmConfig config, ActorRef<VmEvent> events) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Instant started = Instant.now();
            Board board;
            try {
                byte[] bytes = Files.readAllBytes(config.image());
                board = Board.assemble(config.boardSpec(), ElfImage.parse(config.image(), bytes));
            } catch (IOException e) {
                return failedAtStart(config, events, started, "cannot read image " + config.image() + ": " + e.getMessage());
            } catch (BootException e) {
                return failedAtStart(config, events, started, e.getMessage());
            }
            timers.startSingleTimer(WallTimeout.INSTANCE, config.wallTimeout());
            return new VmSupervisor(ctx, config, events, board, started).boot(ResetReason.POWER_ON, "power on");
        }));
    }

    private final ActorContext<Command> ctx;
    private final VmConfig config;
    private final ActorRef<VmEvent> events;
    private final Board board;
    private final Instant started;
    private final ConsoleSink console;
    private final ActorRef<VcpuReport> reports;

    private Lifecycle state = Lifecycle.BOOTING;
    private int boots;
    private long instructions;
    private OptionalLong resultCode = OptionalLong.empty();

    private VmSupervisor(ActorContext<Command> ctx, VmConfig config, ActorRef<VmEvent> events, Board board,
                         Instant started) {
        this.ctx = ctx;
        this.config = config;
        this.events = events;
        this.board = board;
        this.started = started;
        this.console = new ConsoleSink(config.consoleMaxLine(),
                line -> events.tell(new ConsoleLine(config.name(), line, Instant.now())));
        this.reports = ctx.messageAdapter(VcpuReport.class, FromVcpu::new);
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
            return finish(Outcome.FAILED, "boot " + boots + " failed: " + e.getMessage());
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
        return running(children);
    }

    private VcpuActor.Wiring wiring(Vcpu vcpu) {
        return new VcpuActor.Wiring(vcpu, board.newHostHypercalls(), board.console(), console, reports,
                config.turnInstructions(), config.idleWait());
    }

    // ---- RUNNING ------------------------------------------------------------------------------

    private Behavior<Command> running(Set<ActorRef<VcpuActor.Command>> children) {
        return Behaviors.receive(Command.class)
                .onMessage(Command.class, msg -> switch (msg) {
                    case FromVcpu(ResultReported r) -> {
                        resultCode = OptionalLong.of(r.code());
                        yield Behaviors.same();
                    }
                    case FromVcpu(VcpuStop stop) -> onStop(stop, children);
                    case ChildStopped c -> {
                        move(Lifecycle.FAILED, "vCPU actor " + c.child().path().name() + " stopped unexpectedly");
                        yield stopChildren(without(children, c.child()),
                                () -> finish(Outcome.FAILED, "a vCPU actor stopped unexpectedly"));
                    }
                    case WallTimeout _ -> {
                        move(Lifecycle.SHUTTING_DOWN, timedOut());
                        yield stopChildren(children, () -> stopped(Outcome.TIMED_OUT, timedOut()));
                    }
                    case Stop s -> {
                        move(Lifecycle.SHUTTING_DOWN, "stopped by the host: " + s.why());
                        yield stopChildren(children, () -> stopped(Outcome.STOPPED, "stopped by the host: " + s.why()));
                    }
                })
                .build();
    }

    /** One total mapping from how a vCPU stopped to what the VM does next. */
    private Behavior<Command> onStop(VcpuStop stop, Set<ActorRef<VcpuActor.Command>> children) {
        return switch (stop) {
            case ResetRequested r -> {
                move(Lifecycle.RESETTING, "vCPU " + r.vcpu() + " called KVM_HC_VM_RESET");
                yield stopChildren(children, () -> boot(ResetReason.GUEST_RESET, "reset by the guest"));
            }
            case ShutdownRequested s -> {
                move(Lifecycle.SHUTTING_DOWN, "vCPU " + s.vcpu() + " called KVM_HC_VM_SHUTDOWN");
                yield stopChildren(children, () -> stopped(Outcome.SHUTDOWN, "the guest shut down"));
            }
            case GuestCrashed c -> {
                String detail = "vm %s vCPU %d crashed at PC 0x%08x (instruction 0x%08x): %s"
                        .formatted(config.name(), c.vcpu(), c.pc(), c.insn(), c.why());
                move(Lifecycle.FAILED, detail);
                yield stopChildren(children, () -> finish(Outcome.FAILED, detail));
            }
            case WatchdogExpired wd -> {
                String detail = "vm %s vCPU %d: watchdog expired (time base %d)"
                        .formatted(config.name(), wd.vcpu(), wd.timebase());
                move(Lifecycle.FAILED, detail);
                yield stopChildren(children, () -> finish(Outcome.FAILED, detail));
            }
            case EngineFailed f -> {
                String detail = "vm %s vCPU %d: engine failure at PC 0x%08x: %s"
                        .formatted(config.name(), f.vcpu(), f.pc(), f.cause());
                ctx.getLog().error(detail, f.cause());
                move(Lifecycle.FAILED, detail);
                yield stopChildren(children, () -> finish(Outcome.FAILED, detail));
            }
        };
    }

    // ---- RESETTING / SHUTTING_DOWN / FAILED: waiting for the subtree to end -------------------

    /**
     * Kicks and stops every child, then waits until each has terminated before {@code then}: no
     * vCPU of this subtree may run once RAM is rebuilt or the VM is reported as ended.
     */
    private Behavior<Command> stopChildren(Set<ActorRef<VcpuActor.Command>> alive, AfterStop then) {
        for (Vcpu v : board.vcpus()) v.requestImmediateExit();   // ends a running turn early
        alive.forEach(ctx::stop);
        return awaitChildren(alive, then);
    }

    private Behavior<Command> awaitChildren(Set<ActorRef<VcpuActor.Command>> alive, AfterStop then) {
        if (alive.isEmpty()) {
            countInstructions();
            return then.next();
        }
        return Behaviors.receive(Command.class)
                .onMessage(Command.class, msg -> switch (msg) {
                    case ChildStopped c -> awaitChildren(without(alive, c.child()), then);
                    case FromVcpu f -> Behaviors.same();    // a late report of a vCPU being stopped
                    case WallTimeout _ -> endInsteadOfReboot(alive, then, Outcome.TIMED_OUT, timedOut());
                    case Stop s -> endInsteadOfReboot(alive, then, Outcome.STOPPED, "stopped by the host: " + s.why());
                })
                .build();
    }

    /** While resetting, a timeout or a stop request ends the VM instead of booting it again. */
    private Behavior<Command> endInsteadOfReboot(Set<ActorRef<VcpuActor.Command>> alive, AfterStop then,
                                                 Outcome outcome, String why) {
        if (state != Lifecycle.RESETTING) return awaitChildren(alive, then);  // already ending
        move(Lifecycle.SHUTTING_DOWN, why);
        return awaitChildren(alive, () -> stopped(outcome, why));
    }

    private String timedOut() {
        return "no shutdown within the wall-clock limit of " + config.wallTimeout();
    }

    @FunctionalInterface
    private interface AfterStop {
        Behavior<Command> next();
    }

    private void countInstructions() {
        for (Vcpu v : board.vcpus()) instructions += v.instructionsRetired();
    }

    // ---- STOPPED / FAILED ---------------------------------------------------------------------

    private Behavior<Command> stopped(Outcome outcome, String detail) {
        move(Lifecycle.STOPPED, detail);
        return finish(outcome, detail);
    }

    private Behavior<Command> finish(Outcome outcome, String detail) {
        console.flush();
        Duration wall = Duration.between(started, Instant.now());
        events.tell(new VmFinished(new VmResult(config.name(), outcome, config.expect(), boots, instructions, wall,
                detail, resultCode), Instant.now()));
        return Behaviors.stopped();
    }

    private static Behavior<Command> failedAtStart(VmConfig config, ActorRef<VmEvent> events, Instant started,
                                                   String detail) {
        events.tell(new LifecycleChanged(config.name(), Lifecycle.BOOTING, Lifecycle.FAILED, detail, Instant.now()));
        events.tell(new VmFinished(new VmResult(config.name(), Outcome.FAILED, config.expect(), 0, 0,
                Duration.between(started, Instant.now()), detail, OptionalLong.empty()), Instant.now()));
        return Behaviors.stopped();
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
