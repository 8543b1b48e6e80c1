# Bare-metal cache-control probe for qemu-system-ppc(64) -M ppce500 and epapr-lab's BOOK_E
# engine, in the frame of probe.s (same load address, boot mapping, UART, interrupt stubs and
# printing): L1CFG0/L1CFG1/L2CFG0, the self-clearing bits of L1CSR0/L1CSR1/L2CSR0, and the
# cache-locking instructions (dcbtls, dcbtstls, icbtls, dcblc, icblc) in supervisor and user
# state. Prints "label=value" lines; every interrupt prints its registers and resumes at r30.

        .set BASE, 0x100000
        .set DATA0, 0x200000            # data pages, identity-mapped by TLB1[0]
        .set DATA1, 0x201000
        .set DATA2, 0x202000

        .macro LI32 r, v
        lis     \r, ((\v) >> 16) & 0xFFFF
        ori     \r, \r, (\v) & 0xFFFF
        .ifdef WIDE
        clrldi  \r, \r, 32
        .endif
        .endm

        .macro LADDR r, sym
        lis     \r, \sym@ha
        addi    \r, \r, \sym@l
        .endm

        .macro REPORT label, reg
        mr      r14, \reg
        bl      1f
        .asciz  "\label="
        .balign 4
1:      mflr    r3
        bl      puts
        mr      r3, r14
        bl      puthex
        .endm

        .macro RSPR label, spr
        mfspr   r15, \spr
        REPORT  "\label", r15
        .endm

        .macro MASDUMP tag
        RSPR    "\tag MAS0", 624
        RSPR    "\tag MAS1", 625
        RSPR    "\tag MAS2", 626
        RSPR    "\tag MAS3", 627
        RSPR    "\tag MAS7", 944
        .endm

        .macro SETMAS m0, m1, m2, m3, m7
        LI32    r3, \m0
        mtspr   624, r3
        LI32    r3, \m1
        mtspr   625, r3
        LI32    r3, \m2
        mtspr   626, r3
        LI32    r3, \m3
        mtspr   627, r3
        LI32    r3, \m7
        mtspr   944, r3
        .endm

        .macro WRTLB m0, m1, m2, m3, m7
        SETMAS  \m0, \m1, \m2, \m3, \m7
        tlbwe
        isync
        .endm

        .macro RDTLB m0, m2, tag
        LI32    r3, \m0
        mtspr   624, r3
        LI32    r3, \m2
        mtspr   626, r3
        tlbre
        MASDUMP "\tag"
        .endm

        # resume point for an instruction that may fault: label 9 after it
        .macro EXPECT
        LADDR      r30, 9f
        mfmsr   r29
        .endm


        # one cache-locking instruction in supervisor state; L1CSR0 cleared before, printed after
        .macro CLOCK label, insn:vararg
        li      r3, 0
        mtspr   1010, r3
        mtspr   1011, r3
        REPORT  "\label", r3
        EXPECT
        \insn
9:      RSPR    "L1CSR0", 1010
        RSPR    "L1CSR1", 1011
        .endm

        # the same in user state, MSR[UCLE] clear; mfmsr after it traps back to supervisor state
        .macro ULOCK label, insn:vararg
        li      r3, 0
        mtspr   1010, r3
        REPORT  "\label", r3
        EXPECT
        LADDR   r3, 8f
        mtsrr0  r3
        mfmsr   r3
        ori     r3, r3, 0x4000          # PR
        mtsrr1  r3
        rfi
8:      \insn
        mfmsr   r3
9:      RSPR    "L1CSR0", 1010
        .endm

        .text
        .globl  _start
_start:
        b       main

        # interrupt stubs: IVORn = 0x100 + 0x20 * n
        .macro STUB n
        .org    0x100 + 0x20 * \n
        li      r25, \n
        b       handler
        .endm
        STUB 2
        STUB 3
        STUB 5
        STUB 6
        STUB 13
        STUB 14

        .org    0x400
handler:
        REPORT  "INT", r25
        RSPR    "SRR0", 26
        RSPR    "SRR1", 27
        RSPR    "ESR", 62
        RSPR    "DEAR", 61
        MASDUMP "I"
        RSPR    "I MAS6", 630
        mtsrr0  r30
        mtsrr1  r29
        rfi

# print the NUL-terminated string at r3 (clobbers r3, r5)
puts:
1:      lbz     r5, 0(r3)
        cmpwi   r5, 0
        beqlr
        stb     r5, 0(r20)
        addi    r3, r3, 1
        b       1b

# print r3 in hex (16 digits on e5500, 8 on e500mc) and a newline (clobbers r3, r5, r6, ctr)
puthex:
        .ifdef WIDE
        li      r6, 16
        .else
        li      r6, 8
        .endif
        mtctr   r6
1:
        .ifdef WIDE
        rotldi  r3, r3, 4
        .else
        rotlwi  r3, r3, 4
        .endif
        andi.   r5, r3, 0xF
        cmpwi   r5, 10
        blt     2f
        addi    r5, r5, 'a' - '0' - 10
2:      addi    r5, r5, '0'
        stb     r5, 0(r20)
        bdnz    1b
        li      r5, '\n'
        stb     r5, 0(r20)
        blr

main:
        # UART: TLB1[1], EA 0xE0000000 -> PA 0xF_E000_0000, 1 MiB, I|G, SR|SW, IPROT
        WRTLB   0x10010000, 0xC0000500, 0xE000000A, 0xE0000005, 0xF
        LI32    r20, 0xE0004500
        LI32    r3, BASE
        mtspr   63, r3
        li      r3, 0x100 + 0x20 * 2
        mtspr   402, r3
        li      r3, 0x100 + 0x20 * 3
        mtspr   403, r3
        li      r3, 0x100 + 0x20 * 5
        mtspr   405, r3
        li      r3, 0x100 + 0x20 * 6
        mtspr   406, r3
        li      r3, 0x100 + 0x20 * 13
        mtspr   413, r3
        li      r3, 0x100 + 0x20 * 14
        mtspr   414, r3

        # cache configuration registers (QEMU 7.2 has no L2CFG0: its mfspr is a no-op there and
        # illegal in the engine, an unimplemented SPR; not probed)
        RSPR    "L1CFG0", 515
        RSPR    "L1CFG1", 516
        # control registers: all ones written, what reads back (self-clearing bits dropped)
        RSPR    "L1CSR0", 1010
        RSPR    "L1CSR1", 1011
        RSPR    "L2CSR0", 1017
        li      r3, -1
        mtspr   1010, r3
        mtspr   1011, r3
        mtspr   1017, r3
        RSPR    "L1CSR0 ones", 1010
        RSPR    "L1CSR1 ones", 1011
        RSPR    "L2CSR0 ones", 1017
        LI32    r3, 0x00200C00
        mtspr   1017, r3
        RSPR    "L2CSR0 fi", 1017
        li      r3, 0
        mtspr   1010, r3
        mtspr   1011, r3
        mtspr   1017, r3

        # cache locking in supervisor state, then L1CSR0/L1CSR1 (dcbtls may set CUL)
        LI32    r4, DATA0
        li      r5, 0x40
        CLOCK   "dcbtls", dcbtls 0, r4, r5
        CLOCK   "dcbtstls", dcbtstls 0, r4, r5
        CLOCK   "icbtls", icbtls 0, r4, r5
        CLOCK   "dcblc", dcblc 0, r4, r5
        CLOCK   "icblc", icblc 0, r4, r5
        CLOCK   "dcbtls ct2", dcbtls 2, r4, r5
        CLOCK   "dcbtls ra0", dcbtls 0, 0, r5
        CLOCK   "dcbtls bit6", .long 0x7e04294c
        CLOCK   "dcbtls rc", .long 0x7c04294d

        # user state: each instruction, then mfmsr (privileged: ends user state either way)
        ULOCK   "u dcbtls", dcbtls 0, r4, r5
        ULOCK   "u dcbtstls", dcbtstls 0, r4, r5
        ULOCK   "u icbtls", icbtls 0, r4, r5
        ULOCK   "u dcblc", dcblc 0, r4, r5
        ULOCK   "u icblc", icblc 0, r4, r5
        ULOCK   "u nop", nop

        bl      1f
        .asciz  "END\n"
        .balign 4
1:      mflr    r3
        bl      puts
        b       .
