package epaprlab.cli.command;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import epaprlab.cli.ExitCode;
import epaprlab.cli.report.ConsolePrinter;
import epaprlab.cli.report.SummaryTable;
import epaprlab.orchestrator.config.ConfigProblem;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.lab.LabGuardian;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code epapr-lab run <vm-or-lab.conf>}: runs every VM to its end and prints a summary. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a VM file (vm { ... }) or a lab file (lab { vms = [...] }) to the end.",
            "Console lines are printed as they come, prefixed with [vm-name]; then a summary table."})
public final class RunCommand implements Callable<Integer> {
    /** How long Ctrl-C waits for the VMs to stop and the summary to print. */
    private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(10);

    @Parameters(index = "0", paramLabel = "CONFIG", description = "a VM or lab file in HOCON")
    Path config;

    @Option(names = "--events", description = "also print every lifecycle transition")
    boolean events;

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
        ConsolePrinter printer = new ConsolePrinter(out, events);
        ActorSystem<LabGuardian.Command> actors = ActorSystem.create(LabGuardian.create(lab, printer), "epapr-lab", system);
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
            LabFinished finished = printer.finished()
                    .orElseThrow(() -> new IllegalStateException("the lab ended without a result"));
            new SummaryTable(finished).print(out);
            return finished.allAsExpected() ? ExitCode.OK.code() : ExitCode.UNEXPECTED_OUTCOME.code();
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
