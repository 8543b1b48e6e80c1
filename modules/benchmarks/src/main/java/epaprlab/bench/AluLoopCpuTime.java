package epaprlab.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * {@link InterpreterBenchmark#dispatch} (the ALU loop) timed by this thread's CPU time instead of
 * JMH's wall clock, so that a machine shared with other jobs still gives stable figures: ns per
 * guest instruction, median and range of 9 samples of 200 calls after 4 s of warm-up, per core.
 * It uses only the benchmark's public members, by reflection, so it also times the benchmark of
 * an older commit's benchmarks.jar put first on the class path:
 * {@code java -cp OLD/benchmarks.jar:modules/benchmarks/target/classes epaprlab.bench.AluLoopCpuTime [tier]}
 * (tier: region, block or interpreter, where the benchmark has that parameter).
 */
public final class AluLoopCpuTime {
    private AluLoopCpuTime() {}

    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Class<?> c = Class.forName("epaprlab.bench.InterpreterBenchmark");
        int steps = c.getField("STEPS").getInt(null);
        for (String cpu : new String[] {"e500mc", "e5500"}) {
            Object b = c.getConstructor().newInstance();
            c.getField("cpu").set(b, cpu);
            if (args.length > 0) c.getField("tier").set(b, args[0]);
            c.getMethod("setUp").invoke(b);
            Method dispatch = c.getMethod("dispatch");
            long end = System.nanoTime() + 4_000_000_000L;
            while (System.nanoTime() < end) dispatch.invoke(b);     // warm-up, as JMH's 3 x 1 s
            double[] ns = new double[9];
            for (int i = 0; i < ns.length; i++) {
                long c0 = threads.getCurrentThreadCpuTime();
                for (int k = 0; k < 200; k++) dispatch.invoke(b);
                ns[i] = (threads.getCurrentThreadCpuTime() - c0) / (200.0 * steps);
            }
            Arrays.sort(ns);
            System.out.printf("%s %s: median %.2f ns per guest instruction (range %.2f-%.2f, CPU time)%n", cpu,
                    args.length > 0 ? args[0] : "", ns[4], ns[0], ns[8]);
        }
    }
}
