package epaprlab.ppc.decode;

import static epaprlab.ppc.decode.Fields.*;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.exec.Branch;
import epaprlab.ppc.exec.ConditionRegister;
import epaprlab.ppc.exec.FixedPoint;
import epaprlab.ppc.exec.FloatingPoint;
import epaprlab.ppc.exec.LoadStore;
import epaprlab.ppc.exec.Op;
import epaprlab.ppc.exec.ProcessorControl;
import epaprlab.ppc.exec.StorageControl;
import epaprlab.ppc.exec.StringOps;
import epaprlab.ppc.exec.SystemRegisters;

import java.util.Arrays;

/**
 * Dense decode tables for one core model: the primary opcode table and the extended-opcode
 * tables of primaries 19 (XL), 30 (MD/MDS), 31 (X/XO/XFX/A), 58 and 62 (DS), and of the
 * floating-point primaries 59 and 63 (A-forms fill every FRC value they use). Slots are filled by
 * {@link #put}, which refuses a slot filled twice; empty slots decode to the illegal-instruction
 * handler. The 64-bit category is only bound for models that have it, so on e500mc those
 * encodings are illegal instructions. Every name bound here needs its operand syntax in
 * {@link Form} (the disassembler's test fails for a slot without one).
 */
public final class DecodeTable {
    private static final Op ILLEGAL = ProcessorControl::illegal;
    private static final String ILLEGAL_NAME = "(illegal)";

    // Declared before the tables below, whose constructors read it.
    /**
     * Instructions a block of straight-line code must end with, because they change the flow
     * (branches, system linkage, interrupt returns), read the instruction count (the time base
     * and the timers behind mfspr), or ask the loop to look at interrupts and timers right after
     * them (MSR and SPR writes, wait, doorbells), or may change the mapping of the next fetch
     * (the TLB instructions): every handler of {@link Branch}, {@link ProcessorControl} and
     * {@link SystemRegisters}, isync and the TLB instructions. Everything else only
     * computes on registers and memory, and any interrupt it raises goes through
     * {@link epaprlab.ppc.interrupt.Delivery}.
     */
    private static final java.util.Set<String> ENDS_BLOCK = java.util.Set.of(
            "b", "bc", "bclr", "bcctr", "sc", "rfi", "rfci", "rfmci", "rfdi", "isync",
            "mfspr", "mtspr", "mftb", "mfmsr", "mtmsr", "wrtee", "wrteei", "wait", "msgsnd", "msgclr",
            "tlbre", "tlbwe", "tlbsx", "tlbivax", "tlbilx", "tlbsync");

    private static final DecodeTable E500MC = new DecodeTable(false);
    private static final DecodeTable E5500 = new DecodeTable(true);

    private final Op[] primary = new Op[64];
    private final Op[] ext19 = new Op[1024];
    private final Op[] ext30 = new Op[16];
    private final Op[] ext31 = new Op[1024];
    private final Op[] ext58 = new Op[4];
    private final Op[] ext62 = new Op[4];
    private final Op[] ext59 = new Op[1024];
    private final Op[] ext63 = new Op[1024];
    private final String[][] names = new String[8][];

    public static DecodeTable forModel(CpuModel model) { return model.has64Bit() ? E5500 : E500MC; }

    /** The handler for instruction word {@code w}. */
    public Op decode(int w) {
        return switch (opcd(w)) {
            case 19 -> ext19[xo10(w)];
            case 30 -> ext30[(w >>> 1) & 0xf];
            case 31 -> ext31[xo10(w)];
            case 58 -> ext58[w & 3];
            case 62 -> ext62[w & 3];
            case 59 -> ext59[xo10(w)];
            case 63 -> ext63[xo10(w)];
            default -> primary[opcd(w)];
        };
    }

    /** The mnemonic family bound to {@code w} (e.g. "add" for addo.), or "(illegal)". */
    public String name(int w) { return names[table(w)][slot(w)]; }

    /** Which table holds {@code w}, numbered as {@link #names}: 0 primary, 1..7 the extended ones. */
    private static int table(int w) {
        return switch (opcd(w)) {
            case 19 -> 1;
            case 30 -> 2;
            case 31 -> 3;
            case 58 -> 4;
            case 62 -> 5;
            case 59 -> 6;
            case 63 -> 7;
            default -> 0;
        };
    }

    /** The slot of {@code w} in its {@link #table}. */
    private static int slot(int w) {
        return switch (opcd(w)) {
            case 19, 31, 59, 63 -> xo10(w);
            case 30 -> (w >>> 1) & 0xf;
            case 58, 62 -> w & 3;
            default -> opcd(w);
        };
    }

    public boolean isIllegal(int w) { return decode(w) == ILLEGAL; }


    /**
     * True when {@code w} must be the last instruction of a predecoded block (see
     * {@link #ENDS_BLOCK}); mfspr/mtspr of LR, CTR and XER are plain register moves and do not.
     */
    public boolean endsBlock(int w) {
        if (!ends[table(w)][slot(w)]) return false;
        if (opcd(w) == 31 && (xo10(w) == 339 || xo10(w) == 467)) {     // mfspr, mtspr
            int spr = spr(w);
            return spr != epaprlab.ppc.cpu.Spr.LR && spr != epaprlab.ppc.cpu.Spr.CTR && spr != epaprlab.ppc.cpu.Spr.XER;
        }
        return true;
    }

    /** Per table (as {@link #names}): slots whose name is in {@link #ENDS_BLOCK}. */
    private final boolean[][] ends = new boolean[8][];

    private void markBlockEnds() {
        for (int t = 0; t < names.length; t++) {
            ends[t] = new boolean[names[t].length];
            for (int i = 0; i < names[t].length; i++) ends[t][i] = ENDS_BLOCK.contains(names[t][i]);
        }
    }

    /** One bound decode slot: the word with only its opcode bits set, and its mnemonic family. */
    public record Slot(int word, String name) {}

    /** Every bound slot of this model's tables, in table order (for the disassembler's tests). */
    public java.util.List<Slot> slots() {
        int[] opcodes = {-1, 19, 30, 31, 58, 62, 59, 63};   // the order of the names tables
        java.util.List<Slot> out = new java.util.ArrayList<>();
        for (int t = 0; t < names.length; t++) {
            for (int i = 0; i < names[t].length; i++) {
                if (names[t][i].equals(ILLEGAL_NAME)) continue;
                int w = switch (opcodes[t]) {
                    case -1 -> i << 26;
                    case 19, 30, 31, 59, 63 -> (opcodes[t] << 26) | (i << 1);
                    default -> (opcodes[t] << 26) | i;
                };
                out.add(new Slot(w, names[t][i]));
            }
        }
        return out;
    }

    private String[] namesOf(Op[] t) {
        if (t == primary) return names[0];
        if (t == ext19) return names[1];
        if (t == ext30) return names[2];
        if (t == ext31) return names[3];
        if (t == ext58) return names[4];
        if (t == ext59) return names[6];
        if (t == ext63) return names[7];
        return names[5];
    }

    private void put(Op[] t, int i, String name, Op op) { put(t, namesOf(t), i, name, op); }

    /** Fills slot {@code i}; a slot already holding an instruction is refused. */
    static void put(Op[] t, String[] names, int i, String name, Op op) {
        if (t[i] != ILLEGAL) {
            throw new IllegalStateException("decode slot " + i + " filled twice (" + names[i] + ", " + name + ")");
        }
        t[i] = op;
        names[i] = name;
    }

    /** A table of {@code size} empty (illegal) slots and its name table, for {@link #put}. */
    static Op[] emptyTable(int size, String[] names) {
        Op[] t = new Op[size];
        Arrays.fill(t, ILLEGAL);
        Arrays.fill(names, ILLEGAL_NAME);
        return t;
    }

    /** XO-form: binds OE=0 and OE=1. */
    private void putXo(Op[] t, int xo9, String name, Op op) {
        put(t, xo9, name, op);
        put(t, xo9 | 0x200, name, op);
    }

    private DecodeTable(boolean with64) {
        Op[][] all = {primary, ext19, ext30, ext31, ext58, ext62, ext59, ext63};
        for (int i = 0; i < all.length; i++) {
            Arrays.fill(all[i], ILLEGAL);
            names[i] = new String[all[i].length];
            Arrays.fill(names[i], ILLEGAL_NAME);
        }
        fill32();
        fillFloat(with64);
        if (with64) fill64();
        else fillE500mcOnly();
        markBlockEnds();
    }

    // ---- Floating-point category ----

    /** A-form with all 32 FRC values (fmul*, multiply-add, fsel). */
    private void putA(Op[] t, int xo5, String name, Op op) {
        for (int frc = 0; frc < 32; frc++) put(t, (frc << 5) | xo5, name, op);
    }

    /**
     * The floating-point category of e500mc/e5500 (QEMU insns_flags PPC_FLOAT, _FRES, _FRSQRTE,
     * _FSEL, _STFIWX; fctid/fctidz/fcfid, PPC2_FP_CVT_S64, only on e5500, as binutils). A-forms
     * without FRC are bound only with FRC = 0, so a nonzero reserved field is illegal as in
     * QEMU. Not on these cores (illegal): fsqrt, fsqrts, fre, frsqrtes, fcpsgn, fri*, fcfid[u]s.
     */
    private void fillFloat(boolean with64) {
        Op[] P = primary, X31 = ext31, X59 = ext59, X63 = ext63;
        put(P, 48, "lfs", FloatingPoint::lfs);
        put(P, 49, "lfsu", FloatingPoint::lfsu);
        put(P, 50, "lfd", FloatingPoint::lfd);
        put(P, 51, "lfdu", FloatingPoint::lfdu);
        put(P, 52, "stfs", FloatingPoint::stfs);
        put(P, 53, "stfsu", FloatingPoint::stfsu);
        put(P, 54, "stfd", FloatingPoint::stfd);
        put(P, 55, "stfdu", FloatingPoint::stfdu);
        put(X31, 535, "lfsx", FloatingPoint::lfsx);
        put(X31, 567, "lfsux", FloatingPoint::lfsux);
        put(X31, 599, "lfdx", FloatingPoint::lfdx);
        put(X31, 631, "lfdux", FloatingPoint::lfdux);
        put(X31, 663, "stfsx", FloatingPoint::stfsx);
        put(X31, 695, "stfsux", FloatingPoint::stfsux);
        put(X31, 727, "stfdx", FloatingPoint::stfdx);
        put(X31, 759, "stfdux", FloatingPoint::stfdux);
        put(X31, 983, "stfiwx", FloatingPoint::stfiwx);
        // primary 59: single precision (A-form)
        put(X59, 18, "fdivs", FloatingPoint::fdivs);
        put(X59, 20, "fsubs", FloatingPoint::fsubs);
        put(X59, 21, "fadds", FloatingPoint::fadds);
        put(X59, 24, "fres", FloatingPoint::fres);
        putA(X59, 25, "fmuls", FloatingPoint::fmuls);
        putA(X59, 28, "fmsubs", FloatingPoint::fmsubs);
        putA(X59, 29, "fmadds", FloatingPoint::fmadds);
        putA(X59, 30, "fnmsubs", FloatingPoint::fnmsubs);
        putA(X59, 31, "fnmadds", FloatingPoint::fnmadds);
        // primary 63: double precision (A-form) and X-form
        put(X63, 18, "fdiv", FloatingPoint::fdiv);
        put(X63, 20, "fsub", FloatingPoint::fsub);
        put(X63, 21, "fadd", FloatingPoint::fadd);
        putA(X63, 23, "fsel", FloatingPoint::fsel);
        putA(X63, 25, "fmul", FloatingPoint::fmul);
        put(X63, 26, "frsqrte", FloatingPoint::frsqrte);
        putA(X63, 28, "fmsub", FloatingPoint::fmsub);
        putA(X63, 29, "fmadd", FloatingPoint::fmadd);
        putA(X63, 30, "fnmsub", FloatingPoint::fnmsub);
        putA(X63, 31, "fnmadd", FloatingPoint::fnmadd);
        put(X63, 0, "fcmpu", FloatingPoint::fcmpu);
        put(X63, 32, "fcmpo", FloatingPoint::fcmpo);
        put(X63, 12, "frsp", FloatingPoint::frsp);
        put(X63, 14, "fctiw", FloatingPoint::fctiw);
        put(X63, 15, "fctiwz", FloatingPoint::fctiwz);
        put(X63, 40, "fneg", FloatingPoint::fneg);
        put(X63, 72, "fmr", FloatingPoint::fmr);
        put(X63, 136, "fnabs", FloatingPoint::fnabs);
        put(X63, 264, "fabs", FloatingPoint::fabs);
        put(X63, 38, "mtfsb1", FloatingPoint::mtfsb1);
        put(X63, 70, "mtfsb0", FloatingPoint::mtfsb0);
        put(X63, 64, "mcrfs", FloatingPoint::mcrfs);
        put(X63, 134, "mtfsfi", FloatingPoint::mtfsfi);
        put(X63, 583, "mffs", FloatingPoint::mffs);
        put(X63, 711, "mtfsf", FloatingPoint::mtfsf);
        if (with64) {
            put(X63, 814, "fctid", FloatingPoint::fctid);
            put(X63, 815, "fctidz", FloatingPoint::fctidz);
            put(X63, 846, "fcfid", FloatingPoint::fcfid);
        }
    }

    /**
     * Instructions binutils' opcode table gives e500mc but not e5500 (ppc-opc.c): mcrxr, which
     * the 64-bit cores dropped with the POWER4-era ISA.
     */
    private void fillE500mcOnly() {
        put(ext31, 512, "mcrxr", ConditionRegister::mcrxr);
    }

    private void fill32() {
        Op[] P = primary, X19 = ext19, X31 = ext31;

        // ### Fixed-point arithmetic (D-form)
        put(P, 3, "twi", FixedPoint::twi);
        put(P, 7, "mulli", FixedPoint::mulli);
        put(P, 8, "subfic", FixedPoint::subfic);
        put(P, 10, "cmpli", FixedPoint::cmpli);
        put(P, 11, "cmpi", FixedPoint::cmpi);
        put(P, 12, "addic", FixedPoint::addic);
        put(P, 13, "addic.", FixedPoint::addicDot);
        put(P, 14, "addi", FixedPoint::addi);
        put(P, 15, "addis", FixedPoint::addis);
        // ### Branch and system linkage
        put(P, 16, "bc", Branch::bc);
        put(P, 17, "sc", ProcessorControl::sc);
        put(P, 18, "b", Branch::b);
        // ### Rotate (M-form) and logical immediates
        put(P, 20, "rlwimi", FixedPoint::rlwimi);
        put(P, 21, "rlwinm", FixedPoint::rlwinm);
        put(P, 23, "rlwnm", FixedPoint::rlwnm);
        put(P, 24, "ori", FixedPoint::ori);
        put(P, 25, "oris", FixedPoint::oris);
        put(P, 26, "xori", FixedPoint::xori);
        put(P, 27, "xoris", FixedPoint::xoris);
        put(P, 28, "andi.", FixedPoint::andiDot);
        put(P, 29, "andis.", FixedPoint::andisDot);
        // ### Fixed-point loads and stores (D-form)
        put(P, 32, "lwz", LoadStore::lwz);
        put(P, 33, "lwzu", LoadStore::lwzu);
        put(P, 34, "lbz", LoadStore::lbz);
        put(P, 35, "lbzu", LoadStore::lbzu);
        put(P, 36, "stw", LoadStore::stw);
        put(P, 37, "stwu", LoadStore::stwu);
        put(P, 38, "stb", LoadStore::stb);
        put(P, 39, "stbu", LoadStore::stbu);
        put(P, 40, "lhz", LoadStore::lhz);
        put(P, 41, "lhzu", LoadStore::lhzu);
        put(P, 42, "lha", LoadStore::lha);
        put(P, 43, "lhau", LoadStore::lhau);
        put(P, 44, "sth", LoadStore::sth);
        put(P, 45, "sthu", LoadStore::sthu);
        put(P, 46, "lmw", LoadStore::lmw);
        put(P, 47, "stmw", LoadStore::stmw);

        // ### Primary 19 (XL-form): branches to LR/CTR, CR logical, system linkage
        put(X19, 0, "mcrf", ConditionRegister::mcrf);
        put(X19, 16, "bclr", Branch::bclr);
        put(X19, 33, "crnor", ConditionRegister::crnor);
        put(X19, 38, "rfmci", ProcessorControl::rfmci);
        put(X19, 39, "rfdi", ProcessorControl::rfdi);
        put(X19, 50, "rfi", ProcessorControl::rfi);
        put(X19, 51, "rfci", ProcessorControl::rfci);
        put(X19, 129, "crandc", ConditionRegister::crandc);
        put(X19, 150, "isync", StorageControl::isync);
        put(X19, 193, "crxor", ConditionRegister::crxor);
        put(X19, 225, "crnand", ConditionRegister::crnand);
        put(X19, 257, "crand", ConditionRegister::crand);
        put(X19, 289, "creqv", ConditionRegister::creqv);
        put(X19, 417, "crorc", ConditionRegister::crorc);
        put(X19, 449, "cror", ConditionRegister::cror);
        put(X19, 528, "bcctr", Branch::bcctr);

        // ### Primary 31: fixed-point arithmetic (XO-form, OE=0/1)
        putXo(X31, 266, "add", FixedPoint::add);
        putXo(X31, 10, "addc", FixedPoint::addc);
        putXo(X31, 138, "adde", FixedPoint::adde);
        putXo(X31, 234, "addme", FixedPoint::addme);
        putXo(X31, 202, "addze", FixedPoint::addze);
        putXo(X31, 40, "subf", FixedPoint::subf);
        putXo(X31, 8, "subfc", FixedPoint::subfc);
        putXo(X31, 136, "subfe", FixedPoint::subfe);
        putXo(X31, 232, "subfme", FixedPoint::subfme);
        putXo(X31, 200, "subfze", FixedPoint::subfze);
        putXo(X31, 104, "neg", FixedPoint::neg);
        putXo(X31, 235, "mullw", FixedPoint::mullw);
        put(X31, 75, "mulhw", FixedPoint::mulhw);
        put(X31, 11, "mulhwu", FixedPoint::mulhwu);
        putXo(X31, 491, "divw", FixedPoint::divw);
        putXo(X31, 459, "divwu", FixedPoint::divwu);
        // ### Primary 31: compare, trap, logical, shift (X-form)
        put(X31, 0, "cmp", FixedPoint::cmp);
        put(X31, 32, "cmpl", FixedPoint::cmpl);
        put(X31, 4, "tw", FixedPoint::tw);
        put(X31, 28, "and", FixedPoint::and);
        put(X31, 60, "andc", FixedPoint::andc);
        put(X31, 444, "or", FixedPoint::or);
        put(X31, 412, "orc", FixedPoint::orc);
        put(X31, 316, "xor", FixedPoint::xor);
        put(X31, 476, "nand", FixedPoint::nand);
        put(X31, 124, "nor", FixedPoint::nor);
        put(X31, 284, "eqv", FixedPoint::eqv);
        put(X31, 954, "extsb", FixedPoint::extsb);
        put(X31, 922, "extsh", FixedPoint::extsh);
        put(X31, 26, "cntlzw", FixedPoint::cntlzw);
        put(X31, 24, "slw", FixedPoint::slw);
        put(X31, 536, "srw", FixedPoint::srw);
        put(X31, 792, "sraw", FixedPoint::sraw);
        put(X31, 824, "srawi", FixedPoint::srawi);
        for (int hi = 0; hi < 32; hi++) put(X31, (hi << 5) | 15, "isel", FixedPoint::isel);   // A-form
        // ### Primary 31: loads and stores (X-form)
        put(X31, 87, "lbzx", LoadStore::lbzx);
        put(X31, 119, "lbzux", LoadStore::lbzux);
        put(X31, 279, "lhzx", LoadStore::lhzx);
        put(X31, 311, "lhzux", LoadStore::lhzux);
        put(X31, 343, "lhax", LoadStore::lhax);
        put(X31, 375, "lhaux", LoadStore::lhaux);
        put(X31, 23, "lwzx", LoadStore::lwzx);
        put(X31, 55, "lwzux", LoadStore::lwzux);
        put(X31, 215, "stbx", LoadStore::stbx);
        put(X31, 247, "stbux", LoadStore::stbux);
        put(X31, 407, "sthx", LoadStore::sthx);
        put(X31, 439, "sthux", LoadStore::sthux);
        put(X31, 151, "stwx", LoadStore::stwx);
        put(X31, 183, "stwux", LoadStore::stwux);
        put(X31, 790, "lhbrx", LoadStore::lhbrx);
        put(X31, 534, "lwbrx", LoadStore::lwbrx);
        put(X31, 918, "sthbrx", LoadStore::sthbrx);
        put(X31, 662, "stwbrx", LoadStore::stwbrx);
        put(X31, 20, "lwarx", LoadStore::lwarx);
        put(X31, 150, "stwcx.", LoadStore::stwcxDot);
        // ### Primary 31: condition register and system registers
        put(X31, 19, "mfcr", ConditionRegister::mfcr);
        put(X31, 144, "mtcrf", ConditionRegister::mtcrf);
        put(X31, 339, "mfspr", SystemRegisters::mfspr);
        put(X31, 467, "mtspr", SystemRegisters::mtspr);
        put(X31, 371, "mftb", SystemRegisters::mftb);
        put(X31, 83, "mfmsr", SystemRegisters::mfmsr);
        put(X31, 146, "mtmsr", SystemRegisters::mtmsr);
        put(X31, 131, "wrtee", SystemRegisters::wrtee);
        put(X31, 163, "wrteei", SystemRegisters::wrteei);
        // ### Primary 31: storage control and processor control
        put(X31, 598, "sync", StorageControl::sync);
        put(X31, 854, "mbar", StorageControl::mbar);
        put(X31, 278, "dcbt", StorageControl::dcbt);
        put(X31, 246, "dcbtst", StorageControl::dcbtst);
        put(X31, 86, "dcbf", StorageControl::dcbf);
        put(X31, 54, "dcbst", StorageControl::dcbst);
        put(X31, 758, "dcba", StorageControl::dcba);
        put(X31, 470, "dcbi", StorageControl::dcbi);
        put(X31, 1014, "dcbz", StorageControl::dcbz);
        put(X31, 982, "icbi", StorageControl::icbi);
        put(X31, 22, "icbt", StorageControl::icbt);
        put(X31, 166, "dcbtls", StorageControl::dcbtls);
        put(X31, 946, "tlbre", StorageControl::tlbre);
        put(X31, 978, "tlbwe", StorageControl::tlbwe);
        put(X31, 914, "tlbsx", StorageControl::tlbsx);
        put(X31, 786, "tlbivax", StorageControl::tlbivax);
        put(X31, 18, "tlbilx", StorageControl::tlbilx);
        put(X31, 566, "tlbsync", StorageControl::tlbsync);
        put(X31, 62, "wait", ProcessorControl::wait);
        // ### Primary 31: doorbells (spec 5.8) and load/store string (see StringOps for availability)
        put(X31, 206, "msgsnd", ProcessorControl::msgsnd);
        put(X31, 238, "msgclr", ProcessorControl::msgclr);
        put(X31, 597, "lswi", StringOps::lswi);
        put(X31, 533, "lswx", StringOps::lswx);
        put(X31, 725, "stswi", StringOps::stswi);
        put(X31, 661, "stswx", StringOps::stswx);
    }

    /**
     * The 64-bit category (e5500 only), plus popcntb/popcntw/popcntd, ldbrx and stdbrx, which binutils' opcode
     * table (ppc-opc.c) gives e5500 but not e500mc.
     */
    private void fill64() {
        Op[] P = primary, X30 = ext30, X31 = ext31;
        put(P, 2, "tdi", FixedPoint::tdi);
        put(ext58, 0, "ld", LoadStore::ld);
        put(ext58, 1, "ldu", LoadStore::ldu);
        put(ext58, 2, "lwa", LoadStore::lwa);
        put(ext62, 0, "std", LoadStore::std);
        put(ext62, 1, "stdu", LoadStore::stdu);
        // MD-form: index = xo(3 bits) << 1 | sh[5]; MDS-form: index = xo(4 bits)
        put(X30, 0, "rldicl", FixedPoint::rldicl); put(X30, 1, "rldicl", FixedPoint::rldicl);
        put(X30, 2, "rldicr", FixedPoint::rldicr); put(X30, 3, "rldicr", FixedPoint::rldicr);
        put(X30, 4, "rldic", FixedPoint::rldic); put(X30, 5, "rldic", FixedPoint::rldic);
        put(X30, 6, "rldimi", FixedPoint::rldimi); put(X30, 7, "rldimi", FixedPoint::rldimi);
        put(X30, 8, "rldcl", FixedPoint::rldcl);
        put(X30, 9, "rldcr", FixedPoint::rldcr);
        putXo(X31, 233, "mulld", FixedPoint::mulld);
        put(X31, 73, "mulhd", FixedPoint::mulhd);
        put(X31, 9, "mulhdu", FixedPoint::mulhdu);
        putXo(X31, 489, "divd", FixedPoint::divd);
        putXo(X31, 457, "divdu", FixedPoint::divdu);
        put(X31, 68, "td", FixedPoint::td);
        put(X31, 986, "extsw", FixedPoint::extsw);
        put(X31, 58, "cntlzd", FixedPoint::cntlzd);
        put(X31, 27, "sld", FixedPoint::sld);
        put(X31, 539, "srd", FixedPoint::srd);
        put(X31, 794, "srad", FixedPoint::srad);
        put(X31, 826, "sradi", FixedPoint::sradi); put(X31, 827, "sradi", FixedPoint::sradi);   // XS-form sh[5]
        put(X31, 21, "ldx", LoadStore::ldx);
        put(X31, 53, "ldux", LoadStore::ldux);
        put(X31, 341, "lwax", LoadStore::lwax);
        put(X31, 373, "lwaux", LoadStore::lwaux);
        put(X31, 149, "stdx", LoadStore::stdx);
        put(X31, 181, "stdux", LoadStore::stdux);
        put(X31, 532, "ldbrx", LoadStore::ldbrx);
        put(X31, 660, "stdbrx", LoadStore::stdbrx);
        put(X31, 122, "popcntb", FixedPoint::popcntb);
        put(X31, 378, "popcntw", FixedPoint::popcntw);
        put(X31, 506, "popcntd", FixedPoint::popcntd);
        put(X31, 84, "ldarx", LoadStore::ldarx);
        put(X31, 214, "stdcx.", LoadStore::stdcxDot);
    }
}
