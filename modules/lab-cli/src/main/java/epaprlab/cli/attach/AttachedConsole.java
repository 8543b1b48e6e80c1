package epaprlab.cli.attach;

import epaprlab.orchestrator.console.ConsoleAttachment;
import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabObserver;
import epaprlab.orchestrator.vm.Lifecycle;
import epaprlab.orchestrator.vm.VmEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code epapr-lab run FILE --attach VM}: while the lab runs, the terminal is that VM's console.
 * The guest's bytes are shown as they come (escaped by {@link TerminalBytes} unless raw), every
 * key typed goes to the guest (the terminal in {@link RawTerminal} mode, so Ctrl-C reaches the
 * guest too), and {@link #DETACH_KEY} (Ctrl-]) detaches: the terminal is restored, the VM and the
 * rest of the lab run on, and the summary comes at the end as usual. {@link #close} (the end of
 * the lab) detaches too; a signal restores the terminal through {@link RawTerminal}'s hook.
 */
public final class AttachedConsole implements AutoCloseable {
    /** Ctrl-] (0x1d), as telnet and virsh console use it. */
    public static final int DETACH_KEY = 0x1d;

    private final String vm;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean raw;
    private final TerminalBytes escaper = new TerminalBytes();
    private final ConsoleAttachment attachment;
    private final Optional<RawTerminal> terminal;
    private volatile boolean attached = true;

    private AttachedConsole(String vm, InputStream in, PrintStream out, PrintStream err, boolean raw) {
        this.vm = vm;
        this.out = out;
        this.err = err;
        this.raw = raw;
        this.attachment = new ConsoleAttachment(vm, this::show);
        this.terminal = RawTerminal.enter();
        Thread reader = new Thread(() -> readKeys(in), "epapr-lab-attach-input");
        reader.setDaemon(true);                   // a blocked read must not keep the JVM alive
        reader.start();
    }

    /** Attaches the terminal ({@code in}, {@code out}) to {@code vm}'s console. */
    public static AttachedConsole open(String vm, InputStream in, PrintStream out, PrintStream err, boolean raw) {
        err.println("epapr-lab: attached to the console of vm " + vm + "; Ctrl-] detaches (the lab runs on)");
        return new AttachedConsole(vm, in, out, err, raw);
    }

    /** What the lab connects to the VM. */
    public ConsoleAttachment attachment() { return attachment; }

    /** Tells the attachment when the VM first runs (its typed-ahead input waits for that). */
    public LabObserver observer() {
        return new LabObserver() {
            @Override public void onEvent(LabEvent event) {
                if (event instanceof LabEvent.OfVm(VmEvent.LifecycleChanged c) && c.vm().equals(vm) && c.to() == Lifecycle.RUNNING) {
                    attachment.running();
                }
            }

            @Override public boolean wantsEveryTransition() { return false; }       // RUNNING is always published
        };
    }

    /** True until detached: the VM's console lines are then not printed a second time. */
    public boolean isAttached() { return attached; }

    public String vm() { return vm; }

    /** The guest's bytes, on a vCPU thread. */
    private void show(byte[] bytes, int off, int len) {
        if (!attached) return;
        synchronized (out) {
            if (raw) out.write(bytes, off, len);
            else out.writeBytes(escaper.filter(bytes, off, len));
            out.flush();
        }
    }

    private void readKeys(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (attached) {
                int n = in.read(buf);
                if (n < 0) break;                          // end of input: nothing more can be typed
                int key = indexOf(buf, n, DETACH_KEY);
                if (key > 0) attachment.type(Arrays.copyOf(buf, key));
                if (key >= 0) break;
                attachment.type(Arrays.copyOf(buf, n));
            }
        } catch (IOException e) {
            err.println("epapr-lab: --attach: reading the terminal failed: " + e.getMessage());
        }
        detach();
    }

    private static int indexOf(byte[] b, int n, int value) {
        for (int i = 0; i < n; i++) if (b[i] == value) return i;
        return -1;
    }

    /** Leaves the console (once): the terminal is restored; the lab runs on. */
    private synchronized void detach() {
        if (leave()) err.println("epapr-lab: detached from vm " + vm + "; the lab runs on (its summary comes at the end)");
    }

    /** The lab has ended: detach if still attached. */
    @Override
    public synchronized void close() {
        leave();
    }

    /** Restores the terminal and ends the guest's last line, once (callers hold this monitor); false when already left. */
    private boolean leave() {
        if (!attached) return false;
        attached = false;
        terminal.ifPresent(RawTerminal::restore);
        synchronized (out) {
            out.println();
            out.flush();
        }
        return true;
    }
}
