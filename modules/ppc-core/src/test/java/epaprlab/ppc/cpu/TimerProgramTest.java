package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.mem.GuestMemory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Guest programs (assembled with binutils) that arm DEC, FIT and the watchdog and count their
 * interrupts. The time base counts retired instructions, so every expected time base below is
 * derived from the program text: an instruction at position k (0-based) of straight-line code
 * executes at TB = k, an interrupt taken when TB reaches e enters its handler at TB = e, and the
 * handler's first instruction ({@code mftb}) reads exactly e.
 */
class TimerProgramTest {
    static final int RAM = 1 << 20;
    static final int LOG = 0x10000;

    static Cpu load(CpuModel model, String source) {
        Cpu cpu = ProgramTest.load(model, source);
        if (model.has64Bit()) cpu.setMsr(0);       // e5500 in 32-bit mode: same code
        return cpu;
    }

    /** The words the handlers logged from LOG on: {@code n} of them. */
    static long[] log(Cpu cpu, int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) v[i] = cpu.memory().load32(LOG + 4L * i) & 0xFFFFFFFFL;
        return v;
    }

    /**
     * DEC with auto-reload (DECAR = DEC = 1000), DIE; the handler logs TB and clears TSR[DIS].
     * The mtspr DEC is instruction 8 (TB 8), so DEC reaches 0 at TB 1008, then every 1000.
     * {@code IDLE_OR_SPIN} is "wait" (fast-forward) or "nop" (busy): both must see the same TBs.
     */
    static final String DEC_RELOAD = """
            _start:
                li    r1,0
                mtspr 63,r1            # IVPR = 0
                li    r2,dec_handler@l
                mtspr 410,r2           # IVOR10
                li    r10,0            # interrupt count
                lis   r20,0x1          # log at 0x10000
                li    r3,1000
                mtspr 54,r3            # DECAR
                mtspr 22,r3            # DEC (instruction 8)
                lis   r4,0x0440        # TCR = DIE | ARE
                mtspr 340,r4
                wrteei 1
            idle:
                cmpwi r10,5
                bge   done
                IDLE_OR_SPIN
                b     idle
            done:
                sc    1
                .balign 16
            dec_handler:
                mftb  r5
                stw   r5,0(r20)
                addi  r20,r20,4
                addi  r10,r10,1
                lis   r6,0x0800        # TSR[DIS], write-one-to-clear
                mtspr 336,r6
                rfi
            """;

    static final long[] DEC_EXPECTED = {1008, 2008, 3008, 4008, 5008};

    @ParameterizedTest
    @EnumSource(CpuModel.class)
    void decrementerAutoReloadInterruptsEveryDecarTicksWaitingOrSpinning(CpuModel m) {
        for (String body : new String[] {"wait", "nop"}) {
            Cpu cpu = load(m, DEC_RELOAD.replace("IDLE_OR_SPIN", body));
            assertEquals(StopReason.HYPERCALL, ProgramTest.runToStop(cpu), body);
            assertEquals(5, cpu.gpr(10));
            assertArrayEquals(DEC_EXPECTED, log(cpu, 5), body);
            assertEquals(0, cpu.spr(Spr.TSR) & Tcr.TSR_DIS);
        }
    }

    @Test
    void idleFastForwardIsDeterministicWhateverTheBudgetSlices() {
        String src = DEC_RELOAD.replace("IDLE_OR_SPIN", "wait");
        Cpu one = load(CpuModel.E500MC, src);
        assertEquals(StopReason.HYPERCALL, one.run(1_000_000));
        Cpu sliced = load(CpuModel.E500MC, src);
        StopReason r;
        int calls = 0;
        while ((r = sliced.run(7)) == StopReason.BUDGET) calls++;
        assertEquals(StopReason.HYPERCALL, r);
        assertTrue(calls > 5);
        assertArrayEquals(log(one, 5), log(sliced, 5));
        assertEquals(one.instructionsRetired(), sliced.instructionsRetired());
        assertEquals(one.timeBase(), sliced.timeBase());
        // waiting took no instructions: far fewer retired than time base ticks
        assertTrue(one.instructionsRetired() < 200, () -> "retired " + one.instructionsRetired());
        assertTrue(one.timeBase() >= 5008);
    }

    /** DEC without ARE, the handler returns without clearing DIS twice: level semantics re-enter it. */
    @Test
    void decrementerStaysPendingUntilTsrDisIsCleared() {
        Cpu cpu = load(CpuModel.E500MC, """
                    li    r1,0
                    mtspr 63,r1
                    li    r2,h@l
                    mtspr 410,r2
                    li    r10,0
                    li    r3,50
                    mtspr 22,r3            # DEC = 50, no auto-reload
                    lis   r4,0x0400        # TCR = DIE
                    mtspr 340,r4
                    wrteei 1
                loop:
                    cmpwi r10,3
                    blt   loop
                    mfspr r12,22           # DEC after it stopped
                    mfspr r13,336          # TSR
                    sc    1
                    .balign 16
                h:
                    addi  r10,r10,1
                    cmpwi r10,3
                    blt   1f
                    lis   r6,0x0800
                    mtspr 336,r6
                1:  rfi
                """);
        assertEquals(StopReason.HYPERCALL, ProgramTest.runToStop(cpu));
        assertEquals(3, cpu.gpr(10), "taken three times, then never again");
        assertEquals(0, cpu.gpr(12), "without ARE DEC stops at 0");
        assertEquals(0, cpu.gpr(13), "DIS cleared by the handler, nothing else set");
    }

    @Test
    void writingZeroToDecRaisesNothingAndDieWithoutDisIsQuiet() {
        Cpu cpu = load(CpuModel.E500MC, """
                    li    r1,0
                    mtspr 63,r1
                    li    r2,h@l
                    mtspr 410,r2
                    li    r3,0
                    mtspr 22,r3            # DEC = 0
                    lis   r4,0x0400        # DIE
                    mtspr 340,r4
                    wrteei 1
                    li    r5,2000
                    mtctr r5
                1:  bdnz  1b
                    mfspr r13,336
                    sc    1
                h:  li    r10,1
                    sc    1
                """);
        assertEquals(StopReason.HYPERCALL, ProgramTest.runToStop(cpu));
        assertEquals(0, cpu.gpr(10), "no decrementer interrupt");
        assertEquals(0, cpu.gpr(13), "TSR untouched");
    }

    /**
     * FIT on TB bit 8 (LSB-0): 63 - (FP | FPEXT << 2) = 8 needs FP|FPEXT<<2 = 55, FP = 3,
     * FPEXT = 13: TCR = 3<<24 | 13<<13 | FIE. Bit 8 goes 0→1 at TB = 256 + k·512.
     */
    @ParameterizedTest
    @EnumSource(CpuModel.class)
    void fixedIntervalTimerFiresOnTheSelectedBitsRisingEdge(CpuModel m) {
        long tcr = (3L << 24) | (13L << 13) | Tcr.FIE;
        assertEquals(8, Tcr.fitBit(tcr));
        Cpu cpu = load(m, """
                    li    r1,0
                    mtspr 63,r1
                    li    r2,h@l
                    mtspr 411,r2           # IVOR11
                    li    r10,0
                    lis   r20,0x1
                    lis   r4,TCR_HI
                    ori   r4,r4,TCR_LO
                    mtspr 340,r4
                    wrteei 1
                idle:
                    cmpwi r10,4
                    bge   done
                    wait
                    b     idle
                done:
                    sc    1
                    .balign 16
                h:
                    mftb  r5
                    stw   r5,0(r20)
                    addi  r20,r20,4
                    addi  r10,r10,1
                    lis   r6,0x0400        # TSR[FIS]
                    mtspr 336,r6
                    rfi
                """.replace("TCR_HI", "0x" + Long.toHexString(tcr >>> 16)).replace("TCR_LO", "0x" + Long.toHexString(tcr & 0xFFFF)));
        assertEquals(StopReason.HYPERCALL, ProgramTest.runToStop(cpu));
        assertArrayEquals(new long[] {256, 768, 1280, 1792}, log(cpu, 4));
    }

    /**
     * Watchdog on TB bit 9: WP|WPEXT<<2 = 54, WP = 2, WPEXT = 13; bit 9 goes 0→1 at
     * 512 + k·1024. Stage 1 (TB 512) sets ENW, stage 2 (TB 1536) sets WIS and takes the critical
     * watchdog interrupt (its handler logs TB and TSR, then returns with CE off), stage 3
     * (TB 2560) is the final expiry: with WRC = 2 the CPU stops with WATCHDOG and TSR[WRS] = 2;
     * with WRC = 0 nothing happens and the idle CPU has nothing armed any more.
     */
    @ParameterizedTest
    @EnumSource(CpuModel.class)
    void watchdogGoesThroughItsThreeStages(CpuModel m) {
        for (long wrc : new long[] {2, 0}) {
            long tcr = (2L << 30) | (13L << 17) | (wrc << 28) | Tcr.WIE;
            assertEquals(9, Tcr.watchdogBit(tcr));
            Cpu cpu = load(m, """
                        li    r1,0
                        mtspr 63,r1
                        li    r2,h@l
                        mtspr 412,r2           # IVOR12
                        lis   r20,0x1
                        lis   r4,TCR_HI
                        ori   r4,r4,TCR_LO
                        mtspr 340,r4
                        lis   r5,0x2           # MSR[CE]
                        mtmsr r5
                    1:  wait
                        b     1b
                        .balign 16
                    h:
                        mftb  r5
                        stw   r5,0(r20)
                        mfspr r6,336
                        stw   r6,4(r20)
                        mfcsrr1 r7
                        rlwinm r7,r7,0,15,13   # clear CE (0x00020000) in CSRR1
                        mtcsrr1 r7
                        rfci
                    """.replace("TCR_HI", "0x" + Long.toHexString(tcr >>> 16)).replace("TCR_LO", "0x" + Long.toHexString(tcr & 0xFFFF)));
            StopReason r = ProgramTest.runToStop(cpu);
            assertEquals(1536, log(cpu, 2)[0], "WIS interrupt at the second transition");
            assertEquals(Tcr.TSR_ENW | Tcr.TSR_WIS, log(cpu, 2)[1]);
            if (wrc != 0) {
                assertEquals(StopReason.WATCHDOG, r);
                assertEquals(2560, cpu.watchdogTimeBase());
                assertEquals(Tcr.TSR_ENW | Tcr.TSR_WIS | (wrc << 28), cpu.spr(Spr.TSR));
                assertTrue(cpu.stopDetail().contains("watchdog"), cpu.stopDetail());
            } else {
                assertEquals(StopReason.IDLE, r, "WRC=0: no action, and nothing is armed");
                assertEquals(Tcr.TSR_ENW | Tcr.TSR_WIS, cpu.spr(Spr.TSR));
            }
        }
    }

    @Test
    void tcrWrcIsWriteOnceUntilReset() {
        Cpu cpu = new Cpu(CpuModel.E500MC, new GuestMemory(4096));
        cpu.setSpr(Spr.TCR, Tcr.WRC & (2L << 28));
        cpu.setSpr(Spr.TCR, 0);
        assertEquals(2L << 28, cpu.spr(Spr.TCR));
        cpu.reset();
        assertEquals(0, cpu.spr(Spr.TCR));
    }

    /** MSR[WE] does not exist (QEMU 7.2's e500mc/e5500 msr_mask): mtmsr drops it and the CPU runs on before the decrementer. */
    @Test
    void msrWeIsDroppedAndTheCpuRunsOn() {
        Cpu cpu = load(CpuModel.E500MC, """
                    li    r1,0
                    mtspr 63,r1
                    li    r2,h@l
                    mtspr 410,r2
                    lis   r20,0x1
                    li    r3,100
                    mtspr 22,r3            # instruction 6: DEC = 100 at TB 6, zero at TB 106
                    lis   r4,0x0400
                    mtspr 340,r4
                    lis   r5,0x4           # WE
                    ori   r5,r5,0x8000     # EE
                    mtmsr r5
                    mftb  r9
                    mfmsr r7
                    sc    1
                    .balign 16
                h:
                    li    r8,1
                    sc    1
                """);
        assertEquals(StopReason.HYPERCALL, ProgramTest.runToStop(cpu));
        assertTrue(cpu.gpr(9) < 106, () -> "TB after mtmsr " + cpu.gpr(9));
        assertEquals(Msr.EE, cpu.gpr(7));
        assertEquals(0, cpu.gpr(8));
        assertFalse(cpu.isWaiting());
    }

    @Test
    void idleWithNothingArmedStopsUntilTheHostRaisesAnInterrupt() {
        Cpu cpu = load(CpuModel.E500MC, """
                    li    r1,0
                    mtspr 63,r1
                    li    r2,h@l
                    mtspr 404,r2           # IVOR4
                    wrteei 1
                    wait
                after:
                    sc    1
                    .balign 16
                h:  mfsrr0 r14
                    sc    1
                """);
        assertEquals(StopReason.IDLE, ProgramTest.runToStop(cpu));
        long retired = cpu.instructionsRetired();
        assertEquals(StopReason.IDLE, cpu.run(1000), "still idle; nothing executes");
        assertEquals(retired, cpu.instructionsRetired());
        assertTrue(cpu.isWaiting());
        assertEquals(-1, cpu.idleUntilNanos());
        cpu.requestStop();
        assertEquals(StopReason.KICKED, cpu.run(1000));
        cpu.setExternalInterrupt(true);
        assertEquals(StopReason.HYPERCALL, cpu.run(1000));
        assertEquals(0x18, cpu.gpr(14), "SRR0 = the instruction after wait");
        assertFalse(cpu.isWaiting());
    }

    /**
     * Wall-clock time at 1 MHz: the idle stop carries the DEC deadline; sleeping until it delivers.
     * The deadline is 200 ms away so that a slow first run (the region tier translates
     * synchronously in its test run) still reaches the wait before it.
     */
    @Test
    void wallClockModeIdlesUntilTheDecrementerDeadline() throws InterruptedException {
        byte[] image = Binutils.assemble("""
                    li    r1,0
                    mtspr 63,r1
                    li    r2,h@l
                    mtspr 410,r2
                    lis   r4,0x0400
                    mtspr 340,r4
                    lis   r3,0x0003
                    ori   r3,r3,0x0D40
                    mtspr 22,r3            # DEC = 200,000 ticks = 200 ms at 1 MHz
                    wrteei 1
                    wait
                    sc    1
                    .balign 16
                h:  mftb  r9
                    sc    1
                """, false);
        GuestMemory mem = new GuestMemory(RAM);
        mem.write(0, image, 0, image.length);
        Cpu cpu = new Cpu(CpuModel.E500MC, mem, TimeSource.WALL_CLOCK, 1_000_000);
        assertEquals(TimeSource.WALL_CLOCK, cpu.timeSource());
        long before = System.nanoTime();
        long tb0 = cpu.timeBase();
        StopReason r = cpu.run(1000);
        long after = System.nanoTime();
        assertEquals(StopReason.IDLE, r);
        long deadline = cpu.idleUntilNanos();
        // 200 ms (less a tick's rounding) after the mtspr, which ran between before and after: bounds
        // that hold however long a loaded host takes over the run
        assertTrue(deadline >= before + 200_000_000L - 1_000 && deadline <= after + 200_000_000L + 1_000,
                () -> "deadline %d not within [%d, %d]".formatted(deadline, before + 200_000_000L, after + 200_000_000L));
        long wait;
        while ((wait = deadline - System.nanoTime()) > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        assertEquals(StopReason.HYPERCALL, cpu.run(1000));
        assertTrue(cpu.gpr(9) - tb0 >= 200_000, "the handler runs once DEC expired");
        // the time base follows the host clock: 1 tick per microsecond
        // (each read bracketed by the host clock, so a thread descheduled between two reads widens
        // the bounds instead of failing the test)
        long n0 = System.nanoTime(), t1 = cpu.timeBase(), n1 = System.nanoTime();
        Thread.sleep(20);
        long n2 = System.nanoTime(), t2 = cpu.timeBase(), n3 = System.nanoTime();
        long ticks = t2 - t1, least = (n2 - n1) / 1000, most = (n3 - n0) / 1000;
        assertTrue(ticks >= least - 1 && ticks <= most + 1, () -> ticks + " ticks in " + least + ".." + most + " µs");
    }

    @Test
    void instructionModeTimeBaseCountsRetiredInstructionsAndTbWritesStick() {
        Cpu cpu = load(CpuModel.E500MC, """
                    li    r3,0
                    mtspr 284,r3           # TBL = 0 while this executes; its retirement is tick 1
                    lis   r3,0x1234        # tick 2
                    mtspr 285,r3           # TBU = 0x12340000, tick 3
                    mftb  r5               # reads 3, tick 4
                    mfspr r6,269           # TBU, tick 5
                    sc    1                # tick 6
                """);
        assertEquals(StopReason.HYPERCALL, ProgramTest.runToStop(cpu));
        assertEquals(3, cpu.gpr(5));
        assertEquals(0x12340000L, cpu.gpr(6));
        assertEquals((0x12340000L << 32) + 6, cpu.timeBase());
    }

    @Test
    void rfdiReturnsThroughDsrr() {
        Cpu cpu = load(CpuModel.E500MC, """
                    lis   r3,0x1
                    mtspr 574,r3           # DSRR0 = 0x10000
                    li    r4,0x1000        # ME
                    mtspr 575,r4           # DSRR1
                    rfdi
                """);
        assertEquals(StopReason.BUDGET, cpu.run(5), "five instructions, the last one rfdi");
        assertEquals(0x10000, cpu.pc(), "rfdi went to DSRR0");
        assertEquals(Msr.ME, cpu.msr());
    }

    // ---- host-raised inputs ------------------------------------------------------------------

    static final String INPUTS = """
                b     loop
                .org 0x100
            h_crit:
                sc    1
                rfci
                .org 0x200
            h_mc:
                sc    1
                rfmci
                .org 0x400
            h_ext:
                sc    1
                rfi
                .org 0x800
            loop:
                addi  r9,r9,1
                b     loop
            """;

    enum Input { EXTERNAL, CRITICAL, MACHINE_CHECK }

    record Case(Input input, long enable, int ivor, long handler, int sr0, int sr1, long msrInHandler) {}

    static final long ALL = Msr.EE | Msr.CE | Msr.ME | Msr.DE;
    static final List<Case> CASES = List.of(
            new Case(Input.EXTERNAL, Msr.EE, 4, 0x400, Spr.SRR0, Spr.SRR1, Msr.CE | Msr.ME | Msr.DE),
            new Case(Input.CRITICAL, Msr.CE, 0, 0x100, Spr.CSRR0, Spr.CSRR1, Msr.ME),
            new Case(Input.MACHINE_CHECK, Msr.ME, 1, 0x200, Spr.MCSRR0, Spr.MCSRR1, 0));

    static Cpu inputsCpu() {
        Cpu cpu = load(CpuModel.E500MC, INPUTS);
        cpu.setSpr(Spr.IVPR, 0);
        cpu.setSpr(Spr.IVOR0, 0x100);
        cpu.setSpr(Spr.IVOR0 + 1, 0x200);
        cpu.setSpr(Spr.IVOR0 + 4, 0x400);
        return cpu;
    }

    static void raise(Cpu cpu, Input in, boolean on) {
        switch (in) {
            case EXTERNAL -> cpu.setExternalInterrupt(on);
            case CRITICAL -> cpu.setCriticalInterrupt(on);
            case MACHINE_CHECK -> { if (on) cpu.raiseMachineCheck(0x80000000L); }
        }
    }

    @Test
    void hostInputsAreGatedByTheirMsrBitAndSaveTheirClassRegisters() {
        for (Case c : CASES) {
            Cpu cpu = inputsCpu();
            long masked = ALL & ~c.enable();
            cpu.setMsr(masked);
            assertEquals(StopReason.BUDGET, cpu.run(100));
            raise(cpu, c.input(), true);
            assertEquals(StopReason.BUDGET, cpu.run(3000), c + ": masked, not taken");
            assertTrue(cpu.pc() >= 0x800 && cpu.pc() < 0x808);
            long pcBefore = cpu.pc();
            cpu.setMsr(ALL);
            assertEquals(StopReason.HYPERCALL, cpu.run(3000), c.toString());
            assertEquals(c.handler() + 4, cpu.pc(), c + ": stopped in the handler after its sc 1");
            assertEquals(pcBefore, cpu.spr(c.sr0()), "save/restore 0 = the next instruction");
            assertEquals(ALL, cpu.spr(c.sr1()));
            assertEquals(c.msrInHandler(), cpu.msr());
            if (c.input() == Input.MACHINE_CHECK) assertEquals(0x80000000L, cpu.spr(Spr.MCSR));
            raise(cpu, c.input(), false);
            assertEquals(StopReason.BUDGET, cpu.run(50), "the rfci/rfmci/rfi returns to the loop");
            assertEquals(ALL, cpu.msr());
            assertTrue(cpu.pc() >= 0x800 && cpu.pc() < 0x808);
        }
    }

    @Test
    void machineCheckThenCriticalThenExternalWhenAllArePending() {
        Cpu cpu = inputsCpu();
        cpu.setMsr(ALL);
        for (Input in : Input.values()) raise(cpu, in, true);
        List<Long> order = new ArrayList<>();
        for (Input in : new Input[] {Input.MACHINE_CHECK, Input.CRITICAL, Input.EXTERNAL}) {
            assertEquals(StopReason.HYPERCALL, cpu.run(3000));
            order.add(cpu.pc() - 4);
            raise(cpu, in, false);
        }
        assertEquals(List.of(0x200L, 0x100L, 0x400L), order);
    }

    @Test
    void externalRaisedFromAnotherThreadIsNoticedWhileRunning() throws Exception {
        Cpu cpu = inputsCpu();
        cpu.setMsr(Msr.EE);
        Thread t = Thread.ofPlatform().start(() -> {
            try { Thread.sleep(20); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            cpu.setExternalInterrupt(true);
        });
        assertEquals(StopReason.HYPERCALL, runUntilStop(cpu, Duration.ofSeconds(30)));
        assertTrue(t.join(Duration.ofSeconds(10)), "the raising thread ended");
        assertEquals(0x404, cpu.pc());
    }

    /**
     * Runs {@code cpu} in slices until it stops for another reason than its budget, or returns
     * BUDGET once {@code limit} has passed: a bounded stand-in for {@code run(Long.MAX_VALUE)}.
     */
    static StopReason runUntilStop(Cpu cpu, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        StopReason r;
        do {
            r = cpu.run(1_000_000);
        } while (r == StopReason.BUDGET && System.nanoTime() - deadline < 0);
        return r;
    }

    // ---- doorbells -------------------------------------------------------------------------------

    static final String DOORBELLS = """
                # sender (PC 0): r4 = payload
                msgsnd r4
                sc    1
                .org 0x100
                # receiver (PC 0x100): r3 != 0 -> msgclr r5 first; then MSR = r6
                cmpwi r3,0
                beq   1f
                msgclr r5
            1:  mtmsr r6
            loop:
                addi  r9,r9,1
                b     loop
                .org 0x400
            h_db:
                sc    1
                .org 0x500
            h_dbc:
                sc    1
            """;

    record Bell(String name, long payload, long receiverPir, long msr, long clearPayload, long expectPc) {}

    static final long DBELL = 0, DBELL_CRIT = 1L << 27, BCAST = 0x04000000L;

    static final List<Bell> BELLS = List.of(
            new Bell("doorbell to PIR 1", DBELL | 1, 1, Msr.EE, -1, 0x404),
            new Bell("doorbell to PIR 2 is not ours", DBELL | 2, 1, Msr.EE, -1, -1),
            new Bell("broadcast ignores the tag", DBELL | BCAST | 7, 1, Msr.EE, -1, 0x404),
            new Bell("critical doorbell with CE", DBELL_CRIT | 1, 1, Msr.CE, -1, 0x504),
            new Bell("critical doorbell without CE waits", DBELL_CRIT | 1, 1, Msr.EE, -1, -1),
            new Bell("doorbell without EE waits", DBELL | 1, 1, Msr.CE, -1, -1),
            new Bell("guest doorbell type 2 is ignored", (2L << 27) | 1, 1, Msr.EE | Msr.CE, -1, -1),
            new Bell("msgclr drops a pending doorbell", DBELL | 1, 1, Msr.EE, DBELL, -1),
            new Bell("msgclr of the other type keeps it", DBELL | 1, 1, Msr.EE, DBELL_CRIT, 0x404));

    @Test
    void doorbellsBetweenTwoCpusSharingRam() {
        byte[] image = Binutils.assemble(DOORBELLS, false);
        for (Bell b : BELLS) {
            GuestMemory mem = new GuestMemory(RAM);
            mem.write(0, image, 0, image.length);
            Cpu sender = new Cpu(CpuModel.E500MC, mem), receiver = new Cpu(CpuModel.E5500, mem);
            sender.setSpr(Spr.PIR, 0);
            receiver.setSpr(Spr.PIR, b.receiverPir());
            receiver.setSpr(Spr.IVOR32 + 4, 0x400);     // IVOR36
            receiver.setSpr(Spr.IVOR32 + 5, 0x500);     // IVOR37
            sender.setGpr(4, b.payload());
            sender.setPc(0);
            assertEquals(StopReason.HYPERCALL, sender.run(100), b.name());
            int senderGets = (b.payload() & BCAST) != 0 ? 8 : 0;    // PendingInterrupts.DOORBELL
            assertEquals(senderGets, sender.pendingRequests(), b.name() + ": the sender (PIR 0) gets only broadcasts");
            receiver.setPc(0x100);
            receiver.setGpr(3, b.clearPayload() >= 0 ? 1 : 0);
            receiver.setGpr(5, b.clearPayload());
            receiver.setGpr(6, b.msr());
            StopReason r = receiver.run(2000);
            if (b.expectPc() < 0) {
                assertEquals(StopReason.BUDGET, r, b.name());
            } else {
                assertEquals(StopReason.HYPERCALL, r, b.name());
                assertEquals(b.expectPc(), receiver.pc(), b.name());
                assertEquals(0, receiver.pendingRequests(), b.name() + ": taking it consumed it");
            }
        }
    }

    @Test
    void doorbellWakesACpuRunningOnAnotherThread() throws Exception {
        byte[] image = Binutils.assemble(DOORBELLS, false);
        GuestMemory mem = new GuestMemory(RAM);
        mem.write(0, image, 0, image.length);
        Cpu sender = new Cpu(CpuModel.E500MC, mem), receiver = new Cpu(CpuModel.E500MC, mem);
        receiver.setSpr(Spr.PIR, 3);
        receiver.setSpr(Spr.IVOR32 + 4, 0x400);
        receiver.setPc(0x100);
        receiver.setGpr(6, Msr.EE);
        var result = new java.util.concurrent.CompletableFuture<StopReason>();
        Thread t = Thread.ofPlatform().start(() -> result.complete(runUntilStop(receiver, Duration.ofSeconds(30))));
        Thread.sleep(20);
        sender.setGpr(4, DBELL | 3);
        sender.setPc(0);
        assertEquals(StopReason.HYPERCALL, sender.run(100));
        assertEquals(StopReason.HYPERCALL, result.get(40, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(t.join(Duration.ofSeconds(10)), "the receiver's thread ended");
        assertEquals(0x404, receiver.pc());
    }

    @Test
    void msgsndIsPrivileged() {
        Cpu cpu = load(CpuModel.E500MC, """
                    msgsnd r4
                    .org 0x700
                    mfspr r12,62
                    sc    1
                """);
        cpu.setSpr(Spr.IVOR0 + 6, 0x700);
        cpu.setMsr(Msr.PR);
        cpu.setGpr(4, BCAST);
        assertEquals(StopReason.HYPERCALL, cpu.run(10));
        assertEquals(Esr.PPR, cpu.gpr(12));
        assertEquals(0, cpu.pendingRequests());
    }

    /**
     * A board device's timer (the ppce500 MPIC's global timers use it): its action runs when the
     * time base reaches the deadline, at that instruction however the runs are sliced, and re-arms
     * from there; a waiting CPU fast-forwards to it, runs it, and waits on; a deadline set between
     * runs counts from the next run.
     */
    @ParameterizedTest
    @EnumSource(names = {"E500MC", "E5500"})
    void deviceTimerActsAtTheInstructionItsTimeBaseReaches(CpuModel model) {
        for (String body : new String[] {"1:  addi r3,r3,1\n    b 1b\n", "    wait\n    b _start\n"}) {
            List<Long> expected = List.of(1000L, 1777L, 2554L);
            for (long slice : new long[] {1_000_000, 7, 1}) {
                Cpu cpu = load(model, "_start:\n" + body);
                List<Long> seen = new ArrayList<>();
                cpu.onDeviceTimer(() -> {
                    seen.add(cpu.timeBase());
                    if (seen.size() < 3) cpu.setDeviceTimer(cpu.timeBase() + 777);
                });
                cpu.setDeviceTimer(1000);
                for (int i = 0; i < 10_000 && cpu.timeBase() < 5000; i++) {
                    if (cpu.run(slice) == StopReason.IDLE) break;
                }
                assertEquals(expected, seen, body + ", runs of " + slice);
                if (body.contains("addi")) assertEquals(cpu.timeBase() / 2, cpu.gpr(3), 1, "the loop ran meanwhile");
            }
        }
    }
}
