package epaprlab.cli.report;

import epaprlab.cli.progress.Progress;
import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.lab.LabObserver;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import java.io.PrintStream;
import java.util.stream.Collectors;

/**
 * Prints a lab's events as they come: console lines prefixed with the VM's name (all of them, or
 * only those of VMs that end unexpectedly, at their end), lifecycle transitions on request, and a
 * line for each VM that did not end as expected.
 */
public final class ConsolePrinter implements LabObserver {
    /** Which console lines reach the terminal. */
    public enum ConsoleMode { ALL, FAILURES, NONE }

    private final PrintStream out;
    private final ConsoleMode console;
    private final boolean lifecycle;
    private final ConsoleCapture capture;
    private final Progress progress;
    private final boolean raw;
    /** VMs whose console is shown live elsewhere (--attach): their lines are not printed again. */
    private java.util.function.Predicate<String> hidden = vm -> false;

    /** @param raw print guest text as it is; otherwise control characters are escaped ({@link TerminalText}) */
    public ConsolePrinter(PrintStream out, ConsoleMode console, boolean lifecycle, ConsoleCapture capture,
                          Progress progress, boolean raw) {
        this.raw = raw;
        this.out = out;
        this.console = console;
        this.lifecycle = lifecycle;
        this.capture = capture;
        this.progress = progress;
    }

    @Override
    public boolean wantsEveryTransition() {
        return lifecycle;       // printed with --events
    }

    @Override
    public void onEvent(LabEvent event) {
        switch (event) {
            case LabEvent.OfVm(ConsoleLine c) -> {
                if (console == ConsoleMode.ALL && !hidden.test(c.vm())) progress.above(out, "[" + c.vm() + "] " + shown(c.line()));
            }
            case LabEvent.OfVm(VmEvent.SnapshotTaken t) -> {
                if (lifecycle) progress.above(out, "[" + t.vm() + "] -- snapshot taken (" + t.trigger() + ")"
                        + t.savedTo().map(p -> ", saved to " + p).orElse(""));
            }
            case LabEvent.OfVm(LifecycleChanged l) -> {
                if (lifecycle) progress.above(out, "[" + l.vm() + "] -- " + l.from() + " -> " + l.to() + ": " + shown(l.why()));
            }
            case LabEvent.OfVm(VmFinished f) -> {
                if (f.result().asExpected()) break;
                if (console == ConsoleMode.FAILURES) {
                    capture.of(f.vm()).lines().forEach(line -> progress.above(out, "[" + f.vm() + "] " + shown(line)));
                }
                progress.above(out, "[" + f.vm() + "] -- ended " + f.result().outcome().configName() + " (expected "
                        + f.result().expected().stream().sorted().map(Outcome::configName).collect(Collectors.joining(" or "))
                        + "): " + shown(f.result().detail()));
                f.result().crash().ifPresent(c -> c.render().lines()
                        .forEach(line -> progress.above(out, "[" + f.vm() + "]    " + line)));
            }
            case LabFinished l -> { }
        }
    }

    /** From now on, console lines of VMs for which {@code test} holds (when it is asked) are not printed. */
    public void hideWhile(java.util.function.Predicate<String> test) { hidden = test; }

    private String shown(String guestText) {
        return raw ? guestText : TerminalText.escape(guestText);
    }
}
