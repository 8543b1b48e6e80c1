package epaprlab.host;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a host runs: where it listens, its token, where images come from. {@link #check} refuses
 * a non-loopback address without a token.
 */
public record HostSettings(String bind, int port, Optional<String> token, Path images, int consoleBytes,
                           Duration askTimeout, Optional<Cluster> cluster) {

    /**
     * This node's cluster address (Akka Artery, TCP) and the nodes to join ({@code host:port});
     * empty seeds: this node starts a cluster of its own.
     */
    public record Cluster(String host, int port, java.util.List<String> seeds, boolean trustedNetwork) {
        public Cluster(String host, int port, java.util.List<String> seeds) { this(host, port, seeds, false); }
    }

    /** A setting the host cannot start with; the message names the option or key. */
    public static final class Refused extends Exception {
        public Refused(String message) { super(message); }
    }

    public static HostSettings from(Config system) {
        Config c = system.getConfig("epapr-lab.host");
        String token = c.getString("token");
        Config k = c.getConfig("cluster");
        Optional<Cluster> cluster = k.getInt("port") < 0 ? Optional.empty()
                : Optional.of(new Cluster(k.getString("host"), k.getInt("port"), k.getStringList("seeds"),
                        k.getBoolean("trusted-network")));
        return new HostSettings(c.getString("bind"), c.getInt("port"), token.isEmpty() ? Optional.empty() : Optional.of(token),
                Path.of(c.getString("images")), (int) Math.min(Integer.MAX_VALUE, c.getBytes("console-bytes")),
                c.getDuration("ask-timeout"), cluster);
    }

    public HostSettings withBind(String b) { return new HostSettings(b, port, token, images, consoleBytes, askTimeout, cluster); }
    public HostSettings withPort(int p) { return new HostSettings(bind, p, token, images, consoleBytes, askTimeout, cluster); }
    public HostSettings withToken(Optional<String> t) { return new HostSettings(bind, port, t, images, consoleBytes, askTimeout, cluster); }
    public HostSettings withImages(Path i) { return new HostSettings(bind, port, token, i, consoleBytes, askTimeout, cluster); }
    public HostSettings withCluster(Optional<Cluster> k) { return new HostSettings(bind, port, token, images, consoleBytes, askTimeout, k); }

    /** Checks what would make the host unsafe or unable to run. */
    public HostSettings check() throws Refused {
        if (port < 0 || port > 65535) throw new Refused("--port: must be 0..65535, got " + port);
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new Refused("--bind: unknown address " + bind);
        }
        if (!address.isLoopbackAddress() && token.isEmpty()) {
            throw new Refused("--bind " + bind + ": binding to a non-loopback address needs a token "
                    + "(EPAPR_LAB_TOKEN, --token-file or epapr-lab.host.token); refusing to start without one");
        }
        if (token.isPresent() && token.get().length() < 16) {
            throw new Refused("token: must be at least 16 characters");
        }
        if (!java.nio.file.Files.isDirectory(images)) throw new Refused("--images: not a directory: " + images);
        if (cluster.isPresent()) {
            Cluster k = cluster.get();
            if (k.port() < 0 || k.port() > 65535) throw new Refused("--cluster-port: must be 0..65535, got " + k.port());
            boolean loopback;
            try {
                loopback = InetAddress.getByName(k.host()).isLoopbackAddress();
            } catch (UnknownHostException e) {
                throw new Refused("--cluster-host: unknown address " + k.host());
            }
            if (!loopback && !k.trustedNetwork()) {
                throw new Refused("--cluster-host " + k.host() + ": cluster traffic is neither encrypted nor authenticated; "
                        + "on a non-loopback address set epapr-lab.host.cluster.trusted-network = on (a private network only)");
            }
            for (String seed : k.seeds()) {
                if (!seed.matches("[^:\\s]+:[0-9]{1,5}")) throw new Refused("--seed: expected HOST:PORT, got \"" + seed + "\"");
                int port = Integer.parseInt(seed.substring(seed.indexOf(':') + 1));
                if (port < 1 || port > 65535) {      // Artery threw at every join attempt, and the node never came up
                    throw new Refused("--seed " + seed + ": the port must be 1..65535 (a node's bound cluster port)");
                }
            }
        }
        return this;
    }
}
