package epaprlab.cli.command;

import com.typesafe.config.ConfigFactory;
import epaprlab.cli.ExitCode;
import epaprlab.machine.boot.ElfImage;
import epaprlab.orchestrator.config.ConfigProblem;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.config.VmConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Every program also runs with {@code engine.compile-threshold = 0} (the interpreter alone),
 * alternating which goes first, so each program shows whether compilation ever cost it time. Each
 * figure is the median over {@code --runs} rounds; the first round is cold (nothing of that
 * program compiled yet in this JVM), later ones reuse the JVM-wide code cache as a lab that runs
 * a guest again does. Every run must print the kernel's verified checksum.
 */
final class ShortGuestBench {
    private static final Pattern KERNEL = Pattern.compile("^#define EXPECTED_([a-z0-9_]+) ", Pattern.MULTILINE);

    private final Path samples;
    private final List<String> cpus;
    private final int runs;
    private final boolean noQemu;
    private final Integer compileThreshold;

    ShortGuestBench(Path samples, List<String> cpus, int runs, boolean noQemu, Integer compileThreshold) {
        this.samples = samples;
        this.cpus = cpus;
        this.runs = runs;
        this.noQemu = noQemu;
        this.compileThreshold = compileThreshold;
    }

    /** One program's medians, in ns; instructions of one run. */
    record Row(String cpu, String kernel, long instructions, long labNanos, long interpretedNanos, long qemuNanos) {}

    int call() throws Exception {
        List<String> kernels = new ArrayList<>();
        Matcher m = KERNEL.matcher(Files.readString(samples.resolve("bench/shortmix-expected.h")));
        while (m.find()) kernels.add(m.group(1));
        if (kernels.isEmpty()) return BenchCommand.fail("no kernels in " + samples.resolve("bench/shortmix-expected.h"));
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
        record Program(String cpu, String kernel, VmConfig vm, ElfImage image, long[] lab, long[] interp, long[] qemu, long[] insns) {}
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
                programs.add(new Program(c, k, vm, image, new long[runs], new long[runs], new long[runs], new long[1]));
            }
        }
        int threshold = compileThreshold != null ? compileThreshold : programs.getFirst().vm().board().compileThreshold();
        for (int round = 0; round < runs; round++) {
            System.err.printf("epapr-lab: bench --short: round %d of %d (%d programs)...%n", round + 1, runs, programs.size());
            for (Program p : programs) {
                boolean interpFirst = round % 2 == 0;
                if (interpFirst) p.interp()[round] = vmRun(p.vm(), p.image(), p.kernel(), 0, null);
                p.lab()[round] = vmRun(p.vm(), p.image(), p.kernel(), threshold, p.insns());
                if (!interpFirst) p.interp()[round] = vmRun(p.vm(), p.image(), p.kernel(), 0, null);
                if (linuxDir != null) {
                    p.qemu()[round] = qemuRun(p.cpu(), linuxDir.resolve("short-linux-" + p.cpu()), p.kernel());
                    if (p.qemu()[round] < 0) return null;
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Program p : programs) {
            rows.add(new Row(p.cpu(), p.kernel(), p.insns()[0], BenchCommand.median(p.lab()), BenchCommand.median(p.interp()),
                    linuxDir == null ? 0 : BenchCommand.median(p.qemu())));
        }
        return rows;
    }

    /** One VM from assembly to shutdown; wall ns. Fails unless the guest verified its checksum. */
    private static long vmRun(VmConfig vm, ElfImage image, String kernel, int threshold, long[] instructions) throws Exception {
        long t0 = System.nanoTime();
        BenchCommand.GuestRun run = new BenchCommand.GuestRun(vm, image, "kernel=" + kernel, threshold);
        run.runToShutdown();
        long t1 = System.nanoTime();
        if (!run.console().contains("short: " + kernel + " result=") || !run.console().contains(" ok")) {
            throw new IllegalStateException("short guest " + kernel + " on " + vm.board().cpu()
                    + " did not verify its checksum; console: " + run.console());
        }
        if (instructions != null) instructions[0] = run.instructions;
        return t1 - t0;
    }

    /** The Linux build under QEMU user mode; wall ns of the whole process, or -1 (message printed). */
    private static long qemuRun(String cpu, Path program, String kernel) throws Exception {
        String qemu = cpu.equals("e500mc") ? "qemu-ppc" : "qemu-ppc64";
        long t0 = System.nanoTime();
        String out = BenchCommand.exec(List.of(qemu, "-cpu", cpu, program.toString(), kernel), "qemu-user (Debian package qemu-user)");
        long t1 = System.nanoTime();
        if (out == null) return -1;
        if (!out.contains("short: " + kernel + " result=") || !out.contains(" ok")) {
            BenchCommand.fail(qemu + " " + kernel + " did not verify its checksum: " + out);
            return -1;
        }
        return t1 - t0;
    }

    private void print(PrintStream out, List<Row> rows) throws IOException {
        out.println("short guests: whole-VM wall time per program, median of " + runs + " rounds; INTERP = the same VM"
                + " with engine.compile-threshold = 0; QEMU = the whole qemu-user process");
        out.printf(Locale.ROOT, "%-7s %-10s %12s %10s %10s %9s %10s%n", "CPU", "KERNEL", "INSTRUCTIONS", "EPAPR-LAB", "INTERP",
                "VS-INTERP", "QEMU");
        long lab = 0, interp = 0, qemu = 0;
        int slower = 0;
        for (Row r : rows) {
            double vs = (double) r.labNanos() / r.interpretedNanos();
            if (vs > 1.0) slower++;
            out.printf(Locale.ROOT, "%-7s %-10s %,12d %8.3f s %8.3f s %9.2f %8.3f s%n", r.cpu(), r.kernel(), r.instructions(),
                    r.labNanos() / 1e9, r.interpretedNanos() / 1e9, vs, r.qemuNanos() / 1e9);
            lab += r.labNanos();
            interp += r.interpretedNanos();
            qemu += r.qemuNanos();
        }
        out.printf(Locale.ROOT, "slower-than-interpreter=%d of %d (VS-INTERP > 1.00) interp-s=%.3f%n", slower, rows.size(), interp / 1e9);
        out.printf(Locale.ROOT, "short-guests=%d epapr-lab-s=%.3f qemu-s=%s ratio=%s%n", rows.size(), lab / 1e9,
                noQemu ? "n/a" : String.format(Locale.ROOT, "%.3f", qemu / 1e9),
                noQemu ? "n/a" : String.format(Locale.ROOT, "%.3f", (double) qemu / lab));
    }
}
