package epaprlab.cli.command;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import epaprlab.cli.ExitCode;
import epaprlab.cli.report.TerminalText;
import epaprlab.host.Host;
import epaprlab.host.HostSettings;
import epaprlab.orchestrator.config.ConfigProblem;
import epaprlab.orchestrator.config.FileKind;
import epaprlab.orchestrator.config.LabConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code epapr-lab serve}: a long-running host with an HTTP API, a dashboard and metrics. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs a host: guests are created, started, stopped, reset and removed through an HTTP API",
            "(/api/v1, see /openapi.yaml), watched on a dashboard (/) and measured at /metrics.",
            "Listens on 127.0.0.1 unless --bind says otherwise; any other address needs a token",
            "(EPAPR_LAB_TOKEN or --token-file), sent as `Authorization: Bearer <token>`."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "HOCON with epapr-lab.host { ... } and epapr-lab.vm defaults")
    Path config;

    @Option(names = "--port", paramLabel = "N", description = "TCP port (default 8080; 0 = any free one)")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDR", description = "address to listen on (default 127.0.0.1)")
    String bind;

    @Option(names = "--images", paramLabel = "DIR", description = "image paths in requests resolve against DIR and may not leave it")
    Path images;

    @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the bearer token (first line)")
    Path tokenFile;

    @Option(names = "--cluster-port", paramLabel = "N",
            description = "join or start a host cluster: this node's cluster (Akka Artery) port; VMs become sharded entities")
    Integer clusterPort;

    @Option(names = "--cluster-host", paramLabel = "ADDR", description = "this node's cluster address (default 127.0.0.1)")
    String clusterHost;

    @Option(names = "--seed", paramLabel = "HOST:PORT", description = "a cluster node to join (repeatable); none: start a cluster")
    java.util.List<String> seeds = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Config system;
        HostSettings settings;
        try {
            // the same file checks as run's: a regular file, nested at most 64 levels, errors by file:line
            system = Host.systemConfig(config == null ? null : LabConfigLoader.readFile(config));
            settings = HostSettings.from(system);
        } catch (ConfigProblem p) {
            System.err.println("epapr-lab: --config: " + TerminalText.escape(p.getMessage()));     // it quotes the file's values
            return ExitCode.BAD_INPUT.code();
        } catch (ConfigException e) {
            System.err.println("epapr-lab: --config " + config + ": " + TerminalText.escape(e.getMessage()));
            return ExitCode.BAD_INPUT.code();
        }
        for (String[] given : new String[][] {{"--bind", bind, "ADDR"}, {"--images", images == null ? null : images.toString(), "DIR"},
                {"--token-file", tokenFile == null ? null : tokenFile.toString(), "FILE"}}) {
            if (given[1] != null && given[1].isBlank()) {          // "" would mean the current directory or any address
                System.err.println("epapr-lab: " + given[0] + ": nothing given (expected " + given[0] + " " + given[2] + ")");
                return ExitCode.BAD_INPUT.code();
            }
        }
        if (bind != null) settings = settings.withBind(bind);
        if (port != null) settings = settings.withPort(port);
        if (images != null) settings = settings.withImages(images);
        Optional<String> token;
        try {
            token = tokenFile != null
                    ? Optional.of(Files.readAllLines(tokenFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip())
                    : Optional.ofNullable(System.getenv("EPAPR_LAB_TOKEN")).filter(t -> !t.isBlank());
        } catch (java.io.IOException e) {           // missing, a directory, not UTF-8: one line, not a trace
            FileKind kind = FileKind.of(tokenFile);
            System.err.println("epapr-lab: --token-file " + (kind == FileKind.REGULAR ? tokenFile + ": cannot read it: " + e
                    : kind.problem(tokenFile)));
            return ExitCode.BAD_INPUT.code();
        }
        if (token.isPresent()) settings = settings.withToken(token);
        if (clusterPort != null || clusterHost != null || !seeds.isEmpty()) {
            // each option over its epapr-lab.host.cluster key; without a port from either there is no
            // cluster, and --seed or --cluster-host alone would have been ignored (a lone host)
            int k = clusterPort != null ? clusterPort : system.getInt("epapr-lab.host.cluster.port");
            if (k < 0) {
                System.err.println("epapr-lab: " + (seeds.isEmpty() ? "--cluster-host" : "--seed")
                        + ": only for a cluster node: give --cluster-port N too (or epapr-lab.host.cluster.port in --config)");
                return ExitCode.BAD_INPUT.code();
            }
            settings = settings.withCluster(Optional.of(new HostSettings.Cluster(
                    clusterHost != null ? clusterHost : system.getString("epapr-lab.host.cluster.host"), k,
                    seeds.isEmpty() ? system.getStringList("epapr-lab.host.cluster.seeds") : seeds,
                    system.getBoolean("epapr-lab.host.cluster.trusted-network"))));
        }
        Host host;
        try {
            host = Host.start(settings, system);
        } catch (HostSettings.Refused r) {
            System.err.println("epapr-lab: " + r.getMessage());
            return ExitCode.BAD_INPUT.code();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                host.close();
            } catch (Exception e) {
                System.err.println("epapr-lab: stopping the host: " + e.getMessage());
            }
        }, "host-shutdown"));
        System.out.println("epapr-lab host on http://" + host.address() + ":" + host.port() + "/ (API /api/v1, metrics /metrics; images "
                + settings.images().toAbsolutePath().normalize() + (settings.token().isPresent() ? "; token required" : "")
                + host.clusterAddress().map(a -> "; cluster " + a).orElse("") + ")");
        System.out.flush();
        host.awaitTermination();
        return ExitCode.OK.code();
    }
}
