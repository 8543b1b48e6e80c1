package epaprlab.ppc.exec;

import static epaprlab.ppc.decode.Fields.*;
import static java.lang.constant.ConstantDescs.*;

import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mmu.SoftTlb;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.Set;

/**
 * The loads and stores of a region as bytecode, and the code check after a store. Each access
 * has a fast path, the accessor's own (FLAT: inside RAM and naturally aligned; BOOK_E: a
 * software-TLB hit), reading or writing the page array of the memory's read or write table
 * directly; anything else sets PC and calls the {@link CpuState} accessor (devices, faults with
 * their ESR/DEAR, misaligned and page-crossing accesses, watchpoints, copy-on-write and code
 * pages through {@link CpuState#ramStore}), followed for a store by {@link #codeCheck}.
 */
final class RegionMemEmitter {
    /**
     * What the region's emitter lends besides {@link RegionHost}: the EA mask of the mode, the
     * generic handler call, an exit after an instruction and the region class (its words).
     */
    interface Host extends RegionHost {
        /** Masks the long on the stack to 32 bits unless MSR[CM]. */
        void maskTop();

        /** Runs instruction k by its handler (registers spilled and reloaded, exits if it interrupts). */
        void fallback(int k, String name, int w);

        /** Leaves the region after instruction k to its next word (NIA = its PC + 4). */
        void leaveToNext(int k);

        /** The region's class (its static {@code words}: the page words it holds, by bit). */
        ClassDesc self();

        /** True for a hot region's second translation (the region tier's tiering). */
        boolean hot();
    }

    private static final ClassDesc CD_STATE = ClassDesc.of(CpuState.class.getName());
    private static final ClassDesc CD_OPS = ClassDesc.of(RegionOps.class.getName());
    private static final ClassDesc CD_FPARITH = ClassDesc.of(FpArith.class.getName());
    private static final ClassDesc CD_LONGS = CD_long.arrayType();
    private static final ClassDesc CD_VH = ClassDesc.of(java.lang.invoke.VarHandle.class.getName());
    private static final ClassDesc CD_PAGE = CD_byte.arrayType();
    private static final ClassDesc CD_MEM = ClassDesc.of(GuestMemory.class.getName());
    private static final MethodTypeDesc TOUCHES = MethodTypeDesc.of(CD_boolean, CD_long, CD_long, CD_long, CD_LONGS);

    /** The region emitter's locals this one uses: the CPU, the page's physical base, EA (a long). */
    static final int S = 1, PABASE = 4, EA = 18;
    /**
     * Locals of the inline loads and stores, apart from the others: the memory's read and
     * write tables, {@link CpuState#slowMask} and the RAM size, which stay the same while a
     * region runs (FLAT/BOOK_E and watchpoints change between runs). In locals, not reloaded
     * from the CPU after each volatile read of the attention flag.
     */
    static final int MEM_RD = 200, MEM_WR = 201, MEM_SLOW = 202, MEM_SIZE = 204;
    /**
     * BOOK_E: the software TLB's load tags, store tags and addends (null in FLAT mode; the
     * arrays, not their entries, stay the same while a region runs), the RAM offset of a
     * hit and its index.
     */
    static final int MEM_SOFT_RD = 206, MEM_SOFT_WR = 207, MEM_SOFT_ADD = 208, MEM_PA = 209, MEM_IDX = 211;
    /**
     * FLAT: a load's page ({@link #flatCached}), the image's page table (set at method start:
     * replaced only while no CPU runs) and the memory (for {@link GuestMemory#codeEpoch}).
     */
    static final int MEM_PAGE = 215, MEM_IMG = 216, MEM_MEM = 234;
    /**
     * FLAT: the page cache, one owned page per slot ({@link #slot}): its tag (EA's page; -1 for
     * none), the page, its watched code lines as of {@link GuestMemory#codeEpoch} (-1 after a
     * load's fill: a store then takes the table path once and fills them) and that epoch.
     */
    private static final int[] TAG = {217, 212, 228}, OWN = {221, 214, 232}, LINES = {219, 223, 230}, EPOCH = {222, 225, 233};
    /**
     * Page-cache slots ({@code -Depaprlab.region-page-slots}, 1 to 3; default 2): slot 0 for
     * accesses based on r1 (the stack), the others by base register, so a stack access between
     * two accesses of a list or array does not evict their page. Coremix at 25 warm-up runs
     * (module README): 2 slots beat 1 on both cores; 3 beat 1 on e500mc but lost on e5500.
     */
    private static final int SLOTS = Integer.getInteger("epaprlab.region-page-slots", 2);

    /** The page-cache slot of an access based on GPR {@code ra} (0 for none). */
    private static int slot(int ra) {
        if (SLOTS == 1 || ra == 1) return 0;
        return SLOTS == 2 ? 1 : 1 + (ra & 1);
    }
    /**
     * Which translations give FLAT loads the page cache ({@code -Depaprlab.region-page-cache}):
     * {@code hot} (the default) only the hot forms of the region tier's tiering, {@code true}
     * every region, {@code false} none. In every region it raised coremix's CPU-MIPS by 3–20 %
     * but the short-guest suite's CPU time by 5–19 % in the sixth session's pairs (see the module
     * README): short guests never reach a hot form, long loops do. The region-tier test
     * execution runs with {@code true}.
     */
    private static final String PAGE_CACHE = System.getProperty("epaprlab.region-page-cache", "hot");

    /** True when this translation's FLAT loads use the page cache. */
    private boolean pageCache() {
        return switch (PAGE_CACHE) {
            case "true" -> true;
            case "false" -> false;
            default -> h.hot();
        };
    }

    private static final Set<String> LOADS = Set.of("lbz", "lhz", "lha", "lwz", "ld", "lwa", "lfd", "lfs");
    private static final Set<String> STORES = Set.of("stb", "sth", "stw", "std", "stfd", "stfs");

    private final Host h;
    private final RegionCompiler.Plan p;
    private final RegionFpEmitter fp;
    /** Pass 1's emitter (null in pass 1): whether pass 2 needs the {@link #memoryLocals}. */
    private final RegionMemEmitter facts;
    /** Pass 1: true when an inline load or store needs the {@link #memoryLocals}. */
    private boolean usesMemory;
    private CodeBuilder c;

    RegionMemEmitter(Host h, RegionCompiler.Plan p, RegionFpEmitter fp, RegionMemEmitter facts) {
        this.h = h;
        this.p = p;
        this.fp = fp;
        this.facts = facts;
    }

    /** Emits instruction k when it is a load or store handled here; false otherwise. */
    boolean emit(int k, String name, int w) {
        c = h.code();
        boolean x = false, update = false;
        String base = name;
        if (base.endsWith("x") && base.length() > 3) { x = true; base = base.substring(0, base.length() - 1); }
        if (base.endsWith("u") && base.length() > 2) { update = true; base = base.substring(0, base.length() - 1); }
        boolean load = LOADS.contains(base), store = STORES.contains(base);
        if (!load && !store) return false;
        boolean ds = base.equals("ld") || base.equals("lwa") || base.equals("std");
        if (ds && !p.has64) return false;
        int rt = rt(w), ra = ra(w);
        // lfd/stfd/lfs/stfs: FRT/FRS in their locals ({@link RegionFpEmitter}); with MSR[FP] = 0 their handler raises FP Unavailable
        boolean fp = base.endsWith("fd") || base.endsWith("fs");
        if (update && (ra == 0 || load && ra == rt && !fp)) return false;   // invalid form: the handler raises it
        Label fpDone = c.newLabel();
        if (fp) {
            Label on = c.newLabel();
            c.aload(S); c.getfield(CD_STATE, "msr", CD_long); c.loadConstant(epaprlab.ppc.cpu.Msr.FP); c.land();
            c.lconst_0(); c.lcmp(); c.ifne(on);
            h.fallback(k, name, w);
            c.goto_(fpDone);
            c.labelBinding(on);
        }
        // EA
        if (ra == 0) c.lconst_0(); else h.loadGpr(ra);
        if (x) h.loadGpr(rb(w));
        else c.loadConstant(ds ? (long) ds(w) : (long) d(w));
        c.ladd();
        h.maskTop();
        c.lstore(EA);
        usesMemory = true;
        int len = switch (base) {
            case "lbz", "stb" -> 1;
            case "lhz", "lha", "sth" -> 2;
            case "lwz", "lwa", "stw", "lfs", "stfs" -> 4;
            default -> 8;
        };
        Label slow = c.newLabel(), join = c.newLabel();
        if (load) {
            // fast: the page's bytes (FLAT: at EA; BOOK_E: at the software TLB's PA); slow:
            // the accessor (misses, devices, misaligned, faults)
            if (p.bookE) {
                softHit(len, MEM_SOFT_RD, slow);
                loadPage(len, MEM_PA);
            } else if (pageCache()) {
                flatCached(len, slow, slot(ra));
                loadFrom(len, MEM_PAGE);
            } else {
                flatCheck(len, slow);
                loadPage(len, EA);
            }
            c.goto_(join);
            c.labelBinding(slow);
            h.setPcOf(k);
            c.aload(S); c.lload(EA);
            c.invokevirtual(CD_STATE, "load" + 8 * len, MethodTypeDesc.of(len == 8 ? CD_long : CD_int, CD_long));
            c.labelBinding(join);
            // both paths leave the same low bytes (the fast one sign-extended, the slow one zero-extended)
            switch (base) {
                case "lbz" -> { c.loadConstant(0xFF); c.iand(); c.i2l(); }
                case "lhz" -> { c.loadConstant(0xFFFF); c.iand(); c.i2l(); }
                case "lha" -> { c.i2s(); c.i2l(); }
                case "lwz" -> { c.i2l(); c.loadConstant(0xFFFFFFFFL); c.land(); }
                case "lwa" -> c.i2l();
                case "lfs" -> c.invokestatic(CD_FPARITH, "toDouble", MethodTypeDesc.of(CD_long, CD_int));
                default -> { }
            }
            if (fp) this.fp.storeFpr(rt);
            else h.storeGpr(rt);
        } else {
            // fast: a write page (this RAM's own, not watched as code); slow: the accessor, then the code check
            Label slowPop = c.newLabel(), check = c.newLabel();
            if (p.bookE) {
                // BOOK_E: a software-TLB hit on a page with a write page; anything else (a
                // miss, no write page, devices, faults) the accessor, then the code check
                softHit(len, MEM_SOFT_WR, slow);
                storePage(len, MEM_PA, fp, rt, slowPop);
                c.goto_(join);
                c.labelBinding(slowPop);
                if (len > 1) c.pop2(); else c.pop();
                c.goto_(slow);
            } else {
                boolean cached = pageCache();
                if (cached) storeCached(len, fp, rt, slot(ra), join);
                flatCheck(len, slow);
                storePage(len, EA, fp, rt, slowPop);
                if (cached) fill(slot(ra));
                c.goto_(join);
                // no write page (not yet this RAM's own, or watched as code): EA is the RAM
                // offset, inside one page; ramStore copies on write, or writes beside the
                // code, or moves the code generation on and sets codeWritten
                c.labelBinding(slowPop);
                if (len > 1) c.pop2(); else c.pop();
                h.setPcOf(k);
                c.aload(S); c.lload(EA); c.loadConstant(len); stored(fp, rt, len);
                c.invokevirtual(CD_STATE, "ramStore", MethodTypeDesc.of(CD_void, CD_long, CD_int, CD_long));
                if (cached) fill(slot(ra));
                c.goto_(check);
            }
            c.labelBinding(slow);
            h.setPcOf(k);
            c.aload(S); c.lload(EA); stored(fp, rt, len);
            if (len == 8) c.invokevirtual(CD_STATE, "store64", MethodTypeDesc.of(CD_void, CD_long, CD_long));
            else { c.l2i(); c.invokevirtual(CD_STATE, "store" + 8 * len, MethodTypeDesc.of(CD_void, CD_long, CD_int)); }
            c.labelBinding(check);
            codeCheck(k);
            c.labelBinding(join);
        }
        if (update) { c.lload(EA); h.storeGpr(ra); }
        c.labelBinding(fpDone);
        return true;
    }

    /** Pushes the value a store writes: GPR or (fp) FPR {@code r}, as a long. */
    private void stored(boolean fp, int r, int len) {
        if (fp) this.fp.loadFpr(r); else h.loadGpr(r);
        // stfs: the architecture's non-arithmetic binary64-to-binary32 conversion (as its handler)
        if (fp && len == 4) { c.invokestatic(CD_FPARITH, "toSingle", MethodTypeDesc.of(CD_int, CD_long)); c.i2l(); }
    }

    /** At method start, when the region has inline loads or stores. */
    void memoryLocals() {
        c = h.code();
        if (facts != null && !facts.usesMemory) return;
        c.aload(S); c.getfield(CD_STATE, "rd", CD_PAGE.arrayType()); c.astore(MEM_RD);
        c.aload(S); c.getfield(CD_STATE, "wr", CD_PAGE.arrayType()); c.astore(MEM_WR);
        if (!p.bookE) {
            c.aload(S); c.getfield(CD_STATE, "slowMask", CD_long); c.lstore(MEM_SLOW);
            c.aload(S); c.getfield(CD_STATE, "ramSize", CD_long); c.lstore(MEM_SIZE);
            if (pageCache()) {
                // no page yet: -1 has the low 12 bits set, which no access's tag has
                for (int s = 0; s < SLOTS; s++) {
                    c.loadConstant(-1L); c.lstore(TAG[s]);
                    c.aconst_null(); c.astore(OWN[s]);
                    c.loadConstant(-1L); c.lstore(LINES[s]);
                    c.iconst_0(); c.istore(EPOCH[s]);
                }
                c.aload(S); c.getfield(CD_STATE, "mem", CD_MEM);
                c.dup(); c.astore(MEM_MEM);
                c.invokevirtual(CD_MEM, "imageTable", MethodTypeDesc.of(CD_PAGE.arrayType()));
                c.astore(MEM_IMG);
            }
            return;
        }
        c.aload(S); c.getfield(CD_STATE, "softRead", CD_LONGS); c.astore(MEM_SOFT_RD);
        c.aload(S); c.getfield(CD_STATE, "softWrite", CD_LONGS); c.astore(MEM_SOFT_WR);
        c.aload(S); c.getfield(CD_STATE, "softDataAddend", CD_LONGS); c.astore(MEM_SOFT_ADD);
        c.lconst_0(); c.lstore(MEM_PA);
        c.iconst_0(); c.istore(MEM_IDX);
    }

    /**
     * Goes to {@code slow} unless EA is a FLAT access of {@code len} bytes inside RAM and
     * naturally aligned (so inside one page): {@link CpuState#load32}'s own test, with the
     * EA's low bits shifted to the top and BOOK_E's (or a watch's) slow mask ORed in.
     */
    private void flatCheck(int len, Label slow) {
        c.lload(EA);
        if (len > 1) { c.lload(EA); c.loadConstant(64 - Integer.numberOfTrailingZeros(len)); c.lshl(); c.lor(); }
        c.lload(MEM_SLOW); c.lor();
        // unsigned compare as a signed one of both sides biased by 2^63: a call of
        // Long.compareUnsigned is not inlined by C1 ("callee uses too much stack"), whose
        // code runs the region until C2 has compiled it
        c.loadConstant(Long.MIN_VALUE); c.ladd();
        c.lload(MEM_SIZE); c.loadConstant(Long.MIN_VALUE - len); c.ladd();
        c.lcmp();
        c.ifgt(slow);
    }

    /**
     * Pushes EA's page tag for an access of {@code len} bytes: EA's page, with EA's low bits
     * shifted to the top when it is not naturally aligned (so such an access never equals a tag).
     */
    private void tag(int len) {
        c.lload(EA);
        if (len > 1) { c.lload(EA); c.loadConstant(64 - Integer.numberOfTrailingZeros(len)); c.lshl(); c.lor(); }
        c.loadConstant(~(long) GuestMemory.PAGE_MASK); c.land();
    }

    /**
     * A FLAT load's page into {@link #MEM_PAGE}, or goes to {@code slow} as {@link #flatCheck}.
     * The page cache first: when EA's tag equals slot {@code s}'s, the page is the slot's
     * (no bounds test, no table load: the pointer chase of a list walk loses one dependent load).
     * Otherwise the bounds test and the read table, and when the page is this RAM's own (its
     * read-table entry differs from the image's, {@link GuestMemory#imageTable}: it then stays the
     * same array until a snapshot or reset, which never happen while a CPU of this RAM runs) it
     * becomes the slot's, also when it is watched as code (coremix's data shares its page
     * with code; its lines are left unknown, -1, for stores). A page shared with an image is never cached: a first write, by this CPU's
     * slow path or by another CPU, replaces its read-table entry.
     * The cache holds for the whole run of the method (entries, back edges, handler calls):
     * nothing a region can run replaces an owned page, and the slow mask (BOOK_E, watchpoints)
     * changes only between runs, so a hit is exactly the accessor's fast path.
     */
    private void flatCached(int len, Label slow, int s) {
        Label miss = c.newLabel(), have = c.newLabel();
        tag(len);
        c.lload(TAG[s]); c.lcmp(); c.ifne(miss);
        c.aload(OWN[s]); c.astore(MEM_PAGE);
        c.goto_(have);
        c.labelBinding(miss);
        flatCheck(len, slow);
        holdIfOwn(s, have);
        c.loadConstant(-1L); c.lstore(LINES[s]);
        c.labelBinding(have);
    }

    /**
     * With EA a RAM offset: leaves EA's page (read table) in MEM_PAGE, and when it is this RAM's
     * own rather than the image's (shared, copy-on-write) puts it and EA's tag in slot
     * {@code s}; otherwise goes to {@code notOwn}.
     */
    private void holdIfOwn(int s, Label notOwn) {
        ramPage(MEM_RD, EA);
        c.dup(); c.astore(MEM_PAGE);
        ramPage(MEM_IMG, EA);
        c.if_acmpeq(notOwn);
        c.aload(MEM_PAGE); c.astore(OWN[s]);
        c.lload(EA); c.loadConstant(~(long) GuestMemory.PAGE_MASK); c.land(); c.lstore(TAG[s]);
    }

    /**
     * A FLAT store through page-cache slot {@code s}: when EA's tag (aligned: {@link #tag})
     * equals the slot's, the memory's {@link GuestMemory#codeEpoch} is the one the slot's lines
     * were read at, and EA's 64-byte line (a naturally aligned access lies in one) is not
     * watched as code, writes the cached page and goes to {@code done}: exactly what the write
     * table or {@link GuestMemory#dataPage} would do (an owned page, not over code), with no
     * table load, and no code check (no watched line was written). Otherwise falls through.
     * Another CPU's {@link GuestMemory#watchCode} moves the epoch on, so its lines are never
     * written past; it is read at every store, as the write table's entry was.
     */
    private void storeCached(int len, boolean fp, int rt, int s, Label done) {
        Label miss = c.newLabel();
        tag(len);
        c.lload(TAG[s]); c.lcmp(); c.ifne(miss);
        c.aload(MEM_MEM); c.invokevirtual(CD_MEM, "codeEpoch", MethodTypeDesc.of(CD_int));
        c.iload(EPOCH[s]); c.if_icmpne(miss);
        c.lload(LINES[s]); c.lload(EA); c.loadConstant(GuestMemory.LINE_SHIFT); c.lushr(); c.l2i(); c.lushr();
        c.l2i(); c.iconst_1(); c.iand(); c.ifne(miss);
        if (len > 1) c.getstatic(CD_STATE, len == 2 ? "U16" : len == 4 ? "U32" : "U64", CD_VH);
        c.aload(OWN[s]);
        storeInto(len, fp, rt);
        c.goto_(done);
        c.labelBinding(miss);
    }

    /**
     * After a FLAT store that passed {@link #flatCheck} (so EA is the RAM offset): when its page
     * is now this RAM's own, slot {@code s} holds it with its watched lines, read after the
     * epoch (see {@link GuestMemory#codeLines}).
     */
    private void fill(int s) {
        Label shared = c.newLabel();
        holdIfOwn(s, shared);
        c.aload(MEM_MEM); c.invokevirtual(CD_MEM, "codeEpoch", MethodTypeDesc.of(CD_int)); c.istore(EPOCH[s]);
        c.aload(MEM_MEM); c.lload(EA); c.loadConstant(GuestMemory.PAGE_SHIFT); c.lushr(); c.l2i();
        c.invokevirtual(CD_MEM, "codeLines", MethodTypeDesc.of(CD_long, CD_int)); c.lstore(LINES[s]);
        c.labelBinding(shared);
    }

    /** Pushes the {@code len} bytes at EA's offset in the page in local {@code page}, as {@link #loadPage}. */
    private void loadFrom(int len, int page) {
        if (len == 1) {
            c.aload(page); pageOffset(); c.baload();
        } else {
            c.getstatic(CD_STATE, len == 2 ? "U16" : len == 4 ? "U32" : "U64", CD_VH);
            c.aload(page); pageOffset();
            c.invokevirtual(CD_VH, "get", MethodTypeDesc.of(len == 2 ? CD_short : len == 4 ? CD_int : CD_long, CD_PAGE, CD_int));
        }
    }

    /** Pushes the page of RAM offset {@code addr} (a long local) from the read or write table {@code table}. */
    private void ramPage(int table, int addr) {
        c.aload(table);
        c.lload(addr); c.loadConstant(12); c.lushr(); c.l2i();
        c.aaload();
    }

    /**
     * Pushes the {@code len} bytes at RAM offset {@code addr} (inside one page; its offset
     * in the page is EA's), as an int (sign-extended below 4 bytes) or a long.
     */
    private void loadPage(int len, int addr) {
        if (len == 1) {
            ramPage(MEM_RD, addr); pageOffset(); c.baload();
        } else {
            c.getstatic(CD_STATE, len == 2 ? "U16" : len == 4 ? "U32" : "U64", CD_VH);
            ramPage(MEM_RD, addr); pageOffset();
            c.invokevirtual(CD_VH, "get", MethodTypeDesc.of(len == 2 ? CD_short : len == 4 ? CD_int : CD_long, CD_PAGE, CD_int));
        }
    }

    /**
     * Stores the value of GPR/FPR {@code rt} into the write page of RAM offset {@code addr};
     * when the page has none, goes to {@code none} with the VarHandle (len &gt; 1) and the
     * null page on the stack.
     */
    private void storePage(int len, int addr, boolean fp, int rt, Label none) {
        if (len > 1) c.getstatic(CD_STATE, len == 2 ? "U16" : len == 4 ? "U32" : "U64", CD_VH);
        ramPage(MEM_WR, addr);
        c.dup();
        c.ifnull(none);
        storeInto(len, fp, rt);
    }

    /** Stores GPR/FPR {@code rt} at EA's offset in the page on the stack (under the VarHandle when len &gt; 1). */
    private void storeInto(int len, boolean fp, int rt) {
        pageOffset();
        stored(fp, rt, len);
        switch (len) {
            case 1 -> { c.l2i(); c.bastore(); }
            case 2 -> { c.l2i(); c.i2s(); c.invokevirtual(CD_VH, "set", MethodTypeDesc.of(CD_void, CD_PAGE, CD_int, CD_short)); }
            case 4 -> { c.l2i(); c.invokevirtual(CD_VH, "set", MethodTypeDesc.of(CD_void, CD_PAGE, CD_int, CD_int)); }
            default -> c.invokevirtual(CD_VH, "set", MethodTypeDesc.of(CD_void, CD_PAGE, CD_int, CD_long));
        }
    }

    /**
     * BOOK_E's software-TLB hit, the accessor's own fast path: goes to {@code miss} in FLAT
     * mode (no software TLB: a BOOK_E plan run by a FLAT CPU), or unless the {@code tags} entry (load or store) of EA's page
     * equals EA's tag in the current data context ({@link CpuState#dctx}, read per access: a
     * handler's mtmsr may change it) and the access is naturally aligned (EA's low bits,
     * shifted above the context bits, must be zero: a tag never has them set, nor ends a
     * page crossing); otherwise leaves the RAM offset EA + addend in {@link #MEM_PA}. The
     * software TLB's arrays are re-read per access: only this CPU's thread changes them
     * (its tlbwe/tlbivax/PID handlers, another CPU's tlbivax applied at its own poll), so a
     * hit here is exactly the accessor's hit at the same instruction.
     */
    private void softHit(int len, int tags, Label miss) {
        c.aload(tags); c.ifnull(miss);
        c.aload(tags);
        c.lload(EA); c.loadConstant(12); c.lushr(); c.l2i(); c.loadConstant(SoftTlb.MASK); c.iand();
        c.dup(); c.istore(MEM_IDX);
        c.laload();
        c.lload(EA); c.loadConstant(~0xFFFL); c.land();
        c.aload(S); c.getfield(CD_STATE, "dctx", CD_int); c.i2l(); c.lor();
        if (len > 1) { c.lload(EA); c.loadConstant((long) (len - 1)); c.land(); c.loadConstant(2); c.lshl(); c.lor(); }
        c.lcmp();
        c.ifne(miss);
        c.aload(MEM_SOFT_ADD); c.iload(MEM_IDX); c.laload();
        c.lload(EA); c.ladd();
        c.lstore(MEM_PA);
    }

    /** Pushes EA's offset in its page. */
    private void pageOffset() {
        c.lload(EA); c.l2i(); c.loadConstant(0xFFF); c.iand();
    }

    /**
     * After a store (inline or by a handler): when it wrote into a page holding translated code
     * (any CPU's) and over a word of this region, leave after it (the next entry finds the
     * page's code generation moved and compares the words). A write elsewhere only clears the
     * flag: other regions and this one's other entries check the generation when entered.
     */
    void codeCheck(int k) {
        c = h.code();
        Label clean = c.newLabel();
        c.aload(S); c.getfield(CD_STATE, "codeWritten", CD_boolean);
        c.ifeq(clean);
        c.aload(S); c.getfield(CD_STATE, "codeWrittenFrom", CD_long);
        c.aload(S); c.getfield(CD_STATE, "codeWrittenTo", CD_long);
        c.lload(PABASE);
        c.getstatic(h.self(), "words", CD_LONGS);
        c.invokestatic(CD_OPS, "touches", TOUCHES);
        c.aload(S); c.iconst_0(); c.putfield(CD_STATE, "codeWritten", CD_boolean);
        c.ifeq(clean);
        h.leaveToNext(k);
        c.labelBinding(clean);
    }
}
