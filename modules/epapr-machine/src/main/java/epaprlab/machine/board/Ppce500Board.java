package epaprlab.machine.board;

import epaprlab.machine.api.Capability;
import epaprlab.machine.api.Hypervisor;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.VcpuExit.SystemEvent;
import epaprlab.machine.api.Vm;
import epaprlab.machine.api.VmSpec;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.BootLayout;
import epaprlab.machine.boot.Ppce500Layout;
import epaprlab.machine.boot.ResetReason;
import epaprlab.machine.device.ByteChannel;
import epaprlab.machine.device.Ds1338;
import epaprlab.machine.device.MpcI2c;
import epaprlab.machine.device.E500PciHost;
import epaprlab.machine.device.Guts;
import epaprlab.machine.device.InterruptTarget;
import epaprlab.machine.device.MmioBus;
import epaprlab.machine.device.OpenPic;
import epaprlab.machine.device.QoriqGpio;
import epaprlab.machine.device.SpinTable;
import epaprlab.machine.device.Uart16550;
import epaprlab.machine.fdt.DeviceTreeNode;
import epaprlab.machine.fdt.FdtWriter;
import epaprlab.machine.fdt.Ppce500TreeBuilder;
import epaprlab.machine.fdt.Ppce500TreeSpec;
import epaprlab.machine.fdt.Ppce500TreeSpec.Range;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.machine.snapshot.BoardState;
import epaprlab.machine.snapshot.MachineSnapshot;
import epaprlab.ppc.mem.MemoryImage;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.TimeSource;
import epaprlab.ppc.cpu.Translation;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.function.IntSupplier;

/**
 * QEMU 7.2's {@code ppce500} machine as a composition: RAM at 0, the CCSR devices (UART0, MPIC,
 * PCI host, I2C with its RTC, GUTS, GPIO) and the spin table on one {@link MmioBus} that every vCPU sees through the
 * Book E MMU, the MPIC wired to every vCPU, UART0 as the console, GUTS RSTCR and GPIO pin 0 as
 * reset and power-off, and the images placed as QEMU places them ({@link Ppce500Layout}).
 *
 * <p>Secondary vCPUs are created halted (they use no host CPU) and started by a spin-table
 * release on their own thread ({@link Vcpu#start}), with the state QEMU's {@code spin_kick} gives.
 */
public final class Ppce500Board implements Machine {
    public static final long CCSR = Ppce500TreeBuilder.CCSR_BASE;
    public static final long UART0 = CCSR + 0x4500, PCI_HOST = CCSR + 0x8000, MPIC = CCSR + 0x40000;
    public static final long GUTS = CCSR + 0xE0000, GPIO = CCSR + 0xFF000, I2C = CCSR + 0x3000;
    public static final int UART_IRQ = 42, I2C_IRQ = 43, GPIO_IRQ = 47;
    /** QEMU's initial stack pointer for CPU 0: 16 MiB - 8. */
    private static final long INITIAL_SP = (16L << 20) - 8;
    /** A released secondary's mapping: 64 MiB, TSIZE 16 (QEMU's spin_kick). */
    private static final long SECONDARY_MAP = 64L << 20;
    private static final int SECONDARY_TSIZE = 16;
    private static final int MAS1_VALID = 0x8000_0000, MAS1_TSIZE_SHIFT = 7, MAS2_M = 0x4;
    /** UR UW UX SR SW SX. */
    private static final int MAS3_ALL_PERMS = 0x3F;
    private static final long IDLE_PC = 0xFFFF_FFFCL;
    private static final int CONSOLE_HANDLE = Board.CONSOLE_HANDLE;

    private final BoardSpec spec;
    private final Ppce500Images images;
    private final Ppce500Layout layout;
    private final Vm vm;
    private final List<Vcpu> vcpus;
    private final MmioBus bus = new MmioBus();
    private final OpenPic mpic;
    private final Uart16550 uart;
    private final E500PciHost pciHost = new E500PciHost();
    private final MpcI2c i2c;
    /** Host time on the wall clock; guest time on the instruction time base, so runs stay exact. */
    private final Ds1338 rtc;
    private final QoriqGpio gpio;
    private final SpinTable spinTable;
    private final ByteChannel hcallConsole;
    private volatile ConsoleOutput consoleOutput = (b, off, len) -> {};
    private final byte[] oneByte = new byte[1];
    /** The images placed by the layout, shared with every board of the same images, CPU and RAM size. */
    private final MemoryImage pristine;

    /** What decides where the images go besides the images themselves. */
    private record Placement(CpuModel cpu, long ramBytes) {}

    private Ppce500Board(BoardSpec spec, Ppce500Images images, Hypervisor hypervisor) throws BootException {
        if (spec.vcpus() > Ppce500TreeBuilder.MAX_CPUS) {
            throw new IllegalArgumentException("ppce500 has at most " + Ppce500TreeBuilder.MAX_CPUS + " CPUs, got " + spec.vcpus());
        }
        this.spec = spec;
        this.images = images;
        this.layout = sharedLayout(spec, images);
        this.vm = hypervisor.createVm(new VmSpec(spec.cpu(), spec.ramBytes(), spec.vcpus(), spec.timeSource(),
                Ppce500TreeBuilder.FREQUENCY_HZ, spec.compileThreshold()));
        for (int i = 0; i < spec.vcpus(); i++) vm.createVcpu(i).enableCapability(Capability.EXIT_EPAPR_HCALL);
        this.vcpus = vm.vcpus();
        List<InterruptTarget> targets = new ArrayList<>();
        for (Vcpu v : vcpus) targets.add(new CpuInputs(v));
        MpicTimerClock timers = new MpicTimerClock(vcpus, spec.timeSource() == TimeSource.INSTRUCTIONS);
        this.mpic = new OpenPic(targets, timers);
        timers.drive(mpic);
        this.rtc = new Ds1338(spec.timeSource() == TimeSource.INSTRUCTIONS
                ? new GuestTimeClock(vcpus.get(0), Ppce500TreeBuilder.FREQUENCY_HZ) : Clock.systemUTC());
        this.uart = new Uart16550(mpic.source(UART_IRQ), this::transmit);
        this.hcallConsole = new ByteChannel(CONSOLE_HANDLE, spec.consoleBuffer(), spec.consoleBuffer());
        this.i2c = new MpcI2c(mpic.source(I2C_IRQ)).attach(Ds1338.ADDRESS, rtc);
        this.gpio = new QoriqGpio(mpic.source(GPIO_IRQ), () -> vm.raiseSystemEvent(SystemEvent.Type.SHUTDOWN, "gpio-poweroff"));
        this.spinTable = new SpinTable(spec.vcpus(), this::release);
        bus.map("i2c", I2C, MpcI2c.SIZE, i2c);
        bus.map("uart0", UART0, Uart16550.SIZE, uart);
        bus.map("pci-host", PCI_HOST, E500PciHost.SIZE, pciHost);
        bus.map("mpic", MPIC, OpenPic.SIZE, mpic);
        bus.map("guts", GUTS, Guts.SIZE, new Guts(spec.cpu().pvr() & 0xFFFF_FFFFL,
                () -> vm.raiseSystemEvent(SystemEvent.Type.RESET, "guts-rstcr")));
        bus.map("gpio", GPIO, QoriqGpio.SIZE, gpio);
        bus.map("spin-table", Ppce500TreeBuilder.SPIN_TABLE_BASE, SpinTable.SIZE, spinTable);
        this.pristine = PristineRam.of(images, new Placement(spec.cpu(), spec.ramBytes()), spec.ramBytes(), layout::loadInto);
        vm.connectConsoleInput(bytes -> uart.receive(bytes, 0, bytes.length), uart::queuedInput);
    }

    /**
     * Layouts by images and placement, weakly held both ways as {@link PristineRam} holds its
     * images: a layout keeps the parsed kernel's segments (a Linux kernel's 20 MiB), which every
     * board of the same images shares instead of parsing its own copy.
     */
    private static final Map<Ppce500Images, Map<Placement, WeakReference<Ppce500Layout>>> LAYOUTS = new WeakHashMap<>();

    private static Ppce500Layout sharedLayout(BoardSpec spec, Ppce500Images images) throws BootException {
        synchronized (LAYOUTS) {
            var byPlacement = LAYOUTS.computeIfAbsent(images, k -> new HashMap<>());
            Placement placement = new Placement(spec.cpu(), spec.ramBytes());
            WeakReference<Ppce500Layout> ref = byPlacement.get(placement);
            Ppce500Layout cached = ref == null ? null : ref.get();
            if (cached != null) return cached;
            Ppce500Layout placed = Ppce500Layout.place(spec.cpu(), spec.ramBytes(), images.bios(), images.kernel(), images.initrd());
            byPlacement.put(placement, new WeakReference<>(placed));
            return placed;
        }
    }

    /** Builds the board on the software engine; fails when the images cannot be placed in RAM. */
    public static Ppce500Board assemble(BoardSpec spec, Ppce500Images images) throws BootException {
        return new Ppce500Board(spec, images, Hypervisor.software());
    }

    @Override public BoardSpec spec() { return spec; }
    @Override public Vm vm() { return vm; }
    @Override public List<Vcpu> vcpus() { return vcpus; }
    @Override public ByteChannel console() { return hcallConsole; }
    @Override public void connectConsole(ConsoleOutput output) { consoleOutput = output; }
    public Ppce500Images images() { return images; }
    public Ppce500Layout layout() { return layout; }

    /** The physical bus (for tests and crash reports: {@link MmioBus#windowAt}). */
    public MmioBus bus() { return bus; }

    @Override
    public HostHypercalls newHostHypercalls() {
        return new HostHypercalls(spec.hypercalls(), List.of(hcallConsole));
    }

    /** Secondaries wait halted in the engine; see {@link Machine#releaseIfRequested}. */
    @Override public boolean releaseIfRequested(int cpu) { return true; }

    @Override
    public BootLayout powerOn(int bootCount, ResetReason reason) throws BootException {
        byte[] blob = deviceTreeBlob(bootCount, reason);
        var ram = vm.memory();
        ram.resetTo(pristine);
        ram.write(layout.dtbAddress(), blob, 0, blob.length);
        bus.reset();
        hcallConsole.reset();
        for (Vcpu v : vcpus) {
            v.reset();
            v.setTranslation(Translation.BOOK_E);
            v.setPhysicalBus(bus.forCpu(v.id()));
        }
        Vcpu boot = vcpus.get(0);
        boot.tlbWrite(1, 0, MAS1_VALID | layout.initialMapTsize() << MAS1_TSIZE_SHIFT, 0, MAS3_ALL_PERMS, 0);
        for (int r = 0; r < 32; r++) boot.setGpr(r, 0);
        boot.setGpr(1, INITIAL_SP);
        boot.setGpr(3, layout.dtbAddress());
        boot.setGpr(6, Board.EPAPR_MAGIC);
        boot.setGpr(7, layout.initialMapBytes());
        boot.setMsr(0);
        boot.setPc(layout.entry());
        for (int i = 1; i < vcpus.size(); i++) {
            vcpus.get(i).setPc(IDLE_PC);
            vcpus.get(i).halt();
        }
        return new BootLayout(spec.ramBytes(), layout.entry(), layout.payloadStart() + layout.payloadSize(),
                layout.dtbAddress(), Ppce500Layout.DTB_SIZE, layout.initialMapBytes());
    }

    @Override
    public MachineSnapshot snapshot() {
        return new MachineSnapshot(spec.cpu().configName(), fingerprint(), vm.saveState(),
                new BoardState.Ppce500(uart.saveState(), mpic.saveState(), pciHost.saveState(), i2c.saveState(),
                        rtc.saveState(), gpio.saveState(), spinTable.saveState(), hcallConsole.saveState()));
    }

    @Override
    public void restore(MachineSnapshot s) {
        String why = s.mismatch("ppce500", spec.cpu().configName(), spec.ramBytes(), spec.vcpus());
        if (why != null) throw new IllegalArgumentException(why);
        if (!(s.devices() instanceof BoardState.Ppce500 d)) throw new IllegalArgumentException("not a ppce500 snapshot: " + s);
        hcallConsole.restoreState(d.hcallConsole());   // first: it refuses output that does not fit, before anything changed
        for (Vcpu v : vcpus) {                          // wiring a never powered-on machine lacks
            v.setTranslation(Translation.BOOK_E);
            v.setPhysicalBus(bus.forCpu(v.id()));
        }
        vm.restoreState(s.vm());
        uart.restoreState(d.uart());
        mpic.restoreState(d.mpic());                     // after the vCPUs: it re-installs proxy mode in them
        pciHost.restoreState(d.pciHost());
        i2c.restoreState(d.i2c());
        rtc.restoreState(d.rtc());
        gpio.restoreState(d.gpio());
        spinTable.restoreState(d.spinTable());
    }

    /** The spec in one line, as snapshots name the machine they were taken of. */
    String fingerprint() {
        return "ppce500 cpu=%s ram=%dKiB vcpus=%d time=%s bios=%s kernel=%s initrd=%s".formatted(spec.cpu().configName(),
                spec.ramBytes() >> 10, spec.vcpus(), spec.timeSource(), origin(images.bios()), origin(images.kernel()),
                origin(images.initrd()));
    }

    private static String origin(Optional<epaprlab.machine.boot.Ppce500Layout.ImageFile> f) {
        return f.map(x -> x.origin().toString()).orElse("-");
    }

    @Override
    public byte[] deviceTreeBlob(int bootCount, ResetReason reason) {
        DeviceTreeNode tree = Ppce500TreeBuilder.build(treeSpec(bootCount, reason));
        return FdtWriter.writePadded(tree, 0, Ppce500Layout.DTB_SIZE);
    }

    Ppce500TreeSpec treeSpec(int bootCount, ResetReason reason) {
        Optional<Range> initrd = layout.initrdSpan().map(s -> new Range(s.start(), s.size()));
        Optional<Range> kernel = layout.bootKernel().map(s -> new Range(s.start(), s.size()));
        return new Ppce500TreeSpec(spec.name(), spec.guestId(), spec.vcpus(), spec.ramBytes(), spec.bootargs(),
                spec.hypercalls().reset(), spec.hypercalls().shutdown(), spec.hypercalls().result(), spec.idle(),
                bootCount, reason, initrd, kernel, rngSeed(bootCount));
    }

    /**
     * QEMU draws 32 random bytes on every reset; ours are derived from the guest and the boot
     * number, so two runs of a lab give the guest the same tree (reproducible runs).
     */
    private byte[] rngSeed(int bootCount) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((spec.name() + "/" + spec.guestId() + "/" + bootCount).getBytes(StandardCharsets.UTF_8));
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** UART0's transmitter: each byte goes to the console at once (vCPU threads, serialised here). */
    private void transmit(int b) {
        synchronized (oneByte) {
            oneByte[0] = (byte) b;
            consoleOutput.write(oneByte, 0, 1);
        }
    }

    /**
     * A spin-table release (called on the releasing vCPU's thread): posts QEMU's {@code spin_kick}
     * state to the released vCPU, which applies it on its own thread and starts running.
     */
    private void release(int cpu, long entryAddress, long r3) {
        long pa = entryAddress & -SECONDARY_MAP;
        vcpus.get(cpu).start(v -> {
            v.setGpr(3, r3);
            v.setGpr(4, 0);
            v.setGpr(5, 0);
            v.setGpr(6, 0);             // not the ePAPR magic: QEMU's spin_kick leaves it 0
            v.setGpr(8, 0);
            v.setGpr(9, 0);
            v.setGpr(7, SECONDARY_MAP);
            v.setPc(entryAddress & (SECONDARY_MAP - 1));
            v.tlbWrite(1, 1, MAS1_VALID | SECONDARY_TSIZE << MAS1_TSIZE_SHIFT, MAS2_M,
                    (int) (pa & 0xFFFF_F000L) | MAS3_ALL_PERMS, (int) (pa >>> 32));
        });
    }

    /** One vCPU's interrupt inputs as the MPIC drives them. */
    private record CpuInputs(Vcpu vcpu) implements InterruptTarget {
        @Override public void setExternal(boolean raised) { vcpu.setExternalInterrupt(raised); }
        @Override public void setExternalProxy(IntSupplier iack) { vcpu.setExternalProxy(iack); }
        @Override public void setCritical(boolean raised) { vcpu.setCriticalInterrupt(raised); }
    }
}
