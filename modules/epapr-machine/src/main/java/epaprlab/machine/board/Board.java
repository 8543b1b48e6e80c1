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
import epaprlab.ppc.cpu.TimeSource;
import java.util.List;

/**
 * One assembled ePAPR guest: the VM with its vCPUs, the console byte channel, and the pristine
 * image it boots from. {@link #powerOn} puts the whole board into its entry state for a given
 * boot; it is called for the first boot and again after every reset (RAM is rebuilt from the
 * image each time, so nothing of the previous boot survives).
 */
public final class Board {
    /** ePAPR magic for Book III-E in r6 ("EPAP"). */
    public static final long EPAPR_MAGIC = 0x45504150L;
    /** The console's byte-channel handle, as the device tree names it. */
    public static final int CONSOLE_HANDLE = 0;
    /** QEMU's initial stack pointer, capped by RAM: 16 MiB - 8. */
    private static final long QEMU_INITIAL_SP = (16L << 20) - 8;

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
                TimeSource.INSTRUCTIONS, spec.timebaseHz()));
        for (int i = 0; i < spec.vcpus(); i++) {
            vm.createVcpu(i).enableCapability(Capability.EXIT_EPAPR_HCALL);
        }
        this.vcpus = vm.vcpus();
        this.console = new ByteChannel(CONSOLE_HANDLE, spec.consoleBuffer(), spec.consoleBuffer());
    }

    /** Builds the board on the software engine. Fails if the image cannot fit the RAM. */
    public static Board assemble(BoardSpec spec, ElfImage image) throws BootException {
        return new Board(spec, image, Hypervisor.software());
    }

    public BoardSpec spec() { return spec; }
    public ElfImage image() { return image; }
    public Vm vm() { return vm; }
    public List<Vcpu> vcpus() { return vcpus; }
    public ByteChannel console() { return console; }

    /** A fresh host-side hypercall handler for one vCPU (each keeps its own scratch buffer). */
    public HostHypercalls newHostHypercalls() {
        return new HostHypercalls(spec.hypercalls(), List.of(console));
    }

    /**
     * Puts the board in its ePAPR entry state for boot number {@code bootCount}: RAM cleared and
     * reloaded from the image, the device tree (with this boot's count and reason) placed after
     * the image, every vCPU reset, and the boot vCPU's registers set as ePAPR 1.1 table 5-1 says.
     * Call only while no vCPU runs.
     */
    public BootLayout powerOn(int bootCount, ResetReason reason) throws BootException {
        Blob blob = buildBlob(bootCount, reason);
        var ram = vm.memory();
        ram.clear();
        image.loadInto(ram);
        ram.write(blob.layout().dtbAddress(), blob.bytes(), 0, blob.bytes().length);
        console.reset();
        for (Vcpu v : vcpus) v.reset();
        setEntryRegisters(vcpus.get(0), blob.layout());
        return blob.layout();
    }

    /** The device tree blob the guest gets on boot {@code bootCount}, as placed in RAM. */
    public byte[] deviceTreeBlob(int bootCount, ResetReason reason) throws BootException {
        return buildBlob(bootCount, reason).bytes();
    }

    private record Blob(byte[] bytes, BootLayout layout) {}

    private Blob buildBlob(int bootCount, ResetReason reason) throws BootException {
        GuestTreeSpec treeSpec = new GuestTreeSpec(spec.name(), spec.guestId(), spec.cpu(), spec.vcpus(),
                spec.ramBytes(), spec.clockHz(), spec.timebaseHz(),
                spec.hypercalls().reset(), spec.hypercalls().shutdown(), spec.hypercalls().result(), spec.idle(),
                bootCount, reason, spec.bootargs(), 0);
        DeviceTreeNode root = GuestTreeBuilder.build(treeSpec);
        List<MemoryReservation> reserved = treeSpec.spinTableReservation().stream().toList();
        int size = FdtWriter.totalSize(root, reserved);
        BootLayout layout = BootLayout.place(image, spec.ramBytes(), size);
        byte[] bytes = FdtWriter.write(root, 0, reserved, layout.dtbAddress());
        return new Blob(bytes, layout);
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
