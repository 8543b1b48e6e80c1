package epaprlab.cli.attach;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The controlling terminal switched to character-at-a-time input for {@code --attach}: no line
 * editing, no echo (the guest echoes), no signal keys (Ctrl-C goes to the guest as 0x03) and no
 * flow-control keys; output processing stays on. Set and restored with {@code stty} on
 * {@code /dev/tty}; {@link #restore} puts back exactly the saved settings, once, whichever way the
 * run ends first (detach, end of the lab, or a signal through the shutdown hook).
 */
final class RawTerminal {
    private static final File TTY = new File("/dev/tty");
    private static final long STTY_SECONDS = 5;

    private final String saved;
    private final Thread hook;
    private boolean restored;

    private RawTerminal(String saved) {
        this.saved = saved;
        this.hook = new Thread(this::restore, "epapr-lab-attach-restore");
    }

    /** Raw mode on the controlling terminal, or empty when there is none (input is then passed as it comes). */
    static Optional<RawTerminal> enter() {
        if (!TTY.canRead()) return Optional.empty();
        try {
            String saved = stty(List.of("-g")).strip();
            RawTerminal t = new RawTerminal(saved);
            Runtime.getRuntime().addShutdownHook(t.hook);     // SIGTERM, SIGHUP, an exit elsewhere
            stty(List.of("-icanon", "-echo", "-isig", "-ixon", "-iexten", "min", "1", "time", "0"));
            return Optional.of(t);
        } catch (IOException e) {
            return Optional.empty();                          // no usable terminal (not a tty)
        }
    }

    /** Puts back the saved settings (the first call only). */
    synchronized void restore() {
        if (restored) return;
        restored = true;
        try {
            stty(List.of(saved));
        } catch (IOException e) {
            System.err.println("epapr-lab: could not restore the terminal (" + e.getMessage() + "); type `stty sane`");
        }
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs now or already ran; restoring twice is harmless but it sees restored
            }
        }
    }

    /** Runs {@code stty args} on /dev/tty and returns its output; an IOException when it fails. */
    private static String stty(List<String> args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of("stty"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectInput(TTY).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(STTY_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("stty did not answer within " + STTY_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running stty", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) throw new IOException("stty " + String.join(" ", args) + ": " + out.strip());
        return out;
    }
}
