package epaprlab.ppc.exec;

import static epaprlab.ppc.decode.Fields.*;
import static java.lang.constant.ConstantDescs.*;

import epaprlab.ppc.cpu.Msr;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;

/**
 * The FP instructions a region runs without the generic handler call (which spills and reloads
 * the cached GPRs and special registers around an interface call), and the region's FPRs as JVM
 * locals: those the region names are loaded at method start ({@link #loadFprs}) and those it
 * writes are written back at every exit ({@link #writeBackFprs}), as the GPRs. Moves are
 * bytecode on the locals, compares store their CR field into the region's CR-field local,
 * arithmetic, rounding and conversions are one static call each to {@link RegionFpOps} with the
 * operand values, whose common case (MSR[FP] set, only the inexact flag with XE = 0) returns FRT's
 * value and sets the FPSCR exactly as the handler does. Anything else (FP Unavailable, invalid,
 * zero divide, overflow, underflow, enabled exceptions, NaN compares, record forms, reserved
 * bits) calls the instruction's own handler at the same PC, with the FPRs it names written to
 * the CPU before and FRT read back after, which recomputes it with the full FPSCR processing and
 * may raise the interrupt there; the region then leaves with the handler's PC and NIA, as after
 * any interrupting handler. The arithmetic stays a call of shared static methods on purpose:
 * bytecode copies of the double fast paths in each region (tried) ran the FP loop of
 * {@code FpBenchmark} 15 % faster once C2 had compiled them, but made the short guests' FP kernels
 * slower than the interpreter, because the JVM interprets and compiles every region's copy
 * while the shared methods are compiled once.
 */
final class RegionFpEmitter {
    private static final ClassDesc CD_STATE = ClassDesc.of(CpuState.class.getName());
    private static final ClassDesc CD_FP = ClassDesc.of(RegionFpOps.class.getName());
    private static final ClassDesc CD_OP = ClassDesc.of(Op.class.getName());
    private static final MethodTypeDesc EXEC = MethodTypeDesc.of(CD_void, CD_STATE, CD_int);
    private static final MethodTypeDesc TWO = MethodTypeDesc.of(CD_long, CD_STATE, CD_long, CD_long, CD_boolean);
    private static final MethodTypeDesc FMA = MethodTypeDesc.of(CD_long, CD_STATE, CD_long, CD_long, CD_long,
            CD_boolean, CD_boolean, CD_boolean);
    private static final MethodTypeDesc ONE = MethodTypeDesc.of(CD_long, CD_STATE, CD_long);
    private static final MethodTypeDesc COMPARE = MethodTypeDesc.of(CD_int, CD_STATE, CD_long, CD_long);
    private static final MethodTypeDesc CONVERT = MethodTypeDesc.of(CD_long, CD_STATE, CD_long, CD_boolean, CD_boolean);
    static final int S = 1;
    /**
     * FPR r lives in locals FPR0 + 2r (a long), after the region emitter's own locals (the
     * memory locals end at 216).
     */
    static final int FPR0 = 240;

    private static final int FRA_FIELD = 0x001F_0000, FRB_FIELD = 0x0000_F800;

    private final RegionHost h;
    /** Pass 1's emitter (null in pass 1), whose sets say which FPRs pass 2 keeps in locals. */
    private final RegionFpEmitter facts;
    /** Pass 1: the FPRs the code names, and those it writes, by bit. */
    private int usedFpr, writtenFpr;

    RegionFpEmitter(RegionHost h, RegionFpEmitter facts) {
        this.h = h;
        this.facts = facts;
    }

    private static int frc(int w) { return (w >>> 6) & 0x1f; }

    // ---- FPRs as locals ------------------------------------------------------------------------

    private boolean loaded(int r) { return LOCALS && (facts == null || (facts.usedFpr & (1 << r)) != 0); }
    private boolean dirty(int r) { return LOCALS && (facts == null || (facts.writtenFpr & (1 << r)) != 0); }

    /** False ({@code -Depaprlab.region-fpr-locals=false}): FPRs stay in the CPU's array (A/B runs). */
    static final boolean LOCALS = !"false".equals(System.getProperty("epaprlab.region-fpr-locals"));
    /** A long temporary of {@link #storeFpr} when FPRs stay in the array. */
    private static final int TMP = 226;

    /** Pushes FPR r (long). */
    void loadFpr(int r) {
        usedFpr |= 1 << r;
        CodeBuilder c = h.code();
        if (LOCALS) { c.lload(FPR0 + 2 * r); return; }
        stateSlot(r); c.laload();
    }

    /** Pops the long on the stack into FPR r. */
    void storeFpr(int r) {
        usedFpr |= 1 << r; writtenFpr |= 1 << r;
        CodeBuilder c = h.code();
        if (LOCALS) { c.lstore(FPR0 + 2 * r); return; }
        c.lstore(TMP);
        stateSlot(r); c.lload(TMP); c.lastore();
    }

    /** Pushes the CPU's FPR array and index {@code r}. */
    private void stateSlot(int r) {
        CodeBuilder c = h.code();
        c.aload(S); c.getfield(CD_STATE, "fpr", CD_long.arrayType()); c.loadConstant(r);
    }

    private void fromState(int r) {
        stateSlot(r);
        h.code().laload().lstore(FPR0 + 2 * r);
    }

    private void toState(int r) {
        stateSlot(r);
        h.code().lload(FPR0 + 2 * r).lastore();
    }

    /** At method start: every FPR the region names, from the CPU. */
    void loadFprs() { loadFprs(-1); }

    /** Of the FPRs in mask {@code m} (bit r: FPR r), those the region names, from the CPU. */
    private void loadFprs(int m) { for (int r = 0; r < 32; r++) if ((m & 1 << r) != 0 && loaded(r)) fromState(r); }

    /** At every exit: every FPR the region writes, to the CPU. */
    void writeBackFprs() { writeBackFprs(-1); }

    /** Of the FPRs in mask {@code m} (bit r: FPR r), those the region writes, to the CPU. */
    private void writeBackFprs(int m) { for (int r = 0; r < 32; r++) if ((m & 1 << r) != 0 && loaded(r) && dirty(r)) toState(r); }

    /** True for the instructions whose handlers read or write FPRs. */
    private static boolean touchesFprs(String name) {
        return name.startsWith("f") || name.startsWith("lf") || name.startsWith("stf") || name.equals("mffs") || name.startsWith("mtfsf");
    }

    /**
     * The FPRs instruction word {@code w} may name: FRT/FRS, FRA, FRB and FRC. Every FP handler
     * touches only those (RA and RB of a load or store are GPRs; taking them too spills a little
     * more, never less).
     */
    private static int named(int w) { return 1 << rt(w) | 1 << ra(w) | 1 << rb(w) | 1 << frc(w); }

    /**
     * Before a generic handler call: the FPRs it names, when the region wrote them. Spilling all
     * of them around every {@code lfd}/{@code stfd} made FP regions a tenth larger, which short
     * guests paid for in JIT time.
     */
    void beforeHandler(String name, int w) { if (touchesFprs(name)) writeBackFprs(named(w)); }

    /** After a generic handler call: the FPRs it names, which it may have written, from the CPU. */
    void afterHandler(String name, int w) { if (touchesFprs(name)) loadFprs(named(w)); }

    // ---- instructions ---------------------------------------------------------------------------

    /** Emits instruction k when it is one of the FP instructions handled here; false otherwise. */
    boolean emit(int k, String name, int w) {
        if (!name.startsWith("f") || rc(w) && !name.startsWith("fcmp")) return false;
        CodeBuilder c = h.code();
        int t = rt(w), a = ra(w), b = rb(w);
        switch (name) {
            case "fmr", "fneg", "fabs", "fnabs" -> {
                if ((w & FRA_FIELD) != 0) return false;
                Label slow = c.newLabel(), done = c.newLabel();
                fpOn(slow);
                loadFpr(b);
                switch (name) {
                    case "fneg" -> { c.loadConstant(FpArith.SIGN); c.lxor(); }
                    case "fabs" -> { c.loadConstant(~FpArith.SIGN); c.land(); }
                    case "fnabs" -> { c.loadConstant(FpArith.SIGN); c.lor(); }
                    default -> { }
                }
                storeFpr(t);
                c.goto_(done);
                c.labelBinding(slow);
                handler(k, w, t, b);
                c.labelBinding(done);
            }
            case "fadd", "fsub", "fdiv", "fadds", "fsubs", "fdivs" -> {
                arithmetic(k, w, t, a, b, -1, () -> {
                    loadFpr(a); loadFpr(b); bool(c, name.endsWith("s"));
                    c.invokestatic(CD_FP, name.substring(1, 4), TWO);
                });
            }
            case "fmul", "fmuls" -> {
                if ((w & FRB_FIELD) != 0) return false;
                arithmetic(k, w, t, a, frc(w), -1, () -> {
                    loadFpr(a); loadFpr(frc(w)); bool(c, name.endsWith("s"));
                    c.invokestatic(CD_FP, "mul", TWO);
                });
            }
            case "fmadd", "fmsub", "fnmadd", "fnmsub", "fmadds", "fmsubs", "fnmadds", "fnmsubs" -> {
                arithmetic(k, w, t, a, b, frc(w), () -> {
                    loadFpr(a); loadFpr(frc(w)); loadFpr(b);
                    bool(c, name.contains("sub"));
                    bool(c, name.startsWith("fn"));
                    bool(c, name.endsWith("s"));
                    c.invokestatic(CD_FP, "fma", FMA);
                });
            }
            case "frsp", "fcfid" -> {
                if ((w & FRA_FIELD) != 0) return false;
                arithmetic(k, w, t, b, -1, -1, () -> {
                    loadFpr(b);
                    c.invokestatic(CD_FP, name, ONE);
                });
            }
            case "fctiw", "fctiwz", "fctid", "fctidz" -> {
                if ((w & FRA_FIELD) != 0) return false;
                arithmetic(k, w, t, b, -1, -1, () -> {
                    loadFpr(b);
                    bool(c, name.startsWith("fctid"));
                    bool(c, name.endsWith("z"));
                    c.invokestatic(CD_FP, "toInteger", CONVERT);
                });
            }
            case "fcmpu", "fcmpo" -> {
                if ((w & 0x0060_0001) != 0) return false;
                Label slow = c.newLabel(), done = c.newLabel();
                c.aload(S); loadFpr(a); loadFpr(b);
                c.invokestatic(CD_FP, "compare", COMPARE);
                c.dup();
                c.ifeq(slow);
                h.storeCrField(bf(w));
                c.goto_(done);
                c.labelBinding(slow);
                c.pop();
                handler(k, w, -1, a, b);
                c.labelBinding(done);
            }
            default -> { return false; }
        }
        return true;
    }

    /** if MSR[FP] = 0 goto slow. */
    private void fpOn(Label slow) {
        CodeBuilder c = h.code();
        c.aload(S); c.getfield(CD_STATE, "msr", CD_long); c.loadConstant(Msr.FP); c.land();
        c.lconst_0(); c.lcmp(); c.ifeq(slow);
    }

    /**
     * The fast call (pushing the operands after the CPU state; it returns FRT's value or
     * {@link RegionFpOps#DECLINED}) into FRT t, or, when it declines, the handler, which reads
     * the FPRs r1, r2, r3 (-1: none).
     */
    private void arithmetic(int k, int w, int t, int r1, int r2, int r3, Runnable fastCall) {
        CodeBuilder c = h.code();
        Label slow = c.newLabel(), done = c.newLabel();
        c.aload(S);
        fastCall.run();
        c.dup2();
        c.loadConstant(RegionFpOps.DECLINED);
        c.lcmp();
        c.ifeq(slow);
        storeFpr(t);
        c.goto_(done);
        c.labelBinding(slow);
        c.pop2();
        handler(k, w, t, r1, r2, r3);
        c.labelBinding(done);
    }

    /**
     * Instruction k by its handler at its PC: the FPRs it reads ({@code reads}, -1: none) written
     * to the CPU first when the region wrote them, FRT {@code t} read back after (-1: none, a
     * compare, whose CR the handler writes). FP handlers touch no GPR and, but for record forms
     * and compares, no cached special register. Leaves the region when it interrupted.
     */
    private void handler(int k, int w, int t, int... reads) {
        CodeBuilder c = h.code();
        for (int r : reads) if (r >= 0 && loaded(r) && dirty(r)) toState(r);
        boolean cr = t < 0;
        if (cr) h.spillCr();
        h.setPcOf(k);
        c.aload(S); c.loadConstant(Interpreter.STRAIGHT); c.putfield(CD_STATE, "nia", CD_long);
        h.pushHandler(k);
        c.aload(S);
        c.loadConstant(w);
        c.invokeinterface(CD_OP, "exec", EXEC);
        if (cr) h.reloadCr();
        else { usedFpr |= 1 << t; if (loaded(t)) fromState(t); }
        Label straight = c.newLabel();
        c.aload(S); c.getfield(CD_STATE, "nia", CD_long);
        c.loadConstant(Interpreter.STRAIGHT);
        c.lcmp();
        c.ifeq(straight);
        h.leaveInterrupted(k);
        c.labelBinding(straight);
    }

    private static void bool(CodeBuilder c, boolean v) {
        if (v) c.iconst_1(); else c.iconst_0();
    }
}
