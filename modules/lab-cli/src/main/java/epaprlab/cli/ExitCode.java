package epaprlab.cli;

import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.vm.VmResult;

/**
 * The process exit codes of {@code epapr-lab}; fixed numbers, documented in the README. When VMs
 * end otherwise than expected, {@code run} exits with the highest code among them: the code of
 * their outcome ({@link epaprlab.orchestrator.vm.Outcome#exitCode()}, 10..17), or 1 when the
 * unexpected outcome was a successful one (passed, shutdown).
 */
public enum ExitCode {
    /** Every VM ended as its config expects. */
    OK(0),
    /** A VM passed or shut down although its config expected something else. */
    UNEXPECTED_SUCCESS(1),
    /** The command line or a config file is wrong; the message names the file, line and key. */
    BAD_INPUT(2),
    /** epapr-lab itself failed (a bug; see the log). */
    INTERNAL_ERROR(3);

    private final int code;

    ExitCode(int code) { this.code = code; }

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
