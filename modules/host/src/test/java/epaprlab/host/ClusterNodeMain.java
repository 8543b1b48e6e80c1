package epaprlab.host;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One node of the failover test, in its own JVM: {@code API_PORT CLUSTER_PORT IMAGES [SEED...]}.
 * Prints {@code node up: api PORT cluster HOST:PORT} once bound (the ports it got for 0).
 */
public final class ClusterNodeMain {
    public static void main(String[] args) throws Exception {
        var system = Host.systemConfig(com.typesafe.config.ConfigFactory.parseString("akka.loglevel = INFO"));
        List<String> seeds = Arrays.asList(args).subList(3, args.length);
        HostSettings settings = HostSettings.from(system).withPort(Integer.parseInt(args[0])).withImages(Path.of(args[2]))
                .withCluster(Optional.of(new HostSettings.Cluster("127.0.0.1", Integer.parseInt(args[1]), seeds)));
        Host host = Host.start(settings, system);
        System.out.println("node up: api " + host.port() + " cluster " + host.clusterAddress().orElseThrow());
        System.out.flush();
        host.awaitTermination();
    }
}
