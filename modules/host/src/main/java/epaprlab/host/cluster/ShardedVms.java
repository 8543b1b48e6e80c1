package epaprlab.host.cluster;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import epaprlab.host.vm.ConsoleLog;
import epaprlab.host.vm.EventLog;
import epaprlab.host.vm.HostedVm;
import epaprlab.host.vm.HostedVms;
import epaprlab.host.vm.VmAction;
import epaprlab.host.vm.VmDirectory;
import epaprlab.host.vm.VmView;
import epaprlab.orchestrator.config.VmConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The VMs of a host cluster: each a {@link VmEntity} reached through Cluster Sharding from any
 * node; the list of ids comes from the replicated VM records.
 */
public final class ShardedVms implements VmDirectory {
    private final ActorSystem<?> system;
    private final ClusterSharding sharding;
    private final HostedVms book;
    private final Duration timeout;

    public ShardedVms(ActorSystem<?> system, VmEntity.Node node, Duration timeout) {
        this.system = system;
        this.sharding = ClusterSharding.get(system);
        this.book = node.book();
        this.timeout = timeout;
        sharding.init(Entity.of(VmEntity.KEY, ctx -> VmEntity.create(ctx.getEntityId(), ctx.getShard(), node))
                .withStopMessage(VmEntity.Passivated.INSTANCE));
    }

    private EntityRef<VmEntity.Command> vm(String id) { return sharding.entityRefFor(VmEntity.KEY, id); }

    @Override
    public CompletionStage<HostedVm.Reply> create(VmConfig config, String configText, String image) {
        return vm(config.name()).ask(r -> new VmEntity.Create(configText, image, r), timeout);
    }

    @Override
    public CompletionStage<HostedVm.Reply> act(String id, VmAction action) {
        return vm(id).ask(r -> new VmEntity.Act(action, r), timeout);
    }

    @Override
    public CompletionStage<Optional<VmView>> view(String id) {
        return vm(id).<VmEntity.ViewReply>ask(VmEntity.GetView::new, timeout).thenApply(r -> Optional.ofNullable(r.view()));
    }

    @Override
    public CompletionStage<List<VmView>> list() {
        return ids().thenCompose(ids -> {
            List<CompletableFuture<Optional<VmView>>> views = new ArrayList<>();
            for (String id : ids) views.add(view(id).toCompletableFuture().exceptionally(e -> Optional.empty()));
            return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new)).thenApply(v -> views.stream()
                    .map(CompletableFuture::join).flatMap(Optional::stream).sorted(Comparator.comparing(VmView::id)).toList());
        });
    }

    /** The ids in the replicated records (majority read, or this node's copy when no majority answers). */
    private CompletionStage<List<String>> ids() {
        var replicator = DistributedData.get(system).replicator();
        CompletionStage<Replicator.GetResponse<LWWMap<String, String>>> got = AskPattern.ask(replicator,
                r -> new Replicator.Get<>(VmEntity.RECORDS, new Replicator.ReadMajority(Duration.ofSeconds(3)), r),
                timeout, system.scheduler());
        return got.thenApply(rsp -> rsp instanceof Replicator.GetSuccess<LWWMap<String, String>> ok
                ? List.copyOf(new TreeSet<>(ok.get(VmEntity.RECORDS).getEntries().keySet())) : List.of());
    }

    @Override
    public List<VmView> local() {
        return book.all().stream().map(HostedVms.Entry::view).filter(Objects::nonNull)
                .sorted(Comparator.comparing(VmView::id)).toList();
    }

    @Override
    public CompletionStage<Optional<ConsoleLog.Chunk>> console(String id, long from, int max) {
        return vm(id).<VmEntity.ConsoleReply>ask(r -> new VmEntity.ReadConsole(from, max, r), timeout)
                .thenApply(r -> Optional.ofNullable(r.chunk()));
    }

    @Override
    public CompletionStage<Optional<List<EventLog.Entry>>> events(String id, long after) {
        return vm(id).<VmEntity.EventsReply>ask(r -> new VmEntity.ReadEvents(after, r), timeout)
                .thenApply(r -> Optional.ofNullable(r.entries()));
    }
}
