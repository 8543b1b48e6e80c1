package epaprlab.orchestrator.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.lab.LabGuardian;
import epaprlab.orchestrator.testing.LabRuns;
import epaprlab.orchestrator.testing.TestGuests;
import epaprlab.orchestrator.vm.Lifecycle;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent;
import epaprlab.orchestrator.vm.VmResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A lab's VMs start only while the heap pool has room: the others wait, or end when they never could fit. */
@Timeout(120)
class AdmissionTest {
    static final ActorTestKit kit = ActorTestKit.create();
    private static final Path HELLO = TestGuests.SAMPLE_IMAGES.resolve("hello-e500mc.elf");

    @TempDir Path dir;

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    private List<LabEvent> run(String labBody, Admission admission) throws Exception {
        Path file = Files.writeString(dir.resolve("lab.conf"), "lab {\n" + labBody + "\n}\n");
        LabConfig lab = LabConfigLoader.withDefaults().load(file);
        return LabRuns.untilFinished(kit, observer -> LabGuardian.create(lab, observer, admission));
    }

    @Test
    void vmsWaitForRoomInThePoolAndAllRunToTheirEnd() throws Exception {
        String keys = "image = \"" + HELLO + "\", console.buffer = 256K";
        String body = "concurrency = 4\nvms = [ { name = h, " + keys + ", count = 4 } ]";
        long one = Admission.chargeOf(LabConfigLoader.withDefaults().load(
                Files.writeString(dir.resolve("one.conf"), "vm { name = h, " + keys + " }")).vms().getFirst());
        // room for one VM's charge and its pages, not for two charges: the concurrency of 4 does not matter
        HeapPool pool = new HeapPool(2 * one - 4096);
        List<LabEvent> events = run(body, new Admission(pool));
        LabFinished end = (LabFinished) events.getLast();
        assertTrue(end.allAsExpected(), end.results().toString());
        int running = 0, most = 0;
        for (LabEvent e : events) {
            if (e instanceof LabEvent.OfVm(VmEvent.LifecycleChanged c) && c.from() == Lifecycle.BOOTING && c.to() == Lifecycle.RUNNING) {
                most = Math.max(most, ++running);
            }
            if (e instanceof LabEvent.OfVm(VmEvent.VmFinished f)) running--;
        }
        assertEquals(1, most, "only one VM at a time fits the pool");
        assertEquals(pool.capacity(), pool.free(), "every charge and page was given back");
    }

    /** Writes a word into every 4 KiB page from 0x20000 to 1 MiB, then asks for a shutdown. */
    static final String FILL = """
            .globl _start
            _start:
                lis 4,0x2
                lis 5,0x10
            1:  stw 4,0(4)
                addi 4,4,4096
                cmplw 4,5
                blt 1b
                lis 11,0x002A
                ori 11,11,0x0021
                sc 1
                b .
            """;

    @Test
    void aVmWhosePagesThePoolRefusesEndsAsTheHostsOutOfMemoryAndTheLabGoesOn() throws Exception {
        Path fill = TestGuests.elf(dir, "fill", FILL);
        String body = "concurrency = 1\nvms = [\n { name = hello-a, image = \"" + HELLO + "\" }\n"
                + " { name = fill, image = \"" + fill + "\" }\n { name = hello-b, image = \"" + HELLO + "\" }\n]";
        long one = Admission.chargeOf(LabConfigLoader.withDefaults().load(
                Files.writeString(dir.resolve("one.conf"), "vm { name = h, image = \"" + HELLO + "\" }")).vms().getFirst());
        HeapPool pool = new HeapPool(one + (64 << 12));       // one VM and 64 pages: hello needs a handful, fill 224
        List<LabEvent> events = run(body, new Admission(pool));
        LabFinished end = (LabFinished) events.getLast();
        assertEquals(List.of(Outcome.SHUTDOWN, Outcome.HOST_OUT_OF_MEMORY, Outcome.SHUTDOWN),
                end.results().stream().map(VmResult::outcome).toList(), end.results().toString());
        String detail = end.results().get(1).detail();
        assertTrue(detail.startsWith("vm fill vCPU 0 at PC 0x0001000") && detail.contains("the host's memory, not a guest fault")
                && detail.contains("the lab's pool of 290 KiB had"), detail);
        assertEquals(pool.capacity(), pool.free(), "every charge and page was given back");
    }

    /** Each vCPU's region tables cover all of RAM (a reference and a counter per page), so a VM of many vCPUs and much RAM is charged for them. */
    @Test
    void eachVcpuIsChargedItsRegionTablesOverAllOfRam() throws Exception {
        long one = Admission.chargeOf(LabConfigLoader.withDefaults().load(Files.writeString(dir.resolve("v1.conf"),
                "vm { name = h, image = \"" + HELLO + "\", ram = 256M, vcpus = 1 }")).vms().getFirst());
        long eight = Admission.chargeOf(LabConfigLoader.withDefaults().load(Files.writeString(dir.resolve("v8.conf"),
                "vm { name = h, image = \"" + HELLO + "\", ram = 256M, vcpus = 8 }")).vms().getFirst());
        assertTrue(eight - one >= 7 * 8L * (256 << 8), "seven more vCPUs over 65,536 pages cost at least 3.5 MiB, charged " + (eight - one));
    }

    @Test
    void aVmThatCouldNeverFitEndsAsHostOutOfMemoryNamingItselfAndTheFigures() throws Exception {
        String body = "vms = [\n { name = small, image = \"" + HELLO + "\" }\n"
                + " { name = greedy, image = \"" + HELLO + "\", console.buffer = 1M, console.max-line = 1M }\n]";
        HeapPool pool = new HeapPool(1L << 20);
        List<LabEvent> events = run(body, new Admission(pool));
        LabFinished end = (LabFinished) events.getLast();
        VmResult small = end.results().get(0), greedy = end.results().get(1);
        assertEquals(Outcome.SHUTDOWN, small.outcome(), small.toString());
        assertEquals(Outcome.HOST_OUT_OF_MEMORY, greedy.outcome(), greedy.toString());
        assertEquals(0, greedy.boots());
        assertTrue(greedy.detail().startsWith("vm greedy cannot start: it needs 3.0 MiB of heap up front (console buffers "
                + "3 MiB, fixed share 22 KiB), but this JVM gives all VMs together only 1 MiB"), greedy.detail());
        assertEquals(pool.capacity(), pool.free());
    }
}
