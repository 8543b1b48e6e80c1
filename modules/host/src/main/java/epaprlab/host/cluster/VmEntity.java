package epaprlab.host.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.StashBuffer;
import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWMapKey;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import com.fasterxml.jackson.databind.ObjectMapper;
import epaprlab.host.api.ApiError;
import epaprlab.host.api.ConfigRequests;
import epaprlab.host.vm.ConsoleLog;
import epaprlab.host.vm.EventLog;
import epaprlab.host.vm.HostedVm;
import epaprlab.host.vm.HostedVms;
import epaprlab.host.vm.VmAction;
import epaprlab.host.vm.VmView;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.vm.ImageCache;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One VM of a host cluster as a Cluster Sharding entity: exactly one per VM id in the cluster,
 * on whichever node its shard lives. Its record (config text, image, whether it should run) is
 * kept in Distributed Data, so when its node is lost the entity started again on another node
 * (remember-entities) rebuilds the VM and, if it was running, starts it with reason
 * {@code host-failover}. The VM itself is a local {@link HostedVm} child.
 *
 * <p>States: {@link #loading} (reading the record; messages wait), {@link #absent} (no such VM:
 * only a create helps), {@link #present} (the child exists), {@link #removing}.
 */
public final class VmEntity {
    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "vm");
    /** Every VM's record by id: JSON of {@link Record}. */
    public static final Key<LWWMap<String, String>> RECORDS = LWWMapKey.create("epapr-lab-vms");
    private static final Duration CONSISTENCY = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    public sealed interface Command {}

    /** The read-only requests, answered alike in every state ({@link #answer}). */
    public sealed interface Query extends Command permits GetView, ReadConsole, ReadEvents {}

    public record Create(String configText, String image, ActorRef<HostedVm.Reply> replyTo) implements Command, ClusterMessage {}

    public record Act(VmAction action, ActorRef<HostedVm.Reply> replyTo) implements Command, ClusterMessage {}

    /** Answered with {@link ViewReply}; {@code view} is null when there is no such VM. */
    public record GetView(ActorRef<ViewReply> replyTo) implements Query, ClusterMessage {}

    public record ViewReply(VmView view) implements ClusterMessage {}

    public record ReadConsole(long from, int max, ActorRef<ConsoleReply> replyTo) implements Query, ClusterMessage {}

    public record ConsoleReply(ConsoleLog.Chunk chunk) implements ClusterMessage {}

    public record ReadEvents(long after, ActorRef<EventsReply> replyTo) implements Query, ClusterMessage {}

    public record EventsReply(List<EventLog.Entry> entries) implements ClusterMessage {}

    /** Sharding's stop message (passivation, hand-off). */
    public enum Passivated implements Command { INSTANCE }

    private record Loaded(Optional<Record> record) implements Command {}

    private record Written(boolean ok) implements Command {}

    private record ChildRunning(boolean running) implements Command {}

    private record ChildGone() implements Command {}

    /** What the cluster keeps of a VM. */
    public record Record(String config, String image, boolean running) {}

    /** What every entity of a node shares. */
    public record Node(HostedVms book, ConfigRequests configs, ImageCache images, int consoleBytes) {}

    public static Behavior<Command> create(String id, ActorRef<ClusterSharding.ShardCommand> shard, Node node) {
        return Behaviors.setup(ctx -> Behaviors.withStash(10_000, stash ->
                DistributedData.withReplicatorMessageAdapter((ReplicatorMessageAdapter<Command, LWWMap<String, String>> ddata) ->
                        new VmEntity(ctx, stash, ddata, id, shard, node).load())));
    }

    private final ActorContext<Command> ctx;
    private final StashBuffer<Command> stash;
    private final ReplicatorMessageAdapter<Command, LWWMap<String, String>> ddata;
    private final SelfUniqueAddress self;
    private final String id;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final Node node;

    private VmEntity(ActorContext<Command> ctx, StashBuffer<Command> stash,
                     ReplicatorMessageAdapter<Command, LWWMap<String, String>> ddata, String id,
                     ActorRef<ClusterSharding.ShardCommand> shard, Node node) {
        this.ctx = ctx;
        this.stash = stash;
        this.ddata = ddata;
        this.self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
        this.id = id;
        this.shard = shard;
        this.node = node;
    }

    // ---- loading ------------------------------------------------------------------------------

    private Behavior<Command> load() {
        ddata.askGet(r -> new Replicator.Get<>(RECORDS, new Replicator.ReadMajority(CONSISTENCY), r), rsp -> switch (rsp) {
            case Replicator.GetSuccess<LWWMap<String, String>> ok -> new Loaded(Optional.ofNullable(ok.get(RECORDS).getEntries().get(id)).map(VmEntity::parse));
            case Replicator.NotFound<LWWMap<String, String>> nf -> new Loaded(Optional.empty());
            default -> new Loaded(null);   // majority not reached: read what this node has
        });
        return Behaviors.receive(Command.class).onMessage(Command.class, msg -> switch (msg) {
            case Loaded(Optional<Record> record) when record != null -> {
                if (record.isEmpty()) yield stash.unstashAll(absent());
                yield stash.unstashAll(start(record.get(), record.get().running()));
            }
            case Loaded l -> {
                ddata.askGet(r -> new Replicator.Get<>(RECORDS, Replicator.readLocal(), r), rsp ->
                        rsp instanceof Replicator.GetSuccess<LWWMap<String, String>> ok
                                ? new Loaded(Optional.ofNullable(ok.get(RECORDS).getEntries().get(id)).map(VmEntity::parse)) : new Loaded(Optional.empty()));
                yield Behaviors.same();
            }
            case Passivated p -> Behaviors.stopped();
            default -> {
                stash.stash(msg);
                yield Behaviors.same();
            }
        }).build();
    }

    /** Rebuilds the VM from its record; starts it when it was running (it lost its node). */
    private Behavior<Command> start(Record record, boolean failover) {
        VmConfig config;
        try {
            config = node.configs().reload(record.config());
        } catch (ApiError e) {
            ctx.getLog().error("vm {}: its stored config no longer loads here: {} ({})", id, e.getMessage(), e.field());
            return absent();
        }
        VmView first = VmView.created(id, record.image(), config.board().cpu().configName());
        HostedVms.Entry entry = node.book().add(id, node.consoleBytes(), first).orElseThrow(
                () -> new IllegalStateException("VM " + id + " is already hosted on this node"));
        ActorRef<ChildRunning> running = ctx.messageAdapter(ChildRunning.class, c -> c);
        ActorRef<HostedVm.Command> child = ctx.spawn(HostedVm.create(entry, config, record.image(), node.book(), node.images(),
                r -> running.tell(new ChildRunning(r))), "vm");
        ctx.watchWith(child, new ChildGone());
        if (failover) child.tell(new HostedVm.Start("host-failover", ctx.getSystem().ignoreRef()));
        return present(child, record);
    }

    // ---- absent: no such VM -------------------------------------------------------------------

    private Behavior<Command> absent() {
        return Behaviors.receive(Command.class).onMessage(Command.class, msg -> switch (msg) {
            case Create c -> {
                Record record = new Record(c.configText(), c.image(), false);
                Behavior<Command> next = start(record, false);
                Optional<HostedVms.Entry> made = entry();
                if (made.isEmpty()) {
                    c.replyTo().tell(new HostedVm.Reply.Refused(400, "the config does not load on this node (see its log)"));
                    yield passivate();
                }
                write(record);
                c.replyTo().tell(new HostedVm.Reply.Done(made.get().view()));
                yield next;
            }
            case Act a -> {
                a.replyTo().tell(new HostedVm.Reply.Refused(404, "no VM with id " + id));
                yield passivate();
            }
            case Query q -> {
                answer(q, Optional.empty());
                yield passivate();
            }
            case Passivated p -> Behaviors.stopped();
            case Loaded _, Written _, ChildRunning _, ChildGone _ -> Behaviors.same();
        }).build();
    }

    private Behavior<Command> passivate() {
        shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        return Behaviors.same();
    }

    // ---- present ------------------------------------------------------------------------------

    private Behavior<Command> present(ActorRef<HostedVm.Command> child, Record record) {
        return Behaviors.receive(Command.class).onMessage(Command.class, msg -> switch (msg) {
            case Create c -> {
                c.replyTo().tell(new HostedVm.Reply.Refused(409, "a VM with id " + id + " exists already"));
                yield Behaviors.same();
            }
            case Act a -> {
                child.tell(a.action().toRequest(a.replyTo()));
                yield a.action().kind() == VmAction.Kind.REMOVE ? removing() : Behaviors.same();
            }
            case Query q -> {
                answer(q, entry());
                yield Behaviors.same();
            }
            case ChildRunning c -> {
                Record now = new Record(record.config(), record.image(), c.running());
                if (c.running() != record.running()) write(now);
                yield present(child, now);
            }
            case ChildGone g -> passivateAfterRemoval();
            case Passivated p -> Behaviors.stopped();   // hand-off: the child stops with us, the record stays
            case Loaded _, Written _ -> Behaviors.same();
        }).build();
    }

    /** The child was asked to remove itself; once it has, the record goes and the entity too. */
    private Behavior<Command> removing() {
        return Behaviors.receive(Command.class).onMessage(Command.class, msg -> switch (msg) {
            case ChildGone g -> passivateAfterRemoval();
            case Create c -> {
                c.replyTo().tell(new HostedVm.Reply.Refused(409, "VM " + id + " is being removed; try again"));
                yield Behaviors.same();
            }
            case Act a -> {
                a.replyTo().tell(new HostedVm.Reply.Refused(409, "VM " + id + " is being removed"));
                yield Behaviors.same();
            }
            case Query q -> {
                answer(q, entry());
                yield Behaviors.same();
            }
            case Passivated p -> Behaviors.stopped();
            case Loaded _, Written _, ChildRunning _ -> Behaviors.same();
        }).build();
    }

    private Behavior<Command> passivateAfterRemoval() {
        ddata.askUpdate(r -> new Replicator.Update<>(RECORDS, LWWMap.empty(), new Replicator.WriteMajority(CONSISTENCY), r,
                map -> map.remove(self, id)), rsp -> new Written(rsp instanceof Replicator.UpdateSuccess));
        shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        return Behaviors.receive(Command.class).onMessage(Command.class, msg -> switch (msg) {
            case Passivated p -> Behaviors.stopped();
            case Act a -> {
                a.replyTo().tell(new HostedVm.Reply.Refused(404, "no VM with id " + id));
                yield Behaviors.same();
            }
            case Query q -> {
                answer(q, Optional.empty());
                yield Behaviors.same();
            }
            case Create c -> {
                c.replyTo().tell(new HostedVm.Reply.Refused(409, "VM " + id + " is being removed; try again"));
                yield Behaviors.same();
            }
            case Loaded _, Written _, ChildRunning _, ChildGone _ -> Behaviors.same();
        }).build();
    }

    private Optional<HostedVms.Entry> entry() { return node.book().get(id); }

    /** Answers a query from {@code vm}, or with nulls (no such VM) when it is empty. */
    private static void answer(Query q, Optional<HostedVms.Entry> vm) {
        switch (q) {
            case GetView g -> g.replyTo().tell(new ViewReply(vm.map(HostedVms.Entry::view).orElse(null)));
            case ReadConsole r -> r.replyTo().tell(new ConsoleReply(vm.map(e -> e.console().read(r.from(), r.max())).orElse(null)));
            case ReadEvents r -> r.replyTo().tell(new EventsReply(vm.map(e -> e.events().after(r.after())).orElse(null)));
        }
    }

    private void write(Record record) {
        String text;
        try {
            text = JSON.writeValueAsString(record);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ddata.askUpdate(r -> new Replicator.Update<>(RECORDS, LWWMap.empty(), new Replicator.WriteMajority(CONSISTENCY), r,
                map -> map.put(self, id, text)), rsp -> new Written(rsp instanceof Replicator.UpdateSuccess));
    }

    private static Record parse(String text) {
        try {
            return JSON.readValue(text, Record.class);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable VM record: " + text, e);
        }
    }
}
