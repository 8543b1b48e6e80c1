package epaprlab.ppc.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.differential.Generator.InsnClass;
import epaprlab.ppc.differential.Toolchain.Target;
import epaprlab.ppc.mem.GuestMemory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test against QEMU user mode: for every instruction class, thousands of random
 * sequences with random initial GPRs/CR/XER/LR/CTR (and FPRs/FPSCR) are built into one static
 * Linux program, run once under {@code qemu-ppc -cpu e500mc} / {@code qemu-ppc64 -cpu e5500},
 * and the same code is run bare-metal on the engine; every GPR, CR, XER, LR, CTR (FPR, FPSCR)
 * and the scratch buffer must match. The 32-bit program runs on the e500mc core and on the
 * e5500 core in 32-bit mode (QEMU has no e5500 for 32-bit user mode; e500mc is the reference).
 *
 * <p>Seed and count: {@code -Ddiff.seed=0x...} / env {@code DIFF_SEED} (default fixed),
 * {@code -Ddiff.count=N} / {@code DIFF_COUNT} sequences per class and target (default 6000),
 * {@code -Ddiff.classes=ARITH,BRANCH} to select classes.
 */
class RandomSequenceDifferentialTest {
    static final long DEFAULT_SEED = 0x5EED_2026_1125L;

    static long masterSeed() {
        String s = System.getProperty("diff.seed", System.getenv("DIFF_SEED"));
        return s == null ? DEFAULT_SEED : Long.parseUnsignedLong(s.replaceFirst("^0x", ""), 16);
    }

    static int count() {
        String s = System.getProperty("diff.count", System.getenv("DIFF_COUNT"));
        return s == null ? 6000 : Integer.parseInt(s);
    }

    static Stream<Arguments> batches() {
        String only = System.getProperty("diff.classes", System.getenv("DIFF_CLASSES"));
        List<Arguments> a = new ArrayList<>();
        for (Target t : Target.values()) {
            for (InsnClass c : InsnClass.values()) {
                if (only != null && !List.of(only.split(",")).contains(c.name())) continue;
                if (c.wideOnly() && !t.wide()) continue;
                a.add(Arguments.of(t, c));
            }
        }
        return a.stream();
    }

    /** Seed of one batch: derived from the master seed, the target and the class. */
    static long batchSeed(long master, Target t, InsnClass c) {
        return master ^ ((long) t.ordinal() << 56) ^ ((long) c.ordinal() * 0x100000001B3L);
    }

    /** Whether the engine decodes the classic FPU (fadd): the FP classes run only then. */
    static boolean engineHasFp() {
        Cpu cpu = new Cpu(CpuModel.E500MC, new GuestMemory(4096));
        return !cpu.mnemonic(0xFC00002A /* fadd f0,f0,f0 */).equals("(illegal)");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("batches")
    void engineMatchesQemu(Target target, InsnClass cls) throws IOException {
        long master = masterSeed();
        long seed = batchSeed(master, target, cls);
        SequenceBatch batch = new SequenceBatch(target, cls, seed, count());
        Path dir = Files.createTempDirectory("diff-" + target + "-" + cls);
        try {
            Path elf = Toolchain.assembleAndLink(target, batch.source(), dir, "seq", SequenceBatch.TEXT);
            Path in = dir.resolve("in.bin"), out = dir.resolve("out.bin");
            Files.write(in, batch.input);
            Toolchain.exec(List.of(target.qemu(), "-cpu", target.qemuCpu(), elf.toString()), in, out, 300);
            byte[] qemu = Files.readAllBytes(out);
            assertEquals(batch.input.length, qemu.length, "bytes written by the program under QEMU");
            for (int i = 0; i < batch.count; i++) { // every sequence stored its OUT state (r0..r31 are never all 0)
                int at = i * batch.rec + batch.state;
                int first = i;
                org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(qemu, at, at + 32 * batch.w,
                        new byte[32 * batch.w], 0, 32 * batch.w), () -> "QEMU stored no state for sequence " + first);
            }

            // The sequences do something: most change their class's state (GPR/CR/XER/scratch, or FPR/FPSCR).
            int changed = 0;
            int from = batch.fp ? batch.fprOff() : 0, to = batch.fp ? batch.state : batch.fprOffOrEnd();
            for (int i = 0; i < batch.count; i++) {
                int at = i * batch.rec;
                boolean scratchChanged = !java.util.Arrays.equals(qemu, at + 2 * batch.state, at + batch.rec,
                        batch.input, at + 2 * batch.state, at + batch.rec);
                if (scratchChanged || !java.util.Arrays.equals(qemu, at + batch.state + from, at + batch.state + to,
                        batch.input, at + from, at + to)) changed++;
            }
            assertTrue(changed > batch.count / 2, changed + " of " + batch.count + " sequences changed their state under QEMU");
            // Until the engine has an FPU the FP programs are still built and run under QEMU (which
            // checks the generator: no SIGILL/SIGFPE), and the engine comparison is reported as aborted.
            Assumptions.assumeTrue(!cls.fp() || engineHasFp(),
                    "QEMU ran the FP batch; the engine has no FPU yet (FP branch not merged): not compared");
            Map<String, Long> sym = Toolchain.symbols(target, elf);
            Elf image = Elf.parse(Files.readAllBytes(elf));
            List<String> failures = new ArrayList<>();
            // 32-bit program: e500mc and e5500 with CM=0. 64-bit program: e5500 with CM=1, and for the
            // mode-independent class also with CM=0 (QEMU has no 32-bit e5500 user mode to ask).
            record Run(CpuModel model, boolean cm) {}
            List<Run> runs = !target.wide() ? List.of(new Run(CpuModel.E500MC, false), new Run(CpuModel.E5500, false))
                    : cls.wideOnly() ? List.of(new Run(CpuModel.E5500, true), new Run(CpuModel.E5500, false))
                    : List.of(new Run(CpuModel.E5500, true));
            for (Run run : runs) {
                byte[] mine = runEngine(run.model(), run.cm(), batch, image, sym);
                compare(batch, run.model(), run.cm(), elf, sym, master, qemu, mine, failures);
            }
            if (!failures.isEmpty()) {
                fail(failures.size() + " sequences differ from QEMU (" + target + " " + cls + ", master seed 0x"
                        + Long.toHexString(master) + ", count " + batch.count + "); reproduce with -Ddiff.seed=0x"
                        + Long.toHexString(master) + " -Ddiff.count=" + batch.count + " -Ddiff.classes=" + cls + "\n"
                        + String.join("\n", failures.subList(0, Math.min(6, failures.size()))));
            }
        } finally {
            Toolchain.cleanup(dir);
        }
    }

    /** The comparison itself can fail: one flipped CR bit in one engine record is reported as exactly that. */
    @org.junit.jupiter.api.Test
    void aCorruptedResultIsReported() throws IOException {
        SequenceBatch batch = new SequenceBatch(Target.PPC32, InsnClass.ARITH, 42, 50);
        Path dir = Files.createTempDirectory("diff-neg");
        try {
            Path elf = Toolchain.assembleAndLink(Target.PPC32, batch.source(), dir, "seq", SequenceBatch.TEXT);
            Path in = dir.resolve("in.bin"), out = dir.resolve("out.bin");
            Files.write(in, batch.input);
            Toolchain.exec(List.of(Target.PPC32.qemu(), "-cpu", "e500mc", elf.toString()), in, out, 60);
            byte[] qemu = Files.readAllBytes(out);
            Map<String, Long> sym = Toolchain.symbols(Target.PPC32, elf);
            byte[] mine = runEngine(CpuModel.E500MC, false, batch, Elf.parse(Files.readAllBytes(elf)), sym);
            List<String> failures = new ArrayList<>();
            compare(batch, CpuModel.E500MC, false, elf, sym, 42, qemu, mine, failures);
            assertEquals(List.of(), failures);
            mine[7 * batch.rec + batch.state + batch.crOff() + 3] ^= 1; // CR bit 31 of sequence 7's result
            compare(batch, CpuModel.E500MC, false, elf, sym, 42, qemu, mine, failures);
            assertEquals(1, failures.size(), failures::toString);
            org.junit.jupiter.api.Assertions.assertTrue(failures.get(0).contains("sequence 7 ")
                    && failures.get(0).contains("cr: engine") && failures.get(0).contains("objdump:\n    "), failures.get(0));
        } finally {
            Toolchain.cleanup(dir);
        }
    }

    static byte[] runEngine(CpuModel model, boolean wide, SequenceBatch batch, Elf image, Map<String, Long> sym) {
        long recs = sym.get("recs"), seqs = sym.get("seqs"), done = sym.get("done");
        GuestMemory mem = new GuestMemory((int) ((image.maxAddress() + 0x10FFF) & ~0xFFFL));
        image.load(mem);
        mem.write(recs, batch.input, 0, batch.input.length);
        mem.store32(done, 0x44000022); // sc 1: the engine's stop in place of the write syscall
        Cpu cpu = new Cpu(model, mem);
        cpu.setMsr((wide ? Msr.CM : 0) | (batch.fp ? Msr.FP : 0));
        cpu.setPc(seqs);
        cpu.setGpr(1, recs);
        StopReason why = cpu.run(200L * batch.count + 1_000_000);
        assertNull(cpu.lastEngineError(), "engine error");
        assertEquals(StopReason.HYPERCALL, why, () -> model + ": " + cpu.stopDetail() + " at 0x" + Long.toHexString(cpu.stopPc()));
        assertEquals(done + 4, cpu.pc(), "stopped at done");
        byte[] mine = new byte[batch.input.length];
        mem.read(recs, mine, 0, mine.length);
        return mine;
    }

    static void compare(SequenceBatch b, CpuModel model, boolean cm, Path elf, Map<String, Long> sym, long master, byte[] qemu,
                        byte[] mine, List<String> failures) {
        ByteBuffer q = ByteBuffer.wrap(qemu), m = ByteBuffer.wrap(mine);
        for (int i = 0; i < b.count; i++) {
            int at = i * b.rec;
            if (java.util.Arrays.equals(qemu, at, at + b.rec, mine, at, at + b.rec)) continue;
            List<String> diffs = new ArrayList<>();
            for (Field f : fields(b)) {
                long qv = f.read(q, at + b.state), mv = f.read(m, at + b.state);
                if (qv != mv) diffs.add("%s: engine 0x%x, QEMU 0x%x (in 0x%x)".formatted(f.name, mv, qv, f.read(q, at)));
            }
            if (failures.size() < 6) {
                long start = sym.get("b" + i), stop = sym.get("e" + i);
                failures.add("--- " + model + (cm ? " 64-bit mode" : " 32-bit mode") + " (" + b.target + " program) " + b.cls + " sequence " + i
                        + " (batch seed 0x" + Long.toHexString(b.seed) + ")\n  source: " + b.bodies.get(i)
                        + "\n  objdump:\n" + Toolchain.disassemble(b.target, elf, start, stop) + "  differences:\n    "
                        + String.join("\n    ", diffs));
            } else {
                failures.add(model + " sequence " + i);
            }
        }
    }

    record Field(String name, int offset, int width) {
        long read(ByteBuffer b, int base) {
            return width == 8 ? b.getLong(base + offset) : width == 4 ? b.getInt(base + offset) & 0xFFFFFFFFL : b.get(base + offset) & 0xFF;
        }
    }

    static List<Field> fields(SequenceBatch b) {
        List<Field> f = new ArrayList<>();
        for (int k = 0; k < 32; k++) f.add(new Field("r" + k, k * b.w, b.w));
        f.add(new Field("cr", b.crOff(), b.w));
        f.add(new Field("xer", b.xerOff(), b.w));
        f.add(new Field("lr", b.lrOff(), b.w));
        f.add(new Field("ctr", b.ctrOff(), b.w));
        if (b.fp) {
            for (int k = 0; k < 32; k++) f.add(new Field("f" + k, b.fprOff() + 8 * k, 8));
            f.add(new Field("fpscr", b.fpscrOff(), 8));
        }
        for (int k = 0; k < SequenceBatch.SCRATCH_BYTES; k += 8) f.add(new Field("scratch+" + k, b.state + k, 8));
        return f;
    }
}
