package epaprlab.ppc.exec;

import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.cpu.TimeSource;
import epaprlab.ppc.interrupt.AsyncInterrupts;
import epaprlab.ppc.decode.DecodeTable;
import epaprlab.ppc.interrupt.Delivery;
import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mmu.Mmu;
import epaprlab.ppc.mmu.Translate;

import java.util.Arrays;

/**
 * The interpreter loop with its predecode cache of {@link Block}s: one table of blocks by
 * physical start address ({@link BlockIndex}), growing with the blocks decoded and filled
 * lazily. Every entry is tagged with the instruction word it was decoded from; the executor
 * reads the word from RAM before running it and re-decodes when the tag differs. So the cache
 * can never run stale code, whoever changed the word (a guest store from any CPU, even one
 * earlier in the same block, or the host through {@link GuestMemory}'s methods or straight
 * through its page tables), and stores to pages that mix code and data cost nothing extra. Decoding
 * stays separate from execution: {@link DecodeTable} maps a word to its {@link Op}.
 *
 * <p>Inside a block the straight-line instructions run back to back: the loop keeps their
 * address in a local, sets {@link CpuState#nia} to a sentinel once, and an instruction that
 * raised an interrupt shows itself by the vector it wrote there (or by the stop that an
 * uninstalled vector records). The block's last instruction runs with the full bookkeeping,
 * exactly as a lone instruction would. A block that has run {@link #compileThreshold()} times
 * is handed to {@link CodeCache}'s background compiler, and once its {@link BlockCompiler} class
 * is ready runs as JVM bytecode with the same handlers and the same checks.
 *
 * <p>Accounting: every step counts against the budget and {@link CpuState#retired}, including
 * an instruction that raised an interrupt which was delivered to the guest (so a guest that
 * faults in a loop still consumes its budget). An instruction that stops the CPU with
 * {@link StopReason#UNHANDLED_INTERRUPT} is not counted; the {@code sc 1} of a
 * {@link StopReason#HYPERCALL} stop is.
 *
 * <p>Timers and asynchronous interrupts cost nothing per instruction: a block runs only as far
 * as {@link CpuState#limit} (the budget end or the next timer event, whichever is first, or 0
 * after an instruction that may unmask something); the loop lets
 * {@link AsyncInterrupts#service} do the work at that boundary, and after every block looks at
 * the kick flag and at interrupts raised by the host or other CPUs.
 */
public final class Interpreter {
    /** {@link CpuState#nia} while a straight-line instruction runs: no instruction address is odd. */
    static final long STRAIGHT = 1;

    private final CpuState s;
    private final DecodeTable table;
    /** The predecoded blocks by physical start address. */
    private final BlockIndex blocks = new BlockIndex();
    /** The frozen blocks of the snapshot this vCPU was last restored from ({@link #inherit}), or null. */
    private BlockIndex inherited;
    /** Runs of a block before it is compiled; 0 never compiles. */
    private int compileThreshold = Cpu.DEFAULT_COMPILE_THRESHOLD;
    /**
     * True (the default; {@code -Depaprlab.tier=block} turns it off): hot code is translated into
     * regions ({@link RegionCompiler}); false: hot blocks are compiled one by one ({@link BlockCompiler}).
     * The block compiler also serves while a branch trace or an injected engine fault is on.
     */
    static final boolean REGIONS_BY_DEFAULT = !"block".equals(System.getProperty("epaprlab.tier", "region"));
    private boolean regionTier = REGIONS_BY_DEFAULT;
    /**
     * Per page: the regions this CPU found or asked for there, and those found stale (code
     * rewritten). Past {@link #CHURN_LIMIT} the page's code stays interpreted: code rewritten all
     * the time would be translated all the time.
     */
    private final PageRegions pageRegions;
    private static final int CHURN_LIMIT = 64;
    /**
     * Regions this CPU may still translate on its own thread (synchronous test mode only): a
     * translation costs about a millisecond, and the random differential tests run hundreds of
     * thousands of distinct one-shot sequences on one CPU; past it, new code stays interpreted.
     */
    private int syncTranslations = SYNC_TRANSLATIONS;
    private static final int SYNC_TRANSLATIONS = 256;
    /** Compile hot blocks on this CPU's thread instead of the background compiler (tests). */
    private boolean compileSynchronously = Cpu.DEFAULT_COMPILE_SYNCHRONOUSLY;
    /** Set by {@link #requestStop()} from any thread. */
    private volatile boolean kick;
    /** A debugger steps ({@link #setStopAtVector}): a run that takes an asynchronous interrupt first stops at its vector. */
    private boolean stopAtVector;
    /** The Java exception of the last {@link StopReason#ENGINE_ERROR} stop (an engine bug), or null. */
    private volatile Throwable lastEngineError;
    /** Test hook ({@link #injectEngineFault}): instructions with this word throw in their handler. */
    private boolean faultInjected;
    private int faultWord;
    /**
     * The branch trace ({@link #setBranchTrace}): a ring of (from, to) address pairs, or null
     * when off. Filled after every block, whichever tier ran it, when control did not fall through.
     */
    private long[] branchRing;
    private int branchNext;
    private boolean branchWrapped;

    public Interpreter(CpuModel model, GuestMemory mem) {
        this(model, mem, TimeSource.INSTRUCTIONS, Cpu.DEFAULT_TIMEBASE_HZ);
    }

    public Interpreter(CpuModel model, GuestMemory mem, TimeSource timeSource, long timebaseHz) {
        this.s = new CpuState(model, mem, timeSource, timebaseHz);
        this.table = DecodeTable.forModel(model);
        this.pageRegions = new PageRegions(mem.pages());
        // refused here, on the caller's thread: on the compiler thread a bad setting would only
        // leave every region untranslated
        RegionMemEmitter.checkPageCacheSetting();
        RegionCompiler.checkCrComparesSetting(RegionCompiler.CR_COMPARES);
    }

    public CpuState state() { return s; }

    public DecodeTable table() { return table; }

    public void reset() {
        s.resetArchitected();
        blocks.clear();
        inherited = null;
        pageRegions.clear();
        syncTranslations = SYNC_TRANSLATIONS;
        lastEngineError = null;
        branchNext = 0;
        branchWrapped = false;
    }

    /**
     * A frozen copy of the blocks decoded so far, to hand to the vCPUs restored from a snapshot
     * of this one ({@link #inherit}); null when a test hook changed this vCPU's ops. Between runs.
     */
    public BlockIndex predecoded() { return faultInjected ? null : blocks.frozenCopy(); }

    /**
     * Blocks this vCPU decodes from now on share their ops and words with those of
     * {@code frozen} ({@link #predecoded} of the vCPU a snapshot was taken from, of the same
     * model; or null) where RAM holds the same words at the same address. Between runs.
     */
    public void inherit(BlockIndex frozen) { inherited = frozen; }

    /** Empties the branch trace (a restored state starts a history of its own). Between runs. */
    public void clearBranchTrace() {
        branchNext = 0;
        branchWrapped = false;
    }

    /** Keeps the last {@code n} taken branches (and interrupts) from now on; 0 = off (the default). Between runs. */
    public void setBranchTrace(int n) {
        if (n < 0) throw new IllegalArgumentException("branch trace length must be >= 0, got " + n);
        branchRing = n == 0 ? null : new long[2 * n];
        branchNext = 0;
        branchWrapped = false;
    }

    /** The traced branches, oldest first, as (from, to) pairs: {@code [from0, to0, from1, to1, ...]}. Between runs. */
    public long[] branchTrace() {
        long[] ring = branchRing;
        if (ring == null) return new long[0];
        if (!branchWrapped) return Arrays.copyOf(ring, branchNext);
        long[] out = new long[ring.length];
        System.arraycopy(ring, branchNext, out, 0, ring.length - branchNext);
        System.arraycopy(ring, 0, out, ring.length - branchNext, branchNext);
        return out;
    }

    private void traceBranch(long[] ring, long from, long to) {
        int i = branchNext;
        ring[i] = from;
        ring[i + 1] = to;
        i += 2;
        if (i == ring.length) {
            i = 0;
            branchWrapped = true;
        }
        branchNext = i;
    }

    /** FLAT or BOOK_E translation (between runs); the TLBs start all invalid. */
    public void setTranslation(boolean bookE) { s.setTranslation(bookE); }

    /**
     * A debugger's single step (between runs): a run that delivers an asynchronous interrupt at its
     * start returns ({@link StopReason#BUDGET}, nothing retired) with the PC at the vector, so a
     * breakpoint on the vector's first instruction is seen before that instruction runs.
     */
    public void setStopAtVector(boolean on) { stopAtVector = on; }

    public void requestStop() {
        kick = true;
        s.pending.attention = true;             // translated regions poll only this flag
    }

    /** Regions translated since the JVM started (each one a hidden class), for tests and figures. */
    public static long regionsTranslated() { return RegionCompiler.definedCount(); }

    /** Hot regions translated again in the loop-friendly shape since the JVM started, for tests and figures. */
    public static long regionsRetranslated() { return RegionCompiler.retranslatedCount(); }

    /**
     * Instructions a region runs (over all its entries, by any CPU) before it is translated again
     * in the loop-friendly shape; for regions translated from now on. Tests set it low.
     */
    public static void setRegionHotInstructions(int n) { RegionCache.setHotInstructions(n); }

    public static int regionHotInstructions() { return RegionCache.hotInstructions(); }

    /** Region tier on (the default) or off (hot blocks compiled one by one); between runs. */
    public void setRegionTier(boolean on) { regionTier = on; }

    public Throwable lastEngineError() { return lastEngineError; }

    /**
     * For tests of the engine-error path: from now on every instruction with {@code word} throws
     * an {@link IllegalStateException} inside its handler, in both tiers, as a handler bug would.
     * Blocks holding it are never shared with other CPUs.
     */
    public void injectEngineFault(int word) {
        faultInjected = true;
        faultWord = word;
        blocks.clear();
    }

    /**
     * Records an exception that escaped the engine outside an instruction handler (decoding,
     * compiling, interrupt delivery) as an {@link StopReason#ENGINE_ERROR} stop at the current PC.
     */
    public StopReason engineFailure(Throwable e) {
        final long pc = s.pc;
        engineError(e, Long.compareUnsigned(pc, s.ramSize - 4) <= 0 && (pc & 3) == 0 ? s.fetchWord(pc) : 0);
        s.stop = null;
        return StopReason.ENGINE_ERROR;
    }

    /** Runs of a block before it is compiled to JVM bytecode; 0 means never. */
    public int compileThreshold() { return compileThreshold; }

    public void setCompileThreshold(int runs) {
        if (runs < 0) throw new IllegalArgumentException("compile threshold must be >= 0, got " + runs);
        compileThreshold = runs;
    }

    /**
     * True: a block that reaches the threshold is compiled at once on this thread and runs
     * compiled from that run on (deterministic tiering, for tests); false (default): it is queued
     * for the background compiler and runs interpreted until its class is ready.
     */
    public void setCompileSynchronously(boolean synchronous) { compileSynchronously = synchronous; }

    public StopReason run(long budget) {
        final Mmu mmu = s.mmu;
        if (mmu == null) return loop(budget);
        mmu.setRunning(true);                   // tlbsync of another CPU waits for us meanwhile
        try {
            return loop(budget);
        } finally {
            mmu.setRunning(false);
        }
    }

    private StopReason loop(long budget) {
        final CpuState s = this.s;
        if (kick) { kick = false; return StopReason.KICKED; }
        if (budget <= 0) return StopReason.BUDGET;
        s.stop = null;
        final long end = budget > Long.MAX_VALUE - s.retired ? Long.MAX_VALUE : s.retired + budget;
        final long entryPc = s.pc;
        StopReason async = AsyncInterrupts.service(s, end);
        if (async != null) return async;
        if (stopAtVector && s.pc != entryPc) return StopReason.BUDGET;     // delivered: the debugger looks at the vector
        final long fetchLimit = s.ramSize - 4;
        final boolean flat = !s.bookE;          // the host changes it only between runs
        final long[] ring = branchRing;         // null unless traced: one register test per block
        while (true) {
            final long pc = s.pc;
            if (flat) {
                if (Long.compareUnsigned(pc, fetchLimit) > 0) {
                    s.nia = (pc + 4) & s.eaMask;
                    Delivery.instructionStorage(s);
                } else if (!execute(pc, pc)) {
                    continue;                   // the block was stale before its first instruction
                }
            } else {
                // one software-TLB lookup per block; a miss translates (or raises the fetch's interrupt)
                long pa = s.fetchHit(pc);
                if (pa < 0) pa = Translate.fetch(s, pc);
                if (pa >= 0 && !execute(pc, pa)) continue;
            }
            // s.pc/s.nia now describe the last instruction run, which is not yet counted
            if (s.stop != null) {
                StopReason r = s.stop;
                s.stop = null;
                if (r == StopReason.HYPERCALL || r == StopReason.WATCHPOINT) {   // both complete the instruction
                    s.pc = s.nia;
                    s.retired++;
                }
                return r;
            }
            if (ring != null && s.nia != ((s.pc + 4) & s.eaMask)) traceBranch(ring, s.pc, s.nia);
            s.pc = s.nia;
            final long n = ++s.retired;
            // event boundary: budget end, next timer event, or an instruction asked (limit = 0);
            // and after every block: a stop request, or interrupts raised by the host or other CPUs
            if (n >= s.limit || kick || s.pending.attention) {
                if (kick) { kick = false; return StopReason.KICKED; }
                if (n >= end) return StopReason.BUDGET;
                StopReason r = AsyncInterrupts.service(s, end);
                if (r != null) return r;
            }
        }
    }

    /**
     * Runs the block at effective address {@code pc}, fetched from RAM offset {@code pa} (equal in
     * FLAT mode), up to the event boundary. Blocks are cached by physical address and every word
     * is checked against RAM at its physical address, so a block is never run under a mapping
     * that gives other words. Leaves {@link CpuState#pc} and {@link CpuState#nia} at the last
     * instruction it ran, with every instruction before that one counted in
     * {@link CpuState#retired}. Returns false when nothing ran because the block's first word had
     * changed (the block is decoded again on the next call).
     */
    private boolean execute(long pc, long pa) {
        final CpuState s = this.s;
        Block b = blocks.next(pa);
        if (b == null) {
            b = Block.decode(table, s, pa, inherited);
            if (faultInjected) b = b.withOp(faultWord, Interpreter::injectedFault);
            blocks.put(b);
        }
        final Op[] ops = b.ops;
        // run at most up to the event boundary; the instruction that reaches it runs last
        final long room = s.limit - s.retired;
        if (regionTier && branchRing == null && !faultInjected && !s.watching()) {
            if (region(b, pc, pa)) return true;
        } else {
            final CodeCache.Entry entry = b.entry;
            if (entry != null) {
                final CompiledBlock compiled = entry.compiled;
                if (compiled != null) {
                    if (room >= ops.length) {
                        if (!entry.used) entry.used = true;
                        return runCompiled(compiled, b, pc, pa);
                    }
                } else if (entry.dead && !entry.failed) {
                    b.entry = null;             // evicted: hot again later, compiled again
                    b.runs = 0;
                }
            } else if (compileThreshold > 0 && ++b.runs >= compileThreshold) {
                // compiled in the background (or now, in synchronous mode); runs interpreted meanwhile
                final CodeCache.Entry asked = b.entry = CodeCache.request(s.has64, b, compileSynchronously);
                if (asked == null) b.runs = 0;  // the compiler's queue is full: ask again later
                else if (compileSynchronously && asked.compiled != null && room >= ops.length) {
                    return runCompiled(asked.compiled, b, pc, pa);
                }
            }
        }
        final int[] words = b.words;
        final byte[] page = s.codePage(pa);
        final long toRam = pa - pc;
        final int last = (int) Math.min(ops.length, Math.max(1, room)) - 1;
        final long base = s.retired;
        long p = pc;
        int i = 0;
        try {
            s.nia = STRAIGHT;
            for (; i < last; i++, p += 4) {
                final int w = words[i];
                if (CpuState.word(page, p + toRam) != w) return stale(pa, p, i);
                s.pc = p;
                ops[i].exec(s, w);
                if (s.nia != STRAIGHT) break;   // it raised an interrupt, or stopped the CPU
            }
            if (i == last) {
                final int w = words[i];
                if (CpuState.word(page, p + toRam) != w) return stale(pa, p, i);
                s.retired = base + i;           // the last instruction may read the time base
                s.pc = p;
                s.nia = (p + 4) & s.eaMask;
                ops[i].exec(s, w);
                return true;
            }
        } catch (GuestFault f) {
            // interrupt already delivered (or stop recorded); nothing was written
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            engineError(e, words[i]);
        }
        s.retired = base + i;
        return true;
    }

    /**
     * The region tier for block {@code b} at {@code pc} (RAM offset {@code pa}): runs its region when one is translated, current and fits before the event
     * boundary (true), then chains on to the regions of the blocks that follow in the same page
     * ({@link #chain}); counts the block towards the threshold and asks for a region when it gets
     * hot, else leaves the block to the interpreter (false).
     */
    private boolean region(Block b, long pc, long pa) {
        RegionCache.Entry re = b.region;
        if (re == null) {
            if (compileThreshold == 0) return false;
            if (b.runs == 0 && (re = translated(b.words[0], pa)) != null) {
                b.region = re;                  // at its first run: another CPU paid for it already
            } else {
                if (++b.runs < compileThreshold) return false;
                b.runs = 0;
                re = b.region = regionFor(pa);
            }
            b.regionGen = 0;                    // never a watched generation: its words are checked first
            if (re == null) return false;   // the compiler's queue is full: ask again later
        }
        final Region r = re.compiled;
        if (r == null) {
            if (re.dead && !re.failed) b.region = null;     // evicted: hot again later
            return false;
        }
        final RegionCompiler.Plan plan = re.plan;
        final long page = pa & ~0xFFFL;
        final int pn = (int) (pa >>> GuestMemory.PAGE_SHIFT);
        // the page's code generation moves on with every write to it once watched: the words are
        // compared with RAM again only then (and on the first entry, which starts the watch)
        int gen = s.mem.codeGeneration(pn);
        if (gen != b.regionGen || (gen & 1) == 0 || plan.cm != s.cm) {
            gen = s.mem.watchCode(pn, plan.lines);   // its lines: writes beside them move nothing on
            if (plan.cm != s.cm || !current(plan, page)) {
                b.region = null;                // another mode, or its code changed
                forget(re, pn);
                pageRegions.countStale(pn);
                return false;
            }
            b.regionGen = gen;
        }
        if (!re.used) re.used = true;
        final int off = (int) pa & 0xFFF;
        s.nia = STRAIGHT;
        s.codeWritten = false;
        try {
            final long before = s.retired;
            final int how = r.run(s, pc - off, page, off);
            ran(re, s.retired - before);
            if (how == Region.LINKED) chain(pc - off, pn);
            if (how == Region.NOT_ENTERED) {    // inside a loop of the hot form: a region starting here
                b.region = request(pa);
                b.regionGen = 0;
                return false;
            }
            return how != Region.NO_ROOM;
        } catch (GuestFault f) {
            return true;                        // delivered; the region counted and wrote back
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            engineError(e, s.wordAt(s.pc));     // a chained region may have been of another page
            return true;
        }
    }

    /**
     * Chaining: after a region left through a branch or transfer ({@link Region#LINKED}) from the
     * page at effective {@code pcBase} (physical page {@code pn}), runs the region of the block at NIA without the dispatcher, as long as the
     * next one may run: no event boundary reached, no kick and no attention flag (the
     * dispatcher's checks after every block), a translated region known for that block, for the
     * current mode, whose words were found current at its page's present code generation (a
     * store since then, by any CPU, moved it: then the dispatcher checks the words). A plain exit
     * changes neither MSR nor the TLB, so the same effective page is the same physical page; another
     * page is taken only when it is RAM (FLAT) or hits in the software TLB for fetches (BOOK_E),
     * else the dispatcher translates it (or raises the fetch's interrupt). Does the dispatcher's
     * bookkeeping between blocks (PC to NIA, the last instruction counted); when the next
     * region's first block does not fit after all, undoes it. Otherwise leaves the CPU as the
     * last region left it, for the dispatcher.
     */
    private void chain(long pcBase, int pn) {
        final CpuState s = this.s;
        long page = (long) pn << GuestMemory.PAGE_SHIFT;
        while (true) {
            final long nia = s.nia;
            if (s.retired + 1 >= s.limit || kick || s.pending.attention) return;
            if ((nia & ~0xFFFL) != pcBase) {
                final long pa;
                if (!s.bookE) {
                    if (Long.compareUnsigned(nia, s.ramSize - 4) > 0) return;
                    pa = nia;
                } else {
                    pa = s.fetchHit(nia);
                    if (pa < 0) return;
                }
                pn = (int) (pa >>> GuestMemory.PAGE_SHIFT);
                pcBase = nia & ~0xFFFL;
                page = pa & ~0xFFFL;
            }
            final Block b = blocks.get(page | ((int) nia & 0xFFF));
            if (b == null) return;
            final RegionCache.Entry re = b.region;
            if (re == null) return;
            final Region r = re.compiled;
            final int gen = s.mem.codeGeneration(pn);
            if (r == null || gen != b.regionGen || (gen & 1) == 0 || re.plan.cm != s.cm) return;
            if (!re.used) re.used = true;
            final long from = s.pc;
            s.pc = nia;
            s.retired++;
            s.nia = STRAIGHT;
            s.codeWritten = false;
            final long before = s.retired;
            final int how = r.run(s, pcBase, page, (int) nia & 0xFFF);
            ran(re, s.retired - before);
            if (how == Region.LINKED) continue;
            if (how == Region.NO_ROOM || how == Region.NOT_ENTERED) {   // as the dispatcher had it: the last region's exit, not counted
                s.pc = from;
                s.nia = nia;
                s.retired--;
            }
            return;
        }
    }

    /** Tiering: region {@code re} ran {@code n} instructions; once it ran its share, its hot translation is asked for. */
    private void ran(RegionCache.Entry re, long n) {
        if (re.heat > 0 && (re.heat -= (int) n) <= 0) {
            re.heat = 0;
            RegionCache.promote(table, re, compileSynchronously);
        }
    }

    /**
     * A region already translated (by any CPU of the JVM) with an entry at {@code pa}, whose
     * first word there is {@code word}, for this mode and current in RAM; or null. Asked once
     * per block, at its first run.
     */
    private RegionCache.Entry translated(int word, long pa) {
        final int pn = (int) (pa >>> GuestMemory.PAGE_SHIFT);
        if (pageRegions.churn(pn) > CHURN_LIMIT) return null;
        final RegionCache.Entry[] found = RegionCache.published(s.has64, s.cm, ((int) pa & 0xFFF) >>> 2, word);
        if (found == null) return null;
        for (RegionCache.Entry e : found) {
            if (e.compiled != null && e.plan.cm == s.cm && e.plan.bookE == s.bookE && current(e.plan, pa & ~0xFFFL)) return e;
        }
        return null;
    }

    /** True when RAM still holds the words the region was translated from. */
    private boolean current(RegionCompiler.Plan plan, long page) {
        final int[] index = plan.index, words = plan.words;
        for (int k = 0; k < index.length; k++) {
            if (s.fetchWord(page + 4L * index[k]) != words[k]) return false;
        }
        return true;
    }

    /** A region of this page with an entry at {@code pa}, found among those known here or asked for. */
    private RegionCache.Entry regionFor(long pa) {
        final int pn = (int) (pa >>> GuestMemory.PAGE_SHIFT);
        final int i = ((int) pa & 0xFFF) >>> 2;
        if (pageRegions.churn(pn) > CHURN_LIMIT) return RegionCache.NONE;
        RegionCache.Entry[] known = pageRegions.known(pn);
        if (known != null) {
            for (RegionCache.Entry e : known) {
                if (e != null && !e.dead && e.plan.cm == s.cm && e.plan.bookE == s.bookE && e.plan.hasEntry(i)) return e;
            }
        }
        return request(pa);
    }

    /**
     * A region of this page starting at {@code pa}, asked for (or shared when asked already);
     * null when the queue is full, {@link RegionCache#NONE} when the page's code is rewritten too
     * often ({@link #CHURN_LIMIT}).
     */
    private RegionCache.Entry request(long pa) {
        final int pn = (int) (pa >>> GuestMemory.PAGE_SHIFT);
        final int i = ((int) pa & 0xFFF) >>> 2;
        if (pageRegions.churn(pn) > CHURN_LIMIT) return RegionCache.NONE;
        RegionCache.Entry[] known = pageRegions.known(pn);
        if (compileSynchronously && --syncTranslations < 0) return RegionCache.NONE;
        RegionCompiler.Plan plan = RegionCompiler.select(table, s.has64, s.cm, s, pa & ~0xFFFL, i,
                RegionCompiler.maxInstructions());
        RegionCache.Entry e = RegionCache.request(table, plan, compileSynchronously);
        if (e == null) return null;
        if (known == null) {
            pageRegions.setKnown(pn, new RegionCache.Entry[] {e});
        } else {
            int free = -1;
            for (int k = 0; k < known.length; k++) if (known[k] == null || known[k].dead) free = k;
            if (free < 0) {
                free = known.length;
                pageRegions.setKnown(pn, known = Arrays.copyOf(known, Math.min(known.length * 2, 64)));
                if (free == known.length) free = (int) (pa >>> 2) & (known.length - 1);   // full: replace one
            }
            known[free] = e;
        }
        return e;
    }

    private void forget(RegionCache.Entry e, int pn) {
        RegionCache.Entry[] known = pageRegions.known(pn);
        if (known == null) return;
        for (int k = 0; k < known.length; k++) if (known[k] == e) known[k] = null;
    }

    /** {@link #execute} for a whole block that has been compiled. */
    private boolean runCompiled(CompiledBlock compiled, Block b, long pc, long pa) {
        final CpuState s = this.s;
        final long base = s.retired;
        int i;
        s.nia = STRAIGHT;
        try {
            i = compiled.run(s, pc, pa);
        } catch (GuestFault f) {
            i = (int) ((s.pc - pc) >>> 2);      // the faulting instruction set PC before it ran
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            i = (int) ((s.pc - pc) >>> 2);
            engineError(e, b.words[i]);
        }
        if (i < 0) return stale(pa, pc + 4L * ~i, ~i);
        s.retired = base + i;
        return true;
    }

    /**
     * The word at {@code p} (instruction {@code i} of the block at RAM offset {@code pa}) no
     * longer matches: forget the block and end it before that instruction.
     */
    private boolean stale(long pa, long p, int i) {
        blocks.remove(pa);
        if (i == 0) return false;
        s.pc = p - 4;
        s.nia = p;
        s.retired += i - 1;
        return true;
    }

    /**
     * A handler bug must never reach the guest: the CPU stops with {@link StopReason#ENGINE_ERROR}
     * at the instruction that threw ({@link CpuState#stopPc}, {@link CpuState#stopInsn}), which is
     * not counted; nothing is delivered to the guest.
     */
    private void engineError(Throwable e, int insn) {
        lastEngineError = e;
        s.stop = StopReason.ENGINE_ERROR;
        s.stopPc = s.pc;
        s.stopInsn = insn;
        s.stopInterrupt = -1;
        s.stopDetail = "engine error: " + e;
        s.nia = s.pc;
    }

    private static void injectedFault(CpuState s, int w) {
        throw new IllegalStateException("injected engine fault (instruction 0x%08x)".formatted(w));
    }
}
