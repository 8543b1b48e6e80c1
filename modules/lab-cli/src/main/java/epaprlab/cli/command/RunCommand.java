package epaprlab.cli.command;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import epaprlab.cli.ExitCode;
import epaprlab.cli.attach.AttachedConsole;
import epaprlab.cli.progress.Progress;
import epaprlab.cli.report.ConsoleCapture;
import epaprlab.cli.report.ConsoleLogs;
import epaprlab.cli.report.TerminalText;
import epaprlab.cli.report.ConsolePrinter;
import epaprlab.cli.report.ConsolePrinter.ConsoleMode;
import epaprlab.cli.report.HeapSampler;
import epaprlab.cli.report.JsonReport;
import epaprlab.cli.report.JunitReport;
import epaprlab.cli.report.ReportPaths;
import epaprlab.cli.report.ResultLedger;
import epaprlab.cli.report.StartRate;
import epaprlab.cli.report.SummaryTable;
import epaprlab.orchestrator.config.ConfigProblem;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.lab.LabActorSystem;
import epaprlab.orchestrator.lab.LabGuardian;
import epaprlab.orchestrator.lab.LabObserver;
import epaprlab.orchestrator.vm.Outcome;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code epapr-lab run <vm-or-lab.conf>}: runs every VM to its end and prints a summary. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a VM file (vm { ... }) or a lab file (lab { vms = [...] }) to the end.",
            "Console lines are printed as they come, prefixed with [vm-name]; then a summary.",
            "Ctrl-C or SIGTERM stops every VM, still writes the summary and the reports, and exits 17."})
public final class RunCommand implements Callable<Integer> {
    /** How long Ctrl-C waits for the VMs to stop before the reports are written without them. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** How long Ctrl-C then waits for the summary and the reports (written at full speed). */
    private static final Duration REPORT_GRACE = Duration.ofMinutes(5);
    /** Labs up to this size print every console line by default. */
    private static final int CONSOLE_ALL_MAX_VMS = 16;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "a VM or lab file in HOCON")
    Path config;

    @Option(names = "--events", description = "also print every lifecycle transition")
    boolean events;

    @Option(names = "--console", paramLabel = "MODE",
            description = "console lines to print: all, failures (a failed VM's console at its end) or none "
                    + "(default: all for labs of up to 16 VMs, else failures)")
    String console;

    @Option(names = "--raw-console", description = "print guest output as it is; by default control characters "
            + "(escape sequences) are shown as \\xNN so a guest cannot drive the terminal (logs and reports keep them)")
    boolean rawConsole;

    @Option(names = "--junit", paramLabel = "FILE", description = "write a JUnit XML report (one test case per VM)")
    Path junit;

    @Option(names = "--json", paramLabel = "FILE", description = "write a JSON summary")
    Path json;

    @Option(names = "--logs", paramLabel = "DIR", description = "write one console log file per VM into DIR, "
            + "line by line; DIR is locked for the run (a second run on it is refused)")
    Path logs;

    @Option(names = "--log-limit", paramLabel = "BYTES", defaultValue = "1048576",
            description = "bytes kept per VM console log and report (default: ${DEFAULT-VALUE})")
    long logLimit;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "live progress on stderr: auto (a status line on a terminal, else a line every 10 s), "
                    + "terminal, plain, off (default: ${DEFAULT-VALUE})")
    String progressMode;

    @Option(names = "--only", paramLabel = "VM",
            description = "run only the VM of this name (as reports name it, e.g. healthy-3): it boots exactly as "
                    + "in the whole lab (same guest id and device tree); the JSON report's replay.command")
    String only;

    @Option(names = "--gdb", paramLabel = "VM[:PORT]",
            description = "serve the GDB remote protocol for VM on 127.0.0.1:PORT (default 1234; 0 = any free port): "
                    + "it waits at its first instruction until gdb continues; other VMs run on (debug.gdb in a config)")
    String gdb;

    @Option(names = "--attach", paramLabel = "VM",
            description = "the terminal becomes VM's console while the lab runs (what you type goes to the guest, "
                    + "Ctrl-C included); Ctrl-] detaches and the lab runs on; guest control sequences are shown "
                    + "escaped unless --raw-console")
    String attach;

    @Option(names = "--trace-branches", paramLabel = "N",
            description = "every vCPU keeps its last N taken branches and interrupts; crash reports show them "
                    + "(overrides debug.trace-branches; 0 = off)")
    Integer traceBranches;

    @Override
    public Integer call() throws Exception {
        Config system = ConfigFactory.load();
        // the actor system starts while the lab's file is read and checked; a run that ends before its lab ends it
        try (LabActorSystem.Launch launch = LabActorSystem.launch(system)) {
            return run(system, launch);
        }
    }

    private int run(Config system, LabActorSystem.Launch launch) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        LabConfig lab;
        try {
            lab = new LabConfigLoader(system).load(config);
        } catch (ConfigProblem p) {
            err.println("epapr-lab: " + TerminalText.escape(p.getMessage()));     // it quotes the file's values
            return ExitCode.BAD_INPUT.code();
        }
        for (String[] named : new String[][] {{"--only", only}, {"--attach", attach}}) {
            if (named[1] != null && named[1].isEmpty()) {
                err.println("epapr-lab: " + named[0] + ": no VM name (expected " + named[0] + " VM, e.g. "
                        + lab.vms().get(0).name() + ")");
                return ExitCode.BAD_INPUT.code();
            }
        }
        if (only != null) {
            List<VmConfig> one = lab.vms().stream().filter(v -> v.name().equals(only)).toList();
            if (one.isEmpty()) {
                err.println("epapr-lab: --only " + only + ": " + config + " has no VM of that name (it has "
                        + lab.vms().stream().limit(10).map(VmConfig::name).collect(java.util.stream.Collectors.joining(", "))
                        + (lab.vms().size() > 10 ? ", ..." : "") + ")");
                return ExitCode.BAD_INPUT.code();
            }
            lab = new LabConfig(lab.name(), lab.source(), 1, one);
        }
        if (gdb != null) {
            String name = gdb.contains(":") ? gdb.substring(0, gdb.lastIndexOf(':')) : gdb;
            if (name.isEmpty()) {
                String example = lab.vms().get(0).name();
                err.println("epapr-lab: --gdb " + gdb + ": no VM name (expected VM or VM:PORT, e.g. " + example + ":1234)");
                return ExitCode.BAD_INPUT.code();
            }
            int port;
            try {
                port = gdb.contains(":") ? Integer.parseInt(gdb.substring(gdb.lastIndexOf(':') + 1)) : 1234;
                if (port < 0 || port > 65535) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                err.println("epapr-lab: --gdb " + gdb + ": the port must be a number from 0 to 65535");
                return ExitCode.BAD_INPUT.code();
            }
            if (lab.vms().stream().noneMatch(v -> v.name().equals(name))) {
                err.println("epapr-lab: --gdb " + gdb + ": " + config + " has no VM named " + name);
                return ExitCode.BAD_INPUT.code();
            }
            VmConfig.Gdb stub = new VmConfig.Gdb(VmConfig.GdbMode.HOLD, port);
            lab = new LabConfig(lab.name(), lab.source(), lab.concurrency(),
                    lab.vms().stream().map(v -> v.name().equals(name) ? v.withGdb(stub) : v).toList());
        }
        if (traceBranches != null) {
            if (traceBranches < 0 || traceBranches > LabConfigLoader.MAX_TRACE_BRANCHES) {
                err.println("epapr-lab: --trace-branches must be 0 (off) to " + LabConfigLoader.MAX_TRACE_BRANCHES);
                return ExitCode.BAD_INPUT.code();
            }
            int n = traceBranches;
            lab = new LabConfig(lab.name(), lab.source(), lab.concurrency(), lab.vms().stream().map(v -> v.withTraceBranches(n)).toList());
        }
        if (attach != null && lab.vms().stream().noneMatch(v -> v.name().equals(attach))) {
            err.println("epapr-lab: --attach " + attach + ": " + config + " has no VM named " + attach);
            return ExitCode.BAD_INPUT.code();
        }
        LabConfig ran = lab;
        ConsoleMode consoleMode;
        Progress.Mode mode;
        try {
            consoleMode = console == null ? (lab.vms().size() <= CONSOLE_ALL_MAX_VMS ? ConsoleMode.ALL : ConsoleMode.FAILURES)
                    : consoleMode(console);
            // attached, the terminal shows the guest's console: no status line over it
            mode = attach != null && progressMode.equals("auto") ? Progress.Mode.OFF : progressMode(progressMode);
        } catch (IllegalArgumentException e) {
            err.println("epapr-lab: " + e.getMessage());
            return ExitCode.BAD_INPUT.code();
        }
        if (logLimit < 1) {
            err.println("epapr-lab: --log-limit must be at least 1 byte");
            return ExitCode.BAD_INPUT.code();
        }
        ConsoleLogs files = null;
        try {
            if (junit != null) ReportPaths.checkFile("--junit", junit);
            if (json != null) ReportPaths.checkFile("--json", json);
            if (logs != null) files = ConsoleLogs.open(logs, logLimit, err);
        } catch (ReportPaths.Unusable u) {
            err.println("epapr-lab: " + u.getMessage());
            return ExitCode.BAD_INPUT.code();
        }

        HeapCushion cushion = new HeapCushion();
        ConsoleCapture capture = ConsoleCapture.forThisJvm((int) Math.min(Integer.MAX_VALUE, logLimit));
        ResultLedger ledger = new ResultLedger(lab);
        StartRate startRate = new StartRate();
        try (ConsoleLogs held = files;                  // closed (its lock released) on every path
             HeapSampler heap = new HeapSampler();
             Progress progress = new Progress(mode, err, lab.vms().size(), Duration.ofSeconds(10));
             AttachedConsole attached = attach == null ? null : AttachedConsole.open(attach, System.in, out, err, rawConsole)) {
            ConsolePrinter printer = new ConsolePrinter(out, consoleMode, events, capture, progress, rawConsole);
            if (attached != null) printer.hideWhile(vm -> vm.equals(attached.vm()) && attached.isAttached());
            List<LabObserver> observers = new ArrayList<>(List.of(capture, ledger, progress, printer, startRate));
            if (held != null) observers.add(held);
            if (attached != null) observers.add(attached.observer());
            // wall-s runs from here, the lab loaded, to the actor system's end: what of its start was not done yet counts
            long start = System.nanoTime();
            ActorSystem<LabGuardian.Command> actors = launch.begin(
                    new LabGuardian.Begin(lab, LabObserver.all(observers), attached == null ? null : attached.attachment()));
            Interrupt interrupt = new Interrupt(actors, out, err);
            Runtime.getRuntime().addShutdownHook(interrupt.hook);
            try {
                CompletableFuture.anyOf(actors.getWhenTerminated().toCompletableFuture(), interrupt.gaveUp)
                        .get(7, TimeUnit.DAYS);
                if (attached != null) attached.close();         // the terminal back before the summary
                Duration wall = Duration.ofNanos(System.nanoTime() - start);
                LabFinished finished = ledger.finished();
                if (finished == null) {
                    cushion.release();
                    finished = interrupt.requested()
                            ? ledger.endNow(Outcome.STOPPED, "stopped by the host: did not stop within "
                                    + STOP_GRACE.toSeconds() + " s of the interrupt")
                            : ledger.endNow(Outcome.CRASHED, "the lab was aborted before this VM ended: the actor system "
                                    + "stopped on an internal failure (an OutOfMemoryError or a bug; see the log above)");
                    err.println("epapr-lab: the lab did not end normally; its " + ledger.pending() + " VMs without a result "
                            + "are reported as " + (interrupt.requested() ? "stopped" : "crashed"));
                }
                LabFinished result = finished;
                progress.close();
                // the first that applies: stopped by a signal (17), an internal failure (3), a report
                // or log not written (4), else what the VMs' outcomes say
                int code = interrupt.requested() ? Outcome.STOPPED.exitCode()
                        : ledger.finished() == null ? ExitCode.INTERNAL_ERROR.code() : ExitCode.of(finished);
                boolean overridable = !interrupt.requested() && ledger.finished() != null;
                boolean complete = true;
                if (held != null) {
                    held.finish();
                    complete = held.failures().isEmpty();
                    if (!complete) err.println("epapr-lab: --logs: " + held.failures().size() + " VM logs are missing or cut short");
                }
                if (junit != null) complete &= write("--junit", junit, err, () -> JunitReport.write(junit, result, wall, capture));
                int reported = complete || !overridable ? code : ExitCode.REPORT_FAILED.code();
                if (json != null) complete &= write("--json", json, err, () -> JsonReport.write(json, result, wall, reported, ran));
                // the cushion is held, not used by the lab: leave it out of peak-heap-mib
                new SummaryTable(finished, wall, Math.max(0, heap.peakBytes() - cushion.bytes()), startRate).print(out);
                if (!complete) {
                    err.println("epapr-lab: some reports or logs could not be written (see above); the summary is complete");
                    if (overridable) code = ExitCode.REPORT_FAILED.code();
                }
                out.flush();
                return code;
            } finally {
                interrupt.finished();
            }
        }
    }

    @FunctionalInterface
    private interface ReportWriter {
        void write() throws java.io.IOException;
    }

    /** Writes one report; a failure is one line on stderr and leaves the other reports alone. */
    private static boolean write(String option, Path file, PrintStream err, ReportWriter writer) {
        try {
            writer.write();
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            err.println("epapr-lab: " + option + " " + file + ": could not be written: " + e.getMessage());
            return false;
        }
    }

    /**
     * Ctrl-C or SIGTERM: the JVM runs this hook, which asks every VM to stop, lets the main
     * thread write the summary and the reports, and then ends the JVM with exit code 17
     * ({@code stopped}), which the JVM would otherwise replace by 128 + the signal number.
     */
    private static final class Interrupt {
        final Thread hook;
        final CompletableFuture<Void> gaveUp = new CompletableFuture<>();
        private volatile boolean requested;
        private final CountDownLatch done = new CountDownLatch(1);

        Interrupt(ActorSystem<LabGuardian.Command> actors, PrintStream out, PrintStream err) {
            hook = new Thread(() -> {
                requested = true;
                actors.tell(new LabGuardian.StopAll("interrupted"));
                gaveUp.completeOnTimeout(null, STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                try {
                    if (!done.await(STOP_GRACE.plus(REPORT_GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
                        err.println("epapr-lab: the reports were not written within " + REPORT_GRACE.toMinutes() + " min of the interrupt");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.flush();
                err.flush();
                Runtime.getRuntime().halt(Outcome.STOPPED.exitCode());
            }, "epapr-lab-interrupt");
        }

        boolean requested() { return requested; }

        /** The main thread is done: the hook may end the JVM; a run that was not interrupted drops the hook. */
        void finished() {
            done.countDown();
            if (!requested) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook has just started: it ends the JVM with 17 now that the reports are out
                }
            }
        }
    }

    private static ConsoleMode consoleMode(String text) {
        return switch (text) {
            case "all" -> ConsoleMode.ALL;
            case "failures" -> ConsoleMode.FAILURES;
            case "none" -> ConsoleMode.NONE;
            default -> throw new IllegalArgumentException("--console: unknown mode \"" + text
                    + "\" (expected all, failures or none)");
        };
    }

    private static Progress.Mode progressMode(String text) {
        return switch (text) {
            case "auto" -> System.console() != null && System.console().isTerminal() ? Progress.Mode.TERMINAL
                    : Progress.Mode.PLAIN;
            case "terminal" -> Progress.Mode.TERMINAL;
            case "plain" -> Progress.Mode.PLAIN;
            case "off" -> Progress.Mode.OFF;
            default -> throw new IllegalArgumentException("--progress: unknown mode \"" + text
                    + "\" (expected auto, terminal, plain or off)");
        };
    }
}
