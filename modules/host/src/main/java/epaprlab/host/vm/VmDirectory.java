package epaprlab.host.vm;

import epaprlab.orchestrator.config.VmConfig;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where the API finds the VMs: this host's own ({@link LocalVms}) or those of a cluster, each VM
 * on whichever node holds it ({@code ShardedVms}). Every answer is asynchronous; an empty
 * optional means there is no such VM (any more).
 */
public interface VmDirectory {
    /**
     * Creates a VM from a checked config; {@code configText} is that config as HOCON (what a
     * cluster stores to rebuild the VM on another node), {@code image} as the request named it.
     */
    CompletionStage<HostedVm.Reply> create(VmConfig config, String configText, String image);

    CompletionStage<HostedVm.Reply> act(String id, VmAction action);

    /** The VMs running on this node (of a cluster: only its share). */
    List<VmView> local();

    CompletionStage<Optional<VmView>> view(String id);

    CompletionStage<List<VmView>> list();

    /** Console bytes from {@code from}, at most {@code max}. */
    CompletionStage<Optional<ConsoleLog.Chunk>> console(String id, long from, int max);

    /** History entries after {@code after}. */
    CompletionStage<Optional<List<EventLog.Entry>>> events(String id, long after);
}
