package epaprlab.orchestrator.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.ConfigFactory;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.testing.TestGuests;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's start-rate figure for clones in a warm JVM, printed, not asserted (not a timed unit
 * test): a lab of 20,000 {@code hello} guests, one booting and the others started from its snapshot
 * (as {@code sample-vms/clone-20k.conf}), run three times ({@code -Dclone.runs=N}: N) in one JVM with no observer (its VMs
 * publish only their transitions into RUNNING, as without {@code --events}; {@code -Dclone.transitions=every}: all); each run
 * prints its wall time, the process's CPU time per VM (and of it, the actor system's threads' and the
 * collector's pauses), and VMs per second. Runs only when asked:
 * {@code mvn -pl modules/orchestrator -am test -Dtest=CloneStartFigure -Dclone.figure=on -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Timeout(600)
class CloneStartFigure {
    static final int VMS = 20_000;

    @TempDir Path dir;

    /**
     * CPU of this run's actor system's threads (its dispatchers, made for it): the lab's own work
     * per start, without the JIT's compiler threads, which a loaded machine makes busy for longer.
     */
    private static long actorThreadsCpuNanos() {
        var threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null || !info.getThreadName().startsWith("clones-")) continue;
            long t = threads.getThreadCpuTime(info.getThreadId());
            if (t > 0) sum += t;
        }
        return sum;
    }

    private static long gcMillis() {
        long sum = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) sum += Math.max(0, gc.getCollectionTime());
        return sum;
    }

    @Test
    void startsFromOneSnapshotPerSecond() throws Exception {
        Assumptions.assumeTrue("on".equals(System.getProperty("clone.figure")), "set -Dclone.figure=on to measure");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Path conf = Files.writeString(dir.resolve("clones.conf"), """
                lab { name = clones, concurrency = 256, vms = [ { name = clone, image = "%s", count = %d, boot-once = true,
                  snapshot { at = console, console-pattern = "hello from [^\\\\n]*\\\\n" } } ] }
                """.formatted(TestGuests.SAMPLE_IMAGES.resolve("hello-e500mc.elf"), VMS));
        LabConfig lab = LabConfigLoader.withDefaults().load(conf);
        int runs = Integer.getInteger("clone.runs", 3);
        boolean every = "every".equals(System.getProperty("clone.transitions"));
        for (int run = 1; run <= runs; run++) {
            CompletableFuture<LabEvent.LabFinished> done = new CompletableFuture<>();
            long cpu = os.getProcessCpuTime(), start = System.nanoTime(), gc = gcMillis();
            ActorSystem<LabGuardian.Command> system = ActorSystem.create(LabGuardian.create(lab, new LabObserver() {
                @Override public void onEvent(LabEvent e) {
                    if (e instanceof LabEvent.LabFinished f) done.complete(f);
                }

                // as `epapr-lab run` without --events; -Dclone.transitions=every: as with it
                @Override public boolean wantsEveryTransition() { return every; }
            }), "clones", ConfigFactory.load());
            LabEvent.LabFinished end = done.get(5, TimeUnit.MINUTES);
            double wall = (System.nanoTime() - start) / 1e9;
            double cpuPerVm = (os.getProcessCpuTime() - cpu) / 1e3 / VMS;
            double actorsPerVm = actorThreadsCpuNanos() / 1e3 / VMS;
            double gcPerVm = (gcMillis() - gc) * 1e3 / VMS;
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
            assertTrue(end.allAsExpected(), () -> end.results().toString());
            System.out.printf(Locale.ROOT, "clone-start run %d: %d VMs in %.2f s, %.1f us of CPU per VM (actor threads %.1f, GC %.1f),"
                    + " %.0f VMs/s%n", run, VMS, wall, cpuPerVm, actorsPerVm, gcPerVm, VMS / wall);
        }
    }
}
