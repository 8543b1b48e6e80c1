package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.MemoryImage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Heap per idle guest: a {@link Cpu} and its 1 MiB {@link GuestMemory}, started from one shared
 * image, after the guest has run to its {@code wait} (stack and data written). Prints
 * the figure (the README quotes it); the bound only catches a regression by a large factor.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FootprintTest {
    static final int VMS = 2000;

    /** Sets up a stack and a few data words and a handler, then waits with interrupts enabled. */
    static final String IDLE = """
            _start:
                lis   r1,0x8           # stack at 0x80000 (one page written)
                stwu  r1,-32(r1)
                li    r3,0
                mtspr 63,r3            # IVPR = 0
                li    r4,handler@l
                mtspr 410,r4           # IVOR10
                lis   r5,0x2           # data at 0x20000
                li    r6,42
                stw   r6,0(r5)
                stw   r6,64(r5)
                wrteei 1
            idle:
                wait
                b     idle
            handler:
                rfi
            """;

    static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }

    @Test
    void anIdleGuestOfOneMebibyteCostsLittleHeap() {
        for (CpuModel model : CpuModel.values()) {
            byte[] code = Binutils.assemble(IDLE, model.has64Bit());
            GuestMemory boot = new GuestMemory(1 << 20);
            boot.write(0, code, 0, code.length);
            MemoryImage image = boot.snapshot();
            List<Cpu> guests = new ArrayList<>(VMS);
            long before = usedHeap();
            for (int i = 0; i < VMS; i++) {
                Cpu cpu = new Cpu(model, new GuestMemory(image));
                cpu.setCompileThreshold(0);
                cpu.setPc(0);
                assertEquals(StopReason.IDLE, cpu.run(10_000), () -> cpu.stopDetail());
                guests.add(cpu);
            }
            long after = usedHeap();
            long perGuest = (after - before) / VMS;
            long privateBytes = guests.getFirst().memory().privateBytes();
            System.out.printf("footprint %s: %,d bytes of heap per idle 1 MiB guest (Cpu + GuestMemory from a shared image; "
                    + "%,d of them private guest pages), %d guests%n", model.configName(), perGuest, privateBytes, VMS);
            assertTrue(perGuest < 64 * 1024, "per guest " + perGuest);
            guests.clear();
        }
    }
}
