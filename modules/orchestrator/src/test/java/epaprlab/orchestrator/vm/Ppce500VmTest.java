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

    @Test void theSampleReachesThePromptAndPasses() throws Exception {
        VmConfig vm = LabConfigLoader.withDefaults().load(SAMPLE).vms().getFirst();
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(vm, events.getRef(), new ImageCache()));
        List<String> console = new ArrayList<>();
        VmResult result = null;
        while (result == null) {
            switch (events.receiveMessage(WAIT)) {
                case ConsoleLine l -> console.add(l.line());
                case LifecycleChanged l -> {}
                case VmFinished f -> result = f.result();
            }
        }
        VmResult r = result;
        assertEquals(Outcome.PASSED, r.outcome(), () -> r.detail() + "\n" + console);
        assertTrue(console.contains("DRAM:  256 MiB"), console::toString);
        assertTrue(console.stream().anyMatch(l -> l.startsWith("U-Boot 2023.01")), console::toString);
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
}
