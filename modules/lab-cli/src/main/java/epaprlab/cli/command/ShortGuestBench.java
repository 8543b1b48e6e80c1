package epaprlab.cli.command;

import com.typesafe.config.ConfigFactory;
import epaprlab.cli.ExitCode;
import epaprlab.machine.boot.ElfImage;
import epaprlab.orchestrator.config.ConfigProblem;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.config.VmConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code epapr-lab bench --short}: the short-guest suite ({@code sample-vms/bench/shortmix.c}),
 * every kernel on every core as its own VM, in this JVM, and under QEMU user mode.
 *
 * <p>Method. A program is one kernel on one core. Its epapr-lab time is the whole VM's wall time:
 * board assembly, boot, the kernel, console output and shutdown, on this thread (the engine's
 * background compiler runs on its own thread, as in any lab). Its QEMU time is the wall time of
 * the whole {@code qemu-ppc}/{@code qemu-ppc64} process running the static Linux build of the same
 * kernel source with the same code-generation flags ({@code make -C sample-vms short-linux}).
 * Every program also runs with {@code engine.compile-threshold = 0} (the interpreter alone) right
 * before or after (alternating by round), so each round gives a pair of runs under the same load.
 * A program is slower than the interpreter when the median of its pairs' ratios of the vCPU
 * thread's CPU time (the thread that runs the VM, which is this one) is above 1: wall time on a
 * shared machine measures the load (a 20 ms program's pair ratio moved 0.05-5 at load 12), and the
 * process's CPU time charges a program with whatever the JIT compiles meanwhile, mostly for the
 * programs before it (the C2 thread took 20-80 ms during runs of the interpreter alone). The vCPU
 * thread's CPU time is the wall time the program would take on a core of its own, the JIT working
 * on the other; what the JIT and the background compiler cost in all is in the process CPU sums
 * ({@code epapr-lab-cpu-s}). Both sides follow the same rules: fresh VM, same JVM,
 * same image. Each figure is the median over {@code --runs} rounds; the first round is cold
 * (nothing of that program translated yet in this JVM; its vCPU ratio is shown apart as COLD), later ones reuse the
 * JVM-wide code cache as a lab that runs a guest again does. VS-INTERP and CPU-VS are the same pair
 * ratios of wall time and of the whole process's CPU time (vCPU, background compiler, JIT and GC
 * threads), shown beside it. Every run must print the kernel's verified checksum.
 */
final class ShortGuestBench {
    private static final Pattern KERNEL = Pattern.compile("^#define EXPECTED_([a-z0-9_]+) ", Pattern.MULTILINE);

    private final Path samples;
    private final List<String> cpus;
    private final int runs;
    private final boolean noQemu;
    private final Integer compileThreshold;
    /** The kernels to run (null: all of the suite). */
    private final List<String> only;

    ShortGuestBench(Path samples, List<String> cpus, int runs, boolean noQemu, Integer compileThreshold, List<String> only) {
        this.only = only;
        this.samples = samples;
        this.cpus = cpus;
        this.runs = runs;
        this.noQemu = noQemu;
        this.compileThreshold = compileThreshold;
    }

    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final java.lang.management.ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

    /**
     * CPU time of the whole process so far in ns: the vCPU's thread and every thread working for
     * it (background compiler, JIT, GC). From Linux's per-thread schedstat (ns; the JVM's own figure
     * counts in 10 ms ticks, too coarse for programs of 10-100 ms); threads that ended meanwhile
     * are not counted.
     */
    private static long processCpuNanos() {
        if (!Files.isDirectory(TASKS)) return PROCESS.getProcessCpuTime();
        long sum = 0;
        try (var tasks = Files.list(TASKS)) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String line = Files.readString(t.resolve("schedstat"));
                    sum += Long.parseLong(line.substring(0, line.indexOf(' ')));
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            return PROCESS.getProcessCpuTime();
        }
        return sum;
    }

    /**
     * One program's medians, in ns; instructions of one run; the epapr-lab/interpreter ratios of the
     * rounds' pairs (wall: median, lowest, highest; process CPU: median; the vCPU thread's CPU: the
     * cold first round's, median, lowest, highest).
     */
    record Row(String cpu, String kernel, long instructions, long labNanos, long interpretedNanos, long qemuNanos,
               long labCpuNanos, long interpretedCpuNanos, long qemuCpuNanos, double vsInterp, double vsLow, double vsHigh, double cpuVsInterp, double cold,
               double vcpuVsInterp, double vcpuLow, double vcpuHigh) {}

    int call() throws Exception {
        List<String> kernels = new ArrayList<>();
        Matcher m = KERNEL.matcher(Files.readString(samples.resolve("bench/shortmix-expected.h")));
        while (m.find()) kernels.add(m.group(1));
        if (kernels.isEmpty()) return BenchCommand.fail("no kernels in " + samples.resolve("bench/shortmix-expected.h"));
        if (only != null) {
            for (String k : only) if (!kernels.contains(k)) return BenchCommand.fail("no kernel " + k + " in the suite " + kernels);
            kernels.retainAll(only);
        }
        Path linuxDir = null;
        if (!noQemu) {
            linuxDir = Files.createTempDirectory("epapr-lab-short");
            String log = BenchCommand.exec(List.of("make", "-s", "-C", samples.toString(), "OUT=" + linuxDir, "short-linux"),
                    "make (Debian package make) with gcc-powerpc-linux-gnu and gcc-powerpc64-linux-gnu");
            if (log == null) return ExitCode.INTERNAL_ERROR.code();
        }
        try {
            List<Row> rows = measure(kernels, linuxDir);
            if (rows == null) return ExitCode.INTERNAL_ERROR.code();
            print(System.out, rows);
            return ExitCode.OK.code();
        } finally {
            if (linuxDir != null) BenchCommand.deleteTree(linuxDir);
        }
    }

    private List<Row> measure(List<String> kernels, Path linuxDir) throws Exception {
        record Program(String cpu, String kernel, VmConfig vm, ElfImage image, long[] lab, long[] interp, long[] labCpu,
                long[] interpCpu, long[] labVcpu, long[] interpVcpu, long[] qemu, long[] qemuCpu, long[] insns) {}
        List<Program> programs = new ArrayList<>();
        for (String c : cpus) {
            VmConfig vm;
            try {
                vm = new LabConfigLoader(ConfigFactory.load())
                        .load(samples.resolve("bench-" + (c.equals("e500mc") ? "32" : "64") + ".conf")).vms().get(0);
            } catch (ConfigProblem p) {
                BenchCommand.fail(p.getMessage());
                return null;
            }
            ElfImage image = ElfImage.read(samples.resolve("images/short-" + c + ".elf"), vm.board().ramBytes());
            for (String k : kernels) {
                programs.add(new Program(c, k, vm, image, new long[runs], new long[runs], new long[runs], new long[runs],
                        new long[runs], new long[runs], new long[runs], new long[runs], new long[1]));
            }
        }
        int threshold = compileThreshold != null ? compileThreshold : programs.getFirst().vm().board().compileThreshold();
        long[] cpu = new long[2];
        for (int round = 0; round < runs; round++) {
            System.err.printf("epapr-lab: bench --short: round %d of %d (%d programs)...%n", round + 1, runs, programs.size());
            for (Program p : programs) {
                boolean interpFirst = round % 2 == 0;
                if (interpFirst) {
                    p.interp()[round] = vmRun(p.vm(), p.image(), p.kernel(), 0, null, cpu);
                    p.interpCpu()[round] = cpu[0];
                    p.interpVcpu()[round] = cpu[1];
                }
                p.lab()[round] = vmRun(p.vm(), p.image(), p.kernel(), threshold, p.insns(), cpu);
                p.labCpu()[round] = cpu[0];
                p.labVcpu()[round] = cpu[1];
                if (!interpFirst) {
                    p.interp()[round] = vmRun(p.vm(), p.image(), p.kernel(), 0, null, cpu);
                    p.interpCpu()[round] = cpu[0];
                    p.interpVcpu()[round] = cpu[1];
                }
                if (linuxDir != null) {
                    p.qemu()[round] = qemuRun(p.cpu(), linuxDir.resolve("short-linux-" + p.cpu()), p.kernel(), cpu);
                    if (p.qemu()[round] < 0) return null;
                    p.qemuCpu()[round] = cpu[0];
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Program p : programs) {
            double[] wall = new double[runs], cpuRatio = new double[runs], vcpu = new double[runs];
            for (int i = 0; i < runs; i++) {
                wall[i] = (double) p.lab()[i] / p.interp()[i];
                cpuRatio[i] = (double) p.labCpu()[i] / Math.max(1, p.interpCpu()[i]);
                vcpu[i] = (double) p.labVcpu()[i] / Math.max(1, p.interpVcpu()[i]);
            }
            rows.add(new Row(p.cpu(), p.kernel(), p.insns()[0], BenchCommand.median(p.lab()), BenchCommand.median(p.interp()),
                    linuxDir == null ? 0 : BenchCommand.median(p.qemu()), BenchCommand.median(p.labCpu()),
                    BenchCommand.median(p.interpCpu()), linuxDir == null ? 0 : BenchCommand.median(p.qemuCpu()), median(wall), min(wall), max(wall), median(cpuRatio),
                    vcpu[0], median(vcpu), min(vcpu), max(vcpu)));
        }
        return rows;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) { return Arrays.stream(v).min().orElse(0); }

    private static double max(double[] v) { return Arrays.stream(v).max().orElse(0); }

    /** One VM from assembly to shutdown; wall ns. Fails unless the guest verified its checksum. */
    private static long vmRun(VmConfig vm, ElfImage image, String kernel, int threshold, long[] instructions, long[] cpuNanos)
            throws Exception {
        long c0 = processCpuNanos();
        long v0 = THREAD.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        BenchCommand.GuestRun run = new BenchCommand.GuestRun(vm, image, "kernel=" + kernel, threshold);
        run.runToShutdown();
        long t1 = System.nanoTime();
        cpuNanos[1] = THREAD.getCurrentThreadCpuTime() - v0;
        cpuNanos[0] = processCpuNanos() - c0;
        if (!run.console().contains("short: " + kernel + " result=") || !run.console().contains(" ok")) {
            throw new IllegalStateException("short guest " + kernel + " on " + vm.board().cpu()
                    + " did not verify its checksum; console: " + run.console());
        }
        if (instructions != null) instructions[0] = run.instructions;
        return t1 - t0;
    }

    /**
     * The Linux build under QEMU user mode; wall ns of the whole process, or -1 (message printed).
     * {@code cpuNanos[0]}: its CPU time (user + system, from the shell's {@code time}, which reads
     * the child's rusage to the millisecond).
     */
    private static long qemuRun(String cpu, Path program, String kernel, long[] cpuNanos) throws Exception {
        String qemu = cpu.equals("e500mc") ? "qemu-ppc" : "qemu-ppc64";
        long t0 = System.nanoTime();
        String out = BenchCommand.exec(List.of("bash", "-c", "TIMEFORMAT='qemu-cpu %3U %3S'; time \"$@\"", "bash",
                qemu, "-cpu", cpu, program.toString(), kernel), "qemu-user (Debian package qemu-user)");
        long t1 = System.nanoTime();
        if (out == null) return -1;
        if (!out.contains("short: " + kernel + " result=") || !out.contains(" ok")) {
            BenchCommand.fail(qemu + " " + kernel + " did not verify its checksum: " + out);
            return -1;
        }
        Matcher times = QEMU_CPU.matcher(out);
        if (!times.find()) {
            BenchCommand.fail("no CPU time from bash's time for " + qemu + " " + kernel + ": " + out);
            return -1;
        }
        cpuNanos[0] = Math.round((Double.parseDouble(times.group(1)) + Double.parseDouble(times.group(2))) * 1e9);
        return t1 - t0;
    }

    private static final Pattern QEMU_CPU = Pattern.compile("qemu-cpu (\\d+\\.\\d+) (\\d+\\.\\d+)");

    private void print(PrintStream out, List<Row> rows) throws IOException {
        out.println("short guests: whole-VM wall time per program, median of " + runs + " rounds; INTERP = the same VM"
                + " with engine.compile-threshold = 0, run beside it in every round; VCPU-VS = median of the rounds'"
                + " EPAPR-LAB/INTERP ratios of the vCPU thread's CPU time (RANGE: lowest-highest; a program is SLOWER when"
                + " it is above 1; COLD: the first round's), VS-INTERP = the same for wall time, CPU-VS = the same for"
                + " process CPU time; QEMU = the whole qemu-user process; LAB-CPU, QEMU-CPU: median process CPU time");
        out.printf(Locale.ROOT, "%-7s %-10s %12s %10s %10s %7s %11s %9s %6s %6s %10s %9s %9s%n", "CPU", "KERNEL", "INSTRUCTIONS",
                "EPAPR-LAB", "INTERP", "VCPU-VS", "RANGE", "VS-INTERP", "CPU-VS", "COLD", "QEMU", "LAB-CPU", "QEMU-CPU");
        long lab = 0, interp = 0, qemu = 0, labCpu = 0, interpCpu = 0, qemuCpu = 0;
        List<String> slower = new ArrayList<>();
        Row worst = null;
        int coldSlower = 0;
        for (Row r : rows) {
            if (r.cold() > 1.0) coldSlower++;
            if (r.vcpuVsInterp() > 1.0) slower.add(String.format(Locale.ROOT, "%s/%s %.2f", r.cpu(), r.kernel(), r.vcpuVsInterp()));
            if (worst == null || r.vcpuVsInterp() > worst.vcpuVsInterp()) worst = r;
            out.printf(Locale.ROOT, "%-7s %-10s %,12d %8.3f s %8.3f s %7.2f %5.2f-%5.2f %9.2f %6.2f %6.2f %8.3f s %7.3f s %7.3f s%s%n",
                    r.cpu(), r.kernel(), r.instructions(), r.labNanos() / 1e9, r.interpretedNanos() / 1e9, r.vcpuVsInterp(),
                    r.vcpuLow(), r.vcpuHigh(), r.vsInterp(), r.cpuVsInterp(), r.cold(), r.qemuNanos() / 1e9, r.labCpuNanos() / 1e9,
                    r.qemuCpuNanos() / 1e9, r.vcpuVsInterp() > 1.0 ? "  SLOWER" : "");
            lab += r.labNanos();
            interp += r.interpretedNanos();
            qemu += r.qemuNanos();
            labCpu += r.labCpuNanos();
            interpCpu += r.interpretedCpuNanos();
            qemuCpu += r.qemuCpuNanos();
        }
        out.printf(Locale.ROOT, "slower-than-interpreter=%d of %d (VCPU-VS > 1.00; highest %.2f, %s/%s; first round: %d above 1)%s%n",
                slower.size(), rows.size(), worst.vcpuVsInterp(), worst.cpu(), worst.kernel(), coldSlower,
                slower.isEmpty() ? "" : ": " + String.join(", ", slower));
        out.printf(Locale.ROOT, "interp-s=%.3f epapr-lab-cpu-s=%.3f interp-cpu-s=%.3f qemu-cpu-s=%s cpu-ratio=%s%n", interp / 1e9,
                labCpu / 1e9, interpCpu / 1e9, noQemu ? "n/a" : String.format(Locale.ROOT, "%.3f", qemuCpu / 1e9),
                noQemu ? "n/a" : String.format(Locale.ROOT, "%.3f", (double) qemuCpu / labCpu));
        out.printf(Locale.ROOT, "short-guests=%d epapr-lab-s=%.3f qemu-s=%s ratio=%s%n", rows.size(), lab / 1e9,
                noQemu ? "n/a" : String.format(Locale.ROOT, "%.3f", qemu / 1e9),
                noQemu ? "n/a" : String.format(Locale.ROOT, "%.3f", (double) qemu / lab));
    }
}
