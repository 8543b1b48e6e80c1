package epaprlab.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three hosts in three JVMs on 127.0.0.1 form one cluster; VMs created through any node are
 * reachable through every node (actions, views, console in and out); one node is killed (SIGKILL), and its VMs run again on the
 * others with reason host-failover. At every look, each VM runs on exactly one node.
 * Node logs: target/cluster-node-N.log.
 */
@Timeout(300)
class ClusterFailoverTest {
    static final int NODES = 3;
    static final int VMS = 24;
    static final Duration LIMIT = Duration.ofSeconds(120);
    final List<Process> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() throws InterruptedException {
        for (Process p : nodes) p.destroyForcibly();
        for (Process p : nodes) p.waitFor(30, TimeUnit.SECONDS);
    }

    /** A node's ports, as it printed them once bound. */
    record Bound(int api, String cluster) {}

    static final Pattern UP = Pattern.compile("node up: api (\\d+) cluster (\\S+:\\d+)");

    /**
     * Forks node n on ports 0 (the kernel picks free ones, so no other build's test can take them
     * between a probe and the bind) and waits for the line that names them.
     */
    Bound forkBound(int n, List<String> seeds) throws Exception {
        nodes.add(fork(n, 0, 0, seeds));
        Path log = Path.of("target", "cluster-node-" + n + ".log");
        Bound[] bound = new Bound[1];
        waitUntil("node " + n + " prints its ports (" + log + ")", LIMIT, () -> {
            if (!nodes.get(n).isAlive()) throw new AssertionError("node " + n + " ended: " + Files.readString(log));
            Matcher m = UP.matcher(Files.readString(log));
            if (!m.find()) return false;
            bound[0] = new Bound(Integer.parseInt(m.group(1)), m.group(2));
            return true;
        });
        return bound[0];
    }

    Process fork(int n, int api, int cluster, List<String> seeds) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "--sun-misc-unsafe-memory-access=allow", "-Xmx384m", "-cp", cp,
                ClusterNodeMain.class.getName(), Integer.toString(api), Integer.toString(cluster),
                HostApiTest.images().toString()));
        cmd.addAll(seeds);
        Path log = Path.of("target", "cluster-node-" + n + ".log");
        Files.createDirectories(log.getParent());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Which node runs which VM: the node's local list, running VMs only. */
    static Map<String, Integer> placement(List<HostClient> apis, Set<Integer> alive) throws Exception {
        Map<String, Integer> where = new HashMap<>();
        for (int n : alive) {
            for (JsonNode vm : apis.get(n).get("/api/v1/node/vms").json().path("vms")) {
                if (!vm.path("state").asText().equals("running")) continue;
                Integer before = where.put(vm.path("id").asText(), n);
                assertTrue(before == null, "VM " + vm.path("id").asText() + " runs on node " + before + " and node " + n);
            }
        }
        return where;
    }

    static void waitUntil(String what, Duration limit, Check check) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        Throwable last = null;
        while (System.nanoTime() < end) {
            try {
                if (check.ok()) return;
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not within " + limit + ": " + what + (last == null ? "" : " (last: " + last + ")"));
    }

    interface Check { boolean ok() throws Exception; }

    /** Without seeds a node joins itself at the address Artery bound: with port 0 a seed of its own host:port would never answer. */
    @Test
    void aNodeWithoutSeedsOnClusterPortZeroFormsItsOwnCluster() throws Exception {
        var system = Host.systemConfig(com.typesafe.config.ConfigFactory.parseString("akka.loglevel = WARNING"));
        HostSettings settings = HostSettings.from(system).withPort(0).withImages(HostApiTest.images())
                .withCluster(Optional.of(new HostSettings.Cluster("127.0.0.1", 0, List.of())));
        try (Host host = Host.start(settings, system)) {
            String self = host.clusterAddress().orElseThrow();
            assertTrue(self.matches("127\\.0\\.0\\.1:[1-9][0-9]*"), self);
            HostClient api = new HostClient(host.port(), Optional.empty());
            waitUntil("the node is up in its own cluster", Duration.ofSeconds(30),
                    () -> api.get("/api/v1/node").json().path("up").toString().contains("@" + self + "\""));
            assertEquals(201, api.post("/api/v1/vms", "{\"name\": \"lone\", " + HostApiTest.IDLE + "}").status());
            assertEquals(202, api.post("/api/v1/vms/lone/start").status());
            api.await("/api/v1/vms/lone", j -> j.path("state").asText().equals("running"), LIMIT);
        }
    }

    @Test
    void vmsOfAKilledNodeRunAgainElsewhereOnceEach() throws Exception {
        List<HostClient> apis = new ArrayList<>();
        Bound first = forkBound(0, List.of());
        apis.add(new HostClient(first.api(), Optional.empty()));
        for (int n = 1; n < NODES; n++) apis.add(new HostClient(forkBound(n, List.of(first.cluster())).api(), Optional.empty()));
        waitUntil("3 members up on every node", LIMIT, () -> {
            for (HostClient c : apis) if (c.get("/api/v1/node").json().path("up").size() != NODES) return false;
            return true;
        });

        // a console across nodes: created through node 0, started through node 1, typed into through
        // node 2, read through node 0 (wherever the VM lives)
        assertEquals(201, apis.get(0).post("/api/v1/vms", "{\"name\": \"c-echo\", \"image\": \"echo-e500mc.elf\"}").status());
        assertEquals(202, apis.get(1).post("/api/v1/vms/c-echo/start").status());
        apis.get(2).await("/api/v1/vms/c-echo", j -> j.path("state").asText().equals("running"), LIMIT);
        assertEquals(202, apis.get(2).post("/api/v1/vms/c-echo/console", "over the cluster\nquit\n").status());
        apis.get(0).await("/api/v1/vms/c-echo", j -> "shutdown".equals(j.path("outcome").asText()), LIMIT);
        assertEquals("echo> you said: over the cluster\necho> bye\n",
                apis.get(0).get("/api/v1/vms/c-echo/console?follow=false").text());

        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < VMS; i++) {
            HostClient via = apis.get(i % NODES);
            String id = "c-" + i;
            HostClient.Answer a = via.post("/api/v1/vms", "{\"name\": \"" + id + "\", " + HostApiTest.IDLE + "}");
            assertEquals(201, a.status(), a.text());
            assertEquals(202, apis.get((i + 1) % NODES).post("/api/v1/vms/" + id + "/start").status());
            ids.add(id);
        }
        Set<Integer> all = Set.of(0, 1, 2);
        waitUntil("every VM running on one node", LIMIT, () -> placement(apis, all).keySet().equals(ids));
        for (HostClient c : apis) {
            JsonNode list = c.get("/api/v1/vms").json();
            assertEquals(VMS + 1, list.path("count").asInt(), "every node lists every VM: " + list);
            assertEquals("running", c.get("/api/v1/vms/c-5").json().path("state").asText());
        }

        Map<String, Integer> before = placement(apis, all);
        int victim = 2;
        Set<String> moved = new TreeSet<>();
        before.forEach((id, n) -> { if (n == victim) moved.add(id); });
        assertTrue(!moved.isEmpty(), "node " + victim + " hosts some VMs: " + before);
        nodes.get(victim).destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        Set<Integer> survivors = Set.of(0, 1);
        waitUntil("every VM running again on a survivor", LIMIT, () -> placement(apis, survivors).keySet().equals(ids));
        for (int look = 0; look < 8; look++) {                       // and it stays so: once each
            assertEquals(ids, placement(apis, survivors).keySet());
            Thread.sleep(250);
        }
        Map<String, Integer> after = placement(apis, survivors);
        for (String id : ids) {
            if (!moved.contains(id)) assertEquals(before.get(id), after.get(id), id + " did not move");
        }
        for (String id : moved) {
            String events = apis.get(0).get("/api/v1/vms/" + id + "/events?follow=false").text();
            assertTrue(events.contains("host-failover"), id + ": " + events);
            JsonNode vm = apis.get(1).get("/api/v1/vms/" + id).json();
            assertEquals("running", vm.path("state").asText(), vm.toString());
        }
        Set<String> unmoved = new HashSet<>(ids);
        unmoved.removeAll(moved);
        String id = unmoved.iterator().next();
        assertTrue(!apis.get(0).get("/api/v1/vms/" + id + "/events?follow=false").text().contains("host-failover"));
    }
}
