package epaprlab.ppc.exec;

import static epaprlab.ppc.decode.Fields.*;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;

/**
 * The CR instructions of a region as bytecode on its CR-field locals: {@code isel} tests one
 * field's nibble, the CR logical ops and {@code mcrf} read and write single fields,
 * {@code mtcrf}/{@code mtocrf} store only the fields FXM selects, {@code mfocrf} reads only its
 * fields; only {@code mfcr} assembles the whole 32-bit CR. Every field written here lives in its
 * own local, as the fields compares write, so the whole CR is composed only where it is read
 * whole (mfcr, exits, handlers).
 */
final class RegionCrEmitter {
    private final RegionHost h;

    RegionCrEmitter(RegionHost h) { this.h = h; }

    /** Emits instruction k when it is one of the CR instructions handled here; false otherwise. */
    boolean emit(String name, int w) {
        CodeBuilder c = h.code();
        switch (name) {
            case "isel" -> {
                Label no = c.newLabel(), done = c.newLabel();
                h.loadCrField(bc(w) / 4); c.loadConstant(8 >>> (bc(w) % 4)); c.iand();
                c.ifeq(no);
                if (ra(w) == 0) c.lconst_0(); else h.loadGpr(ra(w));
                c.goto_(done);
                c.labelBinding(no);
                h.loadGpr(rb(w));
                c.labelBinding(done);
                h.storeGpr(rt(w));
            }
            case "crand", "cror", "crxor", "crnand", "crnor", "creqv", "crandc", "crorc" -> {
                int bt = bt(w), at = 3 - bt % 4;
                bit(ba(w));
                bit(bb(w));
                if (name.equals("crandc") || name.equals("crorc")) { c.iconst_1(); c.ixor(); }
                switch (name) {
                    case "crand", "crnand", "crandc" -> c.iand();
                    case "cror", "crnor", "crorc" -> c.ior();
                    default -> c.ixor();
                }
                if (name.equals("crnand") || name.equals("crnor") || name.equals("creqv")) { c.iconst_1(); c.ixor(); }
                if (at != 0) { c.loadConstant(at); c.ishl(); }
                h.loadCrField(bt / 4); c.loadConstant(~(1 << at) & 0xF); c.iand();
                c.ior();
                h.storeCrField(bt / 4);
            }
            case "mcrf" -> {
                h.loadCrField(bfa(w));
                h.storeCrField(bf(w));
            }
            case "mfcr" -> {
                if (oneField(w)) {
                    // mfocrf: the selected fields, the others zero (as the handler)
                    c.iconst_0();
                    for (int f = 0; f < 8; f++) {
                        if ((fxm(w) & (0x80 >>> f)) == 0) continue;
                        h.loadCrField(f);
                        if (f != 7) { c.loadConstant(28 - 4 * f); c.ishl(); }
                        c.ior();
                    }
                } else {
                    h.loadCr();
                }
                c.i2l(); c.loadConstant(0xFFFFFFFFL); c.land();
                h.storeGpr(rt(w));
            }
            case "mtcrf" -> {
                if (fxm(w) == 0xFF) {
                    h.loadGpr(rs(w)); c.l2i();
                    h.storeCr();
                    break;
                }
                for (int f = 0; f < 8; f++) {
                    if ((fxm(w) & (0x80 >>> f)) == 0) continue;
                    h.loadGpr(rs(w)); c.l2i();
                    if (f != 7) { c.loadConstant(28 - 4 * f); c.iushr(); }
                    c.loadConstant(0xF); c.iand();
                    h.storeCrField(f);
                }
            }
            default -> { return false; }
        }
        return true;
    }

    /** Pushes CR bit {@code b} (0 or 1). */
    private void bit(int b) {
        CodeBuilder c = h.code();
        h.loadCrField(b / 4);
        int shift = 3 - b % 4;
        if (shift != 0) { c.loadConstant(shift); c.iushr(); }
        c.iconst_1(); c.iand();
    }
}
