package epaprlab.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's load figure, printed, not asserted (not a timed unit test): API requests per
 * second (GET of one VM, 32 requests in flight, java.net.http on the same machine) and VM starts
 * per second through the API (POST start for 2,000 created idle guests until every one reports
 * running). Runs only when asked:
 * {@code mvn -pl modules/host -am test -Dtest=HostLoadFigure -Dhost.load=on -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Timeout(600)
class HostLoadFigure {
    static final int IN_FLIGHT = 32;
    static final int STARTS = 2000;
    static final Duration REQUEST_WINDOW = Duration.ofSeconds(10);

    @Test
    void printLoadFigures() throws Exception {
        Assumptions.assumeTrue("on".equals(System.getProperty("host.load")), "set -Dhost.load=on to measure");
        try (Host host = HostApiTest.startHost(Optional.empty())) {
            HostClient api = new HostClient(host.port(), Optional.empty());
            api.post("/api/v1/vms", "{\"name\": \"probe\", " + HostApiTest.IDLE + "}");
            requestsPerSecond(api, Duration.ofSeconds(3));                       // warm-up
            double rps = requestsPerSecond(api, REQUEST_WINDOW);

            Semaphore slots = new Semaphore(IN_FLIGHT);
            List<CompletableFuture<HttpResponse<String>>> created = new ArrayList<>();
            for (int i = 0; i < STARTS; i++) {
                slots.acquire();
                created.add(api.http().sendAsync(api.request("/api/v1/vms").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\": \"s-" + i + "\", " + HostApiTest.IDLE + "}")).build(), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((r, e) -> slots.release()));
            }
            for (var f : created) assertEquals(201, f.get().statusCode());
            long t0 = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> started = new ArrayList<>();
            for (int i = 0; i < STARTS; i++) {
                slots.acquire();
                started.add(api.http().sendAsync(api.request("/api/v1/vms/s-" + i + "/start")
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((r, e) -> slots.release()));
            }
            for (var f : started) assertEquals(202, f.get().statusCode());
            while (host.vms().all().stream().filter(e -> e.view().state().equals("running")).count() < STARTS + 0L) {
                Thread.sleep(5);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("host load: api-requests-per-s=%.0f vm-starts-per-s=%.0f (%d idle guests started in %.2f s; "
                    + "%d cores)%n", rps, STARTS / seconds, STARTS, seconds, Runtime.getRuntime().availableProcessors());
        }
    }

    /** GET /api/v1/vms/probe with IN_FLIGHT requests outstanding for {@code window}. */
    static double requestsPerSecond(HostClient api, Duration window) throws Exception {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        HttpRequest get = api.request("/api/v1/vms/probe").GET().build();
        long t0 = System.nanoTime();
        long end = t0 + window.toNanos();
        while (System.nanoTime() < end) {
            slots.acquire();
            api.http().sendAsync(get, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e == null && r.statusCode() == 200) done.incrementAndGet();
                else failed.incrementAndGet();
                slots.release();
            });
        }
        slots.acquire(IN_FLIGHT);
        double rps = done.get() / ((System.nanoTime() - t0) / 1e9);
        assertEquals(0, failed.get(), "failed requests");
        return rps;
    }
}
