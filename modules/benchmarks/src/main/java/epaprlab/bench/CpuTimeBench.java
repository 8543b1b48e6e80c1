package epaprlab.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * Runs one benchmark method of this module timed by this thread's CPU time instead of JMH's wall
 * clock, so that a machine shared with other jobs still gives stable figures: ns per operation
 * (per guest instruction where the method declares {@link OperationsPerInvocation}), median and
 * range of 9 samples after 4 s of warm-up, for each core. Usage:
 * {@code java -cp benchmarks.jar epaprlab.bench.CpuTimeBench InterpreterBenchmark dispatch [tier=region]}.
 * It uses only the benchmark's public members, by reflection, so it also times the benchmark of an
 * older commit's benchmarks.jar put first on the class path
 * ({@code -cp OLD/benchmarks.jar:modules/benchmarks/target/classes}).
 */
public final class CpuTimeBench {
    private CpuTimeBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CpuTimeBench BENCHMARK-CLASS METHOD [FIELD=VALUE...]");
            System.exit(2);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Class<?> c = Class.forName("epaprlab.bench." + args[0]);
        Method bench = c.getMethod(args[1]);
        OperationsPerInvocation ops = bench.getAnnotation(OperationsPerInvocation.class);
        int perCall = ops == null ? 1 : ops.value();
        int calls = Math.max(200, 5_000_000 / perCall);
        for (String cpu : new String[] {"e500mc", "e5500"}) {
            Object b = c.getConstructor().newInstance();
            c.getField("cpu").set(b, cpu);
            for (int i = 2; i < args.length; i++) {
                String[] kv = args[i].split("=", 2);
                c.getField(kv[0]).set(b, kv[1]);
            }
            c.getMethod("setUp").invoke(b);
            long end = System.nanoTime() + 4_000_000_000L;
            while (System.nanoTime() < end) bench.invoke(b);       // warm-up, as JMH's 3 x 1 s
            double[] ns = new double[9];
            for (int i = 0; i < ns.length; i++) {
                long c0 = threads.getCurrentThreadCpuTime();
                for (int k = 0; k < calls; k++) bench.invoke(b);
                ns[i] = (threads.getCurrentThreadCpuTime() - c0) / ((double) calls * perCall);
            }
            Arrays.sort(ns);
            System.out.printf("%s.%s %s %s: median %.2f ns per operation (range %.2f-%.2f, CPU time)%n", args[0], args[1],
                    String.join(" ", Arrays.copyOfRange(args, 2, args.length)), cpu, ns[4], ns[0], ns[8]);
        }
    }
}
