# MPIC global timer 0 as a periodic interrupt, for qemu-system-ppc(64) -M ppce500 and the board
# (MpicTimerTest). Entered at 0x10000 with QEMU's boot TLB1[0] (EA 0..64 MiB -> PA 0), MSR 0. Maps
# CCSR at EA 0xE0000000, sets timer 0 to COUNT ticks, vector 0x33 at priority 8 for CPU 0 (mixed
# mode), takes INTS External Input interrupts (time base, IACK, EOI), prints the time base between
# them and the vectors, then powers off through GPIO pin 0.
        .set COUNT, 0x1000
        .set INTS, 6
        .set CCSR, 0xE0000000
        .set MPIC, CCSR + 0x40000
        .set TABLE, 0x20000
        .text
        .globl _start
_start:
        b       main
        .org    0x100
external:                               # IVOR4: 30 counts, table[30] = TB, vector
        mftb    3
        lis     4, (MPIC + 0x200A0)@ha
        lwz     5, (MPIC + 0x200A0)@l(4)      # IACK
        lis     6, TABLE@ha
        addi    6, 6, TABLE@l
        slwi    7, 30, 3
        add     6, 6, 7
        stw     3, 0(6)
        stw     5, 4(6)
        addi    30, 30, 1
        li      5, 0
        stw     5, (MPIC + 0x200B0)@l(4)      # EOI
        rfi
puthex:                                 # 3, 8 digits and a newline
        li      6, 8
        mtctr   6
1:      rotlwi  3, 3, 4
        andi.   5, 3, 0xF
        cmpwi   5, 10
        blt     2f
        addi    5, 5, 'a' - '0' - 10
2:      addi    5, 5, '0'
        stb     5, 0(20)
        bdnz    1b
        li      5, '\n'
        stb     5, 0(20)
        blr
main:
        lis     3, 0x1001              # TLB1[1]: EA CCSR -> PA 0xF_E000_0000, 1 MiB, I G, SR SW
        mtspr   624, 3
        lis     3, 0x8000
        ori     3, 3, 0x0500
        mtspr   625, 3
        lis     3, CCSR@h
        ori     3, 3, 0x000A
        mtspr   626, 3
        lis     3, CCSR@h
        ori     3, 3, 0x0005
        mtspr   627, 3
        li      3, 0xF
        mtspr   944, 3
        isync
        tlbwe
        isync
        lis     20, (CCSR + 0x4500)@h
        ori     20, 20, (CCSR + 0x4500)@l
        lis     3, 1                   # IVPR = 0x10000, IVOR4 = 0x100
        mtspr   63, 3
        li      3, 0x100
        mtspr   404, 3
        li      30, 0
        lis     4, MPIC@h
        lis     3, 0x2000              # GCR: mixed mode
        stw     3, 0x1020(4)
        lis     3, 0x0008              # GTVPR0: unmasked, priority 8, vector 0x33
        ori     3, 3, 0x33
        stw     3, 0x1120(4)
        li      3, 1                   # GTDR0: CPU 0
        stw     3, 0x1130(4)
        lis     5, (MPIC + 0x20080)@ha
        li      3, 0                   # CTPR of CPU 0
        stw     3, (MPIC + 0x20080)@l(5)
        li      3, COUNT               # GTBCR0: CI = 0, the count: starts
        stw     3, 0x1110(4)
        wrteei  1
3:      cmpwi   30, INTS
        blt     3b
        wrteei  0
        lis     8, TABLE@ha
        addi    8, 8, TABLE@l
        li      9, INTS - 1
4:      lwz     3, 8(8)
        lwz     4, 0(8)
        subf    3, 4, 3
        bl      puthex
        lwz     3, 12(8)
        bl      puthex
        addi    8, 8, 8
        addic.  9, 9, -1
        bne     4b
        li      5, 'E'
        stb     5, 0(20)
        li      5, 'N'
        stb     5, 0(20)
        li      5, 'D'
        stb     5, 0(20)
        li      5, '\n'
        stb     5, 0(20)
        lis     4, (CCSR + 0xFF000)@h   # GPIO pin 0 rising: power off (both QEMU and the board)
        ori     4, 4, (CCSR + 0xFF000)@l
        lis     3, 0x8000
        stw     3, 0(4)                 # GPDIR: pin 0 drives
        stw     3, 8(4)                 # GPDAT
5:      b       5b
