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

    public static Host start(HostSettings settings, Config system) throws Exception {
        settings.check();
        HostedVms vms = new HostedVms();
        Path scratch = Files.createTempDirectory("epapr-lab-host-");
        ConfigRequests configs = new ConfigRequests(new LabConfigLoader(system), settings.images(), scratch);
        ActorSystem<HostGuardian.Command> actors = ActorSystem.create(HostGuardian.create(vms, settings.consoleBytes()),
                "epapr-lab-host", system);
        try {
            HostMetrics metrics = new HostMetrics(vms);
            HostApi api = new HostApi(actors, new LocalVms(actors, vms, settings.askTimeout()), configs, metrics, settings.token(), settings.askTimeout(),
                    settings.consoleBytes());
            ServerBinding binding = Http.get(actors).newServerAt(settings.bind(), settings.port()).bind(api.routes())
                    .toCompletableFuture().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            HostJmx jmx = new HostJmx(vms, binding.localAddress().getPort());
            return new Host(actors, binding, jmx, vms, scratch);
        } catch (Exception e) {
            actors.terminate();
            throw e;
        }
    }

    /** The bound port (useful with --port 0). */
    public int port() { return binding.localAddress().getPort(); }

    public String address() { return binding.localAddress().getHostString(); }

    public HostedVms vms() { return vms; }

    public ActorSystem<HostGuardian.Command> system() { return system; }

    /** Blocks until the actor system ends (the host runs until killed or closed). */
    public void awaitTermination() throws InterruptedException {
        system.getWhenTerminated().toCompletableFuture().join();
    }

    @Override
    public void close() throws Exception {
        try {
            binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
            jmx.close();
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            try (var files = Files.list(scratch)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(scratch);
        }
    }
}
