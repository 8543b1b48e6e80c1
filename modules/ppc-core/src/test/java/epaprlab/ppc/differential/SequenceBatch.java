package epaprlab.ppc.differential;

import epaprlab.ppc.differential.Generator.InsnClass;
import epaprlab.ppc.differential.Toolchain.Target;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Thousands of random sequences of one class as one statically linked Linux program. Each
 * sequence has a record in .bss: IN state | OUT state | 256-byte scratch buffer. The runner
 * reads every record from stdin, runs sequence after sequence (each loads its IN state, runs its
 * body, stores the OUT state, advances r1 to the next record) and writes all records to stdout.
 * The engine runs the same code bare-metal from label {@code seqs} with the records placed in RAM
 * and the word at {@code done} replaced by {@code sc 1}.
 *
 * <p>State layout, W = 4 (32-bit program) or 8 (64-bit): GPR k at k*W, CR at 32W, XER 33W, LR
 * 34W, CTR 35W; with FP: FPR k at 36W+8k, FPSCR (low word of a double) at 36W+256.
 */
public final class SequenceBatch {
    public static final long TEXT = 0x10000;
    public static final int SCRATCH_BYTES = 256;

    public final Target target;
    public final InsnClass cls;
    public final long seed;
    public final int count;
    public final int w, state, rec;
    public final boolean fp;
    public final List<List<String>> bodies = new ArrayList<>();
    public final byte[] input;

    public SequenceBatch(Target target, InsnClass cls, long seed, int count) {
        this.target = target; this.cls = cls; this.seed = seed; this.count = count;
        this.w = target.wide() ? 8 : 4;
        this.fp = cls.fp();
        this.state = 36 * w + (fp ? 264 : 0);
        this.rec = 2 * state + SCRATCH_BYTES;
        this.input = new byte[rec * count];
        ByteBuffer in = ByteBuffer.wrap(input);
        for (int i = 0; i < count; i++) {
            SplittableRandom r = sequenceRandom(seed, i);
            Generator g = new Generator(target.wide(), 2 * state, r, ".Lt" + i);
            bodies.add(g.body(cls));
            initialState(r, in, i * rec);
        }
    }

    /** The random source of sequence {@code i} of the batch with {@code seed}: reproducible alone. */
    static SplittableRandom sequenceRandom(long seed, int i) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L + 1);
    }

    int xerOff() { return 33 * w; }
    int crOff() { return 32 * w; }
    int lrOff() { return 34 * w; }
    int ctrOff() { return 35 * w; }
    int fprOff() { return 36 * w; }
    /** End of the integer part of a state (GPRs, CR, XER, LR, CTR). */
    int fprOffOrEnd() { return 36 * w; }
    int fpscrOff() { return 36 * w + 256; }

    private long gprValue(SplittableRandom r) {
        long v = switch (r.nextInt(8)) {
            case 0, 1 -> r.nextInt(-16, 17);
            case 2 -> new long[] {0, 1, -1, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL, 0xFFFFFFFF80000000L,
                    0x8000000000000000L, 0x7FFFFFFFFFFFFFFFL, 0x100000000L, 0xFFFFL, 0x8000L}[r.nextInt(12)];
            case 3 -> r.nextInt();
            default -> r.nextLong();
        };
        return v;
    }

    private static final long[] SPECIAL_DOUBLES = {
            0L, 0x8000000000000000L, 0x3FF0000000000000L, 0xBFF0000000000000L, 0x7FF0000000000000L,
            0xFFF0000000000000L, 0x7FF8000000000000L, 0x7FF4000000000000L /* SNaN */, 0xFFF8000000000001L,
            0x0000000000000001L /* denormal */, 0x800FFFFFFFFFFFFFL, 0x0010000000000000L, 0x7FEFFFFFFFFFFFFFL,
            0x41E0000000000000L /* 2^31 */, 0xC1E0000000000000L, 0x43E0000000000000L /* 2^63 */,
            0x3FE0000000000000L /* 0.5 */, 0x3FF8000000000000L /* 1.5 */, 0x4004000000000000L /* 2.5 */,
            0x47EFFFFFE0000000L /* FLT_MAX */, 0x36A0000000000000L /* FLT_MIN denormal range */,
    };

    private static final int[] SPECIAL_SINGLES = {
            0, 0x80000000, 0x00000001, 0x807FFFFF, 0x00400000, 0x00800000, 0x7F7FFFFF, 0xFF800000, 0x7F800000,
            0x7FC00000, 0xFFC00001, 0x7F800001 /* SNaN */, 0xFFA00000 /* SNaN */, 0x3F800000, 0x34000000,
    };

    private long fprValue(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0, 1 -> SPECIAL_DOUBLES[r.nextInt(SPECIAL_DOUBLES.length)];
            case 2 -> Double.doubleToRawLongBits((double) (float) (r.nextDouble() * 2000 - 1000)); // single-representable
            case 3 -> Double.doubleToRawLongBits(r.nextDouble() * Math.scalb(1.0, r.nextInt(-80, 80)) * (r.nextBoolean() ? 1 : -1));
            case 4 -> Double.doubleToRawLongBits(r.nextInt(-100, 100) + 0.5 * r.nextInt(3));
            default -> r.nextLong();
        };
    }

    private void initialState(SplittableRandom r, ByteBuffer b, int at) {
        for (int k = 0; k < 32; k++) put(b, at + k * w, k == 1 ? 0 : gprValue(r));
        put(b, at + crOff(), r.nextInt());
        // XER: SO, OV, CA and the byte count; the reserved bits are not randomised (QEMU keeps them, they mean nothing).
        put(b, at + xerOff(), (r.nextInt(8) << 29) | r.nextInt(128));
        put(b, at + lrOff(), gprValue(r));
        put(b, at + ctrOff(), r.nextInt(3) == 0 ? r.nextInt(4) : gprValue(r));
        if (fp) {
            for (int k = 0; k < 32; k++) b.putLong(at + fprOff() + 8 * k, fprValue(r));
            // FPSCR: sticky exception bits, FR/FI/FPRF, VXSOFT/VXSQRT/VXCVI and RN random; FEX/VX are
            // computed; enables and NI stay 0 (qemu-user would raise SIGFPE for an enabled exception).
            b.putLong(at + fpscrOff(), r.nextInt() & 0x9FFFF703L);
        }
        byte[] scratch = new byte[SCRATCH_BYTES];
        r.nextBytes(scratch);
        if (fp) {   // binary32 specials for lfs: denormals, zeros, infinities, quiet and signalling NaNs, extremes
            ByteBuffer sb = ByteBuffer.wrap(scratch);
            for (int k = 0; k < SCRATCH_BYTES / 4; k++) {
                if (r.nextInt(3) == 0) sb.putInt(4 * k, SPECIAL_SINGLES[r.nextInt(SPECIAL_SINGLES.length)]);
            }
        }
        b.put(at + 2 * state, scratch);
    }

    private void put(ByteBuffer b, int at, long v) {
        if (w == 8) b.putLong(at, v);
        else b.putInt(at, (int) v);
    }

    /** The runner and every sequence, as GNU as source. */
    public String source() {
        StringBuilder s = new StringBuilder(count * 600);
        String l = w == 8 ? "ld" : "lwz", st = w == 8 ? "std" : "stw";
        int total = rec * count;
        if (target.wide()) s.append("\t.abiversion 2\n");
        s.append("\t.text\n\t.globl _start\n_start:\n");
        // read(0, recs, total) until all arrived
        s.append("\tlis r30,recs@ha\n\taddi r30,r30,recs@l\n\tlis r29,").append(total >>> 16).append("\n\tori r29,r29,")
                .append(total & 0xFFFF).append('\n');
        s.append("1:\tli r0,3\n\tli r3,0\n\tmr r4,r30\n\tmr r5,r29\n\tsc\n\tbso fail\n\tcmpwi r3,0\n\tble fail\n")
                .append("\tadd r30,r30,r3\n\tsubf r29,r3,r29\n\tcmpwi r29,0\n\tbgt 1b\n\tb 3f\n")
                .append("fail:\n\tli r0,1\n\tli r3,3\n\tsc\n3:\n");
        s.append("\tlis r1,recs@ha\n\taddi r1,r1,recs@l\n\t.globl seqs\nseqs:\n");
        for (int i = 0; i < count; i++) {
            s.append("\t").append(l).append(" r0,").append(crOff()).append("(r1)\n\tmtcrf 255,r0\n");
            s.append("\t").append(l).append(" r0,").append(xerOff()).append("(r1)\n\tmtxer r0\n");
            s.append("\t").append(l).append(" r0,").append(lrOff()).append("(r1)\n\tmtlr r0\n");
            s.append("\t").append(l).append(" r0,").append(ctrOff()).append("(r1)\n\tmtctr r0\n");
            if (fp) {
                s.append("\tlfd f0,").append(fpscrOff()).append("(r1)\n\tmtfsf 255,f0\n");
                for (int k = 0; k < 32; k++) s.append("\tlfd f").append(k).append(',').append(fprOff() + 8 * k).append("(r1)\n");
            }
            s.append("\t").append(l).append(" r0,0(r1)\n");
            if (w == 4) s.append("\tlmw r2,8(r1)\n");
            else for (int k = 2; k < 32; k++) s.append("\tld r").append(k).append(',').append(8 * k).append("(r1)\n");
            s.append("b").append(i).append(":\n");
            for (String line : bodies.get(i)) s.append(line.endsWith(":") ? "" : "\t").append(line).append('\n');
            s.append("e").append(i).append(":\n");
            s.append("\t").append(st).append(" r0,").append(state).append("(r1)\n");
            if (w == 4) s.append("\tstmw r2,").append(state + 8).append("(r1)\n");
            else for (int k = 2; k < 32; k++) s.append("\tstd r").append(k).append(',').append(state + 8 * k).append("(r1)\n");
            s.append("\tmfcr r0\n\t").append(st).append(" r0,").append(state + crOff()).append("(r1)\n");
            s.append("\tmfxer r0\n\t").append(st).append(" r0,").append(state + xerOff()).append("(r1)\n");
            s.append("\tmflr r0\n\t").append(st).append(" r0,").append(state + lrOff()).append("(r1)\n");
            s.append("\tmfctr r0\n\t").append(st).append(" r0,").append(state + ctrOff()).append("(r1)\n");
            if (fp) {
                for (int k = 0; k < 32; k++) s.append("\tstfd f").append(k).append(',').append(state + fprOff() + 8 * k).append("(r1)\n");
                s.append("\tmffs f0\n\tstfd f0,").append(state + fpscrOff()).append("(r1)\n");
            }
            s.append("\taddi r1,r1,").append(rec).append('\n');
        }
        // write(1, recs, total) until all written, then exit(0)
        s.append("\t.globl done\ndone:\n\tlis r30,recs@ha\n\taddi r30,r30,recs@l\n\tlis r29,").append(total >>> 16)
                .append("\n\tori r29,r29,").append(total & 0xFFFF).append('\n');
        s.append("2:\tli r0,4\n\tli r3,1\n\tmr r4,r30\n\tmr r5,r29\n\tsc\n\tbso fail2\n\tcmpwi r3,0\n\tble fail2\n")
                .append("\tadd r30,r30,r3\n\tsubf r29,r3,r29\n\tcmpwi r29,0\n\tbgt 2b\n");
        s.append("\tli r0,1\n\tli r3,0\n\tsc\nfail2:\n\tli r0,1\n\tli r3,3\n\tsc\n");
        s.append("\t.bss\n\t.balign 4096\n\t.globl recs\nrecs:\n\t.space ").append(total).append('\n');
        return s.toString();
    }
}
