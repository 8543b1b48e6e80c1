package epaprlab.machine.fdt;

import epaprlab.testsupport.OutsideTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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

    private static String run(List<String> args) {
        return OutsideTool.DTC.run(args).timeout(Duration.ofSeconds(30)).output();
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
