package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.ppc.mem.GuestMemory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential check of the floating-point category against QEMU: random FP instructions
 * (arithmetic in every rounding mode, single precision, multiply-add, conversions, compares,
 * estimates, moves, FPSCR instructions, Rc forms) on operands chosen among NaNs, infinities,
 * zeros, denormals, extremes, rounding boundaries and random bits, whose effects QEMU 7.2
 * (qemu-user -cpu e500mc / e5500) recorded in {@code src/test/resources/qemu-fp/qemu-fp-*.txt.gz}
 * (regenerate with {@code regen.py} there). The same program is assembled here and run on the
 * engine: the FPSCR after loading the input image, the target FPR bits, the FPSCR after the
 * instruction and the whole CR must equal QEMU's for every case.
 */
class QemuFloatingPointTest {
    static final long OUTPUTS = 0x600000;
    static final String[] NAMES = {"fpscr-before", "f4", "fpscr-after", "cr"};

    record Row(String insn, long[] in, long[] out) {}

    static List<Row> rows(String mode) throws IOException {
        List<Row> rows = new ArrayList<>();
        var in = QemuFloatingPointTest.class.getResourceAsStream("/qemu-fp/qemu-fp-" + mode + ".txt.gz");
        assertNotNull(in, "resource for mode " + mode);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] p = line.split("\\|");
                rows.add(new Row(p[0].trim(), QemuDifferentialTest.hex(p[1]), QemuDifferentialTest.hex(p[2])));
            }
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(strings = {"32", "64"})
    void engineMatchesQemu(String mode) throws IOException {
        boolean wide = mode.equals("64");
        List<Row> rows = rows(mode);
        assertEquals(10000, rows.size());
        StringBuilder src = new StringBuilder();
        src.append("    lis r20,inputs@ha\n    addi r20,r20,inputs@l\n    lis r21,").append(OUTPUTS >> 16).append('\n');
        for (Row row : rows) {
            src.append("""
                        lfd f5,0(r20)
                        mtfsf 255,f5
                        lfd f1,16(r20)
                        lfd f2,24(r20)
                        lfd f3,32(r20)
                        lfd f4,40(r20)
                        lwz r8,12(r20)
                        mtcrf 255,r8
                        mffs f6
                        stfd f6,0(r21)
                    """);
            src.append("    ").append(row.insn()).append('\n');
            src.append("""
                        mffs f6
                        mfcr r8
                        stfd f4,8(r21)
                        stfd f6,16(r21)
                        stw r8,28(r21)
                        addi r20,r20,48
                        addi r21,r21,32
                    """);
        }
        src.append("    sc 1\n    .balign 8\ninputs:\n");
        for (Row row : rows) {
            src.append("    .long ");
            for (int k = 0; k < 6; k++) {
                long v = row.in()[k];
                src.append(k == 0 ? "" : ",").append("0x").append(Long.toHexString(v >>> 32)).append(",0x").append(Long.toHexString(v & 0xFFFFFFFFL));
            }
            src.append('\n');
        }
        byte[] image = Binutils.assemble(src.toString(), wide);
        GuestMemory mem = new GuestMemory(8 << 20);
        mem.write(0, image, 0, image.length);
        Cpu cpu = new Cpu(wide ? CpuModel.E5500 : CpuModel.E500MC, mem);
        cpu.setMsr(Msr.FP | (wide ? Msr.CM : 0));
        assertEquals(StopReason.HYPERCALL, cpu.run(10_000_000), cpu::stopDetail);
        assertNull(cpu.lastEngineError());
        assertEquals(OUTPUTS + (long) rows.size() * 32, cpu.gpr(21), "every case ran");

        StringBuilder bad = new StringBuilder();
        Map<String, Integer> byInsn = new TreeMap<>();
        int mismatches = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            for (int k = 0; k < 4; k++) {
                long at = OUTPUTS + (long) (i * 4 + k) * 8;
                long mine = k == 3 ? mem.load64(at) & 0xFFFFFFFFL : mem.load64(at);
                if (mine != row.out()[k]) {
                    byInsn.merge(row.insn().split(" ")[0], 1, Integer::sum);
                    if (mismatches++ < 40) {
                        bad.append("%n  %s [in %s]: %s = 0x%x, QEMU 0x%x".formatted(row.insn(),
                                java.util.Arrays.stream(row.in()).mapToObj(Long::toHexString).toList(), NAMES[k], mine, row.out()[k]));
                    }
                }
            }
        }
        if (mismatches > 0) fail(mismatches + " differences from QEMU " + byInsn + ":" + bad);
    }
}
