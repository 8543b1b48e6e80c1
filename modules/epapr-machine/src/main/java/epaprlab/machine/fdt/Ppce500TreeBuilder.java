package epaprlab.machine.fdt;

/**
 * The device tree QEMU 7.2's {@code ppce500} machine gives its guest (node for node, property for
 * property, in the order QEMU's dump shows them), plus epapr-lab's {@code /hypervisor} node and
 * the {@code epapr-lab,} boot properties in {@code /chosen}. Addresses are the board's fixed map
 * (README, "The ppce500 board").
 */
public final class Ppce500TreeBuilder {
    /** QEMU's limit for this machine, and the number of spin-table entries. */
    public static final int MAX_CPUS = 32;
    public static final long CCSR_BASE = 0xF_E000_0000L;
    public static final long CCSR_SIZE = 0x10_0000L;
    public static final long SPIN_TABLE_BASE = 0xF_EF00_0000L;
    public static final int SPIN_ENTRY_BYTES = 32;
    public static final long PLATFORM_BUS_BASE = 0xF_0000_0000L;
    public static final long PLATFORM_BUS_SIZE = 0x800_0000L;
    public static final String SOC = "/soc@fe0000000";
    public static final String SERIAL0 = SOC + "/serial@4500";
    /** Clock, time base and UART clock: QEMU's fixed 400 MHz. */
    public static final int FREQUENCY_HZ = 400_000_000;
    private static final int PCI_CLOCK_HZ = 66_666_666;
    private static final int L1_SIZE = 0x8000, LINE = 0x40;
    /**
     * QEMU's phandles. QEMU allocates three (MPIC, MSI, GPIO) from one counter starting at 0x8000
     * each time it builds the tree: once to size it, once more before the guest starts, and again
     * at every reset. So boot n sees MPIC = 0x8003 + 3n (0x8006 at boot 1, 0x8009 after one reset,
     * as U-Boot's {@code fdt print} shows under QEMU), while {@code -machine dumpdtb} writes the
     * build before boot 1 (0x8003).
     */
    record Phandles(int mpic, int msi, int gpio) {
        static Phandles ofBoot(int bootCount) {
            int mpic = 0x8003 + 3 * bootCount;
            return new Phandles(mpic, mpic + 1, mpic + 2);
        }
    }
    private static final int PCI_SLOTS = 32, PCI_PINS = 4, FIRST_PCI_IRQ = 1;

    private Ppce500TreeBuilder() {}

    public static DeviceTreeNode build(Ppce500TreeSpec spec) {
        Phandles ph = Phandles.ofBoot(spec.bootCount());
        DeviceTreeNode.Builder root = DeviceTreeNode.root()
                .string("compatible", "fsl,qemu-e500")
                .string("model", "QEMU ppce500")
                .u32("#size-cells", 2)
                .u32("#address-cells", 2);

        root.child("platform@f00000000")
                .u32("interrupt-parent", ph.mpic())
                .u32("ranges", 0, (int) (PLATFORM_BUS_BASE >>> 32), (int) PLATFORM_BUS_BASE, (int) PLATFORM_BUS_SIZE)
                .u32("#address-cells", 1)
                .u32("#size-cells", 1)
                .strings("compatible", "qemu,platform", "simple-bus");

        pci(root.child("pci@fe0008000"), ph);
        soc(root.child("soc@fe0000000"), ph);

        root.child("aliases")
                .string("pci0", "/pci@fe0008000")
                .string("rtc", "i2c/rtc@68")            // sic: QEMU writes a relative path
                .string("i2c", SOC + "/i2c@3000")
                .string("serial0", SERIAL0);

        DeviceTreeNode.Builder cpus = root.child("cpus").u32("#size-cells", 0).u32("#address-cells", 1);
        for (int n = 0; n < spec.vcpus(); n++) {
            DeviceTreeNode.Builder cpu = cpus.child("PowerPC,8544@" + Integer.toHexString(n));
            if (n > 0) {
                cpu.u64("cpu-release-addr", SPIN_TABLE_BASE + (long) n * SPIN_ENTRY_BYTES)
                        .string("enable-method", "spin-table");
            }
            cpu.string("status", n == 0 ? "okay" : "disabled")
                    .u32("bus-frequency", 0)
                    .u32("i-cache-size", L1_SIZE)
                    .u32("d-cache-size", L1_SIZE)
                    .u32("i-cache-line-size", LINE)
                    .u32("d-cache-line-size", LINE)
                    .u32("reg", n)
                    .string("device_type", "cpu")
                    .u32("timebase-frequency", FREQUENCY_HZ)
                    .u32("clock-frequency", FREQUENCY_HZ);
        }

        DeviceTreeNode.Builder chosen = root.child("chosen")
                .string("stdout-path", SERIAL0)
                .string("linux,stdout-path", SERIAL0)
                .prop("rng-seed", spec.rngSeed())
                .string("bootargs", spec.bootargs());
        spec.bootKernel().ifPresent(k -> chosen.u64("qemu,boot-kernel", k.start(), k.size()));
        spec.initrd().ifPresent(r -> chosen.u32("linux,initrd-end", (int) r.end()).u32("linux,initrd-start", (int) r.start()));
        chosen.u32("epapr-lab,boot-count", spec.bootCount())
                .string("epapr-lab,reset-reason", spec.resetReason().dtValue());

        root.child("memory").u64("reg", 0L, spec.ramBytes()).string("device_type", "memory");

        DeviceTreeNode.Builder hv = root.child("hypervisor")
                .strings("compatible", "linux,kvm", "epapr,hypervisor-1")
                .u32("hcall-instructions", GuestTreeBuilder.HCALL_INSTRUCTION)
                .u32("guest-id", spec.guestId())
                .string("guest-name", spec.guestName());
        if (spec.hasIdle()) hv.empty("has-idle");
        if (spec.hasReset()) hv.empty("kvm,has-reset");
        if (spec.hasShutdown()) hv.empty("kvm,has-shutdown");
        if (spec.hasResult()) hv.empty("epapr-lab,has-result");
        return root.build();
    }

    private static void pci(DeviceTreeNode.Builder pci, Phandles ph) {
        int[] map = new int[(PCI_SLOTS - 1) * PCI_PINS * 7];
        int at = 0;
        for (int slot = 1; slot < PCI_SLOTS; slot++) {
            for (int pin = 0; pin < PCI_PINS; pin++) {
                map[at++] = slot << 11;
                map[at++] = 0;
                map[at++] = 0;
                map[at++] = pin + 1;                                   // INTA..INTD
                map[at++] = ph.mpic();
                map[at++] = FIRST_PCI_IRQ + (slot + pin) % PCI_PINS;   // swizzled onto MPIC 1..4
                map[at++] = 1;                                         // level, active low
            }
        }
        pci.u32("#address-cells", 3)
                .u32("#size-cells", 2)
                .u32("#interrupt-cells", 1)
                .u32("clock-frequency", PCI_CLOCK_HZ)
                .u32("reg", 0xF, 0xE000_8000, 0, 0x1000)
                .u32("ranges", 0x0200_0000, 0, 0xE000_0000, 0xC, 0, 0, 0x2000_0000,
                        0x0100_0000, 0, 0, 0xF, 0xE100_0000, 0, 0x1_0000)
                .u32("fsl,msi", ph.msi())
                .u32("bus-range", 0, 255)
                .u32("interrupts", 24, 2)
                .u32("interrupt-parent", ph.mpic())
                .u32("interrupt-map", map)
                .u32("interrupt-map-mask", 0xF800, 0, 0, 7)
                .string("device_type", "pci")
                .string("compatible", "fsl,mpc8540-pci")
                .u32("cell-index", 0);
    }

    private static void soc(DeviceTreeNode.Builder soc, Phandles ph) {
        soc.u32("bus-frequency", 0)
                .u32("ranges", 0, (int) (CCSR_BASE >>> 32), (int) CCSR_BASE, (int) CCSR_SIZE)
                .u32("#size-cells", 1)
                .u32("#address-cells", 1)
                .strings("compatible", "fsl,mpc8544-immr", "simple-bus")
                .string("device_type", "soc");
        soc.child("power-off").u32("gpios", ph.gpio(), 0, 0).string("compatible", "gpio-poweroff");
        soc.child("gpio@ff000")
                .u32("linux,phandle", ph.gpio())
                .u32("phandle", ph.gpio())
                .empty("gpio-controller")
                .u32("#gpio-cells", 2)
                .u32("interrupt-parent", ph.mpic())
                .u32("interrupts", 47, 2)
                .u32("reg", 0xFF000, 0x1000)
                .string("compatible", "fsl,qoriq-gpio");
        int[] msiIrqs = new int[16];
        for (int i = 0; i < 8; i++) msiIrqs[2 * i] = 0xE0 + i;
        soc.child("msi@41600")
                .u32("linux,phandle", ph.msi())
                .u32("phandle", ph.msi())
                .u32("interrupts", msiIrqs)
                .u32("interrupt-parent", ph.mpic())
                .u32("msi-available-ranges", 0, 0x100)
                .u32("reg", 0x41600, 0x200)
                .string("compatible", "fsl,mpic-msi");
        soc.child("global-utilities@e0000")
                .empty("fsl,has-rstcr")
                .u32("reg", 0xE0000, 0x1000)
                .string("compatible", "fsl,mpc8544-guts");
        DeviceTreeNode.Builder i2c = soc.child("i2c@3000")
                .u32("interrupt-parent", ph.mpic())
                .u32("interrupts", 43, 2)
                .u32("cell-index", 0)
                .u32("reg", 0x3000, 0x14)
                .string("compatible", "fsl-i2c")
                .string("device_type", "i2c");
        i2c.child("rtc@68").u32("reg", 0x68).string("compatible", "pericom,pt7c4338");
        soc.child("serial@4500")
                .u32("interrupt-parent", ph.mpic())
                .u32("interrupts", 42, 2)
                .u32("clock-frequency", FREQUENCY_HZ)
                .u32("cell-index", 0)
                .u32("reg", 0x4500, 0x100)
                .string("compatible", "ns16550")
                .string("device_type", "serial");
        soc.child("pic@40000")
                .empty("interrupt-controller")
                .u32("linux,phandle", ph.mpic())
                .u32("phandle", ph.mpic())
                .u32("#interrupt-cells", 2)
                .u32("#address-cells", 0)
                .u32("reg", 0x40000, 0x40000)
                .string("compatible", "fsl,mpic")
                .string("device_type", "open-pic");
    }
}
