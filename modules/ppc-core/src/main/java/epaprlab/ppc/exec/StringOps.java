package epaprlab.ppc.exec;

import static epaprlab.ppc.decode.Fields.*;

/**
 * Load/store string (Power ISA Book I 3.3.7, Move Assist): bytes move between memory and the low
 * words of consecutive GPRs, most significant byte first, from RT/RS on and wrapping r31 → r0;
 * the last register of a load is zero-padded and the upper word of every loaded register is 0.
 * Byte count: NB (0 means 32) for the immediate forms, XER[57:63] for the indexed ones (0: no
 * access, nothing changes). Invalid forms, as QEMU treats them ({@code lsw_reg_in_range}): lswi
 * with RA in the range to be loaded (RA=0 included), lswx with a non-zero RA or with RB in the
 * range: illegal instruction. The whole range is checked before anything is written, so a DSI
 * leaves registers and memory untouched. Misaligned addresses are fine: QEMU 7.2 raises no
 * Alignment interrupt for string or multiple-word accesses in big-endian mode.
 *
 * <p>Availability: binutils' opcode table and QEMU 7.2 give these instructions to neither
 * e500mc nor e5500 (there they are illegal and Linux emulates them in its program-check
 * handler, {@code emulate_string_inst}); we execute them directly, with the architected result
 * that emulation produces. Reference results come from {@code qemu-ppc -cpu 7400}.
 */
public final class StringOps {
    private StringOps() {}

    /** True when register {@code rx} is among the {@code n} registers from {@code start} (wrapping). */
    static boolean inRange(int start, int n, int rx) {
        return start + n <= 32 ? rx >= start && rx < start + n : rx >= start || rx < start + n - 32;
    }

    private static int nbImmediate(int w) {
        int nb = rb(w);
        return nb == 0 ? 32 : nb;
    }

    private static int nbXer(CpuState s) { return (int) (s.xerRest & 0x7F); }

    public static void lswi(CpuState s, int w) {
        int nb = nbImmediate(w), rt = rt(w);
        if (inRange(rt, (nb + 3) >>> 2, ra(w))) { s.illegal(); return; }
        load(s, s.ea(s.raOrZero(ra(w))), nb, rt);
    }

    public static void lswx(CpuState s, int w) {
        int nb = nbXer(s), rt = rt(w), ra = ra(w), n = (nb + 3) >>> 2;
        if (nb == 0) return;
        if ((ra != 0 && inRange(rt, n, ra)) || inRange(rt, n, rb(w))) { s.illegal(); return; }
        load(s, s.ea(s.raOrZero(ra) + s.gpr[rb(w)]), nb, rt);
    }

    public static void stswi(CpuState s, int w) {
        store(s, s.ea(s.raOrZero(ra(w))), nbImmediate(w), rs(w));
    }

    public static void stswx(CpuState s, int w) {
        int nb = nbXer(s);
        if (nb == 0) return;
        store(s, s.ea(s.raOrZero(ra(w)) + s.gpr[rb(w)]), nb, rs(w));
    }

    private static void load(CpuState s, long ea, int nb, int r) {
        checkSpan(s, ea, nb, false);
        long v = 0;
        int i = 0;
        for (; i < nb; i++) {
            v = (v << 8) | s.load8(s.ea(ea + i));
            if ((i & 3) == 3) {
                s.gpr[r] = v;
                r = (r + 1) & 31;
                v = 0;
            }
        }
        if ((nb & 3) != 0) s.gpr[r] = v << (8 * (4 - (nb & 3)));
    }

    private static void store(CpuState s, long ea, int nb, int r) {
        checkSpan(s, ea, nb, true);
        for (int i = 0; i < nb; i++) {
            s.store8(s.ea(ea + i), (int) (s.gpr[r] >>> (24 - 8 * (i & 3))));
            if ((i & 3) == 3) r = (r + 1) & 31;
        }
    }

    /** Checks every byte address first (the span may wrap at the top of a 32-bit space). */
    private static void checkSpan(CpuState s, long ea, int nb, boolean store) {
        if (Long.compareUnsigned(s.ea(ea + nb - 1), ea) >= 0) s.checkRange(ea, nb, store);
        else for (int i = 0; i < nb; i++) s.checkRange(s.ea(ea + i), 1, store);
    }
}
