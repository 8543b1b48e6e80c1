package epaprlab.machine.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

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
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail(target.gcc + " is not installed or not on PATH; install the Debian package " + target.debianPackage
                    + " (apt-get install " + target.debianPackage + "): " + e.getMessage());
            throw e;
        }
        p.getOutputStream().close();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(target.gcc + " did not finish within 60 s");
        }
        if (p.exitValue() != 0) fail(target.gcc + " failed (exit " + p.exitValue() + "): " + cmd + "\n" + log);
        return Files.readAllBytes(out);
    }
}
