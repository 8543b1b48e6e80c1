package epaprlab.orchestrator.debug;

import epaprlab.machine.api.Vcpu;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.ElfSymbols;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.disasm.Disassembler;
import epaprlab.ppc.mem.GuestMemory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Takes {@link CrashReport}s: reads each vCPU's registers and walks its stack by the back-chain.
 * Call only while no thread runs the vCPUs (the VM supervisor does, once every vCPU actor of the
 * ending VM has terminated).
 *
 * <p>The back-chain (SysV PowerPC ABI, 32-bit, and the 64-bit ELFv1 ABI): the word at r1 is the
 * caller's stack pointer, and a function saves its return address in its caller's frame, at
 * offset 4 (32-bit) or 16 (64-bit). A leaf function that has not made a frame keeps its return
 * address only in LR, so LR is shown as frame #1 when it names a function other than the PC's
 * and the first saved return address.
 */
public final class CrashReporter {
    /** Enough for any firmware stack worth reading; a looping chain stops here too. */
    static final int MAX_FRAMES = 32;

    private static final ConcurrentHashMap<Path, ElfSymbols> SYMBOLS = new ConcurrentHashMap<>();

    private CrashReporter() {}

    /**
     * The symbols of {@code image}, read once per file for the whole process (labs run thousands
     * of VMs of a few images); {@link ElfSymbols#NONE} when it has none or cannot be read.
     */
    public static ElfSymbols symbolsOf(Path image) {
        return SYMBOLS.computeIfAbsent(image.toAbsolutePath().normalize(), p -> {
            try {
                return ElfSymbols.read(p);
            } catch (BootException | IOException | RuntimeException e) {
                return ElfSymbols.NONE;       // the report still has addresses; the image was checked at boot
            }
        });
    }

    /** The report for every vCPU of a VM that has ended. */
    public static CrashReport capture(Path image, CpuModel model, List<Vcpu> vcpus, GuestMemory ram) {
        ElfSymbols symbols = symbolsOf(image);
        List<VcpuSnapshot> out = new ArrayList<>();
        for (Vcpu v : vcpus) out.add(snapshot(v, model, ram, symbols));
        return new CrashReport(image.toString(), out);
    }

    static VcpuSnapshot snapshot(Vcpu v, CpuModel model, GuestMemory ram, ElfSymbols symbols) {
        long pc = v.pc();
        boolean is64 = v.is64BitMode();
        OptionalInt insn = OptionalInt.empty();
        long pa = v.debugPhysical(pc, true);
        if (pa >= 0 && ram.contains(pa, 4)) insn = OptionalInt.of(ram.load32(pa));
        String dis = insn.isPresent() ? Disassembler.render(model, pc, insn.getAsInt()) : "";
        List<Long> gpr = new ArrayList<>(32);
        for (int r = 0; r < 32; r++) gpr.add(v.gpr(r));
        List<VcpuSnapshot.Spr> sprs = List.of(new VcpuSnapshot.Spr("srr0", v.spr(Spr.SRR0)),
                new VcpuSnapshot.Spr("srr1", v.spr(Spr.SRR1)), new VcpuSnapshot.Spr("esr", v.spr(Spr.ESR)),
                new VcpuSnapshot.Spr("dear", v.spr(Spr.DEAR)));
        List<VcpuSnapshot.Branch> trace = new ArrayList<>();
        long[] pairs = v.branchTrace();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            trace.add(new VcpuSnapshot.Branch(pairs[i], symbols.describe(pairs[i]), pairs[i + 1], symbols.describe(pairs[i + 1])));
        }
        return new VcpuSnapshot(v.id(), is64, pc, symbols.describe(pc), insn, dis, v.msr(), v.cr(), v.spr(Spr.LR),
                v.spr(Spr.CTR), v.spr(Spr.XER), gpr, sprs, backtrace(v, ram, symbols), trace, v.instructionsRetired());
    }

    /** Frame #0 the PC, then LR for a frameless leaf, then the saved return addresses up the back-chain. */
    static List<VcpuSnapshot.Frame> backtrace(Vcpu v, GuestMemory ram, ElfSymbols symbols) {
        boolean is64 = v.is64BitMode();
        int word = is64 ? 8 : 4;
        int lrSlot = is64 ? 16 : 4;
        long pc = v.pc(), lr = v.spr(Spr.LR);
        List<VcpuSnapshot.Frame> frames = new ArrayList<>();
        frames.add(new VcpuSnapshot.Frame(pc, symbols.describe(pc), "pc"));
        List<Long> chain = new ArrayList<>();
        long sp = v.gpr(1);
        while (chain.size() < MAX_FRAMES - 2) {
            long caller = read(v, ram, sp, word);
            if (caller <= 0 || caller <= sp || (caller & (word - 1)) != 0) break;   // the stack grows down; 0 ends it
            long ret = read(v, ram, caller + lrSlot, word);
            if (ret <= 0) break;
            chain.add(ret);
            sp = caller;
        }
        String pcFunction = function(symbols, pc);
        String lrFunction = function(symbols, lr);
        boolean leaf = lr != 0 && !lrFunction.equals(pcFunction)
                && (chain.isEmpty() || !lrFunction.equals(function(symbols, chain.getFirst())));
        if (leaf) frames.add(new VcpuSnapshot.Frame(lr, symbols.describe(lr), "lr"));
        for (long ret : chain) frames.add(new VcpuSnapshot.Frame(ret, symbols.describe(ret), "chain"));
        return frames;
    }

    private static String function(ElfSymbols symbols, long address) {
        return symbols.lookup(address).map(l -> l.symbol().name()).orElse("0x" + Long.toHexString(address));
    }

    /** The word at guest virtual {@code ea} through the vCPU's translation, or -1 when unmapped. */
    private static long read(Vcpu v, GuestMemory ram, long ea, int size) {
        long pa = v.debugPhysical(ea, false);
        if (pa < 0 || !ram.contains(pa, size)) return -1;
        return size == 8 ? ram.load64(pa) : ram.load32(pa) & 0xFFFF_FFFFL;
    }
}
