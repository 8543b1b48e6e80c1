package epaprlab.bench;

import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.mem.GuestMemory;
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
 * The interpreter on tight guest loops: nanoseconds per guest instruction (each benchmark call
 * runs {@link #STEPS} instructions and JMH divides by them), for the decode-and-dispatch path
 * (ALU ops) and for loads and stores, in each tier: {@code region} (hot code translated a region
 * at a time, the default), {@code block} (hot blocks compiled one by one) and {@code interpreter}
 * (compile threshold 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class InterpreterBenchmark {
    /** Guest instructions per benchmark call. */
    public static final int STEPS = 100_000;
    private static final int DATA = 0x8000;

    @Param({"e500mc", "e5500"})
    public String cpu;

    /** The tier hot code reaches (after 50 runs of a block); interpreter = threshold 0. */
    @Param({"region", "block", "interpreter"})
    public String tier;

    private Cpu dispatch;
    private Cpu loadStore;

    @Setup(Level.Trial)
    public void setUp() {
        CpuModel model = CpuModel.valueOf(cpu.toUpperCase(java.util.Locale.ROOT));
        dispatch = load(model, GuestPrograms.DISPATCH);
        loadStore = load(model, GuestPrograms.LOAD_STORE);
        inTier(dispatch, tier);
        inTier(loadStore, tier);
        loadStore.setGpr(4, DATA);
        loadStore.setGpr(10, 16);
        loadStore.setGpr(11, 20);
    }

    /** Hot code of {@code c} reaches {@code tier} (region, block: after 50 runs of a block; interpreter: threshold 0). */
    static void inTier(Cpu c, String tier) {
        c.setCompileThreshold(tier.equals("interpreter") ? 0 : 50);
        c.setRegionTier(tier.equals("region"));
    }

    static Cpu load(CpuModel model, GuestPrograms.Program p) {
        GuestMemory ram = new GuestMemory(64 * 1024);
        for (int i = 0; i < p.words().length; i++) ram.store32(GuestPrograms.ORIGIN + 4L * i, p.words()[i]);
        Cpu c = new Cpu(model, ram);
        c.setPc(GuestPrograms.ORIGIN);
        c.setCtr(Long.MAX_VALUE);   // the loop's bdnz never falls through
        return c;
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public StopReason dispatch() {
        return dispatch.run(STEPS);
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public StopReason loadStore() {
        return loadStore.run(STEPS);
    }
}
