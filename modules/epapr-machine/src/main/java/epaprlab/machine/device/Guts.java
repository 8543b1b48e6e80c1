package epaprlab.machine.device;

/**
 * The MPC8544 global utilities block (QEMU's {@code mpc8544_guts.c}; board spec section 8): PVR
 * and SVR reads, and RSTCR, whose HRESET_REQ bit asks for a whole-system reset. Every other
 * register reads 0 and ignores writes. Only 4-byte accesses are valid; others read 0 and are
 * dropped (QEMU refuses them; under qemu-system-ppc 7.2 U-Boot's {@code md.b} of PVR reads 0).
 *
 * <p>Stateless, so thread-safe without a lock; {@code resetRequest} runs on the writing vCPU's
 * thread and should only record the request (for example end the vCPU's run with an exit).
 */
public final class Guts implements MmioDevice {
    public static final int SIZE = 0x1000;
    static final int PVR = 0xA0, SVR = 0xA4, RSTCR = 0xB0;
    private static final long RSTCR_HRESET_REQ = 0x2;

    private final long pvr;
    private final Runnable resetRequest;

    /** @param pvr the processor version every CPU of the board reports (all are the same model) */
    public Guts(long pvr, Runnable resetRequest) {
        this.pvr = pvr & 0xFFFF_FFFFL;
        this.resetRequest = resetRequest;
    }

    @Override
    public long read(long offset, int size) {
        if (size != 4) return 0;
        return (offset & (SIZE - 1)) == PVR ? pvr : 0;                  // SVR is 0: "CPU: Unknown" in U-Boot
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size == 4 && (offset & (SIZE - 1)) == RSTCR && (value & RSTCR_HRESET_REQ) != 0) resetRequest.run();
    }
}
