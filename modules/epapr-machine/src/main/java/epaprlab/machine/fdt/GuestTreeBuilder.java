package epaprlab.machine.fdt;

import epaprlab.ppc.cpu.CpuModel;

/**
 * Builds the device tree of one epapr-lab guest (spec 3.5 plus the ABI table of the
 * architecture): root, {@code /chosen}, {@code /aliases}, {@code /memory@0}, {@code /cpus} and
 * {@code /hypervisor} with its byte channel 0 as the console.
 */
public final class GuestTreeBuilder {
    /** The console: byte channel handle 0. */
    public static final String CONSOLE_PATH = "/hypervisor/handles/byte-channel@0";
    /** {@code sc 1}. */
    public static final int HCALL_INSTRUCTION = 0x44000022;
    /** L1 line size of e500mc and e5500. */
    public static final int CACHE_LINE_BYTES = 64;

    private GuestTreeBuilder() {}

    public static DeviceTreeNode build(GuestTreeSpec spec) {
        DeviceTreeNode.Builder root = DeviceTreeNode.root()
                .u32("#address-cells", 2)
                .u32("#size-cells", 2)
                .string("model", "epapr-lab")
                .string("compatible", "epapr-lab,vm")
                .string("epapr-version", "ePAPR-1.1");

        root.child("chosen")
                .string("bootargs", spec.bootargs())
                .string("stdout-path", CONSOLE_PATH)
                .u32("epapr-lab,boot-count", spec.bootCount())
                .string("epapr-lab,reset-reason", spec.resetReason().dtValue());

        root.child("aliases").string("serial0", CONSOLE_PATH);

        root.child("memory@0")
                .string("device_type", "memory")
                .u64("reg", 0L, spec.ramBytes());

        DeviceTreeNode.Builder cpus = root.child("cpus").u32("#address-cells", 1).u32("#size-cells", 0);
        for (int n = 0; n < spec.vcpus(); n++) {
            DeviceTreeNode.Builder cpu = cpus.child("cpu@" + Integer.toHexString(n))
                    .string("device_type", "cpu")
                    .string("compatible", cpuCompatible(spec.cpu()))
                    .u32("reg", n)
                    .string("status", n == 0 ? "okay" : "disabled")
                    .u32OrU64("clock-frequency", spec.clockHz())
                    .u32OrU64("timebase-frequency", spec.timebaseHz())
                    .u32("d-cache-line-size", CACHE_LINE_BYTES)
                    .u32("i-cache-line-size", CACHE_LINE_BYTES);
            if (n > 0) {
                cpu.string("enable-method", "spin-table").u64("cpu-release-addr", spec.cpuReleaseAddr(n));
            }
        }

        DeviceTreeNode.Builder hv = root.child("hypervisor")
                .strings("compatible", "linux,kvm", "epapr,hypervisor-1")
                .u32("hcall-instructions", HCALL_INSTRUCTION)
                .u32("guest-id", spec.guestId())
                .string("guest-name", spec.guestName());
        if (spec.hasIdle()) hv.empty("has-idle");
        if (spec.hasReset()) hv.empty("kvm,has-reset");
        if (spec.hasShutdown()) hv.empty("kvm,has-shutdown");
        if (spec.hasResult()) hv.empty("epapr-lab,has-result");
        hv.child("handles").u32("#address-cells", 1).u32("#size-cells", 0)
                .child("byte-channel@0")
                .string("compatible", "epapr,hv-byte-channel")
                .u32("reg", 0)
                .u32("hv-handle", 0);

        return root.build();
    }

    /** Freescale trees name their cores {@code PowerPC,e500mc} / {@code PowerPC,e5500}. */
    static String cpuCompatible(CpuModel model) {
        return switch (model) {
            case E500MC -> "PowerPC,e500mc";
            case E5500 -> "PowerPC,e5500";
        };
    }
}
