package epaprlab.cli;

/** The process exit codes of {@code epapr-lab}; fixed numbers, documented in the README. */
public enum ExitCode {
    /** Every VM ended as its config expects. */
    OK(0),
    /** At least one VM ended otherwise than its config expects. */
    UNEXPECTED_OUTCOME(1),
    /** The command line or a config file is wrong; the message names the file, line and key. */
    BAD_INPUT(2),
    /** epapr-lab itself failed (a bug; see the log). */
    INTERNAL_ERROR(3);

    private final int code;

    ExitCode(int code) { this.code = code; }

    public int code() { return code; }
}
