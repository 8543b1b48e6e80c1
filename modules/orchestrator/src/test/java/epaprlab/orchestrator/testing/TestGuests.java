package epaprlab.orchestrator.testing;

import epaprlab.machine.board.Board;
import epaprlab.machine.boot.ResetReason;
import epaprlab.orchestrator.config.ConfigProblem;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.vm.ImageCache;
import epaprlab.testsupport.OutsideTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Guests for actor tests: the committed sample images, and tiny assembly guests built here with
 * Debian's PowerPC cross GCC (the test fails, never skips, when it is missing).
 */
public final class TestGuests {
    private TestGuests() {}

    /** The committed sample images. */
    public static final Path SAMPLE_IMAGES = Path.of("../../sample-vms/images").toAbsolutePath().normalize();

    /** A guest that executes an illegal instruction (word 0) with no handler installed. */
    public static final String CRASH = """
            .globl _start
            _start:
                li 3,1
                .long 0
            """;

    /** A guest that spins forever. */
    public static final String SPIN = """
            .globl _start
            _start:
                addi 3,3,1
                b _start
            """;

    /** A guest that calls KVM_HC_VM_RESET at once, on every boot, forever. */
    public static final String RESET_FOREVER = """
            .globl _start
            _start:
                lis 11,0x002A
                ori 11,11,0x0020
                sc 1
                b _start
            """;

    /** Builds a 32-bit ELF from assembly source into {@code dir}/{@code name}.elf. */
    public static Path elf(Path dir, String name, String asm) throws IOException {
        Path src = dir.resolve(name + ".S");
        Path out = dir.resolve(name + ".elf");
        Files.writeString(src, asm);
        List<String> cmd = List.of("powerpc-linux-gnu-gcc", "-mcpu=e500mc", "-nostdlib", "-static",
                "-Wl,-Ttext=0x10000", "-Wl,--build-id=none", "-o", out.toString(), src.toString());
        OutsideTool.GCC_32.run(cmd.subList(1, cmd.size())).output();
        return out;
    }

    /** A board for an assembly guest, powered on for its first boot, run without actors. */
    public static Board poweredOn(Path dir, String name, String asm) throws Exception {
        Board board = (Board) new ImageCache().build(vm(dir, name, elf(dir, name, asm), ""));
        board.powerOn(1, ResetReason.POWER_ON);
        return board;
    }

    /** Writes a VM file for {@code image} with extra HOCON keys and loads it as a config. */
    public static VmConfig vm(Path dir, String name, Path image, String extraKeys) throws IOException, ConfigProblem {
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, "vm {\n  name = " + name + "\n  image = \"" + image + "\"\n" + extraKeys + "\n}\n");
        return LabConfigLoader.withDefaults().load(conf).vms().getFirst();
    }
}
