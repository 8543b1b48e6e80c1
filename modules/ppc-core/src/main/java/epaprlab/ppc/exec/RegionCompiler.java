package epaprlab.ppc.exec;

import static epaprlab.ppc.decode.Fields.*;
import static java.lang.constant.ConstantDescs.*;

import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.decode.DecodeTable;
import epaprlab.ppc.interrupt.PendingInterrupts;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Translates a region of guest code into one JVM method (a hidden class implementing
 * {@link Region}).
 *
 * <p><b>Selection</b> ({@link #select}): from a hot block, the instructions of the same 4 KiB
 * page reachable through fall-through and direct relative branches ({@code b}, {@code bc}, the
 * return site after a {@code bl}), up to {@link #maxInstructions()} of them. A page is mapped as a
 * whole, so every effective address of the region keeps its distance to the physical one: the
 * code takes the page's effective base as an argument and is shared by every CPU that runs the
 * same words at the same offsets. Every block start (the hot block, branch targets, the
 * instruction after a branch or after {@code mfspr}/{@code mtspr}) is an entry.
 *
 * <p><b>Register caching</b>: the GPRs the region uses, CR, LR, CTR and XER[SO,OV,CA] live in JVM
 * locals, loaded at entry; those the region writes are written back at every exit. The common
 * integer instructions, loads and stores of every size (through {@link CpuState}'s accessors),
 * branches, CR logic and {@code mfspr}/{@code mtspr} of LR, CTR and XER are emitted as bytecode;
 * every other instruction calls its handler (the same {@link Op} as the interpreter's) with the
 * registers it may touch spilled before and reloaded after, so its semantics come for free.
 *
 * <p><b>Exits</b>, all with the registers written back and the interpreter's bookkeeping (PC and
 * NIA at the last instruction run, {@link CpuState#retired} counting those before it): a branch
 * out of the region (or an indirect one); an instruction that ends a block (system linkage, MSR
 * and SPR writes, the TLB instructions...), run last by its handler with the full bookkeeping;
 * an interrupt raised by a handler ({@link CpuState#nia} left the sentinel); a {@link GuestFault}
 * (caught, the count fixed from PC, rethrown); the event boundary ({@link CpuState#limit}),
 * checked at entries and backward transfers against the longest run of forward transfers from
 * there (forward transfers need no check), so a budget or a timer event never falls inside a
 * translated block; the attention flag (interrupts raised by the
 * host or other CPUs, kicks), polled at every backward branch; a store into a page of translated
 * code ({@link CpuState#codeWritten}, checked after every store).
 *
 * <p><b>Invalidation</b> is the interpreter's business ({@link Interpreter}): a region's page is
 * watched ({@link epaprlab.ppc.mem.GuestMemory#watchCode}), and each entry compares the page's
 * code generation with the one its words were last checked at.
 */
final class RegionCompiler {
    private RegionCompiler() {}

    private static final int PAGE_WORDS = 1024;
    private static volatile int maxInstructions = Integer.getInteger("epaprlab.region-instructions", 32);
    private static final AtomicLong DEFINED = new AtomicLong();

    static int maxInstructions() { return maxInstructions; }

    static void setMaxInstructions(int n) {
        if (n < 1) throw new IllegalArgumentException("region size must be >= 1, got " + n);
        maxInstructions = n;
    }

    /** Regions defined since the JVM started (each one a hidden class). */
    static long definedCount() { return DEFINED.get(); }

    /**
     * A selected region: its instructions by page word index (ascending) with their words, which
     * of them start blocks, for the model ({@code has64}) and mode ({@code cm}) it is compiled for,
     * and the translation ({@code bookE}: its loads and stores test the software TLB inline, a
     * FLAT plan's test RAM bounds; either code is exact in both, the other's only slower).
     * Equal plans compile to the same code.
     */
    static final class Plan {
        final boolean has64, cm, bookE;
        final int start;
        final int[] index;
        final int[] words;
        /** The block starts the translation a CPU runs first enters (all of {@link #first}'s when the plan grew). */
        final int[] entries;
        /** Every block start of {@link #index} (its {@link #entries} unless the plan grew). */
        final int[] blocks;
        /**
         * Null, or for a plan grown by a loop ({@link #withLoop}) the plan the first translation
         * holds (the walk the size limit cut): only the hot translation holds the whole loop, so
         * short guests, which never reach one, translate no larger regions. The grown plan's
         * words are the ones checked against RAM and watched from the first translation on.
         */
        final Plan first;
        /** The 64-byte lines of the page its words lie in, by bit (what {@link epaprlab.ppc.mem.GuestMemory#watchCode(int, long)} watches). */
        final long lines;
        private final int hash;

        Plan(boolean has64, boolean cm, boolean bookE, int start, int[] index, int[] words, int[] entries) {
            this(has64, cm, bookE, start, index, words, entries, entries, null);
        }

        /** {@code grown} entered at {@code first}'s entries, translated first as {@code first}. */
        Plan(Plan grown, Plan first) {
            this(grown.has64, grown.cm, grown.bookE, grown.start, grown.index, grown.words, first.entries, grown.entries, first);
        }

        private Plan(boolean has64, boolean cm, boolean bookE, int start, int[] index, int[] words, int[] entries, int[] blocks, Plan first) {
            this.has64 = has64;
            this.cm = cm;
            this.bookE = bookE;
            this.start = start;
            this.index = index;
            this.words = words;
            this.entries = entries;
            this.blocks = blocks;
            this.first = first;
            long l = 0;
            for (int i : index) l |= 1L << (i >>> 4);
            this.lines = l;
            this.hash = (Arrays.hashCode(words) * 31 + Arrays.hashCode(index)) * 4 + (has64 ? 2 : 0) + (cm ? 1 : 0) + (bookE ? 4 : 0);
        }

        int length() { return index.length; }

        /** Bit i (of word i / 64) set for each page word i of the region. */
        long[] wordMap() {
            long[] m = new long[PAGE_WORDS / 64];
            for (int i : index) m[i >>> 6] |= 1L << i;
            return m;
        }

        /** True when page word {@code i} is an entry of this region (see {@link #entries}). */
        boolean hasEntry(int i) { return Arrays.binarySearch(entries, i) >= 0; }

        /** True when page word {@code i} starts a block of this region. */
        boolean startsBlock(int i) { return Arrays.binarySearch(blocks, i) >= 0; }

        @Override public boolean equals(Object o) {
            return o instanceof Plan p && p.hash == hash && p.has64 == has64 && p.cm == cm && p.bookE == bookE && p.start == start
                    && (p.first == null) == (first == null) && Arrays.equals(p.index, index) && Arrays.equals(p.words, words);
        }

        @Override public int hashCode() { return hash; }
    }

    /** True for the SPRs whose mfspr/mtspr the region runs inline (no side effect, never privileged). */
    private static boolean inlineSpr(int n) { return n == Spr.LR || n == Spr.CTR || n == Spr.XER; }

    private static final String ILLEGAL = "(illegal)";

    private static boolean isBranch(String name) {
        return name.equals("b") || name.equals("bc") || name.equals("bclr") || name.equals("bcctr");
    }

    /**
     * Selects the region that starts at page word {@code start} of the page at RAM offset
     * {@code page}, for a CPU of the given model and mode.
     */
    static Plan select(DecodeTable table, boolean has64, boolean cm, CpuState s, long page, int start, int max) {
        java.util.function.IntUnaryOperator wordAt = i -> s.fetchWord(page + 4L * i);
        Plan p = select(table, has64, cm, s.bookE, wordAt, start, max, null);
        return p.length() < max || LOOP_INSTRUCTIONS <= max ? p : withLoop(table, p, wordAt);
    }

    /**
     * {@code -Depaprlab.region-loop-instructions}: the most instructions of a region grown to hold
     * the loop its start lies on ({@link #withLoop}); at or below the region size, none grows.
     */
    private static final int LOOP_INSTRUCTIONS = Integer.getInteger("epaprlab.region-loop-instructions", 128);

    /**
     * A region the size limit cut ({@code p}) whose start lies on a loop that does not fit (coremix's
     * state machine: about 95 words dispatching on the state and branching back to one head, cut
     * into regions of 32 that exit into one another about once per byte): {@code p} grown by the
     * loop, that is every instruction on a cycle through the start within the same walk at
     * {@link #LOOP_INSTRUCTIONS}, so each turn of the loop stays inside one method. Only the loop
     * is added, no other code the larger walk found (regions of 128 for everything were slower),
     * and not a loop that calls (a turn leaves at the callee's return all the same).
     * Only the hot translation holds the grown plan; the first one is {@code p}'s ({@link
     * Plan#first}): grown first translations cost the short-guest suite 15-20 % more CPU. Returns
     * {@code p} when the loop is in it already or would not fit.
     */
    private static Plan withLoop(DecodeTable table, Plan p, java.util.function.IntUnaryOperator wordAt) {
        Plan wide = select(table, p.has64, p.cm, p.bookE, wordAt, p.start, LOOP_INSTRUCTIONS, null);
        boolean[] in = new boolean[PAGE_WORDS];
        int[] word = new int[PAGE_WORDS];
        for (int k = 0; k < wide.length(); k++) {
            in[wide.index[k]] = true;
            word[wide.index[k]] = wide.words[k];
        }
        // successors of each word inside the wide walk, both ways: the loop is what start reaches and what reaches it
        int[] succ = new int[2 * PAGE_WORDS];
        Arrays.fill(succ, -1);
        for (int k = 0; k < wide.length(); k++) {
            int i = wide.index[k], w = wide.words[k];
            String name = table.name(w);
            if (isBranch(name)) {
                int t = directTarget(name, i, w);
                if (t >= 0 && t < PAGE_WORDS && in[t]) succ[2 * i] = t;
                if (branchFallsThrough(name, w) && i + 1 < PAGE_WORDS && in[i + 1]) succ[2 * i + 1] = i + 1;
            } else if (goesOn(table, name, w) && i + 1 < PAGE_WORDS && in[i + 1]) {
                succ[2 * i + 1] = i + 1;
            }
        }
        boolean[] fromStart = new boolean[PAGE_WORDS], toStart = new boolean[PAGE_WORDS];
        int[] work = new int[PAGE_WORDS];
        int top = 0;
        fromStart[p.start] = true;
        work[top++] = p.start;
        while (top > 0) {
            int i = work[--top];
            for (int j = 2 * i; j <= 2 * i + 1; j++) {
                int t = succ[j];
                if (t >= 0 && !fromStart[t]) { fromStart[t] = true; work[top++] = t; }
            }
        }
        // backwards: a word reaches start when one of its successors does (a fixpoint over the few words)
        toStart[p.start] = true;
        for (boolean moved = true; moved; ) {
            moved = false;
            for (int k = 0; k < wide.length(); k++) {
                int i = wide.index[k];
                if (toStart[i]) continue;
                int a = succ[2 * i], b = succ[2 * i + 1];
                if (a >= 0 && toStart[a] || b >= 0 && toStart[b]) { toStart[i] = true; moved = true; }
            }
        }
        boolean[] allowed = new boolean[PAGE_WORDS];
        int count = 0;
        boolean grows = false;
        for (int i : p.index) allowed[i] = true;
        for (int k = 0; k < wide.length(); k++) {
            int i = wide.index[k];
            if (!fromStart[i] || !toStart[i]) continue;
            // a turn through a call leaves at the callee's return anyway (an indirect branch)
            if (isBranch(table.name(word[i])) && lk(word[i])) return p;
            if (!allowed[i]) { allowed[i] = true; grows = true; }
        }
        for (boolean a : allowed) if (a) count++;
        if (!grows || count > LOOP_INSTRUCTIONS) return p;
        return new Plan(select(table, p.has64, p.cm, p.bookE, i -> word[i], p.start, count, allowed), p);
    }

    /** The plan selected by the same walk stopped at half the size, or null when too small already. */
    static Plan halve(DecodeTable table, Plan p) {
        if (p.length() < 8) return null;
        int[] page = new int[PAGE_WORDS];
        for (int k = 0; k < p.length(); k++) page[p.index[k]] = p.words[k];
        return select(table, p.has64, p.cm, p.bookE, i -> page[i], p.start, p.length() / 2, null);
    }

    /** The walk; with {@code allowed}, only through those words (the others count as outside the page). */
    private static Plan select(DecodeTable table, boolean has64, boolean cm, boolean bookE, java.util.function.IntUnaryOperator wordAt, int start, int max,
            boolean[] allowed) {
        boolean[] in = new boolean[PAGE_WORDS];
        boolean[] blockStart = new boolean[PAGE_WORDS];
        int[] word = new int[PAGE_WORDS];
        int[] work = new int[2 * PAGE_WORDS + 2];
        int top = 0, count = 0;
        work[top++] = start;
        blockStart[start] = true;
        while (top > 0 && count < max) {
            int i = work[--top];
            while (i < PAGE_WORDS && !in[i] && count < max && (allowed == null || allowed[i])) {
                int w = wordAt.applyAsInt(i);
                in[i] = true;
                word[i] = w;
                count++;
                String name = table.name(w);
                if (isBranch(name)) {
                    int t = directTarget(name, i, w);
                    boolean fall = branchFallsThrough(name, w) && i + 1 < PAGE_WORDS;
                    boolean taken = t >= 0 && t < PAGE_WORDS;
                    // the stack pops last-pushed first: a backward target (a loop's head) is
                    // walked before the fall-through, so the loop closes inside the region
                    boolean loopFirst = taken && t <= i;
                    if (taken && !loopFirst) push(work, top++, blockStart, t);
                    if (fall) push(work, top++, blockStart, i + 1);
                    if (loopFirst) push(work, top++, blockStart, t);
                    break;
                }
                if (name.equals(ILLEGAL)) break;    // raises an interrupt: the region exits there
                if (table.endsBlock(w)) {
                    if (!inlineSprMove(name, w)) break;     // run by its handler; the region exits after it
                    if (i + 1 < PAGE_WORDS) blockStart[i + 1] = true;
                }
                i++;
            }
        }
        int[] index = new int[count];
        int[] words = new int[count];
        int n = 0, e = 0;
        for (int i = 0; i < PAGE_WORDS; i++) {
            if (!in[i]) continue;
            if (i == 0 || !in[i - 1]) blockStart[i] = true;
            index[n] = i;
            words[n++] = word[i];
            if (blockStart[i]) e++;
        }
        int[] entries = new int[e];
        e = 0;
        for (int i = 0; i < PAGE_WORDS; i++) if (in[i] && blockStart[i]) entries[e++] = i;
        return new Plan(has64, cm, bookE, start, index, words, entries);
    }

    /**
     * The blocks the hot translation of {@code p} is entered at (see {@link #defineHot}): its
     * start, every block on no loop of the region, and of each loop (the largest cycle of blocks
     * it lies on) not holding the start, the one block the rest of the region branches into (when
     * there is one). So each loop of the method has one way in, and C2 sees a reducible loop it
     * optimises (a loop entered in its middle by the {@code lookupswitch} is irreducible: C2
     * neither hoists nor keeps the loop's values in registers). Returns {@code p.entries} itself
     * when every block stays an entry.
     */
    static int[] loopEntries(DecodeTable table, Plan p) {
        int[] blocks = p.blocks;
        int nb = blocks.length;
        if (nb > 64) return blocks;                  // (regions larger than the default) sets of 64 bits cannot hold them
        boolean[] in = new boolean[PAGE_WORDS];
        int[] word = new int[PAGE_WORDS];
        for (int k = 0; k < p.length(); k++) {
            in[p.index[k]] = true;
            word[p.index[k]] = p.words[k];
        }
        int[] blockAt = new int[PAGE_WORDS];
        Arrays.fill(blockAt, -1);
        for (int b = 0; b < nb; b++) blockAt[blocks[b]] = b;
        // successors of each block inside the region: the taken and fall-through paths of its end
        long[] succ = new long[nb];
        for (int b = 0; b < nb; b++) {
            int i = blocks[b];
            while (true) {
                int w = word[i];
                String name = table.name(w);
                if (isBranch(name)) {
                    int t = directTarget(name, i, w);
                    if (t >= 0 && t < PAGE_WORDS && blockAt[t] >= 0) succ[b] |= 1L << blockAt[t];
                    if (branchFallsThrough(name, w) && i + 1 < PAGE_WORDS && blockAt[i + 1] >= 0) succ[b] |= 1L << blockAt[i + 1];
                    break;
                }
                if (!goesOn(table, name, w) || i + 1 >= PAGE_WORDS || !in[i + 1]) break;
                if (blockAt[i + 1] >= 0) { succ[b] |= 1L << blockAt[i + 1]; break; }
                i++;
            }
        }
        // reach[b]: the blocks reachable from b by one transfer or more
        long[] reach = new long[nb];
        for (int b = 0; b < nb; b++) {
            long r = succ[b], seen = 0;
            while (r != seen) {
                seen = r;
                for (int c = 0; c < nb; c++) if ((seen & (1L << c)) != 0) r |= succ[c];
            }
            reach[b] = r;
        }
        int sb = blockAt[p.start];
        int[] entries = new int[nb];
        int n = 0;
        for (int b = 0; b < nb; b++) {
            boolean ok;
            if (b == sb || (reach[b] & (1L << b)) == 0) {
                ok = true;
            } else {
                long loop = 1L << b;                 // b's cycle: the blocks on a cycle through b
                for (int c = 0; c < nb; c++) if ((reach[b] & (1L << c)) != 0 && (reach[c] & (1L << b)) != 0) loop |= 1L << c;
                boolean branchedInto = false;        // from a block of the region outside the loop
                for (int a = 0; a < nb; a++) if ((loop & (1L << a)) == 0 && (succ[a] & (1L << b)) != 0) branchedInto = true;
                ok = (loop & (1L << sb)) == 0 && branchedInto;
            }
            if (ok) entries[n++] = blocks[b];
        }
        return n == nb ? blocks : Arrays.copyOf(entries, n);
    }

    /** The word index a relative {@code b}/{@code bc} at word {@code i} branches to (may lie off the page); -1 for other branches. */
    private static int directTarget(String name, int i, int w) {
        if (name.equals("b") && !aa(w)) return i + (li(w) >> 2);
        if (name.equals("bc") && !aa(w)) return i + (bd(w) >> 2);
        return -1;
    }

    /** True when the branch is taken whatever the CR and CTR (BO 1z1zz). */
    private static boolean alwaysTaken(String name, int w) { return name.equals("b") || (bo(w) & 0x14) == 0x14; }

    /** True when the word after branch {@code w} may run next: it is not always taken, or it calls (the return comes back there). */
    private static boolean branchFallsThrough(String name, int w) { return !alwaysTaken(name, w) || lk(w); }

    /** True when an {@code mfspr}/{@code mtspr} is run inside the region (no handler call, no exit after it). */
    private static boolean inlineSprMove(String name, int w) {
        return (name.equals("mfspr") || name.equals("mtspr")) && inlineSpr(spr(w));
    }

    /**
     * True when a word that is no branch goes on to the next word inside the region: not an illegal
     * word (it raises an interrupt) and not a block ender run by its handler (the region exits after it).
     */
    private static boolean goesOn(DecodeTable table, String name, int w) {
        return !name.equals(ILLEGAL) && !(table.endsBlock(w) && !inlineSprMove(name, w));
    }

    private static void push(int[] work, int top, boolean[] blockStart, int word) {
        blockStart[word] = true;
        work[top] = word;
    }

    // ---- class definition ----------------------------------------------------------------------

    private static final ClassDesc CD_OP = desc(Op.class);
    private static final ClassDesc CD_STATE = desc(CpuState.class);
    private static final ClassDesc CD_OPS = desc(RegionOps.class);
    private static final ClassDesc CD_REGION = desc(Region.class);
    private static final ClassDesc CD_PENDING = desc(PendingInterrupts.class);
    private static final ClassDesc CD_LOOKUP = desc(MethodHandles.Lookup.class);
    private static final ClassDesc CD_HANDLES = desc(MethodHandles.class);
    private static final ClassDesc CD_LONGS = CD_long.arrayType();
    private static final MethodTypeDesc EXEC = MethodTypeDesc.of(CD_void, CD_STATE, CD_int);
    private static final MethodTypeDesc RUN = MethodTypeDesc.of(CD_int, CD_STATE, CD_long, CD_long, CD_int);

    private static ClassDesc desc(Class<?> c) { return ClassDesc.of(c.getName()); }

    /** The bytecode size of a region's method at most: C2 does not compile larger methods. */
    static final int HUGE_METHOD = 8000;

    /**
     * Defines the region's class, or returns null when its method would be too large for the JIT
     * (the caller selects a smaller region).
     */
    static Region define(DecodeTable table, Plan p) {
        Plan code = p.first != null ? p.first : p;
        Region r = define(table, code, code.entries, false);
        if (r != null) DEFINED.incrementAndGet();
        return r;
    }

    /**
     * The hot translation of {@code p} (see {@link RegionCache}'s tiering): the same code entered
     * only at {@link #loopEntries}, so each loop has one way in; entered at another block, it
     * returns {@link Region#NOT_ENTERED}. Null when every block stays an entry (nothing to gain)
     * or when too large.
     */
    static Region defineHot(DecodeTable table, Plan p) {
        int[] entries = loopEntries(table, p);
        if (entries == p.blocks && p.first == null) return null;
        Region r = define(table, p, entries, true);
        if (r != null) RETRANSLATED.incrementAndGet();
        return r;
    }

    /** Hot translations defined since the JVM started ({@link #defineHot}). */
    static long retranslatedCount() { return RETRANSLATED.get(); }

    private static final AtomicLong RETRANSLATED = new AtomicLong();

    /**
     * {@code -Depaprlab.region-cr-compares}: which translations keep CR fields as their compares
     * ({@code Emitter#cmpForm}): {@code hot} (the default) the hot forms only, {@code true} every
     * region, {@code false} none. In every region it cost short guests 10–25 % more CPU (fifth
     * session, branch {@code regionint}: every entry, exit and handler call composes or splits the
     * fields); hot forms are made only after 50 M instructions, which no short guest reaches. The
     * region-tier test execution runs with {@code true}. Other values are refused by {@code
     * EngineProperties}.
     */
    static final String CR_COMPARES = System.getProperty("epaprlab.region-cr-compares", "hot");

    private static Region define(DecodeTable table, Plan p, int[] entries, boolean hot) {
        Op[] ops = new Op[p.length()];
        for (int k = 0; k < ops.length; k++) ops[k] = table.decode(p.words[k]);
        // pass 1 finds the registers the code uses and writes; pass 2 loads and writes back only those
        Emitter first = new Emitter(table, p, null);
        first.switchEntries = entries;
        first.hot = hot;
        build(first, ops);
        Emitter second = new Emitter(table, p, first);
        second.switchEntries = entries;
        second.hot = hot;
        byte[] bytes = build(second, ops);
        if (runSize(bytes) > HUGE_METHOD) return null;
        try {
            MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, new Object[] {ops, p.wordMap()}, true);
            Object region = l.findConstructor(l.lookupClass(), MethodType.methodType(void.class)).invoke();
            return (Region) region;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define a region", e);
        }
    }

    private static int runSize(byte[] bytes) {
        for (MethodModel m : ClassFile.of().parse(bytes).methods()) {
            if (m.methodName().equalsString("run")) return m.findAttribute(Attributes.code()).orElseThrow().codeLength();
        }
        throw new IllegalStateException("no run method");
    }

    private static byte[] build(Emitter em, Op[] ops) {
        ClassDesc self = ClassDesc.of(RegionCompiler.class.getPackageName() + ".Translated");
        em.self = self;
        return ClassFile.of().build(self, cb -> {
            cb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            cb.withSuperclass(CD_REGION);
            cb.withField("words", CD_LONGS, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC | ClassFile.ACC_FINAL);
            for (int k = 0; k < ops.length; k++) {
                if (em.fallback[k]) cb.withField("op" + k, CD_OP, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC | ClassFile.ACC_FINAL);
            }
            cb.withMethodBody("<clinit>", MethodTypeDesc.of(CD_void), ClassFile.ACC_STATIC, code -> {
                code.invokestatic(CD_HANDLES, "lookup", MethodTypeDesc.of(CD_LOOKUP));
                code.ldc(DEFAULT_NAME);
                code.ldc(CD_Object.arrayType());
                code.invokestatic(CD_HANDLES, "classData", MethodTypeDesc.of(CD_Object, CD_LOOKUP, CD_String, CD_Class));
                code.checkcast(CD_Object.arrayType());
                code.dup();
                code.iconst_1();
                code.aaload();
                code.checkcast(CD_LONGS);
                code.putstatic(self, "words", CD_LONGS);
                code.iconst_0();
                code.aaload();
                code.checkcast(CD_OP.arrayType());
                code.astore(0);
                for (int k = 0; k < ops.length; k++) {
                    if (!em.fallback[k]) continue;
                    code.aload(0);
                    code.loadConstant(k);
                    code.aaload();
                    code.putstatic(self, "op" + k, CD_OP);
                }
                code.return_();
            });
            cb.withMethodBody("<init>", MethodTypeDesc.of(CD_void), ClassFile.ACC_PUBLIC, code -> {
                code.aload(0);
                code.invokespecial(CD_REGION, "<init>", MethodTypeDesc.of(CD_void));
                code.return_();
            });
            cb.withMethodBody("run", RUN, ClassFile.ACC_PUBLIC, em::body);
        });
    }

    /** Handlers that may touch any GPR (the multiple and string instructions). */
    private static final Set<String> ALL_GPRS = Set.of("lmw", "stmw", "lswi", "lswx", "stswi", "stswx");

    /**
     * Emits one region's {@code run} method. Locals: 0 this, 1 s, 2-3 pcBase, 4-5 paBase, 6 entry,
     * 7-8 n (the count at the current block's start), 9 bo (the block's first word index), 10-11
     * exit PC, 12-13 exit NIA, 14-15 exit count, 16 exit op, 17 exit word, 18-19 EA, 20-25
     * temporaries, 26 the exception, 27 the GPR array, then the cached registers, two int
     * temporaries, the CPU's {@link PendingInterrupts}, the eight split CR fields (their nibbles,
     * or X of a field kept as its compare) and the compares' operands A and B ({@link #cmpForm});
     * from 200 the memory locals of the inline loads and stores ({@link RegionMemEmitter#MEM_RD}).
     */
    private static final class Emitter implements RegionMemEmitter.Host {
        static final int S = 1, PCBASE = 2, PABASE = 4, ENTRY = 6, N = 7, BO = 9, XPC = 10, XNIA = 12, XRET = 14,
                XOP = 16, XW = 17, EA = RegionMemEmitter.EA, T1 = 20, T2 = 22, T3 = 24, EXC = 26, GPRS = 27,
                GPR0 = 28, CR = GPR0 + 64, LR = CR + 1, CTR = LR + 2, SO = CTR + 2, OV = SO + 1, CA = OV + 1,
                TI1 = CA + 1, TI2 = CA + 2, PEND = CA + 3, CRF = PEND + 1, CRA = CRF + 8, CRB = CRA + 16;
        /** Special registers by bit in {@link #usedSpecial}/{@link #writtenSpecial}. */
        static final int SP_CR = 1, SP_LR = 2, SP_CTR = 4, SP_SO = 8, SP_OV = 16, SP_CA = 32, SP_ALL = 63;

        final DecodeTable table;
        final Plan p;
        /** The blocks the {@code lookupswitch} enters ({@link Plan#entries}, or fewer when {@link #hot}). */
        int[] switchEntries;
        /** A hot translation: entered at a block that is no entry, it returns {@link Region#NOT_ENTERED}. */
        boolean hot;
        final boolean cm;
        final long mask;
        final boolean[] fallback;
        final int[] blockOf;             // per instruction k: index k of its block's first instruction
        final int[] posOf = new int[PAGE_WORDS];   // page word -> k, or -1
        final int[] lenAt = new int[PAGE_WORDS];   // block start word -> its length
        /**
         * Block start word -> the most instructions that can run from its start through forward
         * transfers only (the block and its longest chain of forward successors), from pass 1's
         * {@link #forward} edges; the event boundary is checked against it where a check is made.
         */
        final int[] reach = new int[PAGE_WORDS];
        /** Pass 1: the forward transfers inside the region, as {from block start word, to word}. */
        final List<int[]> forward = new ArrayList<>();
        ClassDesc self;
        // register use: pass 1 records, pass 2 reads the final sets from the first emitter
        final long[] usedGpr = new long[1], writtenGpr = new long[1];
        final int[] usedSpecial = new int[1], writtenSpecial = new int[1];
        /**
         * Pass 1: the CR fields compares and record forms write. In pass 2 each lives as a nibble
         * in its own local (CRF + field), its bits in the CR local stale; CR readers compose.
         */
        final int[] crFields = new int[1];
        final Emitter facts;
        CodeBuilder c;
        final Label[] at = new Label[PAGE_WORDS];
        Label exit, exitKeep, exitEnder;
        final RegionFpEmitter fp;
        final RegionCrEmitter crs = new RegionCrEmitter(this);
        final RegionMemEmitter mem;
        /** The instruction being emitted, and the last one that set a CR field by {@link #crFieldFrom}. */
        int current = -1, compareAt = -1;
        /** That compare's CR field and operands (pure loads, safe to push again). */
        int compareField;
        Runnable compareOperands;

        Emitter(DecodeTable table, Plan p, Emitter facts) {
            this.table = table;
            this.p = p;
            this.cm = p.cm;
            this.mask = p.cm ? -1L : 0xFFFFFFFFL;
            this.facts = facts;
            this.fp = new RegionFpEmitter(this, facts == null ? null : facts.fp);
            this.mem = new RegionMemEmitter(this, p, fp, facts == null ? null : facts.mem);
            this.fallback = facts != null ? facts.fallback : new boolean[p.length()];
            int n = p.length();
            blockOf = new int[n];
            Arrays.fill(posOf, -1);
            for (int k = 0; k < n; k++) posOf[p.index[k]] = k;
            int cur = 0;
            for (int k = 0; k < n; k++) {
                int i = p.index[k];
                if (p.startsBlock(i)) cur = k;
                blockOf[k] = cur;
                lenAt[p.index[cur]]++;
            }
            // forward transfers go to higher words: the longest chains, from the last block back
            for (int k = n - 1; k >= 0; k--) {
                int b = p.index[k];
                if (blockOf[k] != k) continue;
                int most = 0;
                if (facts != null) {
                    for (int[] e : facts.forward) if (e[0] == b) most = Math.max(most, reach[e[1]]);
                }
                reach[b] = lenAt[b] + most;
            }
        }

        // ---- registers -----------------------------------------------------------------------

        private boolean gprLoaded(int r) { return facts == null || (facts.usedGpr[0] & (1L << r)) != 0; }
        private boolean gprDirty(int r) { return facts == null || (facts.writtenGpr[0] & (1L << r)) != 0; }
        private boolean specialLoaded(int b) { return facts == null || (facts.usedSpecial[0] & b) != 0; }
        private boolean specialDirty(int b) { return facts == null || (facts.writtenSpecial[0] & b) != 0; }

        void ldg(int r) { usedGpr[0] |= 1L << r; c.lload(GPR0 + 2 * r); }
        void stg(int r) { usedGpr[0] |= 1L << r; writtenGpr[0] |= 1L << r; c.lstore(GPR0 + 2 * r); }
        /** (RA|0). */
        void ldRa0(int ra) { if (ra == 0) c.lconst_0(); else ldg(ra); }

        void ldCr() { usedSpecial[0] |= SP_CR; c.iload(CR); composeCr(); }
        void stCr() { usedSpecial[0] |= SP_CR; writtenSpecial[0] |= SP_CR; splitCr(); c.istore(CR); }

        private int splitFields() { return facts == null ? 0 : facts.crFields[0]; }

        /** The CR int on the stack := its bits outside the split fields, those fields from their locals. */
        private void composeCr() {
            int m = splitFields();
            if (m == 0) return;
            int bits = 0;
            for (int f = 0; f < 8; f++) if ((m & (1 << f)) != 0) bits |= 0xF << (28 - 4 * f);
            c.loadConstant(~bits); c.iand();
            for (int f = 0; f < 8; f++) {
                if ((m & (1 << f)) == 0) continue;
                fieldNibble(f);
                if (f != 7) { c.loadConstant(28 - 4 * f); c.ishl(); }
                c.ior();
            }
        }

        /** Copies the split fields of the CR int on the stack (left there) into their locals. */
        private void splitCr() {
            int m = splitFields();
            for (int f = 0; f < 8; f++) {
                if ((m & (1 << f)) == 0) continue;
                c.dup();
                if (f != 7) { c.loadConstant(28 - 4 * f); c.iushr(); }
                c.loadConstant(0xF); c.iand();
                storeFieldNibble(f);
            }
        }

        /**
         * True when this translation keeps each split CR field as the compare that set it
         * ({@link RegionCompiler#CR_COMPARES}): two longs A, B and an int X (the CRF local), the nibble being the
         * LT/GT/EQ of A against B (signed) XOR X. A compare then stores its operands and SO and
         * computes no nibble; only readers of the field as a number (exits, handlers, CR logic,
         * {@code isel}, {@code mfcr}) compute it.
         */
        private boolean cmpForm() {
            return switch (CR_COMPARES) {
                case "true" -> true;
                case "false" -> false;
                default -> hot;
            };
        }

        /** Pushes split field f's nibble. */
        private void fieldNibble(int f) {
            if (!cmpForm()) { c.iload(CRF + f); return; }
            c.loadConstant(0x428);
            c.lload(CRA + 2 * f); c.lload(CRB + 2 * f); c.lcmp();
            c.iconst_1(); c.iadd(); c.iconst_2(); c.ishl();
            c.iushr();
            c.loadConstant(0xF); c.iand();
            c.iload(CRF + f); c.ixor();
        }

        /**
         * Split field f := the nibble on the stack (consumed). As a compare: A = B = 0 (EQ) and
         * X = nibble XOR EQ, which gives back any nibble exactly.
         */
        private void storeFieldNibble(int f) {
            if (!cmpForm()) { c.istore(CRF + f); return; }
            c.iconst_2(); c.ixor(); c.istore(CRF + f);
            c.lconst_0(); c.lstore(CRA + 2 * f);
            c.lconst_0(); c.lstore(CRB + 2 * f);
        }

        /** Branches to {@code not} unless bit {@code j} (LT, GT, EQ) of the signed compare of the two longs on the stack (consumed) is {@code set}. */
        private void branchUnless(int j, boolean set, Label not) {
            c.lcmp();
            switch (j) {
                case 0 -> { if (set) c.ifge(not); else c.iflt(not); }
                case 1 -> { if (set) c.ifle(not); else c.ifgt(not); }
                default -> { if (set) c.ifne(not); else c.ifeq(not); }
            }
        }
        void ldI(int sp, int slot) { usedSpecial[0] |= sp; c.iload(slot); }
        void stI(int sp, int slot) { usedSpecial[0] |= sp; writtenSpecial[0] |= sp; c.istore(slot); }
        void ldL(int sp, int slot) { usedSpecial[0] |= sp; c.lload(slot); }
        void stL(int sp, int slot) { usedSpecial[0] |= sp; writtenSpecial[0] |= sp; c.lstore(slot); }

        private void loadGprFromState(int r) {
            c.aload(GPRS); c.loadConstant(r); c.laload(); c.lstore(GPR0 + 2 * r);
        }

        private void storeGprToState(int r) {
            c.aload(GPRS); c.loadConstant(r); c.lload(GPR0 + 2 * r); c.lastore();
        }

        private void loadSpecial(int b) {
            switch (b) {
                case SP_CR -> { c.aload(S); c.getfield(CD_STATE, "cr", CD_int); splitCr(); c.istore(CR); }
                case SP_LR -> { c.aload(S); c.getfield(CD_STATE, "lr", CD_long); c.lstore(LR); }
                case SP_CTR -> { c.aload(S); c.getfield(CD_STATE, "ctr", CD_long); c.lstore(CTR); }
                case SP_SO -> { c.aload(S); c.getfield(CD_STATE, "so", CD_int); c.istore(SO); }
                case SP_OV -> { c.aload(S); c.getfield(CD_STATE, "ov", CD_int); c.istore(OV); }
                default -> { c.aload(S); c.getfield(CD_STATE, "ca", CD_int); c.istore(CA); }
            }
        }

        private void storeSpecial(int b) {
            switch (b) {
                case SP_CR -> { c.aload(S); c.iload(CR); composeCr(); c.putfield(CD_STATE, "cr", CD_int); }
                case SP_LR -> { c.aload(S); c.lload(LR); c.putfield(CD_STATE, "lr", CD_long); }
                case SP_CTR -> { c.aload(S); c.lload(CTR); c.putfield(CD_STATE, "ctr", CD_long); }
                case SP_SO -> { c.aload(S); c.iload(SO); c.putfield(CD_STATE, "so", CD_int); }
                case SP_OV -> { c.aload(S); c.iload(OV); c.putfield(CD_STATE, "ov", CD_int); }
                default -> { c.aload(S); c.iload(CA); c.putfield(CD_STATE, "ca", CD_int); }
            }
        }

        /** Writes back every register the region writes. */
        private void writeBack() {
            for (int r = 0; r < 32; r++) if (gprLoaded(r) && gprDirty(r)) storeGprToState(r);
            for (int b = 1; b <= SP_CA; b <<= 1) if (specialLoaded(b) && specialDirty(b)) storeSpecial(b);
            fp.writeBackFprs();
        }

        // ---- the method ------------------------------------------------------------------------

        void body(CodeBuilder code) {
            this.c = code;
            for (int i = 0; i < PAGE_WORDS; i++) if (posOf[i] >= 0 && p.startsBlock(i)) at[i] = c.newLabel();
            exit = c.newLabel();
            exitKeep = c.newLabel();
            exitEnder = c.newLabel();
            Label tryStart = c.newLabel(), tryEnd = c.newLabel(), handler = c.newLabel();
            c.aload(S); c.getfield(CD_STATE, "gpr", CD_LONGS); c.astore(GPRS);
            // the CPU's interrupt state (a final field) in a local: the back edges' poll of its
            // volatile flag then needs no reload of the field after each poll
            c.aload(S); c.getfield(CD_STATE, "pending", CD_PENDING); c.astore(PEND);
            mem.memoryLocals();
            for (int r = 0; r < 32; r++) if (gprLoaded(r)) loadGprFromState(r);
            for (int b = 1; b <= SP_CA; b <<= 1) if (specialLoaded(b)) loadSpecial(b);
            fp.loadFprs();
            c.aload(S); c.getfield(CD_STATE, "retired", CD_long); c.lstore(N);
            c.iconst_0(); c.istore(BO);
            // placeholders the verifier sees assigned on every path into the tails
            c.lconst_0(); c.lstore(EA);
            // entry dispatch: the first block must fit before the event boundary
            Label none = c.newLabel(), other = hot ? c.newLabel() : none;
            List<SwitchCase> cases = new ArrayList<>();
            Label[] checks = new Label[switchEntries.length];
            for (int e = 0; e < switchEntries.length; e++) {
                checks[e] = c.newLabel();
                cases.add(SwitchCase.of(switchEntries[e], checks[e]));
            }
            c.iload(ENTRY);
            c.loadConstant(2);
            c.iushr();
            c.lookupswitch(other, cases);
            for (int e = 0; e < switchEntries.length; e++) {
                int i = switchEntries[e];
                c.labelBinding(checks[e]);
                roomBelow(reach[i], none);
                c.goto_(at[i]);
            }
            c.labelBinding(none);
            c.loadConstant(Region.NO_ROOM);
            c.ireturn();
            if (hot) {                           // a block that is no entry here: nothing ran
                c.labelBinding(other);
                c.loadConstant(Region.NOT_ENTERED);
                c.ireturn();
            }

            c.labelBinding(tryStart);
            for (int k = 0; k < p.length(); k++) instruction(k);
            c.labelBinding(tryEnd);

            // exit through a branch or transfer: PC, NIA and the count from the locals; nothing else
            // changed, so the interpreter may chain to the next region
            c.labelBinding(exit);
            writeBack();
            c.aload(S); c.lload(XPC); c.putfield(CD_STATE, "pc", CD_long);
            c.aload(S); c.lload(XNIA); c.putfield(CD_STATE, "nia", CD_long);
            c.aload(S); c.lload(XRET); c.putfield(CD_STATE, "retired", CD_long);
            c.loadConstant(Region.LINKED);
            c.ireturn();
            // exit after a handler raised an interrupt: PC and NIA are already set
            c.labelBinding(exitKeep);
            writeBack();
            c.aload(S); c.lload(XRET); c.putfield(CD_STATE, "retired", CD_long);
            c.loadConstant(Region.DISPATCH);
            c.ireturn();
            // exit through an instruction that ends a block, run by its handler with the full bookkeeping
            c.labelBinding(exitEnder);
            writeBack();
            c.aload(S); c.lload(XPC); c.putfield(CD_STATE, "pc", CD_long);
            c.aload(S); c.lload(XNIA); c.putfield(CD_STATE, "nia", CD_long);
            c.aload(S); c.lload(XRET); c.putfield(CD_STATE, "retired", CD_long);
            c.aload(XOP); c.aload(S); c.iload(XW);
            c.invokeinterface(CD_OP, "exec", EXEC);
            c.loadConstant(Region.DISPATCH);
            c.ireturn();
            // a fault (or a handler bug): count the instructions before PC's, write back, rethrow
            c.labelBinding(handler);
            c.astore(EXC);
            c.aload(S);
            c.lload(N);
            c.aload(S); c.getfield(CD_STATE, "pc", CD_long); c.lload(PCBASE); c.lsub(); c.l2i();
            c.loadConstant(2); c.ishr();
            c.iload(BO); c.isub(); c.i2l(); c.ladd();
            c.putfield(CD_STATE, "retired", CD_long);
            writeBack();
            c.aload(EXC);
            c.athrow();
            c.exceptionCatchAll(tryStart, tryEnd, handler);
        }

        /** if (s.limit - n < len) goto target. */
        private void roomBelow(int len, Label target) {
            c.aload(S); c.getfield(CD_STATE, "limit", CD_long);
            c.lload(N);
            c.lsub();
            c.loadConstant((long) len);
            c.lcmp();
            c.iflt(target);
        }

        private void pcOf(int i) {
            c.lload(PCBASE);
            if (i != 0) { c.loadConstant(4L * i); c.ladd(); }
        }

        @Override public void maskTop() {
            if (!cm) { c.loadConstant(0xFFFFFFFFL); c.land(); }
        }

        private void setPc(int i) {
            c.aload(S); pcOf(i); c.putfield(CD_STATE, "pc", CD_long);
        }

        /** Index of instruction k in its block. */
        private int inBlock(int k) { return k - blockOf[k]; }

        /** exit-count = n + (k's index in its block). */
        private void countBefore(int k) {
            c.lload(N);
            int d = inBlock(k);
            if (d != 0) { c.loadConstant((long) d); c.ladd(); }
            c.lstore(XRET);
        }

        /** Exit after instruction k with NIA = the long on the stack. */
        private void exitWithNia(int k) {
            countBefore(k);
            exitCounted(k);
        }

        /** Exit after instruction k with NIA on the stack, the count already in its local. */
        private void exitCounted(int k) {
            c.lstore(XNIA);
            pcOf(p.index[k]); c.lstore(XPC);
            c.goto_(exit);
        }

        /**
         * Control goes from instruction k (done) to page word t. Inside the region, only a
         * backward transfer (and an entry) checks the event boundary, against the longest run of
         * forward transfers from its target ({@link #reach}): so a forward transfer needs no check,
         * and a budget or timer event still never falls inside a block (nothing but an instruction
         * that ends a block, which leaves the region, changes {@link CpuState#limit}). Near the
         * boundary the region leaves a little early and the interpreter runs the rest exactly.
         */
        private void transfer(int k, int t) {
            int i = p.index[k];
            if (t > i && t < PAGE_WORDS && posOf[t] >= 0 && at[t] != null) {
                forward.add(new int[] {p.index[blockOf[k]], t});
                countBefore(k);
                c.lload(XRET); c.lconst_1(); c.ladd(); c.lstore(N);
                c.goto_(at[t]);
            } else if (t >= 0 && t < PAGE_WORDS && posOf[t] >= 0 && at[t] != null) {
                Label leave = c.newLabel(), go = c.newLabel();
                countBefore(k);
                // backward: interrupts raised by the host or other CPUs, kicks; then the boundary
                c.aload(PEND);
                c.getfield(CD_PENDING, "attention", CD_boolean);
                c.ifne(leave);
                c.aload(S); c.getfield(CD_STATE, "limit", CD_long);
                c.lload(XRET); c.lconst_1(); c.ladd(); c.dup2(); c.lstore(N);
                c.lsub();
                c.loadConstant((long) reach[t]);
                c.lcmp();
                c.ifge(go);
                c.labelBinding(leave);
                pcOf(t); maskTop();
                exitCounted(k);
                c.labelBinding(go);
                c.goto_(at[t]);
            } else {
                c.lload(PCBASE);
                c.loadConstant(4L * t);
                c.ladd();
                maskTop();
                exitWithNia(k);
            }
        }

        /** After straight-line instruction k: on to the next word. */
        private void next(int k) {
            int i = p.index[k];
            int t = i + 1;
            if (t < PAGE_WORDS && posOf[t] >= 0 && !p.startsBlock(t)) return;   // falls through
            transfer(k, t);
        }

        // ---- instructions ---------------------------------------------------------------------

        private void instruction(int k) {
            int i = p.index[k], w = p.words[k];
            current = k;
            if (p.startsBlock(i)) {
                c.labelBinding(at[i]);
                c.loadConstant(i);
                c.istore(BO);
            }
            String name = table.name(w);
            if (isBranch(name)) {
                branch(k, name, w);
                return;
            }
            if (!goesOn(table, name, w)) {
                ender(k, w);
                return;
            }
            if (!fp.emit(k, name, w) && !crs.emit(name, w) && !inline(k, name, w)) straightFallback(k, name, w);
            next(k);
        }

        // ---- what the FP emitter uses ---------------------------------------------------------

        @Override public CodeBuilder code() { return c; }
        @Override public void pushHandler(int k) { fallback[k] = true; c.getstatic(self, "op" + k, CD_OP); }
        @Override public void setPcOf(int k) { setPc(p.index[k]); }
        @Override public void leaveInterrupted(int k) { countBefore(k); c.goto_(exitKeep); }
        @Override public void loadCr() { ldCr(); }
        @Override public void storeCr() { stCr(); }
        @Override public void loadCrField(int f) {
            usedSpecial[0] |= SP_CR;
            if ((splitFields() & (1 << f)) != 0) { fieldNibble(f); return; }
            c.iload(CR);
            if (f != 7) { c.loadConstant(28 - 4 * f); c.iushr(); }
            c.loadConstant(0xF); c.iand();
        }
        @Override public void storeCrField(int f) {
            crFields[0] |= 1 << f;
            usedSpecial[0] |= SP_CR; writtenSpecial[0] |= SP_CR;
            if ((splitFields() & (1 << f)) != 0) { storeFieldNibble(f); return; }
            int shift = 28 - 4 * f;
            if (shift != 0) { c.loadConstant(shift); c.ishl(); }
            c.iload(CR); c.loadConstant(~(0xF << shift)); c.iand(); c.ior(); c.istore(CR);
        }
        @Override public void loadGpr(int r) { ldg(r); }
        @Override public void storeGpr(int r) { stg(r); }
        @Override public void spillCr() { usedSpecial[0] |= SP_CR; if (specialDirty(SP_CR)) storeSpecial(SP_CR); }
        @Override public void reloadCr() { loadSpecial(SP_CR); }
        @Override public void fallback(int k, String name, int w) { straightFallback(k, name, w); }
        @Override public void leaveToNext(int k) { pcOf(p.index[k] + 1); maskTop(); exitWithNia(k); }
        @Override public ClassDesc self() { return self; }

        @Override public boolean hot() { return hot; }

        /** Block-ending instruction run by its handler: the region exits through it. */
        private void ender(int k, int w) {
            fallback[k] = true;
            pcOf(p.index[k]); c.lstore(XPC);
            pcOf(p.index[k] + 1); maskTop(); c.lstore(XNIA);
            countBefore(k);
            c.getstatic(self, "op" + k, CD_OP); c.astore(XOP);
            c.loadConstant(w); c.istore(XW);
            c.goto_(exitEnder);
        }

        private void straightFallback(int k, String name, int w) {
            fallback[k] = true;
            boolean all = ALL_GPRS.contains(name);
            int touched = all ? -1 : (1 << rt(w)) | (1 << ra(w)) | (1 << rb(w));
            // spill what the handler may read, reload what it may write
            for (int r = 0; r < 32; r++) {
                if ((touched & (1 << r)) == 0) continue;
                usedGpr[0] |= 1L << r;
                if (gprDirty(r)) storeGprToState(r);
            }
            usedSpecial[0] |= SP_ALL;
            for (int b = 1; b <= SP_CA; b <<= 1) if (specialDirty(b)) storeSpecial(b);
            fp.beforeHandler(name, w);
            setPc(p.index[k]);
            // an emitted store before it may have copied its page and set nia (CpuState.copied),
            // which ends blocks but means nothing to a region: only this handler's nia counts
            c.aload(S); c.loadConstant(Interpreter.STRAIGHT); c.putfield(CD_STATE, "nia", CD_long);
            c.getstatic(self, "op" + k, CD_OP);
            c.aload(S);
            c.loadConstant(w);
            c.invokeinterface(CD_OP, "exec", EXEC);
            for (int r = 0; r < 32; r++) if ((touched & (1 << r)) != 0) loadGprFromState(r);
            for (int b = 1; b <= SP_CA; b <<= 1) loadSpecial(b);
            fp.afterHandler(name, w);
            Label straight = c.newLabel();
            c.aload(S); c.getfield(CD_STATE, "nia", CD_long);
            c.loadConstant(Interpreter.STRAIGHT);
            c.lcmp();
            c.ifeq(straight);
            countBefore(k);
            c.goto_(exitKeep);
            c.labelBinding(straight);
            mem.codeCheck(k);                       // it may have stored (stmw, stfd, dcbz, stwcx. ...)
        }

        /** Pushes the record-form CR0 update of the long on top of the stack (consumed). */
        private void cr0() {
            // as bytecode: a call would not be inlined in a large region
            c.lstore(T3);
            crFieldFrom(0, () -> {
                c.lload(T3);
                if (!cm) { c.l2i(); c.i2l(); }
                c.lconst_0();
            });
        }

        /**
         * CR field {@code bf} := LT/GT/EQ of the compare of the two longs {@code operands} pushes
         * (signed: lcmp), SO copied in, as {@link FixedPoint}'s cmp does. The lcmp result c
         * (-1, 0, 1) picks 8, 2 or 4 as the nibble of 0x428 at 4(c + 1).
         */
        private void crFieldFrom(int bf, Runnable operands) {
            int shift = 28 - 4 * bf;
            crFields[0] |= 1 << bf;
            boolean split = (splitFields() & (1 << bf)) != 0;
            if (split && cmpForm()) {
                // the field as its compare: the operands and SO, no nibble computed here
                usedSpecial[0] |= SP_CR; writtenSpecial[0] |= SP_CR;
                operands.run();
                c.lstore(CRB + 2 * bf); c.lstore(CRA + 2 * bf);
                ldI(SP_SO, SO); c.istore(CRF + bf);
                compareAt = current;
                compareField = bf;
                compareOperands = operands;
                return;
            }
            if (!split) { ldCr(); c.loadConstant(~(0xF << shift)); c.iand(); }
            c.loadConstant(0x428);
            operands.run();
            c.lcmp();
            c.iconst_1(); c.iadd(); c.iconst_2(); c.ishl();
            c.iushr();
            c.loadConstant(0xF); c.iand();
            ldI(SP_SO, SO); c.ior();
            if (split) {
                usedSpecial[0] |= SP_CR; writtenSpecial[0] |= SP_CR;
                c.istore(CRF + bf);
            } else {
                if (shift != 0) { c.loadConstant(shift); c.ishl(); }
                c.ior();
                stCr();
            }
            compareAt = current;
            compareField = bf;
            compareOperands = operands;
        }

        /**
         * The compare whose LT/GT/EQ bit {@code bi} a branch at k tests, when it is the instruction
         * just before k in the same block (k no entry): its operands are still in their locals.
         */
        private Runnable fusedCompare(int k, int bi) {
            int i = p.index[k];
            boolean adjacent = k > 0 && compareAt == k - 1 && p.index[k - 1] == i - 1 && !p.startsBlock(i);
            return adjacent && bi / 4 == compareField && bi % 4 != 3 ? compareOperands : null;
        }

        /** Stores the long on the stack into GPR r, and CR0 when rc. */
        private void result(int r, boolean rc) {
            if (rc) { c.dup2(); stg(r); cr0(); } else stg(r);
        }

        private void ops(String m, MethodTypeDesc t) { c.invokestatic(CD_OPS, m, t); }

        private static final MethodTypeDesc J_JJ = MethodTypeDesc.of(CD_long, CD_long, CD_long);
        private static final MethodTypeDesc J_JI = MethodTypeDesc.of(CD_long, CD_long, CD_int);
        private static final MethodTypeDesc I_JI = MethodTypeDesc.of(CD_int, CD_long, CD_int);
        private static final MethodTypeDesc I_JJJI = MethodTypeDesc.of(CD_int, CD_long, CD_long, CD_long, CD_int);

        /** r = a + b + cin with CA; a and b pushed by the caller into T1, T2; cin: 0, 1 or -1 (= CA). */
        private void addCarry(int rt, int cin, boolean rc) {
            c.lload(T1); c.lload(T2); c.ladd();
            if (cin == 1) { c.lconst_1(); c.ladd(); }
            else if (cin < 0) { ldI(SP_CA, CA); c.i2l(); c.ladd(); }
            c.lstore(T3);
            c.lload(T1); c.lload(T2); c.lload(T3); c.loadConstant(cm ? 63 : 31);
            ops("carry", I_JJJI);
            stI(SP_CA, CA);
            c.lload(T3);
            result(rt, rc);
        }

        private boolean inline(int k, String name, int w) {
            int rt = rt(w), ra = ra(w), rb = rb(w);
            boolean rc = rc(w);
            switch (name) {
                case "addi" -> { ldRa0(ra); c.loadConstant((long) si(w)); c.ladd(); stg(rt); }
                case "addis" -> { ldRa0(ra); c.loadConstant((long) si(w) << 16); c.ladd(); stg(rt); }
                case "add", "subf", "neg", "mullw", "divw", "divwu" -> {
                    if (oe(w)) return false;
                    switch (name) {
                        case "add" -> { ldg(ra); ldg(rb); c.ladd(); }
                        case "subf" -> { ldg(rb); ldg(ra); c.lsub(); }
                        case "neg" -> { c.lconst_0(); ldg(ra); c.lsub(); }
                        case "mullw" -> { ldg(ra); c.l2i(); c.i2l(); ldg(rb); c.l2i(); c.i2l(); c.lmul(); }
                        default -> { ldg(ra); ldg(rb); ops(name, J_JJ); }
                    }
                    result(rt, rc);
                }
                case "addc", "adde", "addze", "addme", "subfc", "subfe", "subfze", "subfme" -> {
                    if (oe(w)) return false;
                    ldg(ra);
                    if (name.startsWith("subf")) { c.loadConstant(-1L); c.lxor(); }
                    c.lstore(T1);
                    String op = name.startsWith("subf") ? name.substring(4) : name.substring(3);
                    switch (op) {
                        case "c", "e" -> ldg(rb);
                        case "me" -> c.loadConstant(-1L);
                        default -> c.lconst_0();
                    }
                    c.lstore(T2);
                    addCarry(rt, name.equals("addc") ? 0 : name.equals("subfc") ? 1 : -1, rc);
                }
                case "addic", "addic.", "subfic" -> {
                    ldg(ra);
                    if (name.equals("subfic")) { c.loadConstant(-1L); c.lxor(); }
                    c.lstore(T1);
                    c.loadConstant((long) si(w)); c.lstore(T2);
                    addCarry(rt, name.equals("subfic") ? 1 : 0, name.equals("addic."));
                }
                case "mulli" -> { ldg(ra); c.loadConstant((long) si(w)); c.lmul(); stg(rt); }
                case "mulhw", "mulhwu" -> { ldg(ra); ldg(rb); ops(name, J_JJ); result(rt, rc); }
                case "and", "andc", "or", "orc", "xor", "nand", "nor", "eqv" -> {
                    int rs = rt;
                    ldg(rs); ldg(rb);
                    if (name.equals("andc") || name.equals("orc")) { c.loadConstant(-1L); c.lxor(); }
                    switch (name) {
                        case "and", "andc", "nand" -> c.land();
                        case "or", "orc", "nor" -> c.lor();
                        default -> c.lxor();
                    }
                    if (name.equals("nand") || name.equals("nor") || name.equals("eqv")) { c.loadConstant(-1L); c.lxor(); }
                    result(ra, rc);
                }
                case "andi.", "andis.", "ori", "oris", "xori", "xoris" -> {
                    long imm = name.endsWith("s.") || name.endsWith("is") ? (long) ui(w) << 16 : ui(w);
                    ldg(rt); c.loadConstant(imm);
                    switch (name.charAt(0)) {
                        case 'a' -> c.land();
                        case 'o' -> c.lor();
                        default -> c.lxor();
                    }
                    result(ra, name.startsWith("and"));
                }
                case "extsb", "extsh" -> {
                    ldg(rt); c.l2i();
                    if (name.equals("extsb")) c.i2b(); else c.i2s();
                    c.i2l();
                    result(ra, rc);
                }
                case "rldicl", "rldicr", "rldic", "rldimi" -> {
                    if (!p.has64) return false;
                    int sh = sh6(w), mb = mb6(w);
                    long m = switch (name) {
                        case "rldicl" -> FixedPoint.mask64(mb, 63);
                        case "rldicr" -> FixedPoint.mask64(0, mb);
                        default -> FixedPoint.mask64(mb, 63 - sh);
                    };
                    ldg(rt); c.loadConstant(sh);
                    c.invokestatic(CD_Long, "rotateLeft", MethodTypeDesc.of(CD_long, CD_long, CD_int));
                    c.loadConstant(m); c.land();
                    if (name.equals("rldimi")) { ldg(ra); c.loadConstant(~m); c.land(); c.lor(); }
                    result(ra, rc);
                }
                case "mulld", "divd", "divdu" -> {
                    if (!p.has64 || oe(w)) return false;
                    ldg(ra); ldg(rb);
                    if (name.equals("mulld")) c.lmul(); else ops(name, J_JJ);
                    result(rt, rc);
                }
                case "mulhd", "mulhdu" -> {
                    if (!p.has64) return false;
                    ldg(ra); ldg(rb);
                    c.invokestatic(ClassDesc.of("java.lang.Math"), name.equals("mulhd") ? "multiplyHigh" : "unsignedMultiplyHigh", J_JJ);
                    result(rt, rc);
                }
                case "cntlzd" -> {
                    if (!p.has64) return false;
                    ldg(rt);
                    c.invokestatic(CD_Long, "numberOfLeadingZeros", MethodTypeDesc.of(CD_int, CD_long));
                    c.i2l();
                    result(ra, rc);
                }
                case "sld", "srd" -> {
                    if (!p.has64) return false;
                    ldg(rt); ldg(rb); ops(name, J_JJ); result(ra, rc);
                }
                case "srad", "sradi" -> {
                    if (!p.has64) return false;
                    if (name.equals("srad")) { ldg(rb); c.l2i(); c.loadConstant(0x7f); c.iand(); }
                    else c.loadConstant(sh6(w));
                    c.istore(TI1);
                    ldg(rt); c.iload(TI1); ops("sradCa", I_JI); c.istore(TI2);
                    ldg(rt); c.iload(TI1); ops("srad", J_JI);
                    c.iload(TI2); stI(SP_CA, CA);
                    result(ra, rc);
                }
                case "extsw" -> {
                    if (!p.has64) return false;
                    ldg(rt); c.l2i(); c.i2l(); result(ra, rc);
                }
                case "cntlzw" -> {
                    ldg(rt); c.l2i();
                    c.invokestatic(CD_Integer, "numberOfLeadingZeros", MethodTypeDesc.of(CD_int, CD_int));
                    c.i2l();
                    result(ra, rc);
                }
                case "rlwinm", "rlwnm", "rlwimi" -> {
                    long m = FixedPoint.mask64(mb(w) + 32, me(w) + 32);
                    // ROTL32 as int shifts; the low word replicated
                    // into the high one only when the mask keeps high bits
                    if (name.equals("rlwnm")) {
                        ldg(rb); c.l2i(); c.istore(TI1);
                        ldg(rt); c.l2i(); c.istore(TI2);
                        c.iload(TI2); c.iload(TI1); c.ishl();
                        c.iload(TI2); c.iload(TI1); c.ineg(); c.iushr();
                        c.ior();
                    } else {
                        ldg(rt); c.l2i();
                        if (sh(w) != 0) {
                            c.dup(); c.loadConstant(sh(w)); c.ishl();
                            c.swap(); c.loadConstant(32 - sh(w)); c.iushr();
                            c.ior();
                        }
                    }
                    c.i2l();
                    if ((m >>> 32) != 0) { c.loadConstant(0xFFFFFFFFL); c.land(); c.dup2(); c.loadConstant(32); c.lshl(); c.lor(); }
                    c.loadConstant(m); c.land();
                    if (name.equals("rlwimi")) { ldg(ra); c.loadConstant(~m); c.land(); c.lor(); }
                    result(ra, rc);
                }
                case "slw", "srw" -> { ldg(rt); ldg(rb); ops(name, J_JJ); result(ra, rc); }
                case "sraw", "srawi" -> {
                    if (name.equals("sraw")) { ldg(rb); c.l2i(); c.loadConstant(0x3f); c.iand(); }
                    else c.loadConstant(sh(w));
                    c.istore(TI1);
                    ldg(rt); c.iload(TI1); ops("srawCa", I_JI); c.istore(TI2);
                    ldg(rt); c.iload(TI1); ops("sraw", J_JI);
                    c.iload(TI2); stI(SP_CA, CA);
                    result(ra, rc);
                }
                case "cmp", "cmpl", "cmpi", "cmpli" -> {
                    boolean wide = l(w) == 1;
                    if (wide && !p.has64) return false;
                    boolean logical = name.startsWith("cmpl");
                    // unsigned: both operands biased by 2^63, then a signed compare
                    crFieldFrom(bf(w), () -> {
                        ldg(ra); narrow(wide, logical);
                        if (logical) { c.loadConstant(Long.MIN_VALUE); c.ladd(); }
                        if (name.equals("cmp") || name.equals("cmpl")) {
                            ldg(rb); narrow(wide, logical);
                            if (logical) { c.loadConstant(Long.MIN_VALUE); c.ladd(); }
                        } else {
                            c.loadConstant(logical ? (long) ui(w) + Long.MIN_VALUE : (long) si(w));
                        }
                    });
                }
                case "mfspr" -> {
                    switch (spr(w)) {
                        case Spr.LR -> ldL(SP_LR, LR);
                        case Spr.CTR -> ldL(SP_CTR, CTR);
                        default -> {
                            ldI(SP_SO, SO); ldI(SP_OV, OV); ldI(SP_CA, CA);
                            c.aload(S); c.getfield(CD_STATE, "xerRest", CD_long);
                            ops("xer", MethodTypeDesc.of(CD_long, CD_int, CD_int, CD_int, CD_long));
                        }
                    }
                    stg(rt);
                }
                case "mtspr" -> {
                    switch (spr(w)) {
                        case Spr.LR -> { ldg(rt); stL(SP_LR, LR); }
                        case Spr.CTR -> { ldg(rt); stL(SP_CTR, CTR); }
                        default -> {
                            ldg(rt); c.loadConstant(31); c.lushr(); c.l2i(); c.iconst_1(); c.iand(); stI(SP_SO, SO);
                            ldg(rt); c.loadConstant(30); c.lushr(); c.l2i(); c.iconst_1(); c.iand(); stI(SP_OV, OV);
                            ldg(rt); c.loadConstant(29); c.lushr(); c.l2i(); c.iconst_1(); c.iand(); stI(SP_CA, CA);
                            c.aload(S);
                            ldg(rt); c.loadConstant(~0xE0000000L & 0xFFFFFFFFL); c.land();
                            c.putfield(CD_STATE, "xerRest", CD_long);
                        }
                    }
                }
                default -> { return mem.emit(k, name, w); }
            }
            return true;
        }

        /** Narrows the compare operand on the stack to 32 bits unless L=1. */
        private void narrow(boolean wide, boolean logical) {
            if (wide) return;
            if (logical) { c.loadConstant(0xFFFFFFFFL); c.land(); }
            else { c.l2i(); c.i2l(); }
        }

        /** b, bc, bclr, bcctr (bcctr with BO[2]=0, an invalid form, is left to its handler). */
        private void branch(int k, String name, int w) {
            int i = p.index[k];
            if (name.equals("bcctr") && (bo(w) & 0x04) == 0) {
                ender(k, w);
                return;
            }
            if (name.equals("b")) {
                if (lk(w)) { pcOf(i + 1); maskTop(); stL(SP_LR, LR); }
                if (aa(w)) {
                    c.loadConstant((long) li(w)); maskTop();
                    exitWithNia(k);
                } else {
                    transfer(k, i + (li(w) >> 2));
                }
                return;
            }
            int bo = bo(w);
            if (name.equals("bclr")) { ldL(SP_LR, LR); c.loadConstant(~3L); c.land(); c.lstore(T1); }
            if (name.equals("bcctr")) { ldL(SP_CTR, CTR); c.loadConstant(~3L); c.land(); c.lstore(T1); }
            if (lk(w)) { pcOf(i + 1); maskTop(); stL(SP_LR, LR); }
            Label not = c.newLabel();
            boolean conditional = false;
            if ((bo & 0x04) == 0) {
                conditional = true;
                ldL(SP_CTR, CTR); c.lconst_1(); c.lsub(); c.dup2(); stL(SP_CTR, CTR);
                maskTop();
                c.lconst_0(); c.lcmp();
                if ((bo & 0x02) != 0) c.ifne(not); else c.ifeq(not);
            }
            if ((bo & 0x10) == 0) {
                conditional = true;
                boolean set = ((bo >>> 3) & 1) != 0;
                Runnable fused = fusedCompare(k, bi(w));
                if (fused != null) {
                    // cmp + bc as a compare and a branch: the same lcmp the CR field came from
                    fused.run();
                    branchUnless(bi(w) % 4, set, not);
                } else if ((splitFields() & (1 << (bi(w) / 4))) != 0 && cmpForm()) {
                    usedSpecial[0] |= SP_CR;
                    int f = bi(w) / 4, j = bi(w) % 4;
                    c.iload(CRF + f); c.loadConstant(8 >>> j); c.iand();
                    if (j == 3) {
                        // SO: X's bit alone (A against B never sets it)
                        if (set) c.ifeq(not); else c.ifne(not);
                    } else {
                        // the bit of A against B, inverted when X has it (a nibble no compare gives)
                        Label flipped = c.newLabel(), go = c.newLabel();
                        c.ifne(flipped);
                        c.lload(CRA + 2 * f); c.lload(CRB + 2 * f); branchUnless(j, set, not);
                        c.goto_(go);
                        c.labelBinding(flipped);
                        c.lload(CRA + 2 * f); c.lload(CRB + 2 * f); branchUnless(j, !set, not);
                        c.labelBinding(go);
                    }
                } else if ((splitFields() & (1 << (bi(w) / 4))) != 0) {
                    usedSpecial[0] |= SP_CR;
                    c.iload(CRF + bi(w) / 4); c.loadConstant(8 >>> (bi(w) % 4)); c.iand();
                    if (set) c.ifeq(not); else c.ifne(not);
                } else {
                    ldCr(); c.loadConstant(1 << (31 - bi(w))); c.iand();
                    if (set) c.ifeq(not); else c.ifne(not);
                }
            }
            if (name.equals("bc")) {
                if (aa(w)) { c.loadConstant((long) bd(w)); maskTop(); exitWithNia(k); }
                else transfer(k, i + (bd(w) >> 2));
            } else {
                c.lload(T1); maskTop();
                exitWithNia(k);
            }
            if (conditional) {
                c.labelBinding(not);
                transfer(k, i + 1);
            }
        }
    }
}
