package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No test of any module can hang the build: every module with tests sets a JUnit default timeout
 * run in a separate thread, the root pom bounds every test JVM, and no test waits without a bound
 * ({@code run(Long.MAX_VALUE)}, {@code join()}, {@code waitFor()}, {@code Thread.sleep} in a
 * progress test).
 */
class TestLimitsTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Pattern UNBOUNDED = Pattern.compile("\\.run\\(Long\\.MAX_VALUE\\)|\\.join\\(\\)|\\.waitFor\\(\\)\\s*;");

    private static List<Path> modulesWithTests() throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT.resolve("modules"))) {
            return dirs.filter(d -> Files.isDirectory(d.resolve("src/test/java"))).sorted().toList();
        }
    }

    @Test
    void everyModuleHasADefaultTimeoutInASeparateThread() throws IOException {
        List<Path> modules = modulesWithTests();
        assertTrue(modules.size() >= 5, "modules with tests: " + modules);
        for (Path m : modules) {
            Path file = m.resolve("src/test/resources/junit-platform.properties");
            assertTrue(Files.isRegularFile(file), "missing " + file);
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            assertTrue(p.getProperty("junit.jupiter.execution.timeout.default", "").matches("\\d+ ?(m|s)"),
                    file + ": junit.jupiter.execution.timeout.default");
            assertEquals("SEPARATE_THREAD", p.getProperty("junit.jupiter.execution.timeout.thread.mode.default"),
                    file + ": a test that ignores interrupts must still be abandoned at its limit");
        }
    }

    @Test
    void surefireBoundsEveryTestJvm() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        assertTrue(pom.matches("(?s).*<forkedProcessTimeoutInSeconds>\\d+</forkedProcessTimeoutInSeconds>.*"), "fork timeout");
        assertTrue(pom.matches("(?s).*<forkedProcessExitTimeoutInSeconds>\\d+</forkedProcessExitTimeoutInSeconds>.*"),
                "fork exit timeout");
    }

    @Test
    void noTestWaitsWithoutABound() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path m : modulesWithTests()) {
            try (Stream<Path> files = Files.walk(m.resolve("src/test/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        String line = lines.get(i);
                        if (UNBOUNDED.matcher(line).find() || (f.toString().contains("progress") && line.contains("Thread.sleep"))) {
                            found.add(ROOT.relativize(f) + ":" + (i + 1) + ": " + line.strip());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found, "unbounded waits in tests");
    }
}
