package epaprlab.orchestrator.lab;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import epaprlab.orchestrator.admission.Admission;
import epaprlab.orchestrator.admission.VmCharge;
import epaprlab.orchestrator.config.HeapBudget;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.snapshot.SnapshotFacts;
import epaprlab.orchestrator.snapshot.VmSnapshot;
import java.util.Optional;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.console.ConsoleAttachment;
import epaprlab.orchestrator.console.ConsoleSink;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.vcpu.HypercallCounts;
import epaprlab.orchestrator.vm.ImageCache;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.orchestrator.vm.VmResult;
import epaprlab.orchestrator.vm.VmSupervisor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The root of a lab: a {@link VmSupervisor} per VM, at most {@code concurrency} at once and
 * only while {@link Admission} finds room for it in the heap (else it waits for a VM to end, or
 * ends as host-out-of-memory when it could never fit), every
 * event passed to the observer in the order it arrives, and the lab's end once every VM has
 * ended. A VM whose supervisor dies without a result (a bug) is reported as crashed; the other
 * VMs are not disturbed.
 *
 * <p>A clone of one vCPU whose group has its snapshot runs in a supervisor that takes clones one
 * after another: when it reports its clone's end, the guardian gives it the next waiting VM it may
 * run (admitted as any other: the concurrency limit counts VMs, not actors) or retires it. A
 * supervisor is spawned, watched and stopped per {@code concurrency} clones instead of per clone.
 */
public final class LabGuardian {

    public sealed interface Command {}

    /** The host stops every VM (for example on Ctrl-C): running ones end as stopped, waiting ones never start. */
    public record StopAll(String why) implements Command {}

    /** The lab for a guardian made by {@link #awaiting()} ({@code attach}: a terminal on one VM's console, or null). */
    public record Begin(LabConfig lab, LabObserver observer, ConsoleAttachment attach) implements Command {}

    private record FromVm(VmEvent event) implements Command {}

    private record SupervisorStopped(ActorRef<VmSupervisor.Command> supervisor) implements Command {}

    /** A supervisor stopped with no result yet; if none has come by now, the VM is lost. */
    private record ConfirmLost(String vm) implements Command {}

    /** A death-watch notice may overtake a dying actor's last messages; wait this long for them. */
    private static final Duration LOST_RESULT_GRACE = Duration.ofSeconds(2);

    public static Behavior<Command> create(LabConfig lab, LabObserver observer) {
        return create(lab, observer, Admission.of(HeapBudget.ofThisJvm()), null);
    }

    /** With a terminal attached to one VM's console ({@code attach}, or null for none). */
    public static Behavior<Command> create(LabConfig lab, LabObserver observer, ConsoleAttachment attach) {
        return create(lab, observer, Admission.of(HeapBudget.ofThisJvm()), attach);
    }

    /**
     * A guardian whose actor system starts before its lab is loaded ({@link LabActorSystem#launch}):
     * it runs the lab of its first {@link Begin}; a {@link StopAll} before that ends it with no lab.
     */
    public static Behavior<Command> awaiting() {
        return Behaviors.receive(Command.class)
                .onMessage(Command.class, msg -> switch (msg) {
                    case Begin b -> create(b.lab(), b.observer(), b.attach());
                    case StopAll _ -> Behaviors.stopped();
                    case FromVm _, SupervisorStopped _, ConfirmLost _ -> Behaviors.unhandled();     // no VM yet
                })
                .build();
    }

    /** With the heap pool of {@code admission} instead of this JVM's. */
    public static Behavior<Command> create(LabConfig lab, LabObserver observer, Admission admission) {
        return create(lab, observer, admission, null);
    }

    /** With the heap pool of {@code admission} and a terminal attached to one VM's console ({@code attach}, or null). */
    public static Behavior<Command> create(LabConfig lab, LabObserver observer, Admission admission, ConsoleAttachment attach) {
        // no Behaviors.withTimers: its interceptor would sit in the path of every message (several per
        // start); the guardian's one timer (ConfirmLost) is a plain scheduled message
        return Behaviors.setup(ctx -> new LabGuardian(ctx, lab, observer, admission, attach).first());
    }

    private final ActorContext<Command> ctx;
    private final LabConfig lab;
    private final LabObserver observer;
    /** Read once: whether the VMs publish every lifecycle transition or only those into RUNNING. */
    private final boolean everyTransition;
    private final ActorRef<VmEvent> events;
    private final ImageCache boards = new ImageCache();
    /** The terminal attached to one VM's console, or null. */
    private final ConsoleAttachment attach;
    private final Instant started = Instant.now();
    /** Results by VM name, in lab order; null until the VM ends. */
    private final Map<String, VmResult> results;
    /** VMs without a result yet (the nulls in {@link #results}, counted). */
    private int unfinished;
    private final Map<String, VmConfig> configs;
    /** VMs not started yet, in lab order. */
    private Deque<VmConfig> waiting = new ArrayDeque<>();
    /** The supervisors of the VMs that run now (started, no result yet or not stopped yet), by VM name. */
    private final Map<String, ActorRef<VmSupervisor.Command>> alive = new LinkedHashMap<>();
    /** Which VM each supervisor runs now (a supervisor that takes clones runs none between two). */
    private final Map<ActorRef<VmSupervisor.Command>, String> runs = new java.util.HashMap<>();
    /** The supervisors that take clones one after another ({@link VmSupervisor#createTakingClones}), until stopped. */
    private final java.util.Set<ActorRef<VmSupervisor.Command>> cloneTakers = new java.util.HashSet<>();
    private final Admission admission;
    /** What each started VM holds of the heap pool, given back when its supervisor has stopped. */
    private final Map<String, VmCharge> charges = new java.util.HashMap<>();
    /** Hypercalls by token over the whole lab (one table: a table per VM would cost heap per VM). */
    private final HypercallCounts hypercalls = new HypercallCounts();
    /** boot-once: the VM of each group (lab entry) that boots to the snapshot point, by group. */
    private final Map<String, String> sources = new java.util.HashMap<>();
    /** boot-once: each group's snapshot, once its source has taken it. */
    private final Map<String, VmSnapshot> groupSnapshots = new java.util.HashMap<>();
    /** boot-once: the other VMs of a group whose snapshot is not taken yet, in lab order. */
    private final Map<String, Deque<VmConfig>> parked = new java.util.HashMap<>();

    private LabGuardian(ActorContext<Command> ctx, LabConfig lab, LabObserver observer, Admission admission,
                        ConsoleAttachment attach) {
        this.ctx = ctx;
        this.admission = admission;
        this.attach = attach;
        this.lab = lab;
        this.observer = observer;
        this.everyTransition = observer.wantsEveryTransition();
        this.events = ctx.messageAdapter(VmEvent.class, FromVm::new);
        // sized for the lab at once: a lab of 20,000 clones would otherwise rehash them a dozen times
        this.results = LinkedHashMap.newLinkedHashMap(lab.vms().size());
        this.configs = java.util.HashMap.newHashMap(lab.vms().size());
        for (VmConfig vm : lab.vms()) {
            if (vm.snapshot().bootOnce()) sources.putIfAbsent(vm.snapshot().group(), vm.name());
            results.put(vm.name(), null);
            configs.put(vm.name(), vm);
            // a group's clones wait for its snapshot, which no source has yet: parked here in one pass
            // (its source comes first in lab order), not one by one by startWaiting
            if (isClone(vm)) parked.computeIfAbsent(vm.snapshot().group(), g -> new ArrayDeque<>()).addLast(vm);
            else waiting.add(vm);
        }
        unfinished = results.size();
        startWaiting();
    }

    private void startWaiting() {
        startWaiting(null);
    }

    /**
     * Starts waiting VMs, in lab order, while fewer than {@code concurrency} run and the heap
     * pool has room for the next; one that could never fit ends as host-out-of-memory.
     * {@code free}: a supervisor that takes clones and has just reported its clone's end (or null):
     * it runs the first VM started here that it may run, else it is retired.
     */
    private void startWaiting(ActorRef<VmSupervisor.Command> free) {
        while (alive.size() < lab.concurrency() && !waiting.isEmpty()) {
            VmConfig vm = waiting.peekFirst();
            String group = vm.snapshot().group();
            Optional<VmSnapshot> from = Optional.empty();
            if (isClone(vm)) {
                from = Optional.ofNullable(groupSnapshots.get(group));
                // until its source has its snapshot; a source that ended without one leaves its clones to boot
                if (from.isEmpty() && results.get(sources.get(group)) == null) {
                    parked.computeIfAbsent(group, g -> new ArrayDeque<>()).addLast(waiting.removeFirst());
                    continue;
                }
            }
            switch (admission.tryAdmit(vm, alive.size())) {
                case Admission.Decision.Admitted a -> {
                    waiting.removeFirst();
                    charges.put(vm.name(), a.charge());
                    ActorRef<VmSupervisor.Command> supervisor;
                    if (free != null && takesClones(vm, from)) {
                        free.tell(new VmSupervisor.RunNext(vm, a.charge(), from.get()));
                        supervisor = free;
                        free = null;
                    } else {
                        supervisor = spawn(vm, a.charge(), from);
                    }
                    alive.put(vm.name(), supervisor);
                    runs.put(supervisor, vm.name());
                }
                case Admission.Decision.Refused r -> {
                    waiting.removeFirst();
                    record(new VmFinished(lostResult(vm.name(), Outcome.HOST_OUT_OF_MEMORY, r.why()), Instant.now()));
                }
                case Admission.Decision.Wait _ -> {
                    retire(free);
                    return;                 // the next VM that ends makes room
                }
            }
        }
        retire(free);
    }

    private static void retire(ActorRef<VmSupervisor.Command> free) {
        if (free != null) free.tell(VmSupervisor.Retire.INSTANCE);
    }

    /** Whether {@code vm} runs in a supervisor that takes clones: a clone of one vCPU started from its group's snapshot. */
    private boolean takesClones(VmConfig vm, Optional<VmSnapshot> from) {
        return from.isPresent() && VmSupervisor.takesClones(vm) && (attach == null || !attach.vm().equals(vm.name()));
    }

    /** A supervisor for {@code vm}, watched. */
    private ActorRef<VmSupervisor.Command> spawn(VmConfig vm, VmCharge charge, Optional<VmSnapshot> from) {
        // anonymous ($a, $b, ...): Akka keeps its children in a tree by name, and names such as
        // vm-clone-12345 (a long shared prefix) cost a long comparison at every step of each
        // spawn, lookup and removal, in code a fresh JVM still interprets
        boolean takesClones = takesClones(vm, from);
        ActorRef<VmSupervisor.Command> supervisor = ctx.spawnAnonymous(
                takesClones ? VmSupervisor.createTakingClones(vm, events, boards, charge, from.get(), hypercalls, everyTransition)
                        : attach != null && attach.vm().equals(vm.name())
                        ? VmSupervisor.create(vm, events, attach.connecting(boards), charge, from, hypercalls, attach, everyTransition)
                        : VmSupervisor.create(vm, events, boards, charge, from, hypercalls, ConsoleSink.Tap.NONE, everyTransition),
                VmSupervisor.DISPATCHER);
        ctx.watchWith(supervisor, new SupervisorStopped(supervisor));
        if (takesClones) cloneTakers.add(supervisor);
        return supervisor;
    }

    /** Every VM may have been refused already: then the lab has ended before it began. */
    private Behavior<Command> first() {
        return done() ? finishIfDone() : running();
    }

    /** A VM of a boot-once group that starts from the group's snapshot (every one but the source). */
    private boolean isClone(VmConfig vm) {
        return vm.snapshot().bootOnce() && !vm.name().equals(sources.get(vm.snapshot().group()));
    }

    /** The group's clones that waited for its snapshot (or for its source to end) go first, in lab order. */
    private void unpark(String group) {
        Deque<VmConfig> clones = parked.remove(group);
        if (clones == null) return;
        clones.addAll(waiting);         // behind them what waited already (usually nothing): no pass over the clones
        waiting = clones;
    }

    /** A plain receive, not a built one: no case list is walked per message. */
    private Behavior<Command> running() {
        return Behaviors.receive((c, msg) -> switch (msg) {
            case FromVm(VmFinished f) -> {
                record(f);
                ActorRef<VmSupervisor.Command> supervisor = alive.get(f.vm());
                if (supervisor != null && cloneTakers.contains(supervisor)) {
                    // its VM has ended (pages given back, board recycled) and the actor waits: the next clone, or retired
                    runs.remove(supervisor);
                    vmGone(f.vm());
                    startWaiting(supervisor);
                }
                yield finishIfDone();
            }
            case FromVm(VmEvent.SnapshotTaken t) -> {
                observer.onEvent(new LabEvent.OfVm(t));
                String group = configs.get(t.vm()).snapshot().group();
                if (t.vm().equals(sources.get(group)) && !groupSnapshots.containsKey(group)) {
                    groupSnapshots.put(group, t.snapshot());
                    // kept for the lab's whole life (its clones share its pages): charged for as long
                    admission.pool().force(SnapshotFacts.storedBytes(t.snapshot().machine()));
                    unpark(group);
                    startWaiting();
                }
                yield Behaviors.same();
            }
            case FromVm(VmEvent e) -> {
                observer.onEvent(new LabEvent.OfVm(e));
                yield Behaviors.same();
            }
            case SupervisorStopped s -> {
                cloneTakers.remove(s.supervisor());
                String vm = runs.remove(s.supervisor());
                if (vm != null) {           // null: one that took clones, retired between two
                    vmGone(vm);
                    // never cancelled: ConfirmLost itself checks whether the result came meanwhile
                    if (results.get(vm) == null) ctx.scheduleOnce(LOST_RESULT_GRACE, ctx.getSelf(), new ConfirmLost(vm));
                    startWaiting();
                }
                yield finishIfDone();
            }
            case ConfirmLost l -> {
                if (results.get(l.vm()) == null) {
                    record(new VmFinished(lostResult(l.vm(), Outcome.CRASHED,
                            "the VM supervisor stopped without a result (see the log)"), Instant.now()));
                }
                yield finishIfDone();
            }
            case Begin _ -> Behaviors.unhandled();          // a guardian runs one lab
            case StopAll s -> {
                parked.keySet().stream().toList().forEach(this::unpark);
                while (!waiting.isEmpty()) {
                    VmConfig vm = waiting.removeFirst();
                    record(new VmFinished(lostResult(vm.name(), Outcome.STOPPED,
                            "stopped by the host before it started: " + s.why()), Instant.now()));
                }
                alive.values().forEach(vm -> vm.tell(new VmSupervisor.Stop(s.why())));
                yield finishIfDone();
            }
        });
    }

    /** {@code vm} runs no more: it no longer counts against the concurrency, and its charge goes back to the pool. */
    private void vmGone(String vm) {
        alive.remove(vm);
        VmCharge charge = charges.remove(vm);
        if (charge != null) charge.close();
    }

    private void record(VmFinished f) {
        observer.onEvent(new LabEvent.OfVm(f));
        if (results.put(f.vm(), f.result()) == null) unfinished--;
        String group = configs.get(f.vm()).snapshot().group();
        if (f.vm().equals(sources.get(group)) && !groupSnapshots.containsKey(group)) unpark(group);   // they boot instead
    }

    private VmResult lostResult(String vm, Outcome outcome, String detail) {
        VmConfig c = configs.get(vm);
        return new VmResult(vm, outcome, c.expect(), 0, 0, 0, Duration.between(started, Instant.now()), detail,
                OptionalLong.empty(), 0, Duration.ZERO);
    }

    private boolean done() {
        return alive.isEmpty() && waiting.isEmpty() && unfinished == 0;
    }

    /** The lab ends when every supervisor has stopped and every VM has a result. */
    private Behavior<Command> finishIfDone() {
        if (!done()) return Behaviors.same();
        observer.onEvent(new LabFinished(lab.name(), results.values().stream().toList(), Instant.now()));
        return Behaviors.stopped();
    }
}
