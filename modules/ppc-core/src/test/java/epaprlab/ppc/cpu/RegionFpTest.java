package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.exec.Interpreter;
import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.MemoryImage;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The FP instructions a region runs without their handler (RegionFpEmitter): a loop of
 * single-precision loads and stores of denormals, zeros, infinities and NaNs, double arithmetic,
 * rounding, compares and moves, each pass under another FPSCR (every rounding mode, the five
 * enables, with MSR[FE0] set), so that enabled invalid, zero-divide, overflow, underflow and
 * inexact exceptions raise Program interrupts in the middle of regions (the handler logs SRR0, ESR
 * and the FPSCR, clears the sticky bits and skips the instruction), plus the first FP instruction with
 * MSR[FP] = 0 (FP Unavailable); generic handler calls (fsel, a record form, mffs, mtfsf, stfiwx)
 * between the region's FPR locals, and CR logic, mcrf, isel, mfcr/mfocrf and mtcrf/mtocrf on
 * the compares' CR fields (RegionCrEmitter). Run interpreted, in the block tier and in the region tier for
 * several budget slicings: every FPR, GPR, CR, FPSCR, SRR0/SRR1/ESR, count and memory word
 * equal. The single-precision conversions themselves are checked against QEMU by the
 * FP_LOADSTORE batches of RandomSequenceDifferentialTest (binary32 specials in their scratch data).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegionFpTest {

    private static final String PROGRAM = """
            _start:
                li    r1,0
                mtspr 63,r1            # IVPR = 0
                li    r2,on_program@l
                mtspr 406,r2           # IVOR6: program
                li    r2,on_fpu@l
                mtspr 407,r2           # IVOR7: FP unavailable (MSR[FP] starts 0)
                li    r12,singles@l
                li    r13,doubles@l
                li    r14,modes@l
                li    r17,0x6000       # results
                li    r15,0
                li    r21,0
                li    r22,0
                li    r23,0
                li    r5,400
                mtctr r5
            loop:
                add   r16,r15,r15
                lfdx  f30,r14,r16      # this pass's FPSCR (first FP instruction: FP Unavailable)
                mtfsf 255,f30
                lfsx  f1,r12,r15       # binary32 specials
                lfdx  f2,r13,r16
                addi  r16,r16,8
                andi. r16,r16,0x78
                lfdx  f3,r13,r16
                fadd  f4,f1,f2
                fsub  f5,f2,f3
                fmul  f6,f4,f5
                fdiv  f7,f6,f3
                fdiv  f8,f2,f1
                fmadd f9,f2,f3,f4
                fnmsub f10,f3,f4,f2
                fadds f11,f2,f3
                fmuls f12,f1,f3
                fdivs f13,f3,f2
                frsp  f14,f7
                fctiwz f15,f3
                fcmpu cr1,f4,f5
                fcmpo cr6,f7,f8
                fneg  f16,f1
                fabs  f17,f2
                fnabs f18,f3
                fmr   f19,f6
                fsel  f21,f4,f5,f6     # generic handler calls reading FPRs the region wrote,
                fadd  f24,f21,f2       # their results read by the region
                cror  30,4,26          # CR logic on the compare fields
                crnand 29,6,25
                crandc 28,5,27
                creqv 31,30,6
                mcrf  cr2,cr7
                isel  r26,r12,r13,6
                isel  r27,0,r14,30
                mfocrf r28,0x40
                mfcr  r29
                mtocrf 0x20,r29
                mtcrf 0x81,r28
                add   r21,r21,r26
                rotlwi r21,r21,5
                xor   r21,r21,r27
                add   r21,r21,r28
                rotlwi r21,r21,7
                xor   r21,r21,r29
                fadd. f25,f24,f3       # a record form (CR1) after the compare fields were read
                fmr   f26,f25
                addi  r26,r17,16
                stfiwx f15,0,r26
                stfs  f4,0(r17)
                stfs  f1,4(r17)
                stfs  f3,8(r17)
                stfsu f7,12(r17)
                mffs  f20
                stfd  f20,4(r17)
                stfd  f9,12(r17)
                addi  r17,r17,20
                andi. r17,r17,0x7ff
                ori   r17,r17,0x6000
                addi  r15,r15,4
                andi. r15,r15,0x3c
                bdnz  loop
                sc    1
                .balign 16
            on_program:
                mfsrr0 r24
                mfsrr1 r25
                mfmsr r1
                ori   r1,r1,0x2000     # MSR[FP] (the interrupt cleared it), FE0/FE1 off
                mtmsr r1
                add   r22,r22,r24
                mfspr r1,62            # ESR
                add   r22,r22,r1
                mffs  f31
                stfd  f31,0x7f00(0)
                lwz   r1,0x7f04(0)
                add   r22,r22,r1
                mtfsf 255,f30          # the pass's enables again, no sticky bits: on with the next instruction
                addi  r24,r24,4
                mtsrr0 r24
                mtsrr1 r25
                addi  r23,r23,1
                rfi
                .balign 16
            on_fpu:
                mfsrr1 r1
                ori   r1,r1,0x2800     # MSR[FP] and MSR[FE0]; SRR0 is the lfd, run again
                mtsrr1 r1
                rfi
                .balign 8
            zero:
                .long 0,0
            modes:                     # FPSCR per pass: RN cycles, enables VE OE UE ZE XE in turn
                .long 0,0x00, 0,0x01, 0,0x02, 0,0x03
                .long 0,0x80, 0,0x40, 0,0x20, 0,0x10
                .long 0,0x08, 0,0x09, 0,0x0a, 0,0x0b
                .long 0,0xf8, 0,0x00, 0,0x41, 0,0x22
            singles:
                .long 0x00000001, 0x807fffff, 0x00400000, 0x00800000, 0x7f7fffff, 0xff800000, 0x7f800000, 0x7fc00000
                .long 0xffc00001, 0x7f800001, 0xffa00000, 0x3f800000, 0x80000000, 0x00000000, 0x3eaaaaab, 0xc0490fdb
            doubles:
                .long 0x3ff00000,0, 0x40080000,0, 0x7fefffff,0xffffffff, 0x00000000,0x00000001
                .long 0x3fd55555,0x55555555, 0xbff80000,0, 0x7ff40000,0, 0x00000000,0
                .long 0x380fffff,0xffffffff, 0x47efffff,0xe0000000, 0xc1e00000,0, 0x36a00000,0
                .long 0x40450000,0, 0xfff00000,0, 0x00100000,0, 0x3ca00000,0
            """;

    private static List<Long> run(Cpu cpu, int slice) {
        Slices.runToHypercall(cpu, slice);
        return Slices.state(cpu, 0x8000);
    }

    @Test
    void fpInRegionsGivesTheInterpretersStateWithEnabledExceptions() {
        for (CpuModel m : CpuModel.values()) {
            GuestMemory built = new GuestMemory(ProgramTest.RAM);
            byte[] code = Binutils.assemble(PROGRAM, m.has64Bit());
            built.write(0, code, 0, code.length);
            MemoryImage image = built.snapshot();
            List<Long> interpreted = run(Tier.INTERPRETER.boot(m, image), 1_000_000);
            long before = Interpreter.regionsTranslated();
            for (int slice : new int[] {1_000_000, 1, 7, 100, 333}) {
                for (Tier t : new Tier[] {Tier.REGIONS, Tier.BLOCKS}) {
                    assertEquals(interpreted, run(t.boot(m, image), slice), m + " " + t + " slice " + slice);
                }
            }
            assertTrue(Interpreter.regionsTranslated() > before, m + ": regions were translated");
            long interrupts = interpreted.get(23);
            assertTrue(interrupts > 100 && interrupts < 400 * 20, m + ": enabled FP exceptions taken: " + interrupts);
        }
    }

    /**
     * The double fast path's bounds (RegionFpOps' host arithmetic): fadd, fsub, fmul and fdiv
     * both ways of operand pairs whose exponents lie on and beside every bound the fast path
     * tests (operands 1 and 2000, an add's result 64 and 2000, a product's exponent sum 1087 and
     * 3000, a quotient's dividend 128 and exponent difference 1000), of both signs, exact and
     * inexact, with FPSCR sticky bits cleared every other pair: results and the FPSCR after each
     * pair stored, equal in every tier to the interpreter's.
     */
    private static final String BOUNDS = """
            _start:
                mfmsr r1
                ori   r1,r1,0x2000     # MSR[FP]
                mtmsr r1
                li    r12,0x2000       # operand pairs
                li    r17,0x6000       # results
                li    r5,160
                mtctr r5
                lfd   f9,0x1ff8(0)     # zero
            loop:
                lfd   f1,0(r12)
                lfd   f2,8(r12)
                fadd  f3,f1,f2
                fsub  f4,f1,f2
                fmul  f5,f1,f2
                fdiv  f6,f1,f2
                fdiv  f7,f2,f1
                mffs  f8
                stfd  f3,0(r17)
                stfd  f4,8(r17)
                stfd  f5,16(r17)
                stfd  f6,24(r17)
                stfd  f7,32(r17)
                stfd  f8,40(r17)
                andi. r1,r5,1
                addi  r5,r5,1
                beq   keep
                mtfsf 255,f9
            keep:
                addi  r12,r12,16
                addi  r17,r17,48
                bdnz  loop
                sc    1
            """;

    private static long operand(java.util.SplittableRandom r, int exponent) {
        long frac = switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> 1L << r.nextInt(52);
            default -> r.nextLong() & FRACTION;
        };
        return (r.nextBoolean() ? Long.MIN_VALUE : 0) | ((long) Math.clamp(exponent, 0, 2047) << 52) | frac;
    }

    private static final long FRACTION = (1L << 52) - 1;

    @Test
    void fastPathBoundsGiveTheInterpretersResults() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(20261130);
        int[] edges = {0, 1, 2, 63, 64, 65, 127, 128, 129, 1023, 1999, 2000, 2001, 2045, 2046, 2047};
        byte[] table = new byte[160 * 16];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(table);
        for (int i = 0; i < 160; i++) {
            int ea = r.nextBoolean() ? edges[r.nextInt(edges.length)] : r.nextInt(1, 2047), d = r.nextInt(-1, 2), eb;
            eb = switch (i % 5) {
                case 0 -> edges[r.nextInt(edges.length)];
                case 1 -> 1087 - ea + d;                         // product's exponent sum at 1087
                case 2 -> 3000 - ea + d;                         // and at 3000
                case 3 -> ea + (r.nextBoolean() ? 1000 : -1000) + d;   // quotient's exponent difference
                default -> ea + d;                               // sums and differences near the result bounds
            };
            long x = operand(r, ea), y = operand(r, eb);
            if (i % 7 == 0) y = x ^ Long.MIN_VALUE;              // an exact zero sum
            if (i % 11 == 0) y = (x & ~FRACTION) ^ (1L << 52);   // an exact power-of-two neighbour
            b.putLong(x).putLong(y);
        }
        for (CpuModel m : CpuModel.values()) {
            GuestMemory built = new GuestMemory(ProgramTest.RAM);
            byte[] code = Binutils.assemble(BOUNDS, m.has64Bit());
            built.write(0, code, 0, code.length);
            built.write(0x2000, table, 0, table.length);
            MemoryImage image = built.snapshot();
            List<Long> interpreted = run(Tier.INTERPRETER.boot(m, image), 1_000_000);
            for (int slice : new int[] {1_000_000, 1, 7, 100}) {
                for (Tier t : new Tier[] {Tier.REGIONS, Tier.BLOCKS}) {
                    assertEquals(interpreted, run(t.boot(m, image), slice), m + " " + t + " slice " + slice);
                }
            }
        }
    }
}
