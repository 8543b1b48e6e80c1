package epaprlab.host.metrics;

import epaprlab.host.vm.HostCounters;
import epaprlab.host.vm.HostedVms;
import epaprlab.orchestrator.vcpu.HypercallCounts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.function.Function;

/**
 * The host's metrics in Prometheus text format: VMs per state, starts, resets, crashes, guest
 * instructions, console bytes, hypercalls by token, API requests, vCPU dispatcher queue depth, and the JVM's memory
 * (heap) and threads. Values are read when scraped; nothing is sampled on a timer.
 */
public final class HostMetrics {
    /** Every value {@code VmView.state} takes. */
    public static final List<String> STATES = List.of("created", "booting", "running", "resetting", "shutting-down",
            "stopped", "failed");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter requests;

    public HostMetrics(HostedVms vms) {
        for (String state : STATES) {
            Gauge.builder("epapr_vms", vms, v -> v.all().stream().filter(e -> e.view().state().equals(state)).count())
                    .description("VMs of this host by state").tag("state", state).register(registry);
        }
        HostCounters c = vms.counters();
        counter("epapr_vm_starts", "VM runs started", c, x -> x.starts.doubleValue());
        counter("epapr_vm_resets", "resets: by the host, by the guest, and crash or watchdog restarts", c,
                x -> x.resets.doubleValue());
        counter("epapr_vm_crashes", "runs ended crashed, by watchdog or at the restart limit, and crash restarts", c,
                x -> x.crashes.doubleValue());
        counter("epapr_guest_instructions", "guest instructions executed", c, x -> x.instructions.doubleValue());
        counter("epapr_console_bytes", "console bytes written by the guests", c, x -> x.consoleBytes.doubleValue());
        for (int slot = 0; slot < HypercallCounts.NAMES.size(); slot++) {
            int s = slot;
            FunctionCounter.builder("epapr_hypercalls", c.hypercalls, h -> h.get(s))
                    .description("hypercalls the guests made that exit to the host, by token")
                    .tag("token", HypercallCounts.NAMES.get(slot)).register(registry);
        }
        Gauge.builder("epapr_vcpu_dispatcher_queue_depth", MeteredExecutor::queued)
                .description("vCPU actors with work waiting for a dispatcher thread").register(registry);
        Gauge.builder("epapr_vcpu_dispatcher_active_threads", MeteredExecutor::active)
                .description("vCPU dispatcher threads running a guest now").register(registry);
        requests = Counter.builder("epapr_api_requests").description("HTTP requests answered").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
    }

    private void counter(String name, String description, HostCounters c, Function<HostCounters, Double> value) {
        FunctionCounter.builder(name, c, x -> value.apply(x)).description(description).register(registry);
    }

    public void countRequest() { requests.increment(); }

    /** The Prometheus text exposition (version 0.0.4). */
    public String scrape() { return registry.scrape(); }
}
