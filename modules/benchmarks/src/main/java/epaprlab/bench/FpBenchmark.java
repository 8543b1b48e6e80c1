package epaprlab.bench;

import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.cpu.StopReason;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An FP kernel loop (the shape of the short suite's simpson and mandel: double add, multiply,
 * divide, a move, a compare and its branch, all inexact in round-to-nearest): nanoseconds per
 * guest instruction in each tier, as {@link InterpreterBenchmark}. Uses only {@link Cpu}'s public
 * API, so {@link CpuTimeBench} also times it against an older engine's jar.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FpBenchmark {
    /**
     * x += w; s += 1 / (1 + x*x); x wraps at 4: 9 instructions per iteration (10 when it wraps).
     * f0 = 1, f2 = w = 2^-10, f8 = 4, CTR large.
     */
    public static final GuestPrograms.Program LOOP = new GuestPrograms.Program("fp", """
            1:  fadd 3,1,2
                fmul 4,3,3
                fadd 5,4,0
                fdiv 6,0,5
                fadd 7,7,6
                fmr  1,3
                fcmpu 0,1,8
                blt  2f
                fsub 1,1,8
            2:  bdnz 1b
            """, new int[] {
                0xfc61102a, 0xfc8300f2, 0xfca4002a, 0xfcc02824, 0xfce7302a,
                0xfc201890, 0xfc014000, 0x41800008, 0xfc214028, 0x4200ffdc});

    /** Guest instructions per benchmark call. */
    public static final int STEPS = 100_000;

    @Param({"e500mc", "e5500"})
    public String cpu;

    @Param({"region", "block", "interpreter"})
    public String tier;

    private Cpu fp;

    @Setup(Level.Trial)
    public void setUp() {
        CpuModel model = CpuModel.valueOf(cpu.toUpperCase(java.util.Locale.ROOT));
        fp = InterpreterBenchmark.load(model, LOOP);
        InterpreterBenchmark.inTier(fp, tier);
        fp.setMsr(fp.msr() | Msr.FP);
        fp.setFpr(0, Double.doubleToRawLongBits(1.0));
        fp.setFpr(2, Double.doubleToRawLongBits(0x1p-10));
        fp.setFpr(8, Double.doubleToRawLongBits(4.0));
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public StopReason loop() {
        return fp.run(STEPS);
    }
}
