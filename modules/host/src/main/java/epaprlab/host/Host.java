package epaprlab.host;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import epaprlab.host.api.ConfigRequests;
import epaprlab.host.api.HostApi;
import epaprlab.host.metrics.HostJmx;
import epaprlab.host.metrics.HostMetrics;
import epaprlab.host.vm.HostedVms;
import epaprlab.host.vm.LocalVms;
import epaprlab.host.vm.VmDirectory;
import epaprlab.host.cluster.ShardedVms;
import epaprlab.host.cluster.VmEntity;
import epaprlab.orchestrator.vm.ImageCache;
import epaprlab.orchestrator.config.LabConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A running host: the actor system with its {@link HostGuardian}, the HTTP server and the JMX
 * bean. {@link #start} returns once the port is bound; {@link #close} stops everything (every VM
 * with it).
 */
public final class Host implements AutoCloseable {
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);
    /** The actor system's name: the same on every node of a cluster. */
    static final String SYSTEM = "epapr-lab-host";

    private final ActorSystem<HostGuardian.Command> system;
    private final ServerBinding binding;
    private final HostJmx jmx;
    private final HostedVms vms;
    private final Path scratch;

    private Host(ActorSystem<HostGuardian.Command> system, ServerBinding binding, HostJmx jmx, HostedVms vms, Path scratch) {
        this.system = system;
        this.binding = binding;
        this.jmx = jmx;
        this.vms = vms;
        this.scratch = scratch;
    }

    /**
     * The config a host runs with: {@code file} (may be null) over the host's VM defaults over
     * the orchestrator's, and the vCPU dispatcher with a visible queue.
     */
    public static Config systemConfig(Config file) {
        Config base = ConfigFactory.load();
        Config vmDefaults = base.getConfig("epapr-lab.host.vm-defaults").atPath("epapr-lab.vm");
        Config host = ConfigFactory.parseString("""
                epapr-lab.vcpu-dispatcher.executor = "epaprlab.host.metrics.MeteredExecutor"
                akka.http.server.idle-timeout = 10 min
                akka.http.server.remote-address-header = on
                """);
        return (file == null ? ConfigFactory.empty() : file).withFallback(host).withFallback(vmDefaults)
                .withFallback(base).resolve();
    }

    /**
     * The Akka settings of a cluster node: Artery on the given address, sharding, split-brain
     * resolver. Without seeds the node joins itself once it is bound ({@link #start}): a seed
     * written as its own host:port would name port 0 when Artery is to pick one.
     */
    static Config clusterConfig(HostSettings.Cluster k) {
        StringBuilder seeds = new StringBuilder();
        for (String s : k.seeds()) seeds.append(seeds.isEmpty() ? "" : ", ").append("\"akka://" + SYSTEM + "@").append(s).append('"');
        return ConfigFactory.parseString("""
                akka.actor.provider = cluster
                akka.remote.artery.canonical.hostname = "%s"
                akka.remote.artery.canonical.port = %d
                akka.cluster.seed-nodes = [%s]
                akka.cluster.downing-provider-class = "akka.cluster.sbr.SplitBrainResolverProvider"
                akka.cluster.split-brain-resolver.active-strategy = keep-majority
                akka.cluster.split-brain-resolver.stable-after = 7s
                akka.cluster.failure-detector.acceptable-heartbeat-pause = 6s
                akka.cluster.sharding.remember-entities = on
                akka.cluster.sharding.remember-entities-store = ddata
                akka.cluster.sharding.distributed-data.durable.keys = []
                akka.cluster.distributed-data.durable.keys = []
                akka.cluster.jmx.multi-mbeans-in-same-jvm = on
                akka.actor.serializers.epapr-host = "epaprlab.host.cluster.HostSerializer"
                akka.actor.serialization-bindings { "epaprlab.host.cluster.ClusterMessage" = epapr-host }
                """.formatted(k.host(), k.port(), seeds));
    }

    public static Host start(HostSettings settings, Config system) throws Exception {
        settings.check();
        if (settings.cluster().isPresent()) system = clusterConfig(settings.cluster().get()).withFallback(system);
        HostedVms vms = new HostedVms();
        Path scratch = Files.createTempDirectory("epapr-lab-host-");
        ConfigRequests configs = new ConfigRequests(new LabConfigLoader(system), settings.images(), scratch);
        ActorSystem<HostGuardian.Command> actors = ActorSystem.create(HostGuardian.create(vms, settings.consoleBytes()),
                SYSTEM, system);
        try {
            if (settings.cluster().isPresent() && settings.cluster().get().seeds().isEmpty()) {
                akka.cluster.typed.Cluster cluster = akka.cluster.typed.Cluster.get(actors);
                cluster.manager().tell(akka.cluster.typed.Join.create(cluster.selfMember().address()));
            }
            HostMetrics metrics = new HostMetrics(vms);
            VmDirectory directory = settings.cluster().isPresent()
                    ? new ShardedVms(actors, new VmEntity.Node(vms, configs, new ImageCache(), settings.consoleBytes()),
                            settings.askTimeout())
                    : new LocalVms(actors, vms, settings.askTimeout());
            HostApi api = new HostApi(actors, directory, configs, metrics, settings.token(),
                    settings.consoleBytes(), () -> nodeInfo(actors));
            ServerBinding binding = Http.get(actors).newServerAt(settings.bind(), settings.port()).bind(api.routes())
                    .toCompletableFuture().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            HostJmx jmx = new HostJmx(vms, binding.localAddress().getPort());
            return new Host(actors, binding, jmx, vms, scratch);
        } catch (Exception e) {
            actors.terminate();
            throw e;
        }
    }

    /** This node: its cluster address and the members that are up (a host on its own: no cluster). */
    static java.util.Map<String, Object> nodeInfo(ActorSystem<?> system) {
        if (!(system.classicSystem().provider() instanceof akka.cluster.ClusterActorRefProvider)) {
            return java.util.Map.of("cluster", false);
        }
        akka.cluster.typed.Cluster cluster = akka.cluster.typed.Cluster.get(system);
        java.util.List<String> up = new java.util.ArrayList<>();
        for (akka.cluster.Member m : cluster.state().getMembers()) {
            if (m.status() == akka.cluster.MemberStatus.up()) up.add(m.address().toString());
        }
        return java.util.Map.of("cluster", true, "address", cluster.selfMember().address().toString(), "up", up);
    }

    /** The bound port (useful with --port 0). */
    public int port() { return binding.localAddress().getPort(); }

    public String address() { return binding.localAddress().getHostString(); }

    /** This node's cluster address as {@code host:port} (the port Artery bound with --cluster-port 0); empty without a cluster. */
    public java.util.Optional<String> clusterAddress() {
        if (!(system.classicSystem().provider() instanceof akka.cluster.ClusterActorRefProvider)) return java.util.Optional.empty();
        akka.actor.Address self = akka.cluster.typed.Cluster.get(system).selfMember().address();
        return java.util.Optional.of(self.getHost().orElse("") + ":" + self.getPort().orElse(0));
    }

    public HostedVms vms() { return vms; }

    public ActorSystem<HostGuardian.Command> system() { return system; }

    /** Blocks until the actor system ends (the host runs until killed or closed). */
    public void awaitTermination() throws InterruptedException {
        system.getWhenTerminated().toCompletableFuture().join();
    }

    /** Unbinds, stops every VM and the actor system (waiting at most 40 s), removes the scratch files. */
    @Override
    public void close() throws java.io.IOException, javax.management.JMException, java.util.concurrent.TimeoutException,
            java.util.concurrent.ExecutionException {
        try {
            binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
            jmx.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (var files = Files.list(scratch)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(scratch);
        }
    }
}
