package epaprlab.ppc.exec;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.ProgramCause;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.decode.DecodeTable;
import epaprlab.ppc.interrupt.Delivery;
import epaprlab.ppc.mem.GuestMemory;

import java.util.Arrays;

/**
 * The interpreter loop with its predecode cache: per 4 KiB page of RAM an array of decoded
 * handlers, allocated when the page is first executed and filled lazily. Each entry is tagged
 * with the instruction word it was decoded from; the fetch reads the word from RAM anyway and
 * re-decodes when the tag differs. So the cache can never run stale code, whoever changed the
 * word (a guest store from any CPU, the host through {@link GuestMemory}'s methods or straight
 * through its array), and stores to pages that mix code and data cost nothing extra. Decoding
 * stays separate from execution: {@link DecodeTable} maps a word to its {@link Op}.
 *
 * <p>Accounting: every step counts against the budget and {@link CpuState#retired}, including
 * an instruction that raised an interrupt which was delivered to the guest (so a guest that
 * faults in a loop still consumes its budget). An instruction that stops the CPU with
 * {@link StopReason#UNHANDLED_INTERRUPT} is not counted; the {@code sc 1} of a
 * {@link StopReason#HYPERCALL} stop is.
 */
public final class Interpreter {
    /** How often (in instructions) the kick flag is polled. */
    static final int KICK_POLL_MASK = 1023;

    private final CpuState s;
    private final DecodeTable table;
    private final Op[][] pageOps;
    /** Per page: the instruction word each {@link #pageOps} entry was decoded from. */
    private final int[][] pageWords;
    /** Set by {@link #requestStop()} from any thread. */
    private volatile boolean kick;
    /** The last Java exception an instruction handler threw (an engine bug), for diagnostics. */
    private volatile RuntimeException lastEngineError;

    public Interpreter(CpuModel model, GuestMemory mem) {
        this.s = new CpuState(model, mem);
        this.table = DecodeTable.forModel(model);
        this.pageOps = new Op[mem.pages()][];
        this.pageWords = new int[mem.pages()][];
    }

    public CpuState state() { return s; }

    public DecodeTable table() { return table; }

    public void reset() {
        s.resetArchitected();
        Arrays.fill(pageOps, null);
        Arrays.fill(pageWords, null);
    }

    public void requestStop() { kick = true; }

    public RuntimeException lastEngineError() { return lastEngineError; }

    public StopReason run(long budget) {
        final CpuState s = this.s;
        if (kick) { kick = false; return StopReason.KICKED; }
        if (budget <= 0) return StopReason.BUDGET;
        s.stop = null;
        final long end = budget > Long.MAX_VALUE - s.retired ? Long.MAX_VALUE : s.retired + budget;
        final long fetchLimit = s.ramSize - 4;
        while (true) {
            final long pc = s.pc;
            s.nia = (pc + 4) & s.eaMask;
            if (Long.compareUnsigned(pc, fetchLimit) > 0) {
                s.insn = 0;
                Delivery.instructionStorage(s);
            } else {
                final int pn = (int) (pc >>> GuestMemory.PAGE_SHIFT);
                Op[] ops = pageOps[pn];
                if (ops == null) ops = allocate(pn);
                final int[] tags = pageWords[pn];
                final int idx = ((int) pc & 0xFFF) >>> 2;
                final int w = (int) CpuState.U32.get(s.ram, (int) pc);
                Op op = ops[idx];
                if (op == null || tags[idx] != w) {
                    ops[idx] = op = table.decode(w);
                    tags[idx] = w;
                }
                s.insn = w;
                try {
                    op.exec(s, w);
                } catch (GuestFault f) {
                    // interrupt already delivered (or stop recorded); nothing was written
                } catch (RuntimeException e) {
                    engineError(e);
                }
            }
            if (s.stop != null) {
                StopReason r = s.stop;
                s.stop = null;
                if (r == StopReason.HYPERCALL) {
                    s.pc = s.nia;
                    s.retired++;
                }
                return r;
            }
            s.pc = s.nia;
            final long n = ++s.retired;
            if (n >= end) return StopReason.BUDGET;
            if ((n & KICK_POLL_MASK) == 0 && kick) { kick = false; return StopReason.KICKED; }
        }
    }

    private Op[] allocate(int pn) {
        int n = 1 << (GuestMemory.PAGE_SHIFT - 2);
        pageWords[pn] = new int[n];
        return pageOps[pn] = new Op[n];
    }

    /** A handler bug must never escape run(): the guest sees an illegal instruction instead. */
    private void engineError(RuntimeException e) {
        lastEngineError = e;
        s.stop = null;
        s.nia = (s.pc + 4) & s.eaMask;
        Delivery.program(s, ProgramCause.ILLEGAL);
    }
}
