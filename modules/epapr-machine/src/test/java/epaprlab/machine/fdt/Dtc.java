package epaprlab.machine.fdt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs the real {@code dtc}; a missing tool fails the test (never skips) and names the package. */
final class Dtc {
    private Dtc() {}

    /** {@code dtc -I dtb -O dts} of the blob. */
    static String decompile(byte[] blob, Path dir) throws IOException, InterruptedException {
        Path in = Files.write(dir.resolve("tree.dtb"), blob);
        return run(List.of("-I", "dtb", "-O", "dts", "-o", "-", in.toString()));
    }

    /** {@code dtc -I dts -O dtb} of the source text. */
    static byte[] compile(String dts, Path dir) throws IOException, InterruptedException {
        Path in = Files.writeString(dir.resolve("tree.dts"), dts);
        Path out = dir.resolve("compiled.dtb");
        run(List.of("-I", "dts", "-O", "dtb", "-o", out.toString(), in.toString()));
        return Files.readAllBytes(out);
    }

    private static String run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("dtc");
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("dtc (device tree compiler) is not installed or not on PATH; install the Debian package "
                    + "device-tree-compiler (apt-get install device-tree-compiler): " + e.getMessage());
            throw e;
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("dtc did not finish within 30 s: " + cmd);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) fail("dtc failed (exit " + p.exitValue() + "): " + cmd + "\n" + text);
        return text;
    }

    /** Trims every line and drops blank ones, so indentation and spacing do not matter. */
    static String normalise(String dts) {
        StringBuilder sb = new StringBuilder();
        for (String line : dts.split("\n")) {
            String t = line.strip().replaceAll("[ \t]+", " ");
            if (!t.isEmpty()) sb.append(t).append('\n');
        }
        return sb.toString();
    }
}
