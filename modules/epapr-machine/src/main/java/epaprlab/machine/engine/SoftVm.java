package epaprlab.machine.engine;

import epaprlab.machine.api.Capability;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.VcpuExit;
import epaprlab.machine.api.VcpuState;
import epaprlab.machine.api.Vm;
import epaprlab.machine.api.VmState;
import epaprlab.machine.api.VmSpec;
import epaprlab.ppc.mem.GuestMemory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** A VM of the software engine: one RAM shared by interpreter-backed vCPUs. */
final class SoftVm implements Vm {
    private final VmSpec spec;
    private final GuestMemory memory;
    /** A device's reset/power-off request not yet reported by a vCPU exit. */
    private final java.util.concurrent.atomic.AtomicReference<PendingEvent> systemEvent =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final SoftVcpu[] vcpus;
    /** Where console input goes; null until the board connects its device. */
    private Consumer<byte[]> consoleDevice;
    private LongSupplier consoleUnread;
    /** Console input that arrived before a device was connected, in order. */
    private final List<byte[]> earlyInput = new ArrayList<>();

    SoftVm(VmSpec spec) {
        this.spec = spec;
        this.memory = new GuestMemory(spec.ramBytes());
        this.vcpus = new SoftVcpu[spec.vcpus()];
    }

    @Override public VmSpec spec() { return spec; }

    @Override public GuestMemory memory() { return memory; }

    @Override
    public synchronized void consoleInput(byte[] bytes) {
        byte[] copy = bytes.clone();            // the caller may reuse its array
        if (consoleDevice == null) earlyInput.add(copy);
        else consoleDevice.accept(copy);
    }

    @Override
    public synchronized long pendingConsoleInput() {
        long waiting = consoleUnread == null ? 0 : consoleUnread.getAsLong();
        for (byte[] b : earlyInput) waiting += b.length;
        return waiting;
    }

    @Override
    public synchronized void connectConsoleInput(Consumer<byte[]> device, LongSupplier unread) {
        consoleDevice = device;
        consoleUnread = unread;
        earlyInput.forEach(device);
        earlyInput.clear();
    }

    @Override
    public boolean checkExtension(Capability capability) {
        return SoftHypervisor.INSTANCE.checkExtension(capability);
    }

    @Override
    public synchronized Vcpu createVcpu(int id) {
        if (id < 0 || id >= vcpus.length) {
            throw new IllegalArgumentException("vCPU id %d outside 0..%d".formatted(id, vcpus.length - 1));
        }
        if (vcpus[id] != null) throw new IllegalStateException("vCPU " + id + " already exists");
        vcpus[id] = new SoftVcpu(id, this, spec, memory);
        return vcpus[id];
    }

    @Override
    public synchronized List<Vcpu> vcpus() {
        List<Vcpu> created = new ArrayList<>();
        for (SoftVcpu v : vcpus) if (v != null) created.add(v);
        return Collections.unmodifiableList(created);
    }

    private record PendingEvent(VcpuExit.SystemEvent.Type type, String source) {}

    @Override
    public void raiseSystemEvent(VcpuExit.SystemEvent.Type type, String source) {
        if (!systemEvent.compareAndSet(null, new PendingEvent(type, source))) return;
        for (SoftVcpu v : snapshot()) if (v != null) v.requestImmediateExit();
    }

    /** Moves a pending system event into {@code out}; true for exactly one caller per event. */
    boolean claimSystemEvent(VcpuExit.SystemEvent out) {
        if (systemEvent.get() == null) return false;          // the common case: one volatile read
        PendingEvent e = systemEvent.getAndSet(null);
        if (e == null) return false;
        out.set(e.type(), e.source());
        return true;
    }

    /** Console input waiting for a device ({@link #earlyInput}) is not saved: boards connect theirs when built. */
    @Override
    public VmState saveState() {
        List<VcpuState> states = new ArrayList<>();
        for (SoftVcpu v : snapshot()) {
            if (v == null) throw new IllegalStateException("a snapshot needs every vCPU created");
            states.add(v.saveState());
        }
        PendingEvent e = systemEvent.get();
        return new VmState(memory.snapshot(), states,
                Optional.ofNullable(e).map(p -> new VmState.PendingEvent(p.type(), p.source())));
    }

    @Override
    public void restoreState(VmState s) {
        SoftVcpu[] all = snapshot();
        if (s.memory().size() != memory.size()) {
            throw new IllegalArgumentException("saved RAM is %d KiB, this VM has %d KiB".formatted(s.memory().size() >> 10, memory.size() >> 10));
        }
        if (s.vcpus().size() != all.length) {
            throw new IllegalArgumentException("saved state has %d vCPUs, this VM %d".formatted(s.vcpus().size(), all.length));
        }
        for (SoftVcpu v : all) if (v == null) throw new IllegalStateException("a restore needs every vCPU created");
        memory.resetTo(s.memory());
        for (int i = 0; i < all.length; i++) all[i].restoreState(s.vcpus().get(i));
        systemEvent.set(s.systemEvent().map(p -> new PendingEvent(p.type(), p.source())).orElse(null));
    }

    /** Forgets an unreported event: the VM is being reset or rebuilt. */
    void clearSystemEvent() { systemEvent.set(null); }

    private synchronized SoftVcpu[] snapshot() { return vcpus.clone(); }
}
