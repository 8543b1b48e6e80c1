package epaprlab.ppc.exec;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.constant.ConstantDescs.CD_Class;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

/**
 * The second tier of the engine: turns a hot {@link Block} into a hidden JVM class whose one
 * method does what {@link Interpreter}'s block loop does, unrolled: for each instruction the
 * tag check against RAM, PC, a direct call of the handler with the word as a constant (the
 * handlers are held in static final fields, which the JIT treats as constants, so it inlines
 * them and folds the field extraction), and the sentinel test that notices an interrupt. The
 * semantics are the interpreter's, handler for handler; only the dispatch goes.
 *
 * <p>The code depends on neither the effective nor the physical address (both are arguments, and
 * the tag check reads the words at the physical one), so {@link CodeCache} shares it between
 * CPUs. Uses only the JDK's class-file API.
 */
final class BlockCompiler {
    private BlockCompiler() {}

    private static final AtomicLong COMPILED = new AtomicLong();

    /** Blocks compiled since the JVM started (each one a hidden class), for tests and figures. */
    static long compiledCount() { return COMPILED.get(); }

    private static final ClassDesc CD_OP = desc(Op.class);
    private static final ClassDesc CD_STATE = desc(CpuState.class);
    private static final ClassDesc CD_LOOKUP = desc(MethodHandles.Lookup.class);
    private static final ClassDesc CD_HANDLES = desc(MethodHandles.class);
    private static final MethodTypeDesc EXEC = MethodTypeDesc.of(CD_void, CD_STATE, CD_int);
    private static final MethodTypeDesc WORD = MethodTypeDesc.of(CD_int, CD_long);
    private static final MethodTypeDesc RUN = MethodTypeDesc.of(CD_int, CD_STATE, CD_long, CD_long);

    private static ClassDesc desc(Class<?> c) { return ClassDesc.of(c.getName()); }

    /** A new hidden class running {@code ops} with their {@code words}; unloadable once unreachable. */
    static CompiledBlock define(Op[] ops, int[] words) {
        ClassDesc self = ClassDesc.of(BlockCompiler.class.getPackageName() + ".Compiled");
        byte[] bytes = ClassFile.of().build(self, cb -> {
            cb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            cb.withInterfaceSymbols(desc(CompiledBlock.class));
            for (int i = 0; i < ops.length; i++) {
                cb.withField("op" + i, CD_OP, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC | ClassFile.ACC_FINAL);
            }
            cb.withMethodBody("<clinit>", MethodTypeDesc.of(CD_void), ClassFile.ACC_STATIC, code -> {
                // Op[] ops = MethodHandles.classData(MethodHandles.lookup(), "_", Op[].class)
                code.invokestatic(CD_HANDLES, "lookup", MethodTypeDesc.of(CD_LOOKUP));
                code.ldc(ConstantDescs.DEFAULT_NAME);
                code.ldc(CD_OP.arrayType());
                code.invokestatic(CD_HANDLES, "classData", MethodTypeDesc.of(CD_Object, CD_LOOKUP, CD_String, CD_Class));
                code.checkcast(CD_OP.arrayType());
                code.astore(0);
                for (int i = 0; i < ops.length; i++) {
                    code.aload(0);
                    code.loadConstant(i);
                    code.aaload();
                    code.putstatic(self, "op" + i, CD_OP);
                }
                code.return_();
            });
            cb.withMethodBody("<init>", MethodTypeDesc.of(CD_void), ClassFile.ACC_PUBLIC, code -> {
                code.aload(0);
                code.invokespecial(CD_Object, "<init>", MethodTypeDesc.of(CD_void));
                code.return_();
            });
            cb.withMethodBody("run", RUN, ClassFile.ACC_PUBLIC, code -> body(code, self, words));
        });
        try {
            MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, ops.clone(), true);
            Object block = l.findConstructor(l.lookupClass(), MethodType.methodType(void.class)).invoke();
            COMPILED.incrementAndGet();
            return (CompiledBlock) block;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define a compiled block", e);
        }
    }

    /**
     * run(CpuState s, long pc, long pa): locals 0 this, 1 s, 2-3 pc, 4-5 pa. Adds the
     * instructions before the last to {@link CpuState#retired} just before the last one runs, as
     * the interpreter does.
     */
    private static void body(CodeBuilder code, ClassDesc self, int[] words) {
        int last = words.length - 1;
        for (int i = 0; i <= last; i++) {
            // tag check: if (s.fetchWord(pa + 4i) != w) return ~i;
            Label same = code.newLabel();
            code.aload(1);
            offset(code, 4, i);
            code.invokevirtual(CD_STATE, "fetchWord", WORD);
            code.loadConstant(words[i]);
            code.if_icmpeq(same);
            code.loadConstant(~i);
            code.ireturn();
            code.labelBinding(same);
            // s.pc = pc + 4i
            code.aload(1);
            address(code, i);
            code.putfield(CD_STATE, "pc", CD_long);
            if (i == last) {
                // s.retired += last (the last instruction may read the time base)
                if (last != 0) {
                    code.aload(1);
                    code.dup();
                    code.getfield(CD_STATE, "retired", CD_long);
                    code.loadConstant((long) last);
                    code.ladd();
                    code.putfield(CD_STATE, "retired", CD_long);
                }
                // s.nia = (pc + 4i + 4) & s.eaMask
                code.aload(1);
                address(code, i + 1);
                code.aload(1);
                code.getfield(CD_STATE, "eaMask", CD_long);
                code.land();
                code.putfield(CD_STATE, "nia", CD_long);
            }
            code.getstatic(self, "op" + i, CD_OP);
            code.aload(1);
            code.loadConstant(words[i]);
            code.invokeinterface(CD_OP, "exec", EXEC);
            if (i < last) {
                // if (s.nia != STRAIGHT) return i;  (it raised an interrupt, or stopped the CPU)
                Label straight = code.newLabel();
                code.aload(1);
                code.getfield(CD_STATE, "nia", CD_long);
                code.loadConstant(Interpreter.STRAIGHT);
                code.lcmp();
                code.ifeq(straight);
                code.loadConstant(i);
                code.ireturn();
                code.labelBinding(straight);
            }
        }
        code.loadConstant(last);
        code.ireturn();
    }

    private static void address(CodeBuilder code, int i) { offset(code, 2, i); }

    /** Pushes the long in local {@code slot} plus 4i. */
    private static void offset(CodeBuilder code, int slot, int i) {
        code.lload(slot);
        if (i != 0) {
            code.loadConstant(4L * i);
            code.ladd();
        }
    }
}
