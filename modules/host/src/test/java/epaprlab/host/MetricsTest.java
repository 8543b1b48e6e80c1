package epaprlab.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class MetricsTest {
    static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), series + " missing in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void prometheusTextAndJmxFollowTheVms() throws Exception {
        try (Host host = HostApiTest.startHost(Optional.empty())) {
            HostClient api = new HostClient(host.port(), Optional.empty());
            for (int i = 0; i < 3; i++) {
                api.post("/api/v1/vms", "{\"name\": \"idle-" + i + "\", " + HostApiTest.IDLE + "}");
                api.post("/api/v1/vms/idle-" + i + "/start");
            }
            api.post("/api/v1/vms", "{\"name\": \"hello\", \"image\": \"hello-e500mc.elf\"}");
            api.post("/api/v1/vms/hello/start");
            api.post("/api/v1/vms", "{\"name\": \"crash\", \"image\": \"chaos-e500mc.elf\", \"bootargs\": \"mode=crash\"}");
            api.post("/api/v1/vms/crash/start");
            for (int i = 0; i < 3; i++) api.await("/api/v1/vms/idle-" + i, j -> j.path("state").asText().equals("running"), Duration.ofSeconds(20));
            api.post("/api/v1/vms/idle-0/reset");
            api.await("/api/v1/vms/idle-0", j -> j.path("boots").asInt() == 2 && j.path("state").asText().equals("running"), Duration.ofSeconds(20));
            api.await("/api/v1/vms/hello", j -> "shutdown".equals(j.path("outcome").asText()), Duration.ofSeconds(20));
            api.await("/api/v1/vms/crash", j -> "crashed".equals(j.path("outcome").asText()), Duration.ofSeconds(20));
            api.post("/api/v1/vms", "{\"name\": \"never\", \"image\": \"hello-e500mc.elf\"}");

            HostClient.Answer scrape = api.get("/metrics");
            assertEquals(200, scrape.status());
            String m = scrape.text();
            assertEquals(3, value(m, "epapr_vms{state=\"running\"}"));
            assertEquals(1, value(m, "epapr_vms{state=\"stopped\"}"));
            assertEquals(1, value(m, "epapr_vms{state=\"failed\"}"));
            assertEquals(1, value(m, "epapr_vms{state=\"created\"}"));
            assertEquals(5, value(m, "epapr_vm_starts_total"), "a host reset is not a new run");
            assertEquals(1, value(m, "epapr_vm_resets_total"));
            assertEquals(1, value(m, "epapr_vm_crashes_total"));
            assertTrue(value(m, "epapr_guest_instructions_total") > 20_000, "hello alone retires ~22,000");
            assertTrue(m.contains("jvm_memory_used_bytes{area=\"heap\""), "heap");
            assertTrue(m.contains("epapr_api_requests_total"));
            // hello: one line on the byte channel, then its one KVM_HC_VM_SHUTDOWN; nobody else shuts down
            assertEquals(1, value(m, "epapr_hypercalls_total{token=\"kvm_hc_vm_shutdown\"}"));
            assertTrue(value(m, "epapr_hypercalls_total{token=\"ev_byte_channel_send\"}") >= 4, "hello's line, 16 bytes a call");
            assertEquals(0, value(m, "epapr_hypercalls_total{token=\"kvm_hc_vm_reset\"}"));

            // more busy guests than vCPU threads: some wait in the dispatcher's queue
            int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
            for (int i = 0; i < threads * 3; i++) {
                api.post("/api/v1/vms", "{\"name\": \"busy-" + i + "\", \"image\": \"chaos-e500mc.elf\", \"bootargs\": \"mode=hang\"}");
                api.post("/api/v1/vms/busy-" + i + "/start");
            }
            double deepest = 0;
            for (long end = System.nanoTime() + 10_000_000_000L; deepest == 0 && System.nanoTime() < end; Thread.sleep(20)) {
                deepest = Math.max(deepest, value(api.get("/metrics").text(), "epapr_vcpu_dispatcher_queue_depth"));
            }
            assertTrue(deepest > 0, "no vCPU turn ever waited with " + threads * 3 + " busy guests on " + threads + " threads");
            for (int i = 0; i < threads * 3; i++) api.post("/api/v1/vms/busy-" + i + "/stop");

            ObjectName name = new ObjectName("epaprlab:type=Host,port=" + host.port());
            var server = ManagementFactory.getPlatformMBeanServer();
            assertEquals(6 + threads * 3, server.getAttribute(name, "Vms"));
            assertEquals(5L + threads * 3, server.getAttribute(name, "Starts"));
            assertEquals(1L, server.getAttribute(name, "Crashes"));
        }
    }
}
