package epaprlab.machine.testing;

import epaprlab.testsupport.OutsideTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Assembles test guest code with GNU as for PowerPC, so every instruction word a test runs was
 * encoded by binutils, not by us. Fails (never skips) when the cross binutils are missing.
 */
public final class GnuAs {
    private GnuAs() {}

    /** The raw bytes of {@code .text} for {@code source}, assembled for e500mc (32) or e5500 (64). */
    public static byte[] assemble(String source, boolean ppc64) {
        String prefix = ppc64 ? "powerpc64-linux-gnu-" : "powerpc-linux-gnu-";
        try {
            Path dir = Files.createTempDirectory("gnu-as");
            try {
                Path src = dir.resolve("t.s");
                Files.writeString(src, source + "\n");
                List<String> as = new ArrayList<>(List.of(prefix + "as", "-mbooke", ppc64 ? "-me5500" : "-me500mc"));
                if (ppc64) as.add("-a64");
                as.addAll(List.of("-o", dir.resolve("t.o").toString(), src.toString()));
                run(as);
                run(List.of(prefix + "objcopy", "-O", "binary", "-j", ".text", dir.resolve("t.o").toString(),
                        dir.resolve("t.bin").toString()));
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

    private static void run(List<String> command) {
        OutsideTool.byCommand(command.getFirst()).run(command.subList(1, command.size())).output();
    }
}
