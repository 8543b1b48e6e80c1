package epaprlab.orchestrator.console;

import epaprlab.machine.api.Vm;
import epaprlab.machine.board.Machine;
import epaprlab.machine.boot.BootException;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.vm.VmSupervisor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A terminal attached to one VM of a lab ({@code epapr-lab run --attach VM}): the VM's console
 * bytes go to {@code out} as they come (a {@link ConsoleSink.Tap}, on vCPU threads, in order), and
 * bytes typed go to the VM's console input. The lab connects it when it builds the VM's board;
 * input typed before the VM first runs waits, in order, until {@link #running}: handed to the
 * board before its power-on, the power-on's console reset dropped it (type-ahead was lost).
 */
public final class ConsoleAttachment implements ConsoleSink.Tap {
    private final String vm;
    private final ConsoleSink.Tap out;
    private Vm target;
    private boolean running;
    private final List<byte[]> early = new ArrayList<>();
    /** How often a {@link #type} over the limit looks whether the guest has read. */
    private static final long TYPE_POLL_MS = 10;

    public ConsoleAttachment(String vm, ConsoleSink.Tap out) {
        this.vm = vm;
        this.out = out;
    }

    /** The name of the VM this terminal is attached to. */
    public String vm() { return vm; }

    @Override
    public void write(byte[] bytes, int off, int len) { out.write(bytes, off, len); }

    /**
     * Any thread: bytes typed into the VM's console ({@link Vm#consoleInput}). While the input the
     * guest has not read would pass {@link Vm#MAX_PENDING_CONSOLE_INPUT}, waits until it reads (or
     * the VM is rebuilt): back-pressure, so the terminal is read no faster than the guest and
     * nothing is dropped. Interrupted, it hands the bytes over anyway.
     */
    public void type(byte[] bytes) {
        while (!offer(bytes)) {
            try {
                Thread.sleep(TYPE_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                deliver(bytes);
                return;
            }
        }
    }

    /** Bytes typed that the guest has not read: waiting here, or in the VM. */
    public synchronized long pending() {
        long n = target == null || !running ? 0 : target.pendingConsoleInput();
        for (byte[] b : early) n += b.length;
        return n;
    }

    /** Hands {@code bytes} on when they fit under the limit (or nothing waits); false when they must wait. */
    private synchronized boolean offer(byte[] bytes) {
        long pending = pending();
        if (pending > 0 && pending + bytes.length > Vm.MAX_PENDING_CONSOLE_INPUT) return false;
        deliver(bytes);
        return true;
    }

    private synchronized void deliver(byte[] bytes) {
        if (target == null || !running) early.add(bytes.clone());
        else target.consoleInput(bytes);
    }

    /** The lab built the attached VM's board: typing reaches it once the VM runs. Returns {@code board}. */
    public synchronized Machine connect(Machine board) {
        target = board.vm();
        deliver();
        return board;
    }

    /** The VM runs (booted, or restored): what was typed before reaches the guest now, in order. */
    public synchronized void running() {
        running = true;
        deliver();
    }

    private void deliver() {
        if (target == null || !running) return;
        early.forEach(target::consoleInput);
        early.clear();
    }

    /** {@code boards} with every board it builds (booted or for a restore) connected to this terminal. */
    public VmSupervisor.BoardFactory connecting(VmSupervisor.BoardFactory boards) {
        return new VmSupervisor.BoardFactory() {
            @Override
            public Machine build(VmConfig config) throws BootException, IOException {
                return connect(boards.build(config));
            }

            @Override
            public Machine buildForRestore(VmConfig config) throws BootException, IOException {
                return connect(boards.buildForRestore(config));
            }

            @Override
            public void recycle(VmConfig config, Machine board) {
                boards.recycle(config, board);
            }
        };
    }
}
