package epaprlab.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.http.HttpRequest;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SecurityTest {
    private static final String TOKEN = "s3cret-token-of-some-length";

    private static HostSettings settings(String bind, Optional<String> token) {
        return HostSettings.from(Host.systemConfig(ConfigFactory.empty())).withBind(bind).withPort(0).withToken(token)
                .withImages(HostApiTest.images());
    }

    @Test
    void aNonLoopbackAddressWithoutATokenIsRefusedBeforeAnythingStarts() {
        for (String bind : new String[] {"0.0.0.0", "::", "192.0.2.1"}) {
            HostSettings.Refused r = assertThrows(HostSettings.Refused.class, () -> settings(bind, Optional.empty()).check());
            assertTrue(r.getMessage().contains("--bind " + bind) && r.getMessage().contains("token"), r.getMessage());
        }
        HostSettings.Refused shortToken = assertThrows(HostSettings.Refused.class,
                () -> settings("0.0.0.0", Optional.of("short")).check());
        assertTrue(shortToken.getMessage().contains("16"), shortToken.getMessage());
    }

    @Test
    void aClusterOnANonLoopbackAddressNeedsATrustedNetwork() throws Exception {
        HostSettings.Refused r = assertThrows(HostSettings.Refused.class, () -> settings("127.0.0.1", Optional.empty())
                .withCluster(Optional.of(new HostSettings.Cluster("192.0.2.1", 25520, java.util.List.of()))).check());
        assertTrue(r.getMessage().contains("trusted-network"), r.getMessage());
        settings("127.0.0.1", Optional.empty())
                .withCluster(Optional.of(new HostSettings.Cluster("192.0.2.1", 25520, java.util.List.of(), true))).check();
        settings("127.0.0.1", Optional.empty())
                .withCluster(Optional.of(new HostSettings.Cluster("127.0.0.1", 25520, java.util.List.of("127.0.0.1:25521")))).check();
    }

    /** A seed's port out of range passed the HOST:PORT check; Artery then threw at each join attempt, for ever. */
    @Test
    void aSeedPortOutOfRangeIsRefused() {
        for (String seed : new String[] {"127.0.0.1:99999", "127.0.0.1:0"}) {
            HostSettings.Refused r = assertThrows(HostSettings.Refused.class, () -> settings("127.0.0.1", Optional.empty())
                    .withCluster(Optional.of(new HostSettings.Cluster("127.0.0.1", 0, java.util.List.of(seed)))).check());
            assertEquals("--seed " + seed + ": the port must be 1..65535 (a node's bound cluster port)", r.getMessage());
        }
    }

    @Test
    void loopbackNeedsNoTokenAndOtherAddressesAreAcceptedWithOne() throws Exception {
        settings("127.0.0.1", Optional.empty()).check();
        settings("::1", Optional.empty()).check();
        settings("0.0.0.0", Optional.of(TOKEN)).check();
    }

    @Test
    void withATokenEveryApiAndMetricsRequestMustCarryIt() throws Exception {
        try (Host host = HostApiTest.startHost(Optional.of(TOKEN))) {
            HostClient none = new HostClient(host.port(), Optional.empty());
            HostClient wrong = new HostClient(host.port(), Optional.of(TOKEN + "x"));
            HostClient right = new HostClient(host.port(), Optional.of(TOKEN));
            for (String path : new String[] {"/api/v1/vms", "/api/v1/labs", "/metrics"}) {
                HostClient.Answer a = none.get(path);
                assertEquals(401, a.status(), path);
                assertEquals("Authorization", a.field());
                assertEquals(401, wrong.get(path).status(), path);
                assertEquals(200, right.get(path).status(), path);
            }
            assertEquals(401, none.post("/api/v1/vms", "{\"name\": \"x\", \"image\": \"hello-e500mc.elf\"}").status());
            assertEquals(401, none.send(none.request("/api/v1/vms").header("Authorization", "Basic " + TOKEN)
                    .GET()).status());
            assertEquals(0, host.vms().size());
            assertEquals(201, right.post("/api/v1/vms", "{\"name\": \"x\", \"image\": \"hello-e500mc.elf\"}").status());
            assertEquals(200, none.get("/").status(), "the dashboard page itself is public; it asks for the token");
            assertEquals(401, none.send(none.request("/api/v1/vms/x/start").POST(HttpRequest.BodyPublishers.noBody())).status());
        }
    }
}
