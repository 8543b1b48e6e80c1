package epaprlab.host.vm;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import epaprlab.machine.api.Vm;
import epaprlab.machine.board.Machine;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.vm.ImageCache;
import epaprlab.orchestrator.vm.Lifecycle;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.orchestrator.vm.VmResult;
import epaprlab.orchestrator.vm.VmSupervisor;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One VM of the host, for as long as it exists (until removed): its config, and the runs the
 * host starts from it. Each run is one orchestrator {@link VmSupervisor}, driven only through its
 * protocol ({@link VmSupervisor.Stop}, {@link VmSupervisor.Reset}) and observed through its {@link VmEvent}s. Between runs
 * the VM keeps its typed outcome, counters, console and history. The states are behaviours:
 * {@link #idle}, {@link #running} and {@link #stopping} (with what to do once the run has ended:
 * nothing, start again for a host reset, or remove the VM).
 *
 * <p>A host reset of a running VM is the supervisor's {@link VmSupervisor.Reset} (the guest sees
 * the next boot count and reason host-request); while a run is stopping, a reset starts a new
 * run once it has ended.
 */
public final class HostedVm {

    public sealed interface Command {}

    /** Requests from the API; every one gets exactly one {@link Reply}. */
    public sealed interface Request extends Command {
        ActorRef<Reply> replyTo();
    }

    /** Start a run; {@code why} goes to the history (for example {@code host-failover}). */
    public record Start(String why, ActorRef<Reply> replyTo) implements Request {}

    public record Stop(ActorRef<Reply> replyTo) implements Request {}

    public record Reset(ActorRef<Reply> replyTo) implements Request {}

    /** Stop any run, then forget the VM. */
    public record Remove(ActorRef<Reply> replyTo) implements Request {}

    /** Bytes typed into the guest's console. */
    public record Input(byte[] bytes, ActorRef<Reply> replyTo) implements Request {}

    /** Take a snapshot of the running guest ({@link VmSupervisor.TakeSnapshot}); the reply comes once it is taken. */
    public record Snapshot(ActorRef<Reply> replyTo) implements Request {}

    public sealed interface Reply extends epaprlab.host.cluster.ClusterMessage {
        /** Accepted; the view as of now (the action itself may still be under way). */
        record Done(VmView view) implements Reply {}

        /** Not possible in the current state; {@code status} is the HTTP status to answer with. */
        record Refused(int status, String message) implements Reply {}
    }

    private record FromVm(VmEvent event) implements Command {}

    private record RunTerminated(int run) implements Command {}

    /** The supervisor's answer to a {@link Snapshot} (or the ask's failure), for {@code replyTo}. */
    private record SnapshotAnswered(VmSupervisor.SnapshotReply reply, Throwable failure, ActorRef<Reply> replyTo)
            implements Command {}

    /** How long a snapshot may take (every vCPU pauses at its next instruction boundary: milliseconds). */
    private static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(30);

    /** A run's supervisor died and its result has not come within the grace period. */
    private record ResultOverdue(int run) implements Command {}

    private enum Sample implements Command { INSTANCE }

    private enum Then { IDLE, START_AGAIN, REMOVE }

    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);
    private static final Duration RESULT_GRACE = Duration.ofSeconds(2);

    /** @param entry this VM's entry in {@code book}, added by the caller (so it is visible at once) */
    public static Behavior<Command> create(HostedVms.Entry entry, VmConfig config, String image, HostedVms book,
                                           ImageCache images) {
        return create(entry, config, image, book, images, running -> {});
    }

    /** @param running told {@code true} when a run starts and {@code false} when the VM is left without one */
    public static Behavior<Command> create(HostedVms.Entry entry, VmConfig config, String image, HostedVms book,
                                           ImageCache images, java.util.function.Consumer<Boolean> running) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            HostedVm vm = new HostedVm(ctx, timers, entry, config, image, book, images, running);
            return vm.idle();
        }));
    }

    /** One run: its supervisor, its board once built, and what has been seen of its end. */
    private static final class Run {
        final int number;
        final ActorRef<VmSupervisor.Command> supervisor;
        final AtomicReference<Machine> board;
        VmResult result;
        boolean terminated;
        /** Instructions counted from samples of this run so far (its board is built for it: they start at 0). */
        long sampled;
        final InstructionSampler counted = new InstructionSampler();
        /** Console input that came before the guest first ran (power-on resets the console), in order. */
        final java.util.List<byte[]> early = new java.util.ArrayList<>();
        /** The guest has reached RUNNING in this run: its board is built and powered on. */
        boolean booted;
        /** The final lifecycle state the run reached (stopped, failed), shown once its outcome is known; or null. */
        String finalState;

        Run(int number, ActorRef<VmSupervisor.Command> supervisor, AtomicReference<Machine> board) {
            this.number = number;
            this.supervisor = supervisor;
            this.board = board;
        }

        boolean over() { return result != null && terminated; }
    }

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final String id;
    private final VmConfig config;
    private final String image;
    private final HostedVms book;
    private final ImageCache images;
    private final HostCounters counters;
    private final HostedVms.Entry entry;
    private final ActorRef<VmEvent> events;
    private final java.util.function.Consumer<Boolean> running;

    // shown in the view, over every run
    private String state = "created";
    private Outcome outcome;
    private String detail = "";
    private int runs;
    private int boots;
    private int resets;
    private int crashes;
    private long instructions;
    private double rate;
    private long rateAtNanos = System.nanoTime();
    private long rateInstructions;
    private final String created;
    private String lastStart = "";

    private HostedVm(ActorContext<Command> ctx, TimerScheduler<Command> timers, HostedVms.Entry entry, VmConfig config,
                     String image, HostedVms book, ImageCache images, java.util.function.Consumer<Boolean> running) {
        this.running = running;
        this.ctx = ctx;
        this.timers = timers;
        this.id = entry.id();
        this.entry = entry;
        this.config = config;
        this.image = image;
        this.book = book;
        this.images = images;
        this.counters = book.counters();
        this.events = ctx.messageAdapter(VmEvent.class, FromVm::new);
        this.created = entry.view().created();
        publish();
        entry.events().add(id, "host", "", "created", "created from its config");
    }

    // ---- idle: no run ---------------------------------------------------------------------------

    private Behavior<Command> idle() {
        return Behaviors.receive(Command.class)
                .onMessage(Command.class, msg -> switch (msg) {
                    case Start s -> {
                        Run run = startRun(s.why());
                        s.replyTo().tell(new Reply.Done(view()));
                        yield running(run);
                    }
                    case Stop s -> refuse(s, "is not running");
                    case Reset s -> refuse(s, "is not running (start it instead)");
                    case Input s -> refuse(s, "is not running: console input needs a running guest");
                    case Snapshot s -> refuse(s, "is not running: a snapshot needs a running guest");
                    case Remove s -> {
                        s.replyTo().tell(new Reply.Done(view()));
                        yield removed();
                    }
                    case SnapshotAnswered a -> snapshotAnswered(a);
                    case FromVm _, RunTerminated _, ResultOverdue _, Sample _ -> Behaviors.same();   // late
                })
                .onSignal(PostStop.class, this::onPostStop)
                .build();
    }

    private Behavior<Command> refuse(Request r, String why) {
        r.replyTo().tell(new Reply.Refused(409, "VM " + id + " " + why));
        return Behaviors.same();
    }

    private Run startRun(String why) {
        runs++;
        counters.starts.increment();
        lastStart = Instant.now().toString();
        outcome = null;
        detail = "";
        entry.events().add(id, "host", state, "", why);
        AtomicReference<Machine> board = new AtomicReference<>();
        VmSupervisor.BoardFactory boards = c -> {     // runs in the supervisor's setup: hands us its board
            Machine b = images.build(c);
            board.set(b);
            return b;
        };
        ActorRef<VmSupervisor.Command> supervisor = ctx.spawn(VmSupervisor.create(config, events, boards, counters.hypercalls,
                this::consoleBytes), "run-" + runs, VmSupervisor.DISPATCHER);
        ctx.watchWith(supervisor, new RunTerminated(runs));
        timers.startTimerWithFixedDelay(Sample.INSTANCE, SAMPLE_EVERY);
        publish();
        running.accept(true);
        return new Run(runs, supervisor, board);
    }

    // ---- running and stopping -------------------------------------------------------------------

    private Behavior<Command> running(Run run) {
        return Behaviors.receive(Command.class)
                .onMessage(Command.class, msg -> switch (msg) {
                    case Start s -> refuse(s, "is already running");
                    case Stop s -> stopRun(run, s, Then.IDLE, "stop requested through the API");
                    case Reset s -> resetRun(run, s);
                    case Remove s -> stopRun(run, s, Then.REMOVE, "removal requested through the API");
                    case Input s -> input(run, s);
                    case Snapshot s -> snapshot(run, s);
                    case SnapshotAnswered a -> snapshotAnswered(a);
                    case FromVm f -> observe(run, f.event(), Then.IDLE);
                    case RunTerminated t -> terminated(run, t.run(), Then.IDLE);
                    case ResultOverdue o -> overdue(run, o.run(), Then.IDLE);
                    case Sample _ -> sample(run);
                })
                .onSignal(PostStop.class, this::onPostStop)
                .build();
    }

    private Behavior<Command> stopping(Run run, Then then) {
        return Behaviors.receive(Command.class)
                .onMessage(Command.class, msg -> switch (msg) {
                    case Start s -> refuse(s, "is stopping; start it once it has stopped");
                    case Stop s -> {
                        s.replyTo().tell(new Reply.Done(view()));
                        yield then == Then.START_AGAIN ? stopping(run, Then.IDLE) : Behaviors.same();
                    }
                    case Reset s -> {
                        s.replyTo().tell(new Reply.Done(view()));
                        yield then == Then.IDLE ? stopping(run, Then.START_AGAIN) : Behaviors.same();
                    }
                    case Remove s -> {
                        s.replyTo().tell(new Reply.Done(view()));
                        yield stopping(run, Then.REMOVE);
                    }
                    case Input s -> input(run, s);
                    case Snapshot s -> refuse(s, "is stopping");
                    case SnapshotAnswered a -> snapshotAnswered(a);
                    case FromVm f -> observe(run, f.event(), then);
                    case RunTerminated t -> terminated(run, t.run(), then);
                    case ResultOverdue o -> overdue(run, o.run(), then);
                    case Sample _ -> sample(run);
                })
                .onSignal(PostStop.class, this::onPostStop)
                .build();
    }

    private Behavior<Command> stopRun(Run run, Request r, Then then, String why) {
        entry.events().add(id, "host", state, "", why);
        run.supervisor.tell(new VmSupervisor.Stop(why));
        r.replyTo().tell(new Reply.Done(view()));
        return stopping(run, then);
    }

    /** A real reset of the running guest: its supervisor boots it again (boot count + 1, reason host-request). */
    private Behavior<Command> resetRun(Run run, Reset r) {
        entry.events().add(id, "host", state, "", "reset requested through the API");
        run.supervisor.tell(new VmSupervisor.Reset("requested through the API"));
        r.replyTo().tell(new Reply.Done(view()));
        return Behaviors.same();
    }

    /** Asks the run's supervisor for a snapshot; the API's answer waits for it. */
    private Behavior<Command> snapshot(Run run, Snapshot s) {
        ctx.ask(VmSupervisor.SnapshotReply.class, run.supervisor, SNAPSHOT_WAIT, VmSupervisor.TakeSnapshot::new,
                (reply, failure) -> new SnapshotAnswered(reply, failure, s.replyTo()));
        return Behaviors.same();
    }

    private Behavior<Command> snapshotAnswered(SnapshotAnswered a) {
        switch (a.reply()) {
            case VmSupervisor.SnapshotReply.Taken _ -> {
                // the VM runs again; its lifecycle event may come after this answer (another sender)
                if (state.equals(stateName(Lifecycle.SNAPSHOTTING))) state = stateName(Lifecycle.RUNNING);
                publish();
                a.replyTo().tell(new Reply.Done(view()));
            }
            case VmSupervisor.SnapshotReply.Refused r -> a.replyTo().tell(new Reply.Refused(409, r.reason()));
            case null -> a.replyTo().tell(new Reply.Refused(409, "VM " + id + ": no snapshot: "
                    + (a.failure() == null ? "no answer" : a.failure().getMessage())));
        }
        return Behaviors.same();
    }

    /**
     * Queues typed bytes for the guest, unless the input it has not read would then pass
     * {@link Vm#MAX_PENDING_CONSOLE_INPUT}: a guest that never reads must not fill the host's heap,
     * so the client hears 413 and may retry once the guest reads.
     */
    private Behavior<Command> input(Run run, Input in) {
        Machine b = run.board.get();
        long pending = b == null || !run.booted ? 0 : b.vm().pendingConsoleInput();
        for (byte[] early : run.early) pending += early.length;
        if (pending + in.bytes().length > Vm.MAX_PENDING_CONSOLE_INPUT) {
            in.replyTo().tell(new Reply.Refused(413, ("VM %s: console input of %d bytes refused: %d bytes already wait unread by"
                    + " the guest, and at most %d may (the limit of unread console input per VM); retry once the guest reads")
                    .formatted(id, in.bytes().length, pending, Vm.MAX_PENDING_CONSOLE_INPUT)));
            return Behaviors.same();
        }
        run.early.add(in.bytes());
        deliverInput(run);
        in.replyTo().tell(new Reply.Done(view()));
        return Behaviors.same();
    }

    /** Hands queued input to the board once the guest runs (before, power-on would drop it). */
    private static void deliverInput(Run run) {
        Machine b = run.board.get();
        if (b == null || !run.booted) return;
        for (byte[] bytes : run.early) b.vm().consoleInput(bytes);
        run.early.clear();
    }

    private Behavior<Command> observe(Run run, VmEvent e, Then then) {
        if (e instanceof LifecycleChanged l && l.to() == Lifecycle.RUNNING) run.booted = true;
        deliverInput(run);
        switch (e) {
            case LifecycleChanged l -> {
                // a final state is shown with the run's outcome (ended), never before it
                if (l.to().isFinal()) run.finalState = stateName(l.to());
                else state = stateName(l.to());
                if (l.to() == Lifecycle.RUNNING && (l.from() == Lifecycle.BOOTING || l.from() == Lifecycle.RESTORING)) boots++;
                if (l.to() == Lifecycle.RESETTING) {
                    resets++;
                    counters.resets.increment();
                }
                entry.events().add(id, "lifecycle", stateName(l.from()), stateName(l.to()), l.why());
            }
            case ConsoleLine _ -> { }      // its bytes came through consoleBytes already
            case VmEvent.SnapshotTaken t -> entry.events().add(id, "snapshot", state, "taken", t.snapshot().origin()
                    + t.savedTo().map(p -> "; saved to " + p).orElse(""));
            case VmFinished f -> {
                run.result = f.result();
                if (run.over()) return ended(run, then);
            }
        }
        publish();
        return Behaviors.same();
    }

    private Behavior<Command> terminated(Run run, int number, Then then) {
        if (number != run.number) return Behaviors.same();
        run.terminated = true;
        if (run.over()) return ended(run, then);
        timers.startSingleTimer(new ResultOverdue(number), RESULT_GRACE);
        return Behaviors.same();
    }

    private Behavior<Command> overdue(Run run, int number, Then then) {
        if (number != run.number || run.result != null) return Behaviors.same();
        run.result = new VmResult(id, Outcome.CRASHED, config.expect(), 0, 0, run.sampled, Duration.ZERO,
                "the VM supervisor stopped without a result (see the log)", java.util.OptionalLong.empty(), 0, Duration.ZERO);
        run.finalState = "failed";
        return ended(run, then);
    }

    /** The run is over (result and termination seen): account for it, then do what was asked. */
    private Behavior<Command> ended(Run run, Then then) {
        timers.cancel(Sample.INSTANCE);
        VmResult r = run.result;
        instructions += r.instructions() - run.sampled;
        counters.instructions.add(r.instructions() - run.sampled);
        crashes += r.restarts();
        counters.crashes.add(r.restarts());
        if (r.outcome() == Outcome.CRASHED || r.outcome() == Outcome.WATCHDOG || r.outcome() == Outcome.RESTART_LIMIT) {
            crashes++;
            counters.crashes.increment();
        }
        rate = 0;
        if (run.finalState != null) state = run.finalState;
        outcome = r.outcome();
        detail = r.detail();
        entry.events().add(id, "finished", "", outcome.configName(), detail);
        publish();
        if (then != Then.START_AGAIN) running.accept(false);
        return switch (then) {
            case IDLE -> idle();
            case START_AGAIN -> {
                resets++;
                counters.resets.increment();
                yield running(startRun("host-reset"));
            }
            case REMOVE -> removed();
        };
    }

    /**
     * The guest's console bytes as it writes them (a vCPU thread, under the console sink's lock,
     * so in order): a prompt without a newline is on the console stream at once.
     */
    private void consoleBytes(byte[] bytes, int off, int len) {
        entry.console().append(bytes, off, len);
        counters.consoleBytes.add(len);
    }

    /** Reads the vCPUs' retired-instruction counters (a sample; exact totals come with the result). */
    private Behavior<Command> sample(Run run) {
        Machine b = run.board.get();
        if (b == null) return Behaviors.same();
        long delta = run.counted.sample(b.vcpus());
        run.sampled += delta;
        instructions += delta;
        counters.instructions.add(delta);
        publish();
        return Behaviors.same();
    }

    private Behavior<Command> onPostStop(PostStop signal) {
        book.remove(id);           // stopped with the host: its entry goes too
        return Behaviors.same();
    }

    private Behavior<Command> removed() {
        book.remove(id);
        return Behaviors.stopped();
    }

    private void publish() {
        entry.publish(view());
    }

    private VmView view() {
        long now = System.nanoTime();
        double seconds = (now - rateAtNanos) / 1e9;
        if (seconds >= 0.5) {
            rate = outcome == null && !state.equals("created") ? (instructions - rateInstructions) / seconds : 0;
            rateAtNanos = now;
            rateInstructions = instructions;
        }
        return new VmView(id, state, outcome == null ? null : outcome.configName(),
                outcome != null && config.expect().contains(outcome), detail, image,
                config.board().cpu().configName(), runs, boots, resets, crashes, instructions, rate,
                entry.console().end(), created, lastStart);
    }

    static String stateName(Lifecycle l) {
        return l.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
