package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.mem.GuestMemory;
import org.junit.jupiter.api.Test;

/**
 * In instruction time each CPU's time base counts its own instructions; the CPUs sharing one RAM
 * (one VM) still show their guest one monotonic time base, as SMP guests need.
 */
class SharedTimeBaseTest {
    /** PC 0: count to 1000, then read TB; PC 0x100: read TB at once; PC 0x200: write TB = r5. */
    static final String PROGRAM = """
                li    r4,0
            1:  addi  r4,r4,1
                cmpwi r4,1000
                blt   1b
                mftb  r3
                sc    1
                .org 0x100
                mftb  r3
                sc    1
                .org 0x200
                mttbl r5
                mftb  r3
                sc    1
            """;

    private static Cpu cpu(GuestMemory mem, int pc) {
        Cpu c = new Cpu(CpuModel.E500MC, mem);
        c.setPc(pc);
        return c;
    }

    private static GuestMemory ram() {
        byte[] image = Binutils.assemble(PROGRAM, false);
        GuestMemory mem = new GuestMemory(1 << 16);
        mem.write(0, image, 0, image.length);
        return mem;
    }

    @Test
    void aCpuBehindAnotherReadsNoEarlierTimeBase() {
        GuestMemory mem = ram();
        Cpu ahead = cpu(mem, 0), behind = cpu(mem, 0x100);
        assertEquals(StopReason.HYPERCALL, ahead.run(10_000));
        long shown = ahead.gpr(3);
        assertTrue(shown > 3000, "the busy CPU's own count: " + shown);
        assertEquals(StopReason.HYPERCALL, behind.run(100));
        assertTrue(behind.gpr(3) >= shown, "read " + behind.gpr(3) + " after another CPU showed " + shown);
        assertTrue(behind.timeBase() >= shown, "its time base moved forward with it");
    }

    @Test
    void aCpuAloneKeepsItsOwnCount() {
        GuestMemory mem = ram();
        Cpu alone = cpu(mem, 0);
        assertEquals(StopReason.HYPERCALL, alone.run(10_000));
        long tb = alone.gpr(3);
        assertTrue(tb > 3000 && tb < alone.instructionsRetired(), "TB " + tb + " counts its own "
                + alone.instructionsRetired() + " instructions");
    }

    @Test
    void aWrittenTimeBaseIsWhatTheOthersGoOnFrom() {
        GuestMemory mem = ram();
        Cpu ahead = cpu(mem, 0), writer = cpu(mem, 0x200);
        assertEquals(StopReason.HYPERCALL, ahead.run(10_000));
        writer.setGpr(5, 5);
        assertEquals(StopReason.HYPERCALL, writer.run(100));
        assertTrue(writer.gpr(3) >= 5 && writer.gpr(3) < 10,
                "the writer reads on from what it wrote (" + writer.gpr(3) + "), though another CPU showed " + ahead.gpr(3));
    }
}
