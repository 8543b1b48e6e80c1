package epaprlab.host.vm;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import epaprlab.host.HostGuardian;
import epaprlab.orchestrator.config.VmConfig;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The VMs of this host alone: actions through the {@link HostGuardian}, reads from {@link HostedVms}. */
public final class LocalVms implements VmDirectory {
    private final ActorSystem<HostGuardian.Command> system;
    private final HostedVms book;
    private final Duration timeout;

    public LocalVms(ActorSystem<HostGuardian.Command> system, HostedVms book, Duration timeout) {
        this.system = system;
        this.book = book;
        this.timeout = timeout;
    }

    @Override
    public CompletionStage<HostedVm.Reply> create(VmConfig config, String configText, String image) {
        return AskPattern.ask(system, r -> new HostGuardian.Create(config.name(), config, image, r), timeout, system.scheduler());
    }

    @Override
    public CompletionStage<HostedVm.Reply> act(String id, VmAction action) {
        return AskPattern.ask(system, r -> new HostGuardian.ToVm(id, action.toRequest(r)), timeout, system.scheduler());
    }

    @Override
    public List<VmView> local() {
        return list().toCompletableFuture().join();
    }

    @Override
    public CompletionStage<Optional<VmView>> view(String id) {
        return CompletableFuture.completedFuture(book.get(id).map(HostedVms.Entry::view));
    }

    @Override
    public CompletionStage<List<VmView>> list() {
        return CompletableFuture.completedFuture(book.all().stream().map(HostedVms.Entry::view)
                .sorted(Comparator.comparing(VmView::id)).toList());
    }

    @Override
    public CompletionStage<Optional<ConsoleLog.Chunk>> console(String id, long from, int max) {
        return CompletableFuture.completedFuture(book.get(id).map(e -> e.console().read(from, max)));
    }

    @Override
    public CompletionStage<Optional<List<EventLog.Entry>>> events(String id, long after) {
        return CompletableFuture.completedFuture(book.get(id).map(e -> e.events().after(after)));
    }
}
