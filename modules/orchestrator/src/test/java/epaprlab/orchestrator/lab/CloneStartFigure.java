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
 * (as {@code sample-vms/clone-20k.conf}), run three times ({@code -Dclone.runs=N}: N) in one JVM with no observer; each run
 * prints its wall time, the process's CPU time per VM and VMs per second. Runs only when asked:
 * {@code mvn -pl modules/orchestrator -am test -Dtest=CloneStartFigure -Dclone.figure=on -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Timeout(600)
class CloneStartFigure {
    static final int VMS = 20_000;

    @TempDir Path dir;

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
        for (int run = 1; run <= runs; run++) {
            CompletableFuture<LabEvent.LabFinished> done = new CompletableFuture<>();
            long cpu = os.getProcessCpuTime(), start = System.nanoTime();
            ActorSystem<LabGuardian.Command> system = ActorSystem.create(LabGuardian.create(lab, e -> {
                if (e instanceof LabEvent.LabFinished f) done.complete(f);
            }), "clones", ConfigFactory.load());
            LabEvent.LabFinished end = done.get(5, TimeUnit.MINUTES);
            double wall = (System.nanoTime() - start) / 1e9;
            double cpuPerVm = (os.getProcessCpuTime() - cpu) / 1e3 / VMS;
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
            assertTrue(end.allAsExpected(), () -> end.results().toString());
            System.out.printf(Locale.ROOT, "clone-start run %d: %d VMs in %.2f s, %.1f us of CPU per VM, %.0f VMs/s%n",
                    run, VMS, wall, cpuPerVm, VMS / wall);
        }
    }
}
