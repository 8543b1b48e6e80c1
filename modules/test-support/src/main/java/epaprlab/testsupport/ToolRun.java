package epaprlab.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of an {@link OutsideTool}: the one place tests start a process. Every run has a time
 * limit (default 60 s; the process is killed when it passes), reads stdin from {@code /dev/null}
 * unless told otherwise, and fails with an AssertionError naming the command, its exit code and
 * its output, or the Debian package when the tool is missing.
 */
public final class ToolRun {
    private final OutsideTool tool;
    private final List<String> args;
    private Duration timeout = Duration.ofSeconds(60);
    private Path directory;
    private Path stdin;
    private Path stdout;
    private boolean stderrApart;
    private final java.util.Map<String, String> environment = new java.util.HashMap<>();

    /** Stderr of the last run when kept apart, for the failure message. */
    private String lastStderr = "";

    ToolRun(OutsideTool tool, List<String> args) {
        this.tool = tool;
        this.args = List.copyOf(args);
    }

    /** What a finished run gave: its exit code and its output (stdout, then stderr). */
    public record Result(int exitCode, String output) {}

    public ToolRun timeout(Duration limit) { this.timeout = limit; return this; }

    /** Runs in {@code dir} (default: the test's working directory). */
    public ToolRun in(Path dir) { this.directory = dir; return this; }

    /** Feeds {@code file} to stdin. */
    public ToolRun stdin(Path file) { this.stdin = file; return this; }

    /** Writes stdout to {@code file} instead of capturing it (for large or binary output). */
    public ToolRun stdout(Path file) { this.stdout = file; return this; }

    /** Keeps stderr out of the output (it is still shown when the run fails): for tools whose stdout is compared. */
    public ToolRun stderrApart() { this.stderrApart = true; return this; }

    /** Sets environment variables for the run (an empty value is kept as empty, not removed). */
    public ToolRun env(java.util.Map<String, String> variables) { environment.putAll(variables); return this; }

    /** Runs; the output when the exit code is 0, else an AssertionError with the output. */
    public String output() {
        Result r = result();
        if (r.exitCode() != 0) {
            throw new AssertionError(describe() + " exited " + r.exitCode() + ":\n" + cut(r.output() + lastStderr));
        }
        return r.output();
    }

    /** Runs and returns the exit code and output whatever the exit code (a time-out still fails). */
    public Result result() {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.command());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (directory != null) pb.directory(directory.toFile());
        pb.environment().putAll(environment);
        lastStderr = "";
        pb.redirectInput(stdin != null ? stdin.toFile() : new File("/dev/null"));
        Path err = null;
        try {
            if (stdout != null || stderrApart) {
                if (stdout != null) pb.redirectOutput(stdout.toFile());
                err = Files.createTempFile("tool-stderr", ".txt");
                pb.redirectError(err.toFile());
            } else {
                pb.redirectErrorStream(true);
            }
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new AssertionError(tool.missing() + " (" + e.getMessage() + ")", e);
            }
            // read while it runs (a full pipe would block the tool), bounded by the same limit
            CompletableFuture<byte[]> captured = stdout != null ? CompletableFuture.completedFuture(new byte[0])
                    : CompletableFuture.supplyAsync(() -> {
                        try {
                            return p.getInputStream().readAllBytes();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(describe() + " did not finish within " + timeout.toSeconds() + " s");
            }
            String text = new String(captured.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            if (err != null && stderrApart) lastStderr = Files.readString(err, StandardCharsets.UTF_8);
            else if (err != null) text += Files.readString(err, StandardCharsets.UTF_8);
            return new Result(p.exitValue(), text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + describe(), e);
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(describe() + ": " + e, e);
        } finally {
            if (err != null) {
                try {
                    Files.deleteIfExists(err);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    private String describe() {
        List<String> shown = args.size() > 8 ? args.subList(0, 8) : args;
        return tool.command() + " " + String.join(" ", shown) + (args.size() > 8 ? " ..." : "");
    }

    private static String cut(String s) {
        return s.length() <= 8000 ? s : s.substring(0, 8000) + "\n[... " + (s.length() - 8000) + " more characters]";
    }
}
