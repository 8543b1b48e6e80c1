package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.mem.GuestMemory;

import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Multi-instruction guest programs, assembled with binutils and linked at address 0. */
class ProgramTest {
    static final int RAM = 1 << 20;

    static Cpu load(CpuModel model, String source) {
        byte[] image = Binutils.assemble(source, model.has64Bit());
        GuestMemory mem = new GuestMemory(RAM);
        mem.write(0, image, 0, image.length);
        Cpu cpu = new Cpu(model, mem);
        cpu.setPc(0);
        return cpu;
    }

    static StopReason runToStop(Cpu cpu) {
        StopReason r = cpu.run(1_000_000);
        if (cpu.lastEngineError() != null) throw new AssertionError("engine error", cpu.lastEngineError());
        return r;
    }

    static final String LOOP_AND_CALL = """
            _start:
                li    r3,0
                li    r5,1
                li    r4,100
                mtctr r4
            loop:
                add   r3,r3,r5
                addi  r5,r5,1
                bdnz  loop
                bl    double
            after_call:
                sc    1
            after_sc:
                b     .
            double:
                add   r3,r3,r3
                blr
            """;

    @Test
    void loopCallAndHypercallOnBothModels() {
        for (CpuModel m : CpuModel.values()) {
            Cpu cpu = load(m, LOOP_AND_CALL);
            assertEquals(StopReason.HYPERCALL, runToStop(cpu), m.toString());
            assertEquals(10100, cpu.gpr(3));
            assertEquals(101, cpu.gpr(5));
            assertEquals(0, cpu.ctr());
            assertEquals(0x20, cpu.lr(), "LR = after_call");
            assertEquals(0x24, cpu.pc(), "PC = instruction after sc 1");
            // 4 setup + 300 loop + bl + add + blr + sc
            assertEquals(4 + 300 + 4, cpu.instructionsRetired());
            // resuming continues after the sc: b . then spends the budget
            assertEquals(StopReason.BUDGET, cpu.run(10));
            assertEquals(0x24, cpu.pc());
        }
    }

    static final String HANDLERS = """
            _start:
                li    r1,0
                mtspr 63,r1            # IVPR = 0
                li    r2,prog_handler@l
                mtspr 406,r2           # IVOR6
                li    r2,sc_handler@l
                mtspr 408,r2           # IVOR8
                li    r10,0
            bad:
                .long 0                # illegal instruction
                sc
            after_sc:
                sc    1
                b     .
                .balign 16
            prog_handler:
                addi  r10,r10,1
                mfspr r12,62           # ESR
                mfsrr1 r15
                mfsrr0 r13
                addi  r13,r13,4
                mtsrr0 r13
                rfi
                .balign 16
            sc_handler:
                li    r11,0x5c
                mfsrr0 r14
                mfmsr r16
                rfi
            """;

    @Test
    void programAndSystemCallInterruptsRoundTripThroughRfi() {
        Cpu cpu = load(CpuModel.E500MC, HANDLERS);
        cpu.setMsr(Msr.EE | Msr.ME | Msr.CE | Msr.DE);
        assertEquals(StopReason.HYPERCALL, runToStop(cpu));
        assertEquals(1, cpu.gpr(10));
        assertEquals(Esr.PIL, cpu.gpr(12));
        assertEquals(Msr.EE | Msr.ME | Msr.CE | Msr.DE, cpu.gpr(15), "SRR1 = MSR before the interrupt");
        assertEquals(0x5c, cpu.gpr(11));
        assertEquals(0x24, cpu.gpr(14), "SRR0 of sc = next instruction");
        assertEquals(Msr.ME | Msr.CE | Msr.DE, cpu.gpr(16), "MSR in the handler keeps CE|ME|DE only");
        assertEquals(Msr.EE | Msr.ME | Msr.CE | Msr.DE, cpu.msr(), "rfi restored the MSR");
    }

    @Test
    void unhandledInterruptStopsWithoutTouchingState() {
        Cpu cpu = load(CpuModel.E500MC, """
                    li    r3,7
                    .long 0x7c0007fe
                    b     .
                """);
        cpu.setSpr(Spr.SRR0, 0x1234);
        assertEquals(StopReason.UNHANDLED_INTERRUPT, runToStop(cpu));
        assertEquals(6, cpu.stopInterrupt());
        assertEquals(4, cpu.stopPc());
        assertEquals(4, cpu.pc());
        assertEquals(0x7c0007fe, cpu.stopInsn());
        assertEquals("program interrupt (illegal instruction) but IVOR6 was never set", cpu.stopDetail());
        assertEquals(0x1234, cpu.spr(Spr.SRR0));
        assertEquals(0, cpu.spr(Spr.ESR));
        assertEquals(1, cpu.instructionsRetired(), "the faulting instruction is not retired");
        // running again reports the same crash
        assertEquals(StopReason.UNHANDLED_INTERRUPT, runToStop(cpu));
        assertEquals(4, cpu.stopPc());
    }

    static final String BAD_LOAD = """
                lis   r4,0x1000
                li    r3,5
                lwz   r3,0(r4)
                sc    1
                .balign 16
            dsi:
                mfspr r20,61           # DEAR
                mfspr r21,62           # ESR
                mfsrr0 r22
                sc    1
            """;

    @Test
    void dataStorageInterruptOnAccessOutsideRam() {
        Cpu cpu = load(CpuModel.E500MC, BAD_LOAD);
        assertEquals(StopReason.UNHANDLED_INTERRUPT, runToStop(cpu));
        assertEquals(2, cpu.stopInterrupt());
        assertEquals(8, cpu.stopPc());
        assertTrue(cpu.stopDetail().startsWith("data storage interrupt (load at 0x10000000 outside RAM)"), cpu.stopDetail());
        assertEquals(5, cpu.gpr(3));

        cpu = load(CpuModel.E500MC, BAD_LOAD);
        cpu.setSpr(Spr.IVOR0 + 2, 0x10);
        assertEquals(StopReason.HYPERCALL, runToStop(cpu));
        assertEquals(0x10000000, cpu.gpr(20));
        assertEquals(0, cpu.gpr(21));
        assertEquals(8, cpu.gpr(22));
        assertEquals(5, cpu.gpr(3), "the faulting load wrote nothing");

        cpu = load(CpuModel.E500MC, BAD_LOAD.replace("lwz   r3,0(r4)", "stw   r3,0(r4)"));
        cpu.setSpr(Spr.IVOR0 + 2, 0x10);
        assertEquals(StopReason.HYPERCALL, runToStop(cpu));
        assertEquals(Esr.ST, cpu.gpr(21));
    }

    @Test
    void instructionFetchOutsideRamIsAnInstructionStorageInterrupt() {
        Cpu cpu = load(CpuModel.E500MC, "lis r3,0x4000\n mtctr r3\n bctr\n");
        assertEquals(StopReason.UNHANDLED_INTERRUPT, runToStop(cpu));
        assertEquals(3, cpu.stopInterrupt());
        assertEquals(0x40000000, cpu.stopPc());

        cpu = load(CpuModel.E500MC, "lis r3,0x4000\n mtctr r3\n bctr\n .balign 16\n isi: mfsrr0 r4\n sc 1\n");
        cpu.setSpr(Spr.IVOR0 + 3, 0x10);
        assertEquals(StopReason.HYPERCALL, runToStop(cpu));
        assertEquals(0x40000000, cpu.gpr(4));
    }

    @Test
    void requestStopFromAnotherThreadEndsAnEndlessLoop() throws Exception {
        Cpu cpu = load(CpuModel.E5500, "loop: addi r3,r3,1\n b loop\n");
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<StopReason> f = ex.submit(() -> TimerProgramTest.runUntilStop(cpu, java.time.Duration.ofSeconds(30)));
            cpu.requestStop();
            assertEquals(StopReason.KICKED, f.get(30, TimeUnit.SECONDS));
        } finally {
            ex.shutdownNow();
        }
        // the request was consumed: the next run spends its budget
        long before = cpu.instructionsRetired();
        assertEquals(StopReason.BUDGET, cpu.run(100));
        assertEquals(before + 100, cpu.instructionsRetired());
    }

    @Test
    void requestStopBeforeRunReturnsKickedAtOnce() {
        Cpu cpu = load(CpuModel.E500MC, "b .\n");
        cpu.requestStop();
        assertEquals(StopReason.KICKED, cpu.run(1000));
        assertEquals(0, cpu.instructionsRetired());
        assertEquals(StopReason.BUDGET, cpu.run(1000));
        assertEquals(1000, cpu.instructionsRetired());
    }

    @Test
    void budgetIsExactAndTimeBaseFollowsRetiredInstructions() {
        Cpu cpu = load(CpuModel.E500MC, "loop: mftb r3\n b loop\n");
        assertEquals(StopReason.BUDGET, cpu.run(10));
        assertEquals(10, cpu.instructionsRetired());
        assertEquals(StopReason.BUDGET, cpu.run(5));
        assertEquals(15, cpu.instructionsRetired());
        assertEquals(15, cpu.timeBase());
        assertEquals(14, cpu.gpr(3), "mftb at step 14 (0-based) read TB = 14");
        assertEquals(StopReason.BUDGET, cpu.run(0));
        assertEquals(15, cpu.instructionsRetired());
        cpu.setSpr(Spr.TBU_W, 1);
        assertEquals((1L << 32) | 15, cpu.timeBase());
    }

    static final String SELF_MODIFYING = """
                li    r3,0
                li    r6,2
                mtctr r6
            loop:
            patch:
                addi  r3,r3,1
                lis   r4,newinsn@ha
                lwz   r5,newinsn@l(r4)
                lis   r4,patch@ha
                stw   r5,patch@l(r4)
                bdnz  loop
                sc    1
            newinsn:
                addi  r3,r3,100
            """;

    @Test
    void guestStoresInvalidateDecodedCode() {
        for (CpuModel m : CpuModel.values()) {
            Cpu cpu = load(m, SELF_MODIFYING);
            assertEquals(StopReason.HYPERCALL, runToStop(cpu));
            assertEquals(101, cpu.gpr(3), m.toString());
        }
    }

    @Test
    void hostWritesInvalidateDecodedCode() {
        Cpu cpu = load(CpuModel.E500MC, "li r3,1\n sc 1\n");
        assertEquals(StopReason.HYPERCALL, runToStop(cpu));
        assertEquals(1, cpu.gpr(3));
        cpu.memory().store32(0, 0x38600002);          // li r3,2
        cpu.setPc(0);
        assertEquals(StopReason.HYPERCALL, runToStop(cpu));
        assertEquals(2, cpu.gpr(3));
        cpu.memory().write(0, new byte[] {0x38, 0x60, 0x00, 0x03}, 0, 4);   // li r3,3
        cpu.setPc(0);
        assertEquals(StopReason.HYPERCALL, runToStop(cpu));
        assertEquals(3, cpu.gpr(3));
        cpu.memory().zero(0, 4);                        // .long 0: illegal
        cpu.setPc(0);
        assertEquals(StopReason.UNHANDLED_INTERRUPT, runToStop(cpu));
    }

    @Test
    void sixtyFourBitModeOnE5500() {
        String src = """
                    lis    r3,0x8000
                    mtmsr  r3
                    isync
                    li     r4,-1
                    rldicl r4,r4,0,32
                    sldi   r5,r4,32
                    or     r6,r4,r5
                    addi   r7,r6,1
                    std    r5,0x800(0)
                    ld     r8,0x800(0)
                    cmpd   r8,r5
                    sc     1
                """;
        Cpu cpu = load(CpuModel.E5500, src);
        assertFalse(cpu.is64BitMode());
        assertEquals(StopReason.HYPERCALL, runToStop(cpu));
        assertTrue(cpu.is64BitMode());
        assertEquals(0xffffffffL, cpu.gpr(4));
        assertEquals(0xffffffff00000000L, cpu.gpr(8));
        assertEquals(0, cpu.gpr(7));
        assertEquals(0x2, cpu.cr() >>> 28);
    }

    @Test
    void e500mcHasNoComputationModeBit() {
        Cpu cpu = load(CpuModel.E500MC, "lis r3,0x8000\n mtmsr r3\n mfmsr r4\n sc 1\n");
        assertEquals(StopReason.HYPERCALL, runToStop(cpu));
        assertEquals(0, cpu.gpr(4));
        assertFalse(cpu.is64BitMode());
        cpu.setMsr(Msr.CM | Msr.EE);
        assertEquals(Msr.EE, cpu.msr());
        assertFalse(cpu.is64BitMode());
    }

    @Test
    void interruptsTakeComputationModeFromEpcrIcm() {
        Cpu cpu = load(CpuModel.E5500, """
                    lis   r3,0x0200
                    mtspr 307,r3           # EPCR[ICM]
                    li    r3,handler@l
                    mtspr 408,r3
                    sc
                    .balign 16
                handler:
                    mfmsr r20
                    sc    1
                """);
        assertEquals(StopReason.HYPERCALL, runToStop(cpu));
        assertEquals(Msr.CM, cpu.gpr(20));
        assertTrue(cpu.is64BitMode());
    }

    @Test
    void userStateCannotUsePrivilegedInstructionsOrHypercalls() {
        String src = """
                    li     r3,prog@l
                    mtspr  406,r3
                    li     r3,user@l
                    mtsrr0 r3
                    li     r3,0x4000       # MSR[PR]
                    mtsrr1 r3
                    rfi
                user:
                    mflr   r5              # user SPR: fine
                    mfmsr  r4              # privileged
                    sc     1               # hypercall from user state: privileged too
                    b      .
                    .balign 16
                prog:
                    addi   r10,r10,1
                    mfspr  r11,62
                    or     r12,r12,r11
                    mfsrr1 r13
                    mfsrr0 r14
                    addi   r14,r14,4
                    mtsrr0 r14
                    cmpwi  r10,2
                    beq    done
                    rfi
                done:
                    sc     1
                """;
        Cpu cpu = load(CpuModel.E500MC, src);
        assertEquals(StopReason.HYPERCALL, runToStop(cpu));
        assertEquals(2, cpu.gpr(10));
        assertEquals(Esr.PPR, cpu.gpr(12));
        assertEquals(Msr.PR, cpu.gpr(13));
        assertEquals(0, cpu.msr() & Msr.PR);
    }

    static final String ATOMIC_INCREMENT = """
                li     r4,0x800
                lis    r6,ITER@ha
                addi   r6,r6,ITER@l
                mtctr  r6
            again:
                lwarx  r5,0,r4
                addi   r5,r5,1
                stwcx. r5,0,r4
                bne-   again
                bdnz   again
                lwz    r3,0(r4)
                sc     1
            """;

    @Test
    void loadReserveStoreConditionalLoop() {
        Cpu cpu = load(CpuModel.E500MC, ".set ITER,10\n" + ATOMIC_INCREMENT);
        assertEquals(StopReason.HYPERCALL, runToStop(cpu));
        assertEquals(10, cpu.gpr(3));
        assertFalse(cpu.hasReservation());
    }

    @Test
    void storeConditionalIsAtomicAcrossCpusSharingRam() throws Exception {
        byte[] image = Binutils.assemble(".set ITER,20000\n" + ATOMIC_INCREMENT, false);
        GuestMemory mem = new GuestMemory(RAM);
        mem.write(0, image, 0, image.length);
        Cpu a = new Cpu(CpuModel.E500MC, mem), b = new Cpu(CpuModel.E500MC, mem);
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try {
            Future<StopReason> fa = ex.submit(() -> a.run(100_000_000));
            Future<StopReason> fb = ex.submit(() -> b.run(100_000_000));
            assertEquals(StopReason.HYPERCALL, fa.get(60, TimeUnit.SECONDS));
            assertEquals(StopReason.HYPERCALL, fb.get(60, TimeUnit.SECONDS));
        } finally {
            ex.shutdownNow();
        }
        assertEquals(40000, mem.load32(0x800));
    }

    @Test
    void resetRestoresArchitectedState() {
        Cpu cpu = load(CpuModel.E5500, HANDLERS);
        cpu.setSpr(Spr.PIR, 3);
        assertEquals(StopReason.HYPERCALL, runToStop(cpu));
        cpu.setSpr(Spr.PVR, 0);
        cpu.reset();
        assertEquals(0, cpu.pc());
        assertEquals(0, cpu.msr());
        assertEquals(0, cpu.instructionsRetired());
        assertEquals(0, cpu.timeBase());
        for (int r = 0; r < 32; r++) assertEquals(0, cpu.gpr(r));
        assertEquals(0, cpu.cr());
        assertEquals(0, cpu.lr());
        assertEquals(0, cpu.ctr());
        assertEquals(0, cpu.xer());
        assertEquals(0, cpu.spr(Spr.IVOR0 + 6));
        assertEquals(3, cpu.spr(Spr.PIR));
        assertEquals(0x80240020L, cpu.spr(Spr.PVR));
        assertFalse(cpu.hasReservation());
        // no IVOR installed any more: an illegal word now stops the CPU
        cpu.memory().store32(0, 0);
        assertEquals(StopReason.UNHANDLED_INTERRUPT, runToStop(cpu));
        assertEquals(6, cpu.stopInterrupt());
    }

    @Test
    void randomWordsNeverThrow() {
        for (CpuModel m : CpuModel.values()) {
            GuestMemory mem = new GuestMemory(RAM);
            Cpu cpu = new Cpu(m, mem);
            for (int n : new int[] {2, 3, 5, 6, 8}) cpu.setSpr(Spr.ivorSpr(n), 0x100L * (n + 1));
            Random rnd = new Random(42);
            for (int i = 0; i < 100_000; i++) {
                int w = rnd.nextInt();
                mem.store32(0x2000, w);
                for (int r = 0; r < 32; r++) cpu.setGpr(r, rnd.nextInt(8) == 0 ? rnd.nextLong() : rnd.nextInt(RAM));
                cpu.setMsr((rnd.nextBoolean() ? Msr.PR : 0) | (rnd.nextBoolean() ? Msr.CM : 0));
                cpu.setPc(0x2000);
                StopReason r = cpu.run(1);
                // IDLE: wait; WATCHDOG cannot happen within one instruction
                assertTrue(r == StopReason.BUDGET || r == StopReason.HYPERCALL || r == StopReason.UNHANDLED_INTERRUPT
                        || r == StopReason.IDLE, r::toString);
                assertNull(cpu.lastEngineError(), () -> "engine error on word 0x%08x".formatted(w));
            }
        }
    }

    @Test
    void decodeTablesBindMnemonics() {
        Cpu mc = new Cpu(CpuModel.E500MC, new GuestMemory(4096));
        Cpu e55 = new Cpu(CpuModel.E5500, new GuestMemory(4096));
        assertEquals("add", mc.mnemonic(0x7c642a14));
        assertEquals("add", mc.mnemonic(0x7c642e15));      // addo.
        assertEquals("(illegal)", mc.mnemonic(0xe8640008)); // ld
        assertEquals("ld", e55.mnemonic(0xe8640008));
        assertEquals("isel", mc.mnemonic(0x7c64289e));
        assertEquals("mcrxr", mc.mnemonic(0x7c800400));
        assertEquals("(illegal)", e55.mnemonic(0x7c800400));
        assertTrue(mc.sprImplemented(Spr.PVR));
        assertFalse(mc.sprImplemented(Spr.EPCR));
        assertTrue(e55.sprImplemented(Spr.EPCR));
    }
}
