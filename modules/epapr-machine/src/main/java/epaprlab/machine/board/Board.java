package epaprlab.machine.board;

import epaprlab.machine.api.Capability;
import epaprlab.machine.api.Hypervisor;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.Vm;
import epaprlab.machine.api.VmSpec;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.BootLayout;
import epaprlab.machine.boot.ElfImage;
import epaprlab.machine.boot.ResetReason;
import epaprlab.machine.device.ByteChannel;
import epaprlab.machine.fdt.DeviceTreeNode;
import epaprlab.machine.fdt.FdtWriter;
import epaprlab.machine.fdt.GuestTreeBuilder;
import epaprlab.machine.fdt.GuestTreeSpec;
import epaprlab.machine.fdt.MemoryReservation;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.machine.snapshot.BoardState;
import epaprlab.machine.snapshot.MachineSnapshot;
import epaprlab.ppc.mem.MemoryImage;
import java.util.Arrays;
import java.util.List;

/**
 * One assembled ePAPR guest: the VM with its vCPUs, the console byte channel, and the pristine
 * image it boots from. {@link #powerOn} puts the whole board into its entry state for a given
 * boot; it is called for the first boot and again after every reset (RAM goes back to the
 * image each time, so nothing of the previous boot survives). The image's pages are shared with
 * every board of the same parsed image ({@link PristineRam}); {@link #snapshot} and
 * {@link #restore} take and put back the whole machine.
 */
public final class Board implements Machine {
    /** ePAPR magic for Book III-E in r6 ("EPAP"). */
    public static final long EPAPR_MAGIC = 0x45504150L;
    /** The console's byte-channel handle, as the device tree names it. */
    public static final int CONSOLE_HANDLE = 0;
    /** QEMU's initial stack pointer, capped by RAM: 16 MiB - 8. */
    private static final long QEMU_INITIAL_SP = (16L << 20) - 8;
    /** Spin-table entries start on a cache line (64 bytes on e500mc/e5500). */
    private static final int SPIN_TABLE_ALIGN = 64;
    /** Offsets in a spin-table entry (ePAPR 1.1 5.5.2). */
    private static final int SPIN_ENTRY_HI = 0, SPIN_ENTRY_LO = 4, SPIN_R3 = 8, SPIN_PIR = 20;
    private static final int SPR_PIR = 286;

    /** Where this boot's spin table lies (0 with one vCPU). */
    private volatile long spinTableBase;
    /** Secondaries that have left the spin table this boot (each written by its own thread only). */
    private final boolean[] released;
    /** The image placed in RAM, shared with every board of the same image and RAM size. */
    private final MemoryImage pristine;

    private final BoardSpec spec;
    private final ElfImage image;
    private final Vm vm;
    private final List<Vcpu> vcpus;
    private final ByteChannel console;

    private Board(BoardSpec spec, ElfImage image, Hypervisor hypervisor) throws BootException {
        image.checkFits(spec.ramBytes());
        this.spec = spec;
        this.image = image;
        this.vm = hypervisor.createVm(new VmSpec(spec.cpu(), spec.ramBytes(), spec.vcpus(),
                spec.timeSource(), spec.timebaseHz(), spec.compileThreshold()));
        for (int i = 0; i < spec.vcpus(); i++) {
            vm.createVcpu(i).enableCapability(Capability.EXIT_EPAPR_HCALL);
        }
        this.vcpus = vm.vcpus();
        this.console = new ByteChannel(CONSOLE_HANDLE, spec.consoleBuffer(), spec.consoleBuffer());
        this.released = new boolean[spec.vcpus()];
        this.pristine = PristineRam.of(image, spec.ramBytes(), spec.ramBytes(), image::loadInto);
        vm.connectConsoleInput(console::hostInput, console::readable);
    }

    /** Builds the board on the software engine. Fails if the image cannot fit the RAM. */
    public static Board assemble(BoardSpec spec, ElfImage image) throws BootException {
        return new Board(spec, image, Hypervisor.software());
    }

    @Override public BoardSpec spec() { return spec; }
    public ElfImage image() { return image; }
    @Override public Vm vm() { return vm; }
    @Override public List<Vcpu> vcpus() { return vcpus; }
    @Override public ByteChannel console() { return console; }

    /** Nothing to connect: this board's only console is the byte channel, drained by the host. */
    @Override public void connectConsole(ConsoleOutput output) {}

    /** A fresh host-side hypercall handler for one vCPU (each keeps its own scratch buffer). */
    @Override
    public HostHypercalls newHostHypercalls() {
        return new HostHypercalls(spec.hypercalls(), List.of(console));
    }

    /**
     * Puts the board in its ePAPR entry state for boot number {@code bootCount}: RAM reset to the
     * shared pristine image (copy-on-write), the device tree (with this boot's count and reason) placed after
     * the image, every vCPU reset, and the boot vCPU's registers set as ePAPR 1.1 table 5-1 says.
     * Call only while no vCPU runs.
     */
    @Override
    public BootLayout powerOn(int bootCount, ResetReason reason) throws BootException {
        Blob blob = buildBlob(bootCount, reason);
        var ram = vm.memory();
        ram.resetTo(pristine);
        ram.write(blob.layout().dtbAddress(), blob.bytes(), 0, blob.bytes().length);
        spinTableBase = blob.spinTableBase();
        Arrays.fill(released, false);
        for (int cpu = 1; cpu < vcpus.size(); cpu++) {
            long entry = spinEntry(cpu);
            ram.store32(entry + SPIN_ENTRY_HI, 0);
            ram.store32(entry + SPIN_ENTRY_LO, 1);          // bit 0 set: keep spinning
            ram.store64(entry + SPIN_R3, cpu);              // the cpu node's reg
            ram.store32(entry + SPIN_PIR, cpu);
        }
        console.reset();
        for (Vcpu v : vcpus) v.reset();
        setEntryRegisters(vcpus.get(0), blob.layout());
        return blob.layout();
    }

    /**
     * For a secondary vCPU still spinning: if the guest has released its spin-table entry (bit 0
     * of entry_addr is 0, ePAPR 5.5.2), sets the vCPU up as a released secondary (r3 from the
     * entry, PIR from the entry, r6 = 0, r7 = IMA size, MSR = 0, PC = entry_addr) and returns true.
     * Called by the secondary's own thread.
     */
    @Override
    public boolean releaseIfRequested(int cpu) {
        if (cpu <= 0 || cpu >= vcpus.size()) throw new IllegalArgumentException("no secondary vCPU " + cpu);
        if (released[cpu]) return true;                 // released before a snapshot this machine was restored from
        var ram = vm.memory();
        long entry = spinEntry(cpu);
        int lo = ram.load32(entry + SPIN_ENTRY_LO);
        if ((lo & 1) != 0) return false;
        long entryAddr = ((long) ram.load32(entry + SPIN_ENTRY_HI) << 32) | (lo & 0xFFFF_FFFFL);
        Vcpu v = vcpus.get(cpu);
        for (int r = 0; r < 32; r++) v.setGpr(r, 0);
        v.setGpr(3, ram.load64(entry + SPIN_R3));
        v.setGpr(7, spec.ramBytes());
        v.setSpr(SPR_PIR, ram.load32(entry + SPIN_PIR) & 0xFFFF_FFFFL);
        v.setMsr(0);
        v.setPc(entryAddr);
        released[cpu] = true;
        return true;
    }

    @Override
    public MachineSnapshot snapshot() {
        return new MachineSnapshot(spec.cpu().configName(), fingerprint(), vm.saveState(),
                new BoardState.Epapr(console.saveState(), spinTableBase, released.clone()));
    }

    @Override
    public void restore(MachineSnapshot s) {
        String why = s.mismatch("epapr", spec.cpu().configName(), spec.ramBytes(), spec.vcpus());
        if (why != null) throw new IllegalArgumentException(why);
        if (!(s.devices() instanceof BoardState.Epapr devices)) throw new IllegalArgumentException("not an epapr snapshot: " + s);
        console.restoreState(devices.console());   // first: it refuses output that does not fit, before anything changed
        vm.restoreState(s.vm());
        spinTableBase = devices.spinTableBase();
        System.arraycopy(devices.released(), 0, released, 0, released.length);
    }

    /** The spec in one line, as snapshots name the machine they were taken of. */
    String fingerprint() {
        return "epapr cpu=%s ram=%dKiB vcpus=%d timebase=%dHz time=%s image=%s".formatted(spec.cpu().configName(),
                spec.ramBytes() >> 10, spec.vcpus(), spec.timebaseHz(), spec.timeSource(), image.origin());
    }

    /** Guest physical address of secondary {@code cpu}'s spin-table entry ({@code cpu-release-addr}). */
    public long spinEntry(int cpu) {
        return spinTableBase + (long) cpu * GuestTreeSpec.SPIN_ENTRY_BYTES;
    }

    /** The device tree blob the guest gets on boot {@code bootCount}, as placed in RAM. */
    @Override
    public byte[] deviceTreeBlob(int bootCount, ResetReason reason) throws BootException {
        return buildBlob(bootCount, reason).bytes();
    }

    private record Blob(byte[] bytes, BootLayout layout, long spinTableBase) {}

    /**
     * The blob goes right after the image and the spin table (for several vCPUs) right after the
     * blob, on a cache line; the blob's size does not depend on the table's address, so a first
     * build with a placeholder address sizes it.
     */
    private Blob buildBlob(int bootCount, ResetReason reason) throws BootException {
        GuestTreeSpec sizing = treeSpec(bootCount, reason, 0);
        DeviceTreeNode tree = GuestTreeBuilder.build(sizing);
        int size = FdtWriter.totalSize(tree, sizing.spinTableReservation().stream().toList());
        BootLayout layout = BootLayout.place(image, spec.ramBytes(), size);
        long spinBase = 0;
        List<MemoryReservation> reserved = List.of();
        if (spec.vcpus() > 1) {          // only then does the tree name an address: build it again
            spinBase = (layout.dtbEnd() + SPIN_TABLE_ALIGN - 1) & -SPIN_TABLE_ALIGN;
            if (spinBase + (long) spec.vcpus() * GuestTreeSpec.SPIN_ENTRY_BYTES > spec.ramBytes()) {
                throw new BootException.NoRoomForDeviceTree(image.origin(), layout.dtbAddress(), size,
                        image.highestPhysicalEnd(), spec.ramBytes());
            }
            GuestTreeSpec placed = treeSpec(bootCount, reason, spinBase);
            tree = GuestTreeBuilder.build(placed);
            reserved = placed.spinTableReservation().stream().toList();
        }
        return new Blob(FdtWriter.write(tree, 0, reserved, layout.dtbAddress()), layout, spinBase);
    }

    private GuestTreeSpec treeSpec(int bootCount, ResetReason reason, long spinTableBase) {
        return new GuestTreeSpec(spec.name(), spec.guestId(), spec.cpu(), spec.vcpus(),
                spec.ramBytes(), spec.clockHz(), spec.timebaseHz(),
                spec.hypercalls().reset(), spec.hypercalls().shutdown(), spec.hypercalls().result(), spec.idle(),
                bootCount, reason, spec.bootargs(), spinTableBase);
    }

    private void setEntryRegisters(Vcpu boot, BootLayout layout) {
        for (int r = 0; r < 32; r++) boot.setGpr(r, 0);
        boot.setGpr(1, Math.min(spec.ramBytes(), QEMU_INITIAL_SP + 8) - 8);
        boot.setGpr(3, layout.dtbAddress());
        boot.setGpr(6, EPAPR_MAGIC);
        boot.setGpr(7, layout.imaSize());
        boot.setMsr(0);                 // PR=EE=ME=IS=DS=CM=0: supervisor, 32-bit, interrupts off
        boot.setPc(layout.entry());
    }
}
