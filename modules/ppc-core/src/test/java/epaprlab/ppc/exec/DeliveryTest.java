package epaprlab.ppc.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.interrupt.Delivery;
import epaprlab.ppc.interrupt.Ivor;
import epaprlab.ppc.mem.GuestMemory;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Interrupt classes: which save registers and which MSR bits survive (spec 5.3). */
class DeliveryTest {
    static final long ALL = Msr.CE | Msr.EE | Msr.PR | Msr.ME | Msr.DE | Msr.IS | Msr.DS;

    @ParameterizedTest(name = "IVOR{0} saves into SPR {1}/{2}, keeps MSR 0x{3}")
    @CsvSource({
            "0, 58, 59, 1000",      // critical input: CSRR, MSR &= ME
            "12, 58, 59, 1000",     // watchdog: critical class
            "37, 58, 59, 1000",     // doorbell critical
            "1, 570, 571, 0",       // machine check: MCSRR, MSR = 0
            "15, 574, 575, 1000",   // debug: DSRR, MSR &= ME
            "4, 26, 27, 21200",     // external input: base class, MSR &= CE|ME|DE
            "10, 26, 27, 21200",    // decrementer
            "36, 26, 27, 21200",    // doorbell
    })
    void classesUseTheirSaveRegistersAndMsrRule(int ivor, int sr0, int sr1, String keptHex) {
        CpuState s = new CpuState(CpuModel.E5500, new GuestMemory(4096));
        s.resetArchitected();
        s.setMsr(ALL);
        s.sprs[Spr.slot(Spr.IVPR)] = 0xFFFF0000L;   // truncated to 32 bits in 32-bit mode
        SystemRegisters.write(s, Spr.ivorSpr(ivor), 0x123);     // as a guest mtspr: installs it
        assertTrue(Delivery.deliver(s, ivor, 0x4444));
        assertEquals(0x4444, s.sprs[Spr.slot(sr0)]);
        assertEquals(ALL, s.sprs[Spr.slot(sr1)]);
        assertEquals(Long.parseLong(keptHex, 16), s.msr);
        assertEquals(0xFFFF0120L, s.nia);
    }

    @ParameterizedTest(name = "IVOR{0} not installed")
    @CsvSource({"0", "4", "10", "15"})
    void uninstalledVectorsStopInstead(int ivor) {
        CpuState s = new CpuState(CpuModel.E500MC, new GuestMemory(4096));
        s.resetArchitected();
        s.pc = 0x100;
        s.setMsr(Msr.EE);
        assertFalse(Delivery.deliver(s, ivor, 0x104));
        assertEquals(StopReason.UNHANDLED_INTERRUPT, s.stop);
        assertEquals(ivor, s.stopInterrupt);
        assertEquals(Msr.EE, s.msr);
        assertEquals(Ivor.name(ivor) + " interrupt but IVOR" + ivor + " was never set", s.stopDetail);
    }
}
