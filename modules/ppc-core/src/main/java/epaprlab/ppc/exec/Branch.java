package epaprlab.ppc.exec;

import static epaprlab.ppc.decode.Fields.*;

/**
 * Branch instructions (Power ISA Book I 2.4). Targets, LR values and the CTR-zero test use the
 * low 32 bits in 32-bit mode; CTR itself is decremented on 64 bits.
 */
public final class Branch {
    private Branch() {}

    /** b, ba, bl, bla. */
    public static void b(CpuState s, int w) {
        long target = aa(w) ? li(w) : s.pc + li(w);
        if (lk(w)) s.lr = s.nia;
        s.nia = s.ea(target);
    }

    /** Evaluates BO/BI (decrementing CTR when BO[2]=0); true when the branch is taken. */
    private static boolean taken(CpuState s, int w) {
        int bo = bo(w);
        boolean ctrOk = true;
        if ((bo & 0x04) == 0) {
            s.ctr--;
            ctrOk = ((s.ctr & s.eaMask) != 0) != ((bo & 0x02) != 0);
        }
        boolean condOk = (bo & 0x10) != 0 || s.crBit(bi(w)) == ((bo >>> 3) & 1);
        return ctrOk && condOk;
    }

    /** bc, bca, bcl, bcla. */
    public static void bc(CpuState s, int w) {
        boolean t = taken(s, w);
        if (lk(w)) s.lr = s.nia;
        if (t) s.nia = s.ea(aa(w) ? bd(w) : s.pc + bd(w));
    }

    /** bclr, bclrl (and every BO form: blr, bdnzlr, beqlr, ...). */
    public static void bclr(CpuState s, int w) {
        long target = s.lr & ~3L;
        boolean t = taken(s, w);
        if (lk(w)) s.lr = s.nia;
        if (t) s.nia = s.ea(target);
    }

    /** bcctr, bcctrl; BO[2]=0 (decrement CTR) is an invalid form: illegal instruction. */
    public static void bcctr(CpuState s, int w) {
        if ((bo(w) & 0x04) == 0) { s.illegal(); return; }
        long target = s.ctr & ~3L;
        boolean t = taken(s, w);
        if (lk(w)) s.lr = s.nia;
        if (t) s.nia = s.ea(target);
    }
}
