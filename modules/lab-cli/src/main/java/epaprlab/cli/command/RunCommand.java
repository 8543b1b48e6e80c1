package epaprlab.cli.command;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import epaprlab.cli.ExitCode;
import epaprlab.cli.progress.Progress;
import epaprlab.cli.report.ConsoleCapture;
import epaprlab.cli.report.ConsoleLogs;
import epaprlab.cli.report.ConsolePrinter;
import epaprlab.cli.report.ConsolePrinter.ConsoleMode;
import epaprlab.cli.report.HeapSampler;
import epaprlab.cli.report.JsonReport;
import epaprlab.cli.report.JunitReport;
import epaprlab.cli.report.SummaryTable;
import epaprlab.orchestrator.config.ConfigProblem;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.lab.LabGuardian;
import epaprlab.orchestrator.lab.LabObserver;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code epapr-lab run <vm-or-lab.conf>}: runs every VM to its end and prints a summary. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a VM file (vm { ... }) or a lab file (lab { vms = [...] }) to the end.",
            "Console lines are printed as they come, prefixed with [vm-name]; then a summary."})
public final class RunCommand implements Callable<Integer> {
    /** How long Ctrl-C waits for the VMs to stop and the summary to print. */
    private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(10);
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

    @Option(names = "--junit", paramLabel = "FILE", description = "write a JUnit XML report (one test case per VM)")
    Path junit;

    @Option(names = "--json", paramLabel = "FILE", description = "write a JSON summary")
    Path json;

    @Option(names = "--logs", paramLabel = "DIR", description = "write one console log file per VM into DIR")
    Path logs;

    @Option(names = "--log-limit", paramLabel = "BYTES", defaultValue = "1048576",
            description = "bytes kept per VM console log and report (default: ${DEFAULT-VALUE})")
    long logLimit;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "live progress on stderr: auto (a status line on a terminal, else a line every 10 s), "
                    + "terminal, plain, off (default: ${DEFAULT-VALUE})")
    String progressMode;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Config system = ConfigFactory.load();
        LabConfig lab;
        try {
            lab = new LabConfigLoader(system).load(config);
        } catch (ConfigProblem p) {
            System.err.println("epapr-lab: " + p.getMessage());
            return ExitCode.BAD_INPUT.code();
        }
        ConsoleMode consoleMode;
        Progress.Mode mode;
        try {
            consoleMode = console == null ? (lab.vms().size() <= CONSOLE_ALL_MAX_VMS ? ConsoleMode.ALL : ConsoleMode.FAILURES)
                    : ConsoleMode.valueOf(console.toUpperCase(java.util.Locale.ROOT));
            mode = progressMode(progressMode);
        } catch (IllegalArgumentException e) {
            System.err.println("epapr-lab: " + e.getMessage());
            return ExitCode.BAD_INPUT.code();
        }
        if (logLimit < 1) {
            System.err.println("epapr-lab: --log-limit must be at least 1 byte");
            return ExitCode.BAD_INPUT.code();
        }

        int captureLimit = (int) Math.min(Integer.MAX_VALUE, logLimit);
        ConsoleCapture capture = new ConsoleCapture(captureLimit);
        List<AutoCloseable> closing = new ArrayList<>();
        try (HeapSampler heap = new HeapSampler();
             Progress progress = new Progress(mode, System.err, lab.vms().size(), Duration.ofSeconds(10))) {
            ConsolePrinter printer = new ConsolePrinter(out, consoleMode, events, capture, progress);
            List<LabObserver> observers = new ArrayList<>(List.of(capture, progress, printer));
            if (logs != null) {
                ConsoleLogs files = new ConsoleLogs(logs, logLimit);
                closing.add(files);
                observers.add(files);
            }
            long start = System.nanoTime();
            ActorSystem<LabGuardian.Command> actors = ActorSystem.create(
                    LabGuardian.create(lab, e -> observers.forEach(o -> o.onEvent(e))), "epapr-lab", system);
            CountDownLatch summaryPrinted = new CountDownLatch(1);
            Thread onInterrupt = new Thread(() -> {
                // Ctrl-C: stop every VM and let the summary print before the JVM goes.
                actors.tell(new LabGuardian.StopAll("interrupted"));
                try {
                    summaryPrinted.await(INTERRUPT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "epapr-lab-interrupt");
            Runtime.getRuntime().addShutdownHook(onInterrupt);
            try {
                actors.getWhenTerminated().toCompletableFuture().get(7, TimeUnit.DAYS);
                Duration wall = Duration.ofNanos(System.nanoTime() - start);
                LabFinished finished = printer.finished()
                        .orElseThrow(() -> new IllegalStateException("the lab ended without a result"));
                progress.close();
                for (AutoCloseable c : closing) c.close();
                int code = ExitCode.of(finished);
                if (junit != null) JunitReport.write(junit, finished, wall, capture);
                if (json != null) JsonReport.write(json, finished, wall, code);
                new SummaryTable(finished, wall, heap.peakBytes()).print(out);
                return code;
            } finally {
                summaryPrinted.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(onInterrupt);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it returns now that the summary is out
                }
            }
        }
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
