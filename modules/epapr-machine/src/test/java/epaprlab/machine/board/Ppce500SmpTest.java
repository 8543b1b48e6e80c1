package epaprlab.machine.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.boot.CrossTools;
import epaprlab.machine.hcall.HcallAbi;
import epaprlab.ppc.cpu.CpuModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secondary vCPU of the ppce500 board: halted (it executes nothing) until CPU 0 releases it
 * through the spin table, then running with QEMU's spin_kick state (PC = entry mod 64 MiB, r3 from
 * the entry, r6 = 0, r7 = 64 MiB, TLB1[1] mapping EA 0 to the entry's 64 MiB page).
 */
@Timeout(60)
class Ppce500SmpTest {
    @TempDir Path dir;

    /**
     * CPU 0 maps the spin table (PA 0xF_EF00_0000, above 32 bits) at EA 0xEF000000, writes entry 1's
     * r3 and then its address (the release), waits for CPU 1's flag and shuts down with it in r3.
     * CPU 1 enters at 0x10200 and stores r3, r6, r7 and PIR, then the flag.
     */
    private static final String GUEST = """
            .globl _start
            _start:
                lis 3,0x1002          # MAS0: TLB1, entry 2
                mtspr 624,3
                lis 3,0x8000
                ori 3,3,0x0100        # MAS1: valid, 4 KiB
                mtspr 625,3
                lis 3,0xEF00
                ori 3,3,0x000A        # MAS2: EPN 0xEF000000, I G
                mtspr 626,3
                lis 3,0xEF00
                ori 3,3,0x003F        # MAS3: RPN 0xEF000000, all permissions
                mtspr 627,3
                li 3,0xF              # MAS7: PA bits 32..35
                mtspr 944,3
                isync
                tlbwe
                isync
                lis 4,0xEF00
                lis 5,0x1234
                ori 5,5,0x5678
                stw 5,0x2C(4)         # entry 1: r3 low word
                lis 5,1
                ori 5,5,0x0200
                stw 5,0x24(4)         # entry 1: addr low word, bit 0 clear: release
                lis 8,2               # 0x20000: the flag
            0:  lwz 6,0(8)
                cmpwi 6,0
                beq 0b
                lwz 3,4(8)
                lis 11,0x002A
                ori 11,11,0x0021      # KVM_HC_VM_SHUTDOWN
                sc 1
            1:  b 1b
                .org 0x200
            secondary:
                lis 8,2
                stw 3,4(8)
                stw 6,8(8)
                stw 7,12(8)
                mfspr 9,286
                stw 9,16(8)
                li 9,1
                stw 9,0(8)
            2:  b 2b
            """;

    @Test void aSecondaryWaitsHaltedUntilTheSpinTableReleasesIt() throws Exception {
        byte[] elf = CrossTools.build(CrossTools.Target.PPC32, dir, GUEST, "-Wl,-Ttext=0x10000", "-mcpu=e500mc");
        Path kernel = Files.write(dir.resolve("smp.elf"), elf);
        Ppce500Run run = new Ppce500Run(CpuModel.E500MC, 128L << 20, 2, Optional.empty(), Optional.of(kernel), Optional.empty(), "");
        Vcpu cpu0 = run.board.vcpus().get(0), cpu1 = run.board.vcpus().get(1);
        // CPU 0's entry state as QEMU's ppce500_cpu_reset gives it for a kernel at 0x10000
        assertEquals(0x10000, cpu0.pc());
        assertEquals(0xFFFFF8, cpu0.gpr(1));
        assertEquals(0x1800000, cpu0.gpr(3), "the tree at align_down(0x10000 + size + 24 MiB, 1 MiB)");
        assertEquals(0x45504150, cpu0.gpr(6));
        assertEquals(64 << 20, cpu0.gpr(7));
        assertEquals(0, cpu0.msr());
        assertEquals(0xFFFFFFFCL, cpu1.pc(), "a halted secondary, as QEMU shows it");
        assertEquals(ExitReason.INTR, cpu1.run(1000));
        assertTrue(cpu1.exit().idle(), "halted: an idle exit with nothing to wait for");
        assertEquals(0, cpu1.instructionsRetired());

        ExitReason r0 = ExitReason.INTR;
        for (int turn = 0; turn < 1000 && r0 == ExitReason.INTR; turn++) {
            r0 = cpu0.run(1000);
            cpu1.run(1000);
        }
        assertEquals(ExitReason.EPAPR_HCALL, r0, run::where);
        assertEquals(HcallAbi.KVM_HC_VM_SHUTDOWN, (int) cpu0.exit().hcall().nr());
        var ram = run.board.vm().memory();
        assertEquals(0x12345678, ram.load32(0x20004), "r3 from the entry");
        assertEquals(0, ram.load32(0x20008), "r6 = 0, not the ePAPR magic");
        assertEquals(64 << 20, ram.load32(0x2000C), "r7 = 64 MiB");
        assertEquals(1, ram.load32(0x20010), "PIR = 1");
        assertTrue(cpu1.pc() >= 0x10200 && cpu1.pc() < 0x10300, () -> "CPU 1 runs at the entry: 0x" + Long.toHexString(cpu1.pc()));
    }
}
