package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code epapr-lab} in a JVM of its own, as {@code bin/epapr-lab} starts it, for what cannot be
 * tried in the test's JVM: signals, a small {@code -Xmx}, the process's real exit code.
 */
final class ForkedCli {
    private ForkedCli() {}

    /** Exit code, stdout and stderr of a forked run. */
    record Ended(int code, String out, String err) {}

    /** Starts {@code epapr-lab args} with {@code jvmOptions}; stdout and stderr go to files in {@code dir}. */
    static Process start(Path dir, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--sun-misc-unsafe-memory-access=allow", "-XX:+UseParallelGC"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "epaprlab.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        STARTED.add(p);
        return p;
    }

    /**
     * Every run started, ended when the test JVM ends: a test that fails before its run ends (a
     * VM held for a gdb that never continues) left that JVM running for good after the build.
     */
    private static final java.util.Set<Process> STARTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly), "forked-cli-cleanup"));
    }

    /** Waits at most {@code limit} for the run to end (then kills it and fails). */
    static Ended await(Process p, Path dir, Duration limit) throws Exception {
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("epapr-lab did not end within " + limit + "; stderr:\n" + Files.readString(dir.resolve("stderr.txt")));
        }
        return new Ended(p.exitValue(), Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }

    static Ended run(Path dir, Duration limit, List<String> jvmOptions, String... args) throws Exception {
        return await(start(dir, jvmOptions, args), dir, limit);
    }

    /** Polls (bounded) until {@code file} exists and contains {@code text}. */
    static void awaitText(Path file, String text, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).contains(text)) return;
            Thread.sleep(10);           // not a spin: on a 2-core CI machine it took a core from the JVM it waits for
        }
        fail(file + " did not come to contain \"" + text + "\" within " + limit);
    }
}
