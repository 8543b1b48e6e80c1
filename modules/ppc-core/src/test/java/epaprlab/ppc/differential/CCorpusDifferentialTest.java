package epaprlab.ppc.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.differential.Toolchain.Target;
import epaprlab.ppc.mem.GuestMemory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our own C programs ({@code src/test/resources/corpus}: integer math, 64-bit arithmetic,
 * strings, recursion, switch tables and function pointers, setjmp/longjmp; floating point),
 * compiled by GCC 12 at -O0/-O2/-Os for e500mc (32-bit) and e5500 (64-bit, ELFv1). The same
 * objects are linked twice: with the Linux shim (write/exit syscalls) and run under qemu-user,
 * and with the bare-metal shim (sc 1 hypercalls: r3=1 write r5 bytes at r4, r3=0 exit with r4)
 * and run on the engine. The printed lines must be identical.
 */
class CCorpusDifferentialTest {
    static final String[] CORPUS = {"lib.h", "lib.c", "ints.c", "fp.c", "sjlj32.S", "sjlj64.S", "shim-linux32.S",
            "shim-bare32.S", "shim-linux64.S", "shim-bare64.S"};
    static final int RAM = 8 << 20;

    @ParameterizedTest(name = "{0} {1} -{2} {3}")
    @CsvSource({
            "PPC32, ints, O0, hard", "PPC32, ints, O2, hard", "PPC32, ints, Os, hard",
            "PPC64, ints, O0, hard", "PPC64, ints, O2, hard", "PPC64, ints, Os, hard",
            "PPC32, ints, O2, soft",
            "PPC32, fp, O0, hard", "PPC32, fp, O2, hard", "PPC32, fp, Os, hard",
            "PPC32, fp, O0, soft", "PPC32, fp, O2, soft", "PPC32, fp, Os, soft",
            "PPC64, fp, O0, hard", "PPC64, fp, O2, hard", "PPC64, fp, Os, hard",
    })
    void engineOutputMatchesQemu(Target target, String program, String opt, String flt) throws IOException {
        Path dir = Files.createTempDirectory("corpus-" + target + "-" + program + "-" + opt + "-" + flt);
        try {
            for (String f : CORPUS) {
                try (InputStream in = getClass().getResourceAsStream("/corpus/" + f)) {
                    assertNotNull(in, f);
                    Files.write(dir.resolve(f), in.readAllBytes());
                }
            }
            String bits = target.wide() ? "64" : "32";
            List<String> sources = new ArrayList<>(List.of("lib.c", program + ".c"));
            if (program.equals("ints")) sources.add("sjlj" + bits + ".S");
            Path linux = link(target, dir, sources, "shim-linux" + bits + ".S", opt, flt, "linux.elf");
            Path bare = link(target, dir, sources, "shim-bare" + bits + ".S", opt, flt, "bare.elf");
            String qemu = Toolchain.exec(List.of(target.qemu(), "-cpu", target.qemuCpu(), linux.toString()), null, null, 120);
            assertTrue(qemu.endsWith("end\n") && qemu.lines().count() > 10, "QEMU output:\n" + qemu);
            // Hard and soft float both need the FPU: Debian's libgcc for powerpc-linux-gnu is built
            // for hard float, its __adddf3/__muldf3/... use FP instructions even under -msoft-float.
            Assumptions.assumeTrue(!program.equals("fp") || RandomSequenceDifferentialTest.engineHasFp(),
                    "QEMU ran it; the engine has no FPU yet (FP branch not merged): not compared");
            String engine = runBare(target, Files.readAllBytes(bare));
            assertEquals(qemu, engine);
        } finally {
            Toolchain.cleanup(dir);
        }
    }

    static Path link(Target t, Path dir, List<String> sources, String shim, String opt, String flt, String out) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(t.gcc(), "-mcpu=" + t.qemuCpu(), "-" + opt, "-ffreestanding", "-fno-builtin",
                "-fno-tree-loop-distribute-patterns", "-fno-pic", "-fno-stack-protector", "-nostdlib", "-static", "-mregnames",
                "-Wl,-Ttext=0x10000", "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments", "-Wl,-z,noexecstack"));
        if (flt.equals("soft")) cmd.addAll(List.of("-msoft-float", "-Wl,--no-warn-mismatch"));
        cmd.addAll(List.of("-o", dir.resolve(out).toString(), dir.resolve(shim).toString()));
        for (String s : sources) cmd.add(dir.resolve(s).toString());
        cmd.add("-lgcc");
        Toolchain.exec(cmd, null, null, 120);
        return dir.resolve(out);
    }

    /** Loads the ELF's segments into RAM and runs it on the engine, serving the shim's hypercalls. */
    static String runBare(Target target, byte[] elfBytes) {
        Elf elf = Elf.parse(elfBytes);
        assertTrue(elf.maxAddress() < RAM - (1 << 20), "image below the stack");
        GuestMemory mem = new GuestMemory(RAM);
        elf.load(mem);
        Cpu cpu = new Cpu(target.wide() ? CpuModel.E5500 : CpuModel.E500MC, mem);
        cpu.setMsr((target.wide() ? Msr.CM : 0) | Msr.FP);
        if (target.wide()) { // ELFv1: the entry is a function descriptor {code, TOC, env}
            cpu.setPc(mem.load64(elf.entry()));
            cpu.setGpr(2, mem.load64(elf.entry() + 8));
        } else {
            cpu.setPc(elf.entry());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int calls = 0; calls < 100_000; calls++) {
            StopReason why = cpu.run(2_000_000_000L);
            assertNull(cpu.lastEngineError(), "engine error");
            if (why != StopReason.HYPERCALL) {
                fail(why + ": " + cpu.stopDetail() + " at 0x" + Long.toHexString(cpu.stopPc()) + "; output so far:\n" + out);
            }
            switch ((int) cpu.gpr(3)) {
                case 1 -> {
                    byte[] b = new byte[(int) cpu.gpr(5)];
                    mem.read(cpu.gpr(4), b, 0, b.length);
                    out.writeBytes(b);
                }
                case 0 -> {
                    assertEquals(0, cpu.gpr(4), "exit code");
                    return out.toString(StandardCharsets.UTF_8);
                }
                default -> fail("unknown hypercall r3=" + cpu.gpr(3));
            }
        }
        return fail("no exit after 100000 hypercalls");
    }
}
