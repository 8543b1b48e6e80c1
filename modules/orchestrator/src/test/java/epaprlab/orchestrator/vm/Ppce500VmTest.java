package epaprlab.orchestrator.vm;

import static epaprlab.orchestrator.vm.Lifecycle.BOOTING;
import static epaprlab.orchestrator.vm.Lifecycle.RESETTING;
import static epaprlab.orchestrator.vm.Lifecycle.RUNNING;
import static epaprlab.orchestrator.vm.Lifecycle.SHUTTING_DOWN;
import static epaprlab.orchestrator.vm.Lifecycle.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import epaprlab.machine.board.Machine;
import epaprlab.machine.board.Ppce500Board;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ppce500 VM under its supervisor: Debian's U-Boot's console reaches the VM's console lines
 * through UART0, and the resets and power-offs its devices raise (GUTS RSTCR, GPIO pin 0) end in
 * the supervisor's lifecycle: {@code reset} boots the VM a second time as {@code guest-reset},
 * {@code poweroff} shuts it down.
 */
@Timeout(600)
class Ppce500VmTest {
    static final ActorTestKit kit = ActorTestKit.create();
    static final Duration WAIT = Duration.ofSeconds(240);
    static final Path SAMPLE = Path.of("../../sample-vms/uboot.conf");

    @TempDir Path dir;

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    /** sample-vms/uboot.conf: its console steps type version, bdinfo, reset (boot 2), poweroff. */
    @Test void theSampleTypesItsStepsBootsTwiceAndPasses() throws Exception {
        VmConfig vm = LabConfigLoader.withDefaults().load(SAMPLE).vms().getFirst();
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(vm, events.getRef(), new ImageCache()));
        List<String> console = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        VmResult result = null;
        while (result == null) {
            switch (events.receiveMessage(WAIT)) {
                case ConsoleLine l -> console.add(l.line());
                case LifecycleChanged l -> reasons.add(l.to() + ": " + l.why());
                case VmFinished f -> result = f.result();
                case VmEvent.SnapshotTaken _ -> { }
            }
        }
        VmResult r = result;
        assertEquals(Outcome.PASSED, r.outcome(), () -> r.detail() + "\n" + reasons + "\n" + console);
        assertEquals(2, r.boots());
        assertEquals(1, r.guestResets());
        assertEquals(2, console.stream().filter(l -> l.equals("DRAM:  256 MiB")).count(), console::toString);
        assertTrue(console.contains("fdt_blob    = 0x0fa8de80"), console::toString);   // bdinfo's answer
        assertTrue(console.contains("=> poweroff"), console::toString);
    }

    @Test void resetFromTheFirmwareBootsAgainAndPoweroffEndsTheVm() throws Exception {
        Path conf = Files.writeString(dir.resolve("u.conf"), """
                vm {
                  name = u
                  board = ppce500
                  bios = "/usr/lib/u-boot/qemu-ppce500/uboot.elf"
                  ram = 256M
                  result.pass-pattern = "^Hit any key to stop autoboot"
                  result.end-on-result = off
                  limits.wall-timeout = 400s
                }
                """);
        VmConfig vm = LabConfigLoader.withDefaults().load(conf).vms().getFirst();
        AtomicReference<Machine> machine = new AtomicReference<>();
        VmSupervisor.BoardFactory boards = c -> {
            Machine m = new ImageCache().build(c);
            machine.set(m);
            return m;
        };
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(vm, events.getRef(), boards));
        List<Lifecycle> transitions = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        int prompts = 0;
        VmResult result = null;
        while (result == null) {
            switch (events.receiveMessage(WAIT)) {
                case ConsoleLine l -> {
                    if (l.line().startsWith("Hit any key to stop autoboot")) {
                        prompts++;
                        String command = prompts == 1 ? "reset\n" : "poweroff\n";
                        machine.get().vm().consoleInput(command.getBytes(StandardCharsets.US_ASCII));
                    }
                }
                case LifecycleChanged l -> {
                    transitions.add(l.to());
                    reasons.add(l.why());
                }
                case VmFinished f -> result = f.result();
                case VmEvent.SnapshotTaken _ -> { }
            }
        }
        assertTrue(machine.get() instanceof Ppce500Board);
        assertEquals(List.of(RUNNING, RESETTING, BOOTING, RUNNING, SHUTTING_DOWN, STOPPED), transitions, reasons::toString);
        assertEquals(2, result.boots());
        assertEquals(1, result.guestResets());
        VmResult r = result;
        assertEquals(Outcome.PASSED, r.outcome(), r::detail);   // the pass came first, then the power-off
        assertTrue(r.detail().contains("then"), r::detail);
    }

    /**
     * CPU 0 maps the spin table (PA 0xF_EF00_0000) at EA 0xEF000000, releases CPU 1 at 0x10200 and
     * waits for its flag; then it reports the result hypercall with r3 = 0 (pass).
     */
    private static final String SMP_GUEST = """
            .globl _start
            _start:
                lis 3,0x1002
                mtspr 624,3
                lis 3,0x8000
                ori 3,3,0x0100
                mtspr 625,3
                lis 3,0xEF00
                ori 3,3,0x000A
                mtspr 626,3
                lis 3,0xEF00
                ori 3,3,0x003F
                mtspr 627,3
                li 3,0xF
                mtspr 944,3
                isync
                tlbwe
                isync
                lis 4,0xEF00
                lis 5,1
                ori 5,5,0x0200
                stw 5,0x24(4)
                lis 8,2
            0:  lwz 6,0(8)
                cmpwi 6,0
                beq 0b
                li 3,0
                li 11,1
                sc 1
            1:  b 1b
                .org 0x200
                lis 8,2
                li 9,1
                stw 9,0(8)
            2:  b 2b
            """;

    @Test void aHaltedSecondaryActorRunsOnceTheSpinTableReleasesIt() throws Exception {
        Path elf = epaprlab.orchestrator.testing.TestGuests.elf(dir, "smp", SMP_GUEST);
        Path conf = Files.writeString(dir.resolve("smp.conf"), """
                vm {
                  name = smp
                  board = ppce500
                  kernel = "%s"
                  vcpus = 2
                  limits.wall-timeout = 60s
                }
                """.formatted(elf));
        VmConfig vm = LabConfigLoader.withDefaults().load(conf).vms().getFirst();
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(vm, events.getRef(), new ImageCache()));
        VmResult result = null;
        while (result == null) {
            if (events.receiveMessage(WAIT) instanceof VmFinished f) result = f.result();
        }
        VmResult r = result;
        assertEquals(Outcome.PASSED, r.outcome(), r::detail);
    }
}
