package epaprlab.machine.fdt;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's {@code qemu-system-ppc -M ppce500}; a missing binary fails the test naming its package. */
public final class QemuPpce500 {
    /** Debian's U-Boot for this machine (package u-boot-qemu). */
    public static final Path UBOOT = Path.of("/usr/lib/u-boot/qemu-ppce500/uboot.elf");

    private QemuPpce500() {}

    /**
     * The device tree QEMU hands the guest for these options ({@code -M ppce500,dumpdtb=}), from
     * qemu-system-ppc64 when {@code ppc64} (needed for {@code -cpu e5500}).
     */
    public static byte[] dumpDtb(Path dir, boolean ppc64, List<String> options) throws IOException, InterruptedException {
        Path out = dir.resolve("qemu-" + System.nanoTime() + ".dtb");
        List<String> cmd = new ArrayList<>(List.of(ppc64 ? "qemu-system-ppc64" : "qemu-system-ppc", "-M",
                "ppce500,dumpdtb=" + out, "-nographic"));
        cmd.addAll(options);
        String text = run(cmd, 60);
        if (!Files.isRegularFile(out)) fail("qemu wrote no device tree: " + cmd + "\n" + text);
        return Files.readAllBytes(out);
    }

    /**
     * The device tree in guest RAM when the guest starts: QEMU stopped before its first instruction
     * ({@code -S}), the blob at {@code address} saved through the monitor ({@code pmemsave}). Unlike
     * {@link #dumpDtb}, this is the tree of the build boot 1 gets.
     */
    public static byte[] guestDtb(Path dir, boolean ppc64, List<String> options, long address) throws IOException, InterruptedException {
        Path out = dir.resolve("qemu-guest-" + System.nanoTime() + ".dtb");
        List<String> cmd = new ArrayList<>(List.of(ppc64 ? "qemu-system-ppc64" : "qemu-system-ppc", "-M", "ppce500",
                "-S", "-display", "none", "-serial", "null", "-monitor", "stdio"));
        cmd.addAll(options);
        String monitor = "pmemsave 0x%x 0x100000 \"%s\"\nquit\n".formatted(address, out);
        String text = run(cmd, 60, monitor);
        if (!Files.isRegularFile(out)) fail("qemu saved no device tree: " + cmd + "\n" + text);
        return Files.readAllBytes(out);
    }

    /** Runs a command, failing the test on a missing tool, a timeout or a non-zero exit. */
    public static String run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        return run(cmd, timeoutSeconds, "");
    }

    /** As {@link #run(List, int)}, with {@code input} on the command's stdin. */
    public static String run(List<String> cmd, int timeoutSeconds, String input) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail(cmd.getFirst() + " is not installed; install the Debian package qemu-system-ppc: " + e.getMessage());
            throw e;
        }
        try (var stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(cmd + " did not finish within " + timeoutSeconds + " s");
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) fail(cmd + " failed (exit " + p.exitValue() + "):\n" + text);
        return text;
    }
}
