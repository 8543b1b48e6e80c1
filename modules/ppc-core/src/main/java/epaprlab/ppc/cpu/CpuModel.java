package epaprlab.ppc.cpu;

/**
 * The cores epapr-lab models. The PVR values are QEMU's full values for the same models
 * (Linux matches only the upper half: 0x8023 e500mc, 0x8024 e5500). The MSR bits each core keeps
 * are QEMU 7.2's {@code msr_mask} (MsrQemuDifferentialTest): GS UCLE CE EE PR FP ME FE0 DE FE1 IS
 * DS PMM RI, and CM on e5500; neither has MSR[WE] (both idle with {@code wait}), SPV or UBLE.
 */
public enum CpuModel {
    /** e500mc-class: 32-bit Book E core; MSR[CM] does not exist and 64-bit instructions are illegal. */
    E500MC("e500mc", 0x80230020, false, 0x1402FB36L),
    /** e5500-class: 64-bit Book E core; starts in 32-bit mode, the guest sets MSR[CM] itself. */
    E5500("e5500", 0x80240020, true, 0x9402FB36L);

    private final String configName;
    private final int pvr;
    private final boolean has64Bit;
    private final long msrMask;

    CpuModel(String configName, int pvr, boolean has64Bit, long msrMask) {
        this.configName = configName;
        this.pvr = pvr;
        this.has64Bit = has64Bit;
        this.msrMask = msrMask;
    }

    /** The name used in configuration files and reports ({@code e500mc}, {@code e5500}). */
    public String configName() { return configName; }

    public int pvr() { return pvr; }

    /** The MSR bits the core implements; every MSR write (mtmsr, rfi family, interrupt entry) drops the others. */
    public long msrMask() { return msrMask; }

    /** True when the core implements the 64-bit category (MSR[CM], ld/std, rld*, ...). */
    public boolean has64Bit() { return has64Bit; }

    /** Finds a model by its configuration name; empty when there is none. */
    public static java.util.Optional<CpuModel> byConfigName(String name) {
        for (CpuModel m : values()) {
            if (m.configName.equals(name)) return java.util.Optional.of(m);
        }
        return java.util.Optional.empty();
    }
}
