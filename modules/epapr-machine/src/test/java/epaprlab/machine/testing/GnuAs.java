package epaprlab.machine.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Assembles test guest code with GNU as for PowerPC, so every instruction word a test runs was
 * encoded by binutils, not by us. Fails (never skips) when the cross binutils are missing.
 */
public final class GnuAs {
    private GnuAs() {}

    /** The raw bytes of {@code .text} for {@code source}, assembled for e500mc (32) or e5500 (64). */
    public static byte[] assemble(String source, boolean ppc64) {
        String prefix = ppc64 ? "powerpc64-linux-gnu-" : "powerpc-linux-gnu-";
        String pkg = ppc64 ? "binutils-powerpc64-linux-gnu" : "binutils-powerpc-linux-gnu";
        try {
            Path dir = Files.createTempDirectory("gnu-as");
            try {
                Path src = dir.resolve("t.s");
                Files.writeString(src, source + "\n");
                List<String> as = new ArrayList<>(List.of(prefix + "as", "-mbooke", ppc64 ? "-me5500" : "-me500mc"));
                if (ppc64) as.add("-a64");
                as.addAll(List.of("-o", dir.resolve("t.o").toString(), src.toString()));
                run(as, pkg);
                run(List.of(prefix + "objcopy", "-O", "binary", "-j", ".text", dir.resolve("t.o").toString(),
                        dir.resolve("t.bin").toString()), pkg);
                return Files.readAllBytes(dir.resolve("t.bin"));
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(List<String> command, String pkg) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(command.getFirst() + " not found: install the Debian package " + pkg
                    + " (bin/test installs it)", e);
        }
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
