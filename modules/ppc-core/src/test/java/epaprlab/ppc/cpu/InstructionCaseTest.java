package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.ppc.cpu.InstructionCases.Case;
import epaprlab.ppc.mem.GuestMemory;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs every row of {@link InstructionCases} as one step and checks the listed state. */
class InstructionCaseTest {
    static final long CODE = 0x2000;
    static final int RAM = 1 << 20;
    /** IVPR = 0, IVORn = 0x100 * (n + 1): vectors well below the code. */
    static final int[] INSTALLED = {2, 3, 5, 6, 7, 8};

    static long vector(int ivor) { return 0x100L * (ivor + 1); }

    static Stream<Case> cases() { return Stream.concat(InstructionCases.ALL.stream(), FloatingPointCases.ALL.stream()); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void executes(Case c) {
        GuestMemory mem = new GuestMemory(RAM);
        Cpu cpu = new Cpu(c.mode().model, mem);
        cpu.setSpr(Spr.IVPR, 0);
        for (int n : INSTALLED) cpu.setSpr(Spr.ivorSpr(n), vector(n));
        mem.store32(CODE, c.word());

        long msr = 0;
        for (Map.Entry<String, String> e : parse(c.in()).entrySet()) {
            String k = e.getKey();
            long v = value(e.getValue(), c);
            switch (k) {
                case "cr" -> cpu.setCr((int) v);
                case "xer" -> cpu.setXer(v);
                case "lr" -> cpu.setLr(v);
                case "ctr" -> cpu.setCtr(v);
                case "msr" -> msr = v;
                case "esr" -> cpu.setSpr(Spr.ESR, v);
                case "fpscr" -> cpu.setFpscr((int) v);
                default -> {
                    if (k.matches("f\\d+")) { cpu.setFpr(Integer.parseInt(k.substring(1)), v); continue; }
                    if (k.startsWith("r")) cpu.setGpr(Integer.parseInt(k.substring(1)), v);
                    else if (k.startsWith("spr")) cpu.setSpr(Integer.parseInt(k.substring(3)), v);
                    else if (k.startsWith("mem")) storeMem(mem, k, v);
                    else fail("unknown input key " + k);
                }
            }
        }
        cpu.setMsr(c.mode().cm ? msr | Msr.CM : msr);
        cpu.setPc(CODE);
        assertEquals(c.mode().cm, cpu.is64BitMode(), "mode");

        Map<String, String> expect = parse(c.out());
        StopReason want = expect.containsKey("stop") ? StopReason.valueOf(expect.get("stop")) : StopReason.BUDGET;
        StopReason got = cpu.run(1);
        assertEquals(want, got, () -> "stop reason; detail: " + cpu.stopDetail());
        if (cpu.lastEngineError() != null) throw new AssertionError("engine error", cpu.lastEngineError());

        if (expect.containsKey("irq")) {
            int ivor = Integer.parseInt(expect.get("irq"));
            check(c, "pc (vector of IVOR" + ivor + ")", vector(ivor), cpu.pc());
            if (!expect.containsKey("srr0") && ivor != 8) check(c, "srr0", CODE, cpu.spr(Spr.SRR0));
        } else if (!expect.containsKey("pc") && !expect.containsKey("stop")) {
            check(c, "pc", CODE + 4, cpu.pc());
        }
        for (Map.Entry<String, String> e : expect.entrySet()) {
            String k = e.getKey();
            if (k.equals("irq") || k.equals("stop")) continue;
            long v = value(e.getValue(), c);
            long actual = switch (k) {
                case "cr" -> cpu.cr() & 0xFFFFFFFFL;
                case "xer" -> cpu.xer();
                case "ca" -> (cpu.xer() >>> 29) & 1;
                case "ov" -> (cpu.xer() >>> 30) & 1;
                case "so" -> (cpu.xer() >>> 31) & 1;
                case "lr" -> cpu.lr();
                case "ctr" -> cpu.ctr();
                case "msr" -> cpu.msr();
                case "pc" -> cpu.pc();
                case "esr" -> cpu.spr(Spr.ESR);
                case "dear" -> cpu.spr(Spr.DEAR);
                case "srr0" -> cpu.spr(Spr.SRR0);
                case "srr1" -> cpu.spr(Spr.SRR1);
                case "fpscr" -> cpu.fpscr() & 0xFFFFFFFFL;
                default -> {
                    if (k.matches("f\\d+")) yield cpu.fpr(Integer.parseInt(k.substring(1)));
                    if (k.matches("cr[0-7]")) yield (cpu.cr() >>> (28 - 4 * (k.charAt(2) - '0'))) & 0xF;
                    if (k.startsWith("r")) yield cpu.gpr(Integer.parseInt(k.substring(1)));
                    if (k.startsWith("spr")) yield cpu.spr(Integer.parseInt(k.substring(3)));
                    if (k.startsWith("mem")) yield loadMem(mem, k);
                    yield fail("unknown expected key " + k);
                }
            };
            check(c, k, v, actual);
        }
    }

    static void check(Case c, String what, long want, long got) {
        if (want != got) fail("%s: %s = 0x%x, expected 0x%x".formatted(c, what, got, want));
    }

    static Map<String, String> parse(String s) {
        Map<String, String> m = new HashMap<>();
        for (String tok : s.trim().split("\\s+")) {
            if (tok.isEmpty()) continue;
            int eq = tok.indexOf('=');
            if (eq < 0) fail("bad token " + tok);
            m.put(tok.substring(0, eq), tok.substring(eq + 1));
        }
        return m;
    }

    static long value(String v, Case c) {
        if (v.equals("PVR")) return c.mode().model.pvr() & 0xFFFFFFFFL;
        if (v.chars().allMatch(Character::isLetter)) return 0;   // enum-valued keys (stop)
        boolean neg = v.startsWith("-");
        String d = neg ? v.substring(1) : v;
        long x = d.startsWith("0x") ? Long.parseUnsignedLong(d.substring(2), 16) : Long.parseLong(d);
        return neg ? -x : x;
    }

    private static void storeMem(GuestMemory mem, String k, long v) {
        int at = k.indexOf('@');
        long a = Long.decode(k.substring(at + 1));
        switch (k.substring(3, at)) {
            case "8" -> mem.store8(a, (int) v);
            case "16" -> mem.store16(a, (int) v);
            case "32" -> mem.store32(a, (int) v);
            case "64" -> mem.store64(a, v);
            default -> fail("bad memory key " + k);
        }
    }

    private static long loadMem(GuestMemory mem, String k) {
        int at = k.indexOf('@');
        long a = Long.decode(k.substring(at + 1));
        return switch (k.substring(3, at)) {
            case "8" -> mem.load8(a);
            case "16" -> mem.load16(a);
            case "32" -> mem.load32(a) & 0xFFFFFFFFL;
            case "64" -> mem.load64(a);
            default -> fail("bad memory key " + k);
        };
    }
}
