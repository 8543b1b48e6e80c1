package epaprlab.machine.device;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's U-Boot for qemu-ppce500 running under the real {@code qemu-system-ppc -M ppce500}, driven
 * at its prompt: the reference the device models are compared with. A missing tool fails the test
 * (never skips) and names the Debian package. Every wait is bounded.
 */
final class QemuUboot implements AutoCloseable {
    static final Path UBOOT = Path.of("/usr/lib/u-boot/qemu-ppce500/uboot.elf");
    private static final String PROMPT = "\n=> ";

    private final Process qemu;
    private final OutputStream in;
    private final StringBuilder out = new StringBuilder();
    private int consumed;

    QemuUboot() throws IOException, InterruptedException {
        if (!Files.isRegularFile(UBOOT)) fail(UBOOT + " is missing; install the Debian package u-boot-qemu");
        List<String> cmd = List.of("nice", "qemu-system-ppc", "-M", "ppce500", "-cpu", "e500mc", "-m", "256", "-smp", "1",
                "-bios", UBOOT.toString(), "-nographic", "-net", "none", "-monitor", "none", "-serial", "stdio");
        try {
            qemu = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("qemu-system-ppc is not installed or not on PATH; install the Debian package qemu-system-ppc: " + e.getMessage());
            throw e;
        }
        in = qemu.getOutputStream();
        Thread reader = new Thread(() -> pump(qemu.getInputStream()), "qemu-uboot-output");
        reader.setDaemon(true);
        reader.start();
        await("Hit any key", 60);
        send("\r");                                   // stop autoboot
        await(PROMPT, 30);
    }

    /** Runs one command line and returns what U-Boot printed for it (without echo and prompt). */
    String command(String line) throws IOException, InterruptedException {
        send(line + "\r");
        String text = await(PROMPT, 30);
        int eol = text.indexOf('\n');
        return (eol < 0 ? "" : text.substring(eol + 1)).replace("\r", "");
    }

    /** One value read by U-Boot's {@code md} at a 32-bit effective address (CCSR is mapped at 0xE0000000). */
    long md(long physical, int size) throws IOException, InterruptedException {
        String suffix = switch (size) { case 1 -> "b"; case 2 -> "w"; default -> "l"; };
        String text = command("md." + suffix + " " + Long.toHexString(physical) + " 1");
        String[] words = text.strip().split("\\s+");
        if (words.length < 2 || !words[0].endsWith(":")) fail("unexpected md output: " + text);
        return Long.parseLong(words[1], 16);
    }

    void mw(long physical, int size, long value) throws IOException, InterruptedException {
        String suffix = switch (size) { case 1 -> "b"; case 2 -> "w"; default -> "l"; };
        command("mw." + suffix + " " + Long.toHexString(physical) + " " + Long.toHexString(value));
    }

    private void send(String s) throws IOException {
        in.write(s.getBytes(StandardCharsets.ISO_8859_1));
        in.flush();
    }

    private void pump(InputStream s) {
        byte[] b = new byte[4096];
        try {
            for (int n; (n = s.read(b)) > 0; ) {
                synchronized (out) {
                    out.append(new String(b, 0, n, StandardCharsets.ISO_8859_1));
                    out.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended; waiters time out with the text so far
        }
    }

    /** Waits until {@code marker} appears after what was already consumed; returns the text before it. */
    private String await(String marker, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (out) {
            while (true) {
                int at = out.indexOf(marker, consumed);
                if (at >= 0) {
                    String text = out.substring(consumed, at);
                    consumed = at + marker.length();
                    return text;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) fail("no '" + marker.strip() + "' from U-Boot under QEMU within " + seconds + " s; output:\n" + out.substring(consumed));
                TimeUnit.NANOSECONDS.timedWait(out, left);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        qemu.destroy();
        if (!qemu.waitFor(10, TimeUnit.SECONDS)) qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
