package epaprlab.ppc.exec;

import epaprlab.ppc.decode.DecodeTable;

/**
 * A predecoded run of instructions from one address: zero or more straight-line instructions
 * (see {@link DecodeTable#endsBlock}) followed by one last instruction of any kind. A block
 * never crosses a 4 KiB page and holds at most {@link #MAX_LENGTH} instructions. Each entry keeps
 * the word it was decoded from, so the executor can check it against RAM before running it.
 * Mutable only in its tiering state: how often it ran, and its compiled form once it has one.
 */
sealed class Block permits Block.Injected {
    static final int MAX_LENGTH = 64;

    /** The physical address of its first instruction (its key in {@link BlockIndex}). */
    final long pa;
    final Op[] ops;
    final int[] words;
    /** Interpreted runs so far (counted until it asks {@link CodeCache} for its compiled form). */
    int runs;
    /** Its code-cache entry once it got hot (compiled when {@link CodeCache.Entry#compiled} is set); null before. */
    CodeCache.Entry entry;
    /** Its region once it got hot in the region tier (translated when {@link RegionCache.Entry#compiled} is set). */
    RegionCache.Entry region;
    /** The code generation of the region's page when its words were last found current (odd: watched). */
    int regionGen;
    /**
     * The block its vCPU's dispatcher looked up right after this one last time ({@link BlockIndex#next}),
     * or null: a guess, checked by address before it is used; {@link #GONE} once its
     * index removed or replaced it (then no guess returns it). Fits the 48 bytes a block took
     * before (no flag beside it).
     */
    Block next;

    private Block(long pa, Op[] ops, int[] words) {
        this.pa = pa;
        this.ops = ops;
        this.words = words;
    }

    /** {@link #next} of a block its index removed or replaced; no block starts at its address. */
    static final Block GONE = new Block(-1, new Op[0], new int[0]);

    /** A block whose ops are not the decode table's (the test hook {@link #withOp}). */
    static final class Injected extends Block {
        private Injected(long pa, Op[] ops, int[] words) { super(pa, ops, words); }
    }

    /** False when its ops are not the decode table's (a test hook): its compiled form is its own. */
    final boolean shareable() { return getClass() == Block.class; }

    /** For {@link Interpreter#injectEngineFault}: this block with every {@code word} run by {@code op}. */
    Block withOp(int word, Op op) {
        Op[] replaced = ops.clone();
        boolean changed = false;
        for (int i = 0; i < words.length; i++) {
            if (words[i] == word) { replaced[i] = op; changed = true; }
        }
        return changed ? new Injected(pa, replaced, words) : this;
    }

    int length() { return ops.length; }

    /**
     * Decoding scratch, one per thread: a vCPU decodes on whichever thread runs it, so 100,000
     * idle vCPUs need not keep two arrays of {@link #MAX_LENGTH} entries each.
     */
    private record Scratch(Op[] ops, int[] words) {}
    private static final ThreadLocal<Scratch> SCRATCH =
            ThreadLocal.withInitial(() -> new Scratch(new Op[MAX_LENGTH], new int[MAX_LENGTH]));

    /**
     * Decodes the block at physical {@code pc}, which must be a word-aligned address inside RAM. When
     * {@code inherited} (the frozen blocks of the snapshot this vCPU was restored from, or null)
     * holds a block at {@code pc} decoded from the same words, the new block shares its ops and
     * words (they are never written): clones of one snapshot hold one copy of its code. Its
     * tiering state is the new block's own.
     */
    static Block decode(DecodeTable table, CpuState s, long pc, BlockIndex inherited) {
        final Scratch scratch = SCRATCH.get();
        final Op[] ops = scratch.ops;
        final int[] words = scratch.words;
        int room = Math.min(MAX_LENGTH, (int) (((pc | 0xFFF) + 1 - pc) >>> 2));
        int n = 0;
        while (n < room) {
            // one read per word: another CPU may be writing this code while it is decoded
            int w = s.fetchWord(pc + 4 * n);
            words[n] = w;
            ops[n++] = table.decode(w);
            if (table.endsBlock(w)) break;
        }
        final Block same = inherited == null ? null : inherited.get(pc);
        if (same != null && same.shareable() && java.util.Arrays.equals(same.words, 0, same.words.length, words, 0, n)) {
            return new Block(pc, same.ops, same.words);   // same words at the same address, same model: same ops
        }
        return new Block(pc, java.util.Arrays.copyOf(ops, n), java.util.Arrays.copyOf(words, n));
    }
}
