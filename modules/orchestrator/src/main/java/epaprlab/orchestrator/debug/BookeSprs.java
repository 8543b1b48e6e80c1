package epaprlab.orchestrator.debug;

import epaprlab.machine.api.Vcpu;
import epaprlab.ppc.cpu.Spr;
import java.util.ArrayList;
import java.util.List;

/**
 * The Book E special-purpose registers the GDB stub serves as its own target-description feature
 * ({@value #FEATURE}, group {@code system}), after gdb's core and FPU registers: exception state,
 * interrupt vectors, SPRGs, timers, identification, MMU assist and cache control. gdb's own
 * PowerPC descriptions have no feature naming them, so gdb shows them as a target names them.
 *
 * <p>Writes act as a supervisor-state {@code mtspr} does: TSR is write-one-to-clear, DEC, TCR
 * (WRC sticky), DECAR and TBL/TBU move the timers, PID flushes the software TLB, MMUCSR0
 * flash-invalidates, IVORs install the vector. Registers {@code mtspr} cannot change (PIR, PVR,
 * SVR, EPR and the configuration registers) refuse the write. On e5500 the registers that hold an
 * address or a saved MSR are 64 bits, the others 32 as the architecture defines them.
 */
final class BookeSprs {
    static final String FEATURE = "org.epaprlab.power.booke";

    /** How a debugger write reaches the register. */
    enum Write {
        /** As {@code mtspr} (the engine's write path with its side effects). */
        MTSPR,
        /** Write-one-to-clear, as {@code mtspr} TSR. */
        ONE_TO_CLEAR,
        /** {@code mtspr} ignores writes: so does the debugger, with an error reply. */
        READ_ONLY
    }

    /** One served register: gdb's name, the SPR read and written, its width for this core. */
    record Reg(String name, int spr, int bytes, Write write) {}

    private final List<Reg> regs;

    private BookeSprs(List<Reg> regs) { this.regs = regs; }

    /** The registers of a 32-bit (e500mc) or 64-bit (e5500) core, in served order. */
    static BookeSprs of(boolean wide) {
        int addr = wide ? 8 : 4;           // registers that hold an effective address or an MSR image
        List<Reg> r = new ArrayList<>();
        r.add(new Reg("srr0", Spr.SRR0, addr, Write.MTSPR));
        r.add(new Reg("srr1", Spr.SRR1, addr, Write.MTSPR));
        r.add(new Reg("csrr0", Spr.CSRR0, addr, Write.MTSPR));
        r.add(new Reg("csrr1", Spr.CSRR1, addr, Write.MTSPR));
        r.add(new Reg("mcsrr0", Spr.MCSRR0, addr, Write.MTSPR));
        r.add(new Reg("mcsrr1", Spr.MCSRR1, addr, Write.MTSPR));
        r.add(new Reg("dsrr0", Spr.DSRR0, addr, Write.MTSPR));
        r.add(new Reg("dsrr1", Spr.DSRR1, addr, Write.MTSPR));
        r.add(new Reg("dear", Spr.DEAR, addr, Write.MTSPR));
        r.add(new Reg("esr", Spr.ESR, 4, Write.MTSPR));
        r.add(new Reg("mcsr", Spr.MCSR, 4, Write.MTSPR));
        r.add(new Reg("mcar", Spr.MCAR, addr, Write.MTSPR));
        r.add(new Reg("ivpr", Spr.IVPR, addr, Write.MTSPR));
        for (int n = 0; n <= 15; n++) r.add(new Reg("ivor" + n, Spr.ivorSpr(n), 4, Write.MTSPR));
        for (int n = 32; n <= 41; n++) r.add(new Reg("ivor" + n, Spr.ivorSpr(n), 4, Write.MTSPR));
        r.add(new Reg("pid", Spr.PID, 4, Write.MTSPR));
        for (int n = 0; n <= 7; n++) r.add(new Reg("sprg" + n, Spr.SPRG0 + n, addr, Write.MTSPR));
        r.add(new Reg("sprg8", Spr.SPRG8, addr, Write.MTSPR));
        r.add(new Reg("sprg9", Spr.SPRG9, addr, Write.MTSPR));
        r.add(new Reg("usprg0", Spr.USPRG0, addr, Write.MTSPR));
        r.add(new Reg("tcr", Spr.TCR, 4, Write.MTSPR));
        r.add(new Reg("tsr", Spr.TSR, 4, Write.ONE_TO_CLEAR));
        r.add(new Reg("dec", Spr.DEC, 4, Write.MTSPR));
        r.add(new Reg("decar", Spr.DECAR, 4, Write.MTSPR));
        r.add(new Reg("tbl", Spr.TBL_W, 4, Write.MTSPR));
        r.add(new Reg("tbu", Spr.TBU_W, 4, Write.MTSPR));
        r.add(new Reg("pir", Spr.PIR, 4, Write.READ_ONLY));
        r.add(new Reg("pvr", Spr.PVR, 4, Write.READ_ONLY));
        r.add(new Reg("svr", Spr.SVR, 4, Write.READ_ONLY));
        r.add(new Reg("mas0", Spr.MAS0, 4, Write.MTSPR));
        r.add(new Reg("mas1", Spr.MAS1, 4, Write.MTSPR));
        r.add(new Reg("mas2", Spr.MAS2, addr, Write.MTSPR));
        r.add(new Reg("mas3", Spr.MAS3, 4, Write.MTSPR));
        r.add(new Reg("mas4", Spr.MAS4, 4, Write.MTSPR));
        r.add(new Reg("mas5", Spr.MAS5, 4, Write.MTSPR));
        r.add(new Reg("mas6", Spr.MAS6, 4, Write.MTSPR));
        r.add(new Reg("mas7", Spr.MAS7, 4, Write.MTSPR));
        r.add(new Reg("mas8", Spr.MAS8, 4, Write.MTSPR));
        r.add(new Reg("mmucsr0", Spr.MMUCSR0, 4, Write.MTSPR));
        r.add(new Reg("mmucfg", Spr.MMUCFG, 4, Write.READ_ONLY));
        r.add(new Reg("tlb0cfg", Spr.TLB0CFG, 4, Write.READ_ONLY));
        r.add(new Reg("tlb1cfg", Spr.TLB1CFG, 4, Write.READ_ONLY));
        r.add(new Reg("l1cfg0", Spr.L1CFG0, 4, Write.READ_ONLY));
        r.add(new Reg("l1cfg1", Spr.L1CFG1, 4, Write.READ_ONLY));
        r.add(new Reg("l1csr0", Spr.L1CSR0, 4, Write.MTSPR));
        r.add(new Reg("l1csr1", Spr.L1CSR1, 4, Write.MTSPR));
        r.add(new Reg("l2csr0", Spr.L2CSR0, 4, Write.MTSPR));
        r.add(new Reg("l2csr1", Spr.L2CSR1, 4, Write.MTSPR));
        r.add(new Reg("hid0", Spr.HID0, 4, Write.MTSPR));
        r.add(new Reg("hid1", Spr.HID1, 4, Write.MTSPR));
        r.add(new Reg("bucsr", Spr.BUCSR, 4, Write.MTSPR));
        r.add(new Reg("epr", Spr.EPR, 4, Write.READ_ONLY));
        if (wide) r.add(new Reg("epcr", Spr.EPCR, 4, Write.MTSPR));       // the 64-bit category's
        return new BookeSprs(List.copyOf(r));
    }

    int count() { return regs.size(); }

    Reg reg(int i) { return regs.get(i); }

    /** The register's value as {@code mfspr} would give it. */
    static long read(Vcpu v, Reg r) {
        long x = v.spr(r.spr());
        return r.bytes() == 4 ? x & 0xFFFF_FFFFL : x;
    }

    /**
     * Writes {@code x} as {@code mtspr} would; false when the register cannot be written. The
     * write-one-to-clear is done here because the host's {@code setSpr} stores TSR as given. The
     * vCPU is held, so with the instruction time base no TSR bit can be set between the read and
     * the write; with a wall-clock time base a bit that falls due in those microseconds is lost.
     */
    static boolean write(Vcpu v, Reg r, long x) {
        switch (r.write()) {
            case MTSPR -> v.setSpr(r.spr(), x);
            case ONE_TO_CLEAR -> v.setSpr(r.spr(), v.spr(r.spr()) & ~x);
            case READ_ONLY -> { return false; }
        }
        return true;
    }

    /** The feature element, registers numbered from {@code first}. */
    void appendFeature(StringBuilder b, int first) {
        b.append("<feature name=\"").append(FEATURE).append("\">\n");
        for (int i = 0; i < regs.size(); i++) {
            Reg r = regs.get(i);
            int bits = 8 * r.bytes();
            b.append("<reg name=\"").append(r.name()).append("\" bitsize=\"").append(bits).append("\" type=\"")
                    .append(r.name().endsWith("srr0") ? "code_ptr" : "uint" + bits)
                    .append("\" group=\"system\" regnum=\"").append(first + i).append("\"/>\n");
        }
        b.append("</feature>\n");
    }
}
