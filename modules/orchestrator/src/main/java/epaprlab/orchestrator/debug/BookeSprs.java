package epaprlab.orchestrator.debug;

import epaprlab.machine.api.Vcpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.exec.SystemRegisters;
import java.util.ArrayList;
import java.util.List;

/**
 * The Book E special-purpose registers the GDB stub serves as its own target-description feature
 * ({@value #FEATURE}, group {@code system}), after gdb's core and FPU registers: exception state,
 * interrupt vectors, SPRGs, timers, identification, debug, MMU assist and cache control. gdb's own
 * PowerPC descriptions have no feature naming them, so gdb shows them as a target names them.
 *
 * <p>Writes act as a supervisor-state {@code mtspr} does: TSR is write-one-to-clear, DEC, TCR
 * (WRC sticky), DECAR and TBL/TBU move the timers, PID flushes the software TLB, MMUCSR0
 * flash-invalidates, IVORs install the vector. Registers {@code mtspr} cannot change (PVR, SVR,
 * EPR and the configuration registers, by the same SPR table) refuse the write. On e5500 the
 * registers that hold an address or a saved MSR are 64 bits, the others 32 as the architecture
 * defines them.
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

    /**
     * The registers of {@code model}, in served order: those of this list the core has, by the
     * SPR table guest {@code mfspr}/{@code mtspr} follow ({@link SystemRegisters#implemented}), so
     * gdb shows what the guest sees (no MAS5, MAS8, IVOR32 or L2CSR1; EPCR on e5500 only).
     */
    static BookeSprs of(CpuModel model) {
        int addr = model.has64Bit() ? 8 : 4;   // registers that hold an effective address or an MSR image
        List<Reg> r = new ArrayList<>();
        Adder add = (name, spr, bytes) -> {
            if (!SystemRegisters.implemented(model, spr)) return;
            Write w = spr == Spr.TSR ? Write.ONE_TO_CLEAR : SystemRegisters.writable(model, spr) ? Write.MTSPR : Write.READ_ONLY;
            r.add(new Reg(name, spr, bytes, w));
        };
        add.reg("srr0", Spr.SRR0, addr);
        add.reg("srr1", Spr.SRR1, addr);
        add.reg("csrr0", Spr.CSRR0, addr);
        add.reg("csrr1", Spr.CSRR1, addr);
        add.reg("mcsrr0", Spr.MCSRR0, addr);
        add.reg("mcsrr1", Spr.MCSRR1, addr);
        add.reg("dsrr0", Spr.DSRR0, addr);
        add.reg("dsrr1", Spr.DSRR1, addr);
        add.reg("dear", Spr.DEAR, addr);
        add.reg("esr", Spr.ESR, 4);
        add.reg("mcsr", Spr.MCSR, 4);
        add.reg("mcar", Spr.MCAR, addr);
        add.reg("ivpr", Spr.IVPR, addr);
        for (int n = 0; n <= 15; n++) add.reg("ivor" + n, Spr.ivorSpr(n), 4);
        for (int n = 32; n <= 41; n++) add.reg("ivor" + n, Spr.ivorSpr(n), 4);
        add.reg("pid", Spr.PID, 4);
        add.reg("pid1", Spr.PID1, 4);
        add.reg("pid2", Spr.PID2, 4);
        add.reg("npidr", Spr.NPIDR, 4);
        for (int n = 0; n <= 7; n++) add.reg("sprg" + n, Spr.SPRG0 + n, addr);
        add.reg("sprg8", Spr.SPRG8, addr);
        add.reg("sprg9", Spr.SPRG9, addr);
        add.reg("usprg0", Spr.USPRG0, addr);
        add.reg("tcr", Spr.TCR, 4);
        add.reg("tsr", Spr.TSR, 4);
        add.reg("dec", Spr.DEC, 4);
        add.reg("decar", Spr.DECAR, 4);
        add.reg("tbl", Spr.TBL_W, 4);
        add.reg("tbu", Spr.TBU_W, 4);
        add.reg("pir", Spr.PIR, 4);
        add.reg("pvr", Spr.PVR, 4);
        add.reg("svr", Spr.SVR, 4);
        add.reg("dbsr", Spr.DBSR, 4);
        add.reg("dbcr0", Spr.DBCR0, 4);
        add.reg("dbcr1", Spr.DBCR1, 4);
        add.reg("dbcr2", Spr.DBCR2, 4);
        add.reg("iac1", Spr.IAC1, addr);
        add.reg("iac2", Spr.IAC2, addr);
        add.reg("dac1", Spr.DAC1, addr);
        add.reg("dac2", Spr.DAC2, addr);
        for (int n = 0; n <= 6; n++) add.reg("mas" + n, Spr.MAS0 + n, n == 2 ? addr : 4);
        add.reg("mas7", Spr.MAS7, 4);
        add.reg("mmucsr0", Spr.MMUCSR0, 4);
        add.reg("mmucfg", Spr.MMUCFG, 4);
        add.reg("tlb0cfg", Spr.TLB0CFG, 4);
        add.reg("tlb1cfg", Spr.TLB1CFG, 4);
        add.reg("l1cfg0", Spr.L1CFG0, 4);
        add.reg("l1cfg1", Spr.L1CFG1, 4);
        add.reg("l1csr0", Spr.L1CSR0, 4);
        add.reg("l1csr1", Spr.L1CSR1, 4);
        add.reg("l2csr0", Spr.L2CSR0, 4);
        add.reg("hid0", Spr.HID0, 4);
        add.reg("hid1", Spr.HID1, 4);
        add.reg("bucsr", Spr.BUCSR, 4);
        add.reg("spefscr", Spr.SPEFSCR, 4);
        add.reg("bbear", Spr.BBEAR, addr);
        add.reg("bbtar", Spr.BBTAR, addr);
        add.reg("eplc", Spr.EPLC, 4);
        add.reg("epsc", Spr.EPSC, 4);
        add.reg("epr", Spr.EPR, 4);
        add.reg("epcr", Spr.EPCR, 4);
        return new BookeSprs(List.copyOf(r));
    }

    private interface Adder { void reg(String name, int spr, int bytes); }

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
