package epaprlab.cli;

import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.vm.VmResult;

/**
 * The process exit codes of {@code epapr-lab}; fixed numbers, documented in the README. When VMs
 * end otherwise than expected, {@code run} exits with the highest code among them: the code of
 * their outcome ({@link epaprlab.orchestrator.vm.Outcome#exitCode()}, 10..18), or 1 when the
 * unexpected outcome was a successful one (passed, shutdown).
 */
public enum ExitCode {
    /** Every VM ended as its config expects. */
    OK(0),
    /** A VM passed or shut down although its config expected something else. */
    UNEXPECTED_SUCCESS(1),
    /** The command line or a config file is wrong; the message names the file, line and key. */
    BAD_INPUT(2),
    /** epapr-lab itself failed (a bug, or the JVM ran out of heap); the summary and reports are still written. */
    INTERNAL_ERROR(3),
    /** Every VM ran, but a report or a VM's log could not be written; the others and the summary were. */
    REPORT_FAILED(4),
    /** Never returned by the JVM: {@code bin/epapr-lab} itself failed (no JDK 25, the build failed, an install was refused). */
    LAUNCHER_FAILED(5);

    private final int code;

    ExitCode(int code) { this.code = code; }

    /** What each code means, one line each, as {@code --help} prints them. */
    public String meaning() {
        return switch (this) {
            case OK -> "every VM ended as its config expects";
            case UNEXPECTED_SUCCESS -> "a VM passed or shut down, but its config expected otherwise";
            case BAD_INPUT -> "bad command line, config or report path (named in one line)";
            case INTERNAL_ERROR -> "internal error, e.g. out of heap (reports still written)";
            case REPORT_FAILED -> "a report or a VM's log could not be written";
            case LAUNCHER_FAILED -> "bin/epapr-lab failed: no JDK 25, build failed, install refused";
        };
    }

    /** The {@code --help} lines: every code of this enum, then every outcome's code. */
    public static java.util.List<String> usageLines() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (ExitCode c : values()) lines.add(String.format(java.util.Locale.ROOT, "  %2d  %s", c.code, c.meaning()));
        for (epaprlab.orchestrator.vm.Outcome o : epaprlab.orchestrator.vm.Outcome.values()) {
            if (o.exitCode() == 0) continue;
            lines.add(String.format(java.util.Locale.ROOT, "  %2d  a VM ended %s, unexpectedly%s", o.exitCode(), o.configName(),
                    o == epaprlab.orchestrator.vm.Outcome.STOPPED ? "; any run stopped by Ctrl-C/SIGTERM" : ""));
        }
        return lines;
    }

    public int code() { return code; }

    /** The exit code that summarises a lab's results. */
    public static int of(LabFinished lab) {
        int code = OK.code;
        for (VmResult r : lab.results()) {
            if (r.asExpected()) continue;
            int own = r.outcome().isSuccess() ? UNEXPECTED_SUCCESS.code : r.outcome().exitCode();
            code = Math.max(code, own);
        }
        return code;
    }
}
