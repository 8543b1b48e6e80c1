package epaprlab.machine.boot;

import epaprlab.testsupport.OutsideTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds tiny guest images with Debian's PowerPC cross GCC; a missing compiler fails the test naming its package. */
public final class CrossTools {
    public enum Target {
        PPC32("powerpc-linux-gnu-gcc", "gcc-powerpc-linux-gnu"),
        PPC64("powerpc64-linux-gnu-gcc", "gcc-powerpc64-linux-gnu");

        final String gcc, debianPackage;

        Target(String gcc, String debianPackage) { this.gcc = gcc; this.debianPackage = debianPackage; }
    }

    private CrossTools() {}

    /** Assembles and links {@code source} (a .S text) with the extra link options; returns the ELF bytes. */
    public static byte[] build(Target target, Path dir, String source, String... linkOptions) throws IOException, InterruptedException {
        Path src = Files.writeString(dir.resolve("guest-" + target.name().toLowerCase() + ".S"), source);
        Path out = dir.resolve("guest-" + target.name().toLowerCase() + ".elf");
        List<String> cmd = new ArrayList<>(List.of(target.gcc, "-nostdlib", "-static", "-Wl,--build-id=none"));
        cmd.addAll(List.of(linkOptions));
        cmd.addAll(List.of("-o", out.toString(), src.toString()));
        OutsideTool.byCommand(target.gcc).run(cmd.subList(1, cmd.size())).in(dir).output();
        return Files.readAllBytes(out);
    }
}
