package epaprlab.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 1,000 VMs created, started, reset and removed through the API of one running host. */
@Timeout(300)
class ThousandVmsTest {
    static final int VMS = 1000;
    static final int IN_FLIGHT = 32;

    /** Sends one request per VM, at most IN_FLIGHT at once; asserts every status. */
    static void each(HostClient api, int want, IntFunction<HttpRequest> request) throws Exception {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < VMS; i++) {
            slots.acquire();
            all.add(api.http().sendAsync(request.apply(i), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> slots.release()));
        }
        for (var f : all) {
            HttpResponse<String> r = f.get();
            assertEquals(want, r.statusCode(), r.uri() + " " + r.body());
        }
    }

    static void awaitAll(HostClient api, Predicate<JsonNode> each, String what) throws Exception {
        api.await("/api/v1/vms", j -> {
            if (j.path("count").asInt() != VMS) return false;
            for (JsonNode vm : j.path("vms")) if (!each.test(vm)) return false;
            return true;
        }, Duration.ofSeconds(120));
    }

    @Test
    void thousandVmsThroughTheApi() throws Exception {
        try (Host host = HostApiTest.startHost(Optional.empty())) {
            HostClient api = new HostClient(host.port(), Optional.empty());
            String vm = "\", " + HostApiTest.IDLE + "}";
            each(api, 201, i -> api.request("/api/v1/vms").POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"vm-" + i + vm)).build());
            each(api, 202, i -> api.request("/api/v1/vms/vm-" + i + "/start").POST(HttpRequest.BodyPublishers.noBody()).build());
            awaitAll(api, j -> j.path("state").asText().equals("running"), "running");
            each(api, 202, i -> api.request("/api/v1/vms/vm-" + i + "/reset").POST(HttpRequest.BodyPublishers.noBody()).build());
            awaitAll(api, j -> j.path("state").asText().equals("running") && j.path("starts").asInt() == 1
                    && j.path("boots").asInt() == 2 && j.path("resets").asInt() == 1, "reset");
            String metrics = api.get("/metrics").text();
            assertEquals(1.0 * VMS, MetricsTest.value(metrics, "epapr_vm_starts_total"), "a reset is not a new run");
            assertEquals(1.0 * VMS, MetricsTest.value(metrics, "epapr_vm_resets_total"));
            assertEquals(1.0 * VMS, MetricsTest.value(metrics, "epapr_vms{state=\"running\"}"));
            each(api, 202, i -> api.request("/api/v1/vms/vm-" + i).DELETE().build());
            api.await("/api/v1/vms", j -> j.path("count").asInt() == 0, Duration.ofSeconds(120));
            assertEquals(0, host.vms().size());
            assertEquals(404, api.get("/api/v1/vms/vm-7").status());
        }
    }
}
