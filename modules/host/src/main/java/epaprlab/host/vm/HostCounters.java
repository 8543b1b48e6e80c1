package epaprlab.host.vm;

import java.util.concurrent.atomic.LongAdder;

/** Totals over every VM this host ran, for /metrics and JMX. Updated by the VM actors. */
public final class HostCounters {
    /** Runs started (by the API, a lab or a failover). */
    public final LongAdder starts = new LongAdder();
    /** Resets: asked for by the host, asked for by the guest, or crash/watchdog restarts. */
    public final LongAdder resets = new LongAdder();
    /** Runs that ended crashed, by the watchdog or at the restart limit, plus restarts after a crash. */
    public final LongAdder crashes = new LongAdder();
    /** Guest instructions executed (sampled while a VM runs, exact once a run ends). */
    public final LongAdder instructions = new LongAdder();
    /** Console bytes the guests wrote. */
    public final LongAdder consoleBytes = new LongAdder();
    /** Hypercalls the guests made, by token (counted on the vCPU threads). */
    public final epaprlab.orchestrator.vcpu.HypercallCounts hypercalls = new epaprlab.orchestrator.vcpu.HypercallCounts();
}
