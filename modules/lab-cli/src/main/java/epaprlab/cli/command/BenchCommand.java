package epaprlab.cli.command;

import com.typesafe.config.ConfigFactory;
import epaprlab.cli.ExitCode;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.board.Board;
import epaprlab.machine.board.BoardSpec;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.ElfImage;
import epaprlab.machine.boot.ResetReason;
import epaprlab.orchestrator.config.ConfigProblem;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.vcpu.ExitAction.EndTurn;
import epaprlab.orchestrator.vcpu.ExitAction.Idle;
import epaprlab.orchestrator.vcpu.ExitAction.KeepRunning;
import epaprlab.orchestrator.vcpu.ExitAction.Report;
import epaprlab.orchestrator.vcpu.ExitAction.Stop;
import epaprlab.orchestrator.vcpu.ExitAction.WatchpointHit;
import epaprlab.orchestrator.vcpu.VcpuExitHandler;
import epaprlab.orchestrator.vcpu.VcpuReport.ShutdownRequested;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code epapr-lab bench}: the coremix whole-guest benchmark ({@code sample-vms/bench/coremix.c})
 * in epapr-lab and, side by side, under QEMU user mode.
 *
 * <p>Method. epapr-lab runs the committed bare-metal guest {@code images/bench-<cpu>.elf} on a
 * bare board (one vCPU on this thread, no actors), once with N iterations and once with 0; the
 * difference of the executed instructions is the kernel's instruction count, the difference of
 * the wall times the kernel's time (so start-up, console output and shutdown cancel out). QEMU
 * runs the static Linux build of the same kernel ({@code make -C sample-vms bench-linux}) with N
 * and with 0 iterations; the kernel's machine code is checked to be byte-identical in both builds
 * (objdump of the {@code coremix_*} and {@code crcu*} functions), so it executes the same
 * instruction count, and its kernel time is again the difference of the two wall times (process
 * start-up cancels out). Every measurement is the median of {@code --runs} runs after
 * {@code --warmup} unmeasured runs (which let the JIT compile the interpreter).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Times the coremix integer benchmark guest in epapr-lab and under QEMU user mode",
            "(qemu-ppc -cpu e500mc, qemu-ppc64 -cpu e5500) and prints guest instructions per second.",
            "Needs qemu-user, gcc-powerpc-linux-gnu and gcc-powerpc64-linux-gnu (bin/epapr-lab installs them).",
            "The last line is: guest-mips=<n> qemu-mips=<n> ratio=<epapr-lab/qemu>"})
public final class BenchCommand implements Callable<Integer> {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    enum CpuChoice { e500mc, e5500, both }

    @Option(names = "--cpu", defaultValue = "both", paramLabel = "CPU",
            description = "e500mc, e5500 or both (default: ${DEFAULT-VALUE})")
    CpuChoice cpu;

    @Option(names = "--iterations", defaultValue = "2000", paramLabel = "N",
            description = "coremix iterations per measured run (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--runs", defaultValue = "5", paramLabel = "K",
            description = "measured runs; the median is reported (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", defaultValue = "5", paramLabel = "W",
            description = "unmeasured epapr-lab runs first, to warm up the JIT (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--sample-vms", paramLabel = "DIR",
            description = "the sample-vms directory (default: sample-vms of the epapr-lab checkout)")
    Path sampleVms;

    @Option(names = "--no-qemu", description = "time epapr-lab only")
    boolean noQemu;

    @Option(names = "--short",
            description = "the short-guest suite instead (sample-vms/bench/shortmix.c: one VM per kernel and core, "
                    + "each with the default compile threshold and with 0, in this JVM, against qemu-user); last line: "
                    + "short-guests=<n> epapr-lab-s=<s> qemu-s=<s> ratio=<qemu-s/epapr-lab-s>")
    boolean shortGuests;

    @Option(names = "--kernels", split = ",", paramLabel = "NAME",
            description = "with --short: only these kernels of the suite (comma-separated, e.g. nbody,simpson; default all)")
    List<String> kernels;

    @Option(names = "--compile-threshold", paramLabel = "RUNS",
            description = "engine.compile-threshold for the guest (default: the bench configs' value, 10000); "
                    + "0 times the interpreter alone")
    Integer compileThreshold;

    /** One core's figures. Instructions and nanoseconds are of the kernel alone. */
    record Row(String cpu, long instructions, long labNanos, long labCpuNanos, long qemuNanos) {
        double labMips() { return mips(instructions, labNanos); }
        double labCpuMips() { return mips(instructions, labCpuNanos); }
        double qemuMips() { return mips(instructions, qemuNanos); }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (iterations < 1 || runs < 1 || warmup < 0) {
            return fail("--iterations and --runs must be at least 1, --warmup at least 0");
        }
        if (compileThreshold != null && compileThreshold < 0) {
            return fail("--compile-threshold must be >= 0 (0 = interpreter only), got " + compileThreshold);
        }
        Path samples = sampleVms != null ? sampleVms : defaultSampleVms();
        if (!Files.isDirectory(samples.resolve("bench"))) {
            return fail(samples + " is not the sample-vms directory (no bench/ in it); name it with --sample-vms");
        }
        List<String> cpus = cpu == CpuChoice.both ? List.of("e500mc", "e5500") : List.of(cpu.name());
        if (shortGuests) return new ShortGuestBench(samples, cpus, runs, noQemu, compileThreshold, kernels).call();
        Path linuxDir = null;
        if (!noQemu) {
            linuxDir = Files.createTempDirectory("epapr-lab-bench");
            String log = exec(List.of("make", "-s", "-C", samples.toString(), "OUT=" + linuxDir, "bench-linux"),
                    "make (Debian package make) with gcc-powerpc-linux-gnu and gcc-powerpc64-linux-gnu");
            if (log == null) return ExitCode.INTERNAL_ERROR.code();
        }
        List<Row> rows = new ArrayList<>();
        try {
            for (String c : cpus) {
                Row row = measure(samples, c, linuxDir);
                if (row == null) return ExitCode.INTERNAL_ERROR.code();
                rows.add(row);
            }
        } finally {
            if (linuxDir != null) deleteTree(linuxDir);
        }
        printTable(out, rows);
        long insns = 0, lab = 0, qemu = 0;
        for (Row r : rows) { insns += r.instructions(); lab += r.labNanos(); qemu += r.qemuNanos(); }
        double g = mips(insns, lab), q = mips(insns, qemu);
        out.printf(Locale.ROOT, "guest-mips=%.1f qemu-mips=%s ratio=%s%n", g,
                noQemu ? "n/a" : String.format(Locale.ROOT, "%.1f", q),
                noQemu ? "n/a" : String.format(Locale.ROOT, "%.3f", g / q));
        return ExitCode.OK.code();
    }

    private Row measure(Path samples, String cpuName, Path linuxDir) throws Exception {
        String bits = cpuName.equals("e500mc") ? "32" : "64";
        VmConfig vm;
        try {
            vm = new LabConfigLoader(ConfigFactory.load()).load(samples.resolve("bench-" + bits + ".conf")).vms().get(0);
        } catch (ConfigProblem p) {
            fail(p.getMessage());
            return null;
        }
        ElfImage image = ElfImage.read(vm.image(), vm.board().ramBytes());
        GuestRun full = new GuestRun(vm, image, "iterations=" + iterations, compileThreshold);
        GuestRun empty = new GuestRun(vm, image, "iterations=0", compileThreshold);
        System.err.printf("epapr-lab: bench %s: warming up (%d runs of %d iterations)...%n", cpuName, warmup, iterations);
        for (int i = 0; i < warmup; i++) { full.run(); empty.run(); }
        long[] fullNs = new long[runs], emptyNs = new long[runs], fullCpu = new long[runs], emptyCpu = new long[runs];
        for (int i = 0; i < runs; i++) {
            fullNs[i] = full.run();
            fullCpu[i] = full.cpuNanos;
            emptyNs[i] = empty.run();
            emptyCpu[i] = empty.cpuNanos;
        }
        long instructions = full.instructions - empty.instructions;
        long labNs = Math.max(1, median(fullNs) - median(emptyNs));
        long labCpuNs = Math.max(1, median(fullCpu) - median(emptyCpu));
        long qemuNs = 0;
        if (linuxDir != null) {
            Path program = linuxDir.resolve("bench-linux-" + cpuName);
            String objdump = (cpuName.equals("e500mc") ? "powerpc-linux-gnu" : "powerpc64-linux-gnu") + "-objdump";
            List<String> guestCode = kernelCode(objdump, vm.image());
            List<String> linuxCode = kernelCode(objdump, program);
            if (guestCode == null || linuxCode == null) return null;
            if (guestCode.isEmpty() || !guestCode.equals(linuxCode)) {
                fail("the coremix kernel in " + vm.image() + " and in " + program + " differ ("
                        + guestCode.size() + " vs " + linuxCode.size() + " instructions): the instruction count would not carry over");
                return null;
            }
            String qemu = cpuName.equals("e500mc") ? "qemu-ppc" : "qemu-ppc64";
            long[] qFull = new long[runs], qEmpty = new long[runs];
            for (int i = 0; i < runs; i++) {
                qFull[i] = qemuRun(qemu, cpuName, program, iterations);
                qEmpty[i] = qemuRun(qemu, cpuName, program, 0);
                if (qFull[i] < 0 || qEmpty[i] < 0) return null;
            }
            qemuNs = Math.max(1, median(qFull) - median(qEmpty));
        }
        return new Row(cpuName, instructions, labNs, labCpuNs, qemuNs);
    }

    /**
     * The bench guest on a bare board, run to its shutdown on this thread in turns of {@link #TURN}
     * instructions, with the vCPU actor's exit mapping (engine.turn-instructions' default).
     */
    static final class GuestRun {
        static final long TURN = 100_000;
        private final Board board;
        private final VcpuExitHandler exits;
        private final Vcpu vcpu;
        /** The console of the current run. */
        private final StringBuilder text = new StringBuilder();
        long instructions;
        /** CPU time of this thread over the last run (wall time minus time the OS gave to others). */
        long cpuNanos;

        GuestRun(VmConfig vm, ElfImage image, String bootargs, Integer compileThreshold) throws BootException {
            BoardSpec s = vm.board();
            BoardSpec spec = new BoardSpec(s.name(), s.guestId(), s.cpu(), s.ramBytes(), s.vcpus(), s.hypercalls(),
                    s.idle(), bootargs, s.clockHz(), s.timebaseHz(), s.consoleBuffer(), s.timeSource(),
                    compileThreshold != null ? compileThreshold : s.compileThreshold());
            this.board = Board.assemble(spec, image);
            this.exits = new VcpuExitHandler(board.newHostHypercalls(), board.console(),
                    (bytes, off, len) -> text.append(new String(bytes, off, len, StandardCharsets.ISO_8859_1)));
            this.vcpu = board.vcpus().get(0);
        }

        /** One boot to shutdown; returns its wall time in ns. Fails unless the guest printed "ok". */
        long run() throws BootException {
            long t = runToShutdown();
            String want = "coremix: iterations=" + iterations() + " ";
            if (!text.toString().contains(want) || !text.toString().contains(" ok")) {
                throw new IllegalStateException("bench guest did not verify its checksum; console: " + text);
            }
            return t;
        }

        private String iterations() { return board.spec().bootargs().replace("iterations=", ""); }

        /** The console output of the last run. */
        String console() { return text.toString(); }

        /** One boot to shutdown; its wall time in ns. */
        long runToShutdown() throws BootException {
            board.powerOn(1, ResetReason.POWER_ON);
            text.setLength(0);
            long c0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            loop:
            while (true) {
                vcpu.run(TURN);
                switch (exits.handle(vcpu)) {
                    case KeepRunning _, EndTurn _, Report _ -> { }
                    case Stop(ShutdownRequested _) -> { break loop; }
                    case Stop s -> throw new IllegalStateException("bench guest stopped: " + s.stop() + "; console: " + text);
                    case Idle _ -> throw new IllegalStateException("bench guest went idle; console: " + text);
                    case WatchpointHit _ -> throw new IllegalStateException("bench guest hit a watchpoint nobody set");
                }
            }
            long t1 = System.nanoTime();
            cpuNanos = THREADS.getCurrentThreadCpuTime() - c0;
            instructions = vcpu.instructionsRetired();
            return t1 - t0;
        }
    }

    /** Runs the Linux build under QEMU; its wall time in ns, or -1 (message printed). */
    private static long qemuRun(String qemu, String cpuName, Path program, int n) throws Exception {
        long t0 = System.nanoTime();
        String outText = exec(List.of(qemu, "-cpu", cpuName, program.toString(), Integer.toString(n)),
                "qemu-user (Debian package qemu-user)");
        long t1 = System.nanoTime();
        if (outText == null) return -1;
        if (!outText.contains("coremix: iterations=" + n + " ") || !outText.contains(" ok")) {
            fail(qemu + " did not verify the checksum: " + outText);
            return -1;
        }
        return t1 - t0;
    }

    /** The instruction words of the kernel functions, in address order, from objdump -d. */
    static List<String> kernelCode(String objdump, Path elf) throws Exception {
        String dis = exec(List.of(objdump, "-d", elf.toString()),
                "GNU binutils for PowerPC (Debian packages binutils-powerpc-linux-gnu, binutils-powerpc64-linux-gnu)");
        if (dis == null) return null;
        List<String> words = new ArrayList<>();
        boolean in = false;
        for (String line : dis.split("\n")) {
            if (line.matches("^[0-9a-f]+ <.*>:$")) {
                in = line.matches("^[0-9a-f]+ <\\.?(coremix_|crcu)[a-z0-9_]*>:$");
                if (in) words.add(line.replaceFirst("^[0-9a-f]+ ", ""));
            } else if (in && line.matches("^ *[0-9a-f]+:\t.*")) {
                words.add(line.split("\t")[1].trim());
            }
        }
        return words;
    }

    /** Runs a tool; its stdout+stderr, or null (message naming the Debian package printed) on failure. */
    static String exec(List<String> cmd, String needs) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail(cmd.get(0) + " not found: install " + needs);
            return null;
        }
        String text;
        try {
            text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            fail(cmd.get(0) + ": " + e.getMessage());
            return null;
        }
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            fail(String.join(" ", cmd) + " failed (needs " + needs + "):\n" + text);
            return null;
        }
        return text;
    }

    private static void printTable(PrintStream out, List<Row> rows) {
        out.println("coremix kernel, median of the measured runs; MIPS = million guest instructions per wall-clock");
        out.println("second (CPU-MIPS: per second of this thread's CPU time, which a busy machine disturbs less)");
        out.printf(Locale.ROOT, "%-7s %15s %12s %8s %9s %12s %8s %7s%n",
                "CPU", "INSTRUCTIONS", "EPAPR-LAB", "MIPS", "CPU-MIPS", "QEMU", "MIPS", "RATIO");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-7s %,15d %10.3f s %8.1f %9.1f %10.3f s %8.1f %7.3f%n", r.cpu(), r.instructions(),
                    r.labNanos() / 1e9, r.labMips(), r.labCpuMips(), r.qemuNanos() / 1e9, r.qemuMips(),
                    r.qemuNanos() == 0 ? 0.0 : r.labMips() / r.qemuMips());
        }
    }

    private static double mips(long instructions, long nanos) {
        return nanos <= 0 ? 0.0 : instructions * 1e3 / nanos;
    }

    static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static Path defaultSampleVms() {
        String home = System.getProperty("epaprlab.home");
        return (home != null ? Path.of(home) : Path.of("")).resolve("sample-vms").toAbsolutePath().normalize();
    }

    static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.deleteIfExists(p);
        }
    }

    static int fail(String message) {
        System.err.println("epapr-lab: " + message);
        return ExitCode.BAD_INPUT.code();
    }
}
