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
 * the cached GPRs and special registers around an interface call): moves as bytecode on the FPR
 * array, compares into the cached CR, arithmetic, rounding and conversions as one static call to
 * {@link RegionFpOps} whose common case (MSR[FP] set, only the inexact flag with XE = 0) writes
 * FRT and the FPSCR exactly as the handler does. Anything else (FP Unavailable, invalid, zero
 * divide, overflow, underflow, enabled exceptions, NaN compares, record forms, reserved bits)
 * calls the instruction's own handler at the same PC, which recomputes it with the full FPSCR
 * processing and may raise the interrupt there; the region then leaves with the handler's PC and
 * NIA, as after any interrupting handler.
 */
final class RegionFpEmitter {
    /** What the region's emitter lends: its code builder, cached CR, handler fields and exits. */
    interface Host {
        CodeBuilder code();
        /** Pushes instruction k's handler (an {@link Op}, a static field of the region class). */
        void pushHandler(int k);
        /** Stores instruction k's PC into the CPU state. */
        void setPcOf(int k);
        /** Leaves the region after instruction k's handler raised an interrupt (PC, NIA set). */
        void leaveInterrupted(int k);
        /** Pushes / pops the cached CR (int). */
        void loadCr();
        void storeCr();
        /** Writes the cached CR back before a handler that may read or write CR; reloads it after. */
        void spillCr();
        void reloadCr();
    }

    private static final ClassDesc CD_STATE = ClassDesc.of(CpuState.class.getName());
    private static final ClassDesc CD_FP = ClassDesc.of(RegionFpOps.class.getName());
    private static final ClassDesc CD_OP = ClassDesc.of(Op.class.getName());
    private static final MethodTypeDesc EXEC = MethodTypeDesc.of(CD_void, CD_STATE, CD_int);
    private static final MethodTypeDesc TWO = MethodTypeDesc.of(CD_boolean, CD_STATE, CD_int, CD_int, CD_int, CD_boolean);
    private static final MethodTypeDesc FMA = MethodTypeDesc.of(CD_boolean, CD_STATE, CD_int, CD_int, CD_int, CD_int,
            CD_boolean, CD_boolean, CD_boolean);
    private static final MethodTypeDesc ONE = MethodTypeDesc.of(CD_boolean, CD_STATE, CD_int, CD_int);
    private static final MethodTypeDesc CONVERT = MethodTypeDesc.of(CD_boolean, CD_STATE, CD_int, CD_int, CD_boolean, CD_boolean);
    private static final MethodTypeDesc COMPARE = MethodTypeDesc.of(CD_int, CD_STATE, CD_int, CD_int);
    static final int S = 1;

    private static final int FRA_FIELD = 0x001F_0000, FRB_FIELD = 0x0000_F800;

    private final Host h;

    RegionFpEmitter(Host h) { this.h = h; }

    private static int frc(int w) { return (w >>> 6) & 0x1f; }

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
                fpr(c, t);
                fpr(c, b); c.laload();
                switch (name) {
                    case "fneg" -> { c.loadConstant(FpArith.SIGN); c.lxor(); }
                    case "fabs" -> { c.loadConstant(~FpArith.SIGN); c.land(); }
                    case "fnabs" -> { c.loadConstant(FpArith.SIGN); c.lor(); }
                    default -> { }
                }
                c.lastore();
                c.goto_(done);
                c.labelBinding(slow);
                handler(k, w, false);
                c.labelBinding(done);
            }
            case "fadd", "fsub", "fdiv", "fadds", "fsubs", "fdivs" -> {
                arithmetic(k, w, () -> {
                    c.loadConstant(t); c.loadConstant(a); c.loadConstant(b); bool(c, name.endsWith("s"));
                    c.invokestatic(CD_FP, name.substring(1, 4), TWO);
                });
            }
            case "fmul", "fmuls" -> {
                if ((w & FRB_FIELD) != 0) return false;
                arithmetic(k, w, () -> {
                    c.loadConstant(t); c.loadConstant(a); c.loadConstant(frc(w)); bool(c, name.endsWith("s"));
                    c.invokestatic(CD_FP, "mul", TWO);
                });
            }
            case "fmadd", "fmsub", "fnmadd", "fnmsub", "fmadds", "fmsubs", "fnmadds", "fnmsubs" -> {
                arithmetic(k, w, () -> {
                    c.loadConstant(t); c.loadConstant(a); c.loadConstant(frc(w)); c.loadConstant(b);
                    bool(c, name.contains("sub"));
                    bool(c, name.startsWith("fn"));
                    bool(c, name.endsWith("s"));
                    c.invokestatic(CD_FP, "fma", FMA);
                });
            }
            case "frsp", "fcfid" -> {
                if ((w & FRA_FIELD) != 0) return false;
                arithmetic(k, w, () -> {
                    c.loadConstant(t); c.loadConstant(b);
                    c.invokestatic(CD_FP, name, ONE);
                });
            }
            case "fctiw", "fctiwz", "fctid", "fctidz" -> {
                if ((w & FRA_FIELD) != 0) return false;
                arithmetic(k, w, () -> {
                    c.loadConstant(t); c.loadConstant(b);
                    bool(c, name.startsWith("fctid"));
                    bool(c, name.endsWith("z"));
                    c.invokestatic(CD_FP, "toInteger", CONVERT);
                });
            }
            case "fcmpu", "fcmpo" -> {
                if ((w & 0x0060_0001) != 0) return false;
                int shift = 28 - 4 * bf(w);
                Label slow = c.newLabel(), done = c.newLabel();
                c.aload(S); c.loadConstant(a); c.loadConstant(b);
                c.invokestatic(CD_FP, "compare", COMPARE);
                c.dup();
                c.ifeq(slow);
                if (shift != 0) { c.loadConstant(shift); c.ishl(); }
                h.loadCr(); c.loadConstant(~(0xF << shift)); c.iand();
                c.ior();
                h.storeCr();
                c.goto_(done);
                c.labelBinding(slow);
                c.pop();
                handler(k, w, true);
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

    /** The fast call (pushing a boolean after the CPU state) or, when it declines, the handler. */
    private void arithmetic(int k, int w, Runnable fastCall) {
        CodeBuilder c = h.code();
        Label done = c.newLabel();
        c.aload(S);
        fastCall.run();
        c.ifne(done);
        handler(k, w, false);
        c.labelBinding(done);
    }

    /**
     * Instruction k by its handler at its PC; FP handlers touch no GPR and, but for record forms
     * and compares ({@code cr}), no cached special register. Leaves the region when it interrupted.
     */
    private void handler(int k, int w, boolean cr) {
        CodeBuilder c = h.code();
        if (cr) h.spillCr();
        h.setPcOf(k);
        c.aload(S); c.loadConstant(Interpreter.STRAIGHT); c.putfield(CD_STATE, "nia", CD_long);
        h.pushHandler(k);
        c.aload(S);
        c.loadConstant(w);
        c.invokeinterface(CD_OP, "exec", EXEC);
        if (cr) h.reloadCr();
        Label straight = c.newLabel();
        c.aload(S); c.getfield(CD_STATE, "nia", CD_long);
        c.loadConstant(Interpreter.STRAIGHT);
        c.lcmp();
        c.ifeq(straight);
        h.leaveInterrupted(k);
        c.labelBinding(straight);
    }

    private static void fpr(CodeBuilder c, int r) {
        c.aload(S); c.getfield(CD_STATE, "fpr", CD_long.arrayType()); c.loadConstant(r);
    }

    private static void bool(CodeBuilder c, boolean v) {
        if (v) c.iconst_1(); else c.iconst_0();
    }
}
