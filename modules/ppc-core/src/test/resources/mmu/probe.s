# Bare-metal MMU probe for qemu-system-ppc(64) -M ppce500 and epapr-lab's BOOK_E engine.
# Linked at 0x100000 and entered in supervisor state, MSR 0, with TLB1[0] mapping EA 0..64 MiB
# to PA 0 (QEMU's boot mapping). Maps the UART (PA 0xF_E000_4500) at EA 0xE0004500 with its own
# TLB1 entry, exercises the TLB instructions, misses and storage interrupts, and prints
# "label=value" lines; every interrupt prints its registers and resumes at r30 with MSR r29.
# "WIDE" (prepended by the test for e5500) adds MAS7_MAS3 and a 64-bit mode part.
# (gas macro names are case-insensitive: none may be an instruction name.)
# Registers: r20 UART THR EA, r29/r30 resume MSR/address, r14 value to print, r25 IVOR.

        .set BASE, 0x100000
        .set DATA0, 0x200000            # data pages, identity-mapped by TLB1[0]
        .set DATA1, 0x201000
        .set DATA2, 0x202000
        .set SNIP1, BASE + 0x10000      # two code pages at fixed places
        .set SNIP2, BASE + 0x11000

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

        # configuration
        RSPR    "TLB0CFG", 688
        RSPR    "TLB1CFG", 689
        RSPR    "MMUCFG", 1015
        RSPR    "MMUCSR0", 1012
        RSPR    "PID1", 633
        RDTLB   0x10000000, 0, "T1E0"
        RDTLB   0x10010000, 0, "T1E1"

        # protect the boot mapping (Linux does the same) so the flushes below keep it
        LI32    r3, 0x10000000
        mtspr   624, r3
        tlbre
        mfspr   r3, 625
        oris    r3, r3, 0x4000
        mtspr   625, r3
        tlbwe
        isync

        # TLB0 entry: EA 0x20000000 -> DATA0, IPROT and 64K size asked (both dropped), X0 X1 W I M G, SR|SW
        WRTLB   0x00010000, 0xC0000400, 0x2000007E, DATA0 | 0x05, 0
        RDTLB   0x00010000, 0x20000000, "T0W1"
        LI32    r4, DATA0
        LI32    r5, 0x11223344
        stw     r5, 0x10(r4)
        LI32    r4, 0x20000000
        lwz     r6, 0x10(r4)
        REPORT  "via-map", r6
        LI32    r5, 0x55667788
        stw     r5, 0x14(r4)
        LI32    r4, DATA0
        lwz     r6, 0x14(r4)
        REPORT  "via-id", r6

        # tlbsx hit, miss (victim counter), the RT-slot operand quirk, and tlbsx. leaves CR0
        li      r3, 0
        mtspr   630, r3
        LI32    r4, 0x20000123
        tlbsx   0, r4
        MASDUMP "SXH"
        LI32    r3, 0x00050001          # MAS6: SPID 5, SAS 1
        mtspr   630, r3
        LI32    r3, 0x10030F9F          # MAS4: TLBSELD 1, TIDSELD 3, TSIZED 31, WIMGE
        mtspr   628, r3
        LI32    r4, 0x30000000
        tlbsx   0, r4
        MASDUMP "SXM1"
        tlbsx   0, r4
        MASDUMP "SXM2"
        li      r3, 0
        mtspr   630, r3
        mtspr   628, r3
        li      r0, 0
        LI32    r4, 0x20000000
        li      r5, 0x7000
        tlbsx   r5, r4                  # QEMU: (r0 + r4), the RT field, not r5
        MASDUMP "SXRT"
        LI32    r3, 0x12345678
        mtcr    r3
        LI32    r4, 0x30000000
        tlbsx.  0, r4
        mfcr    r3
        REPORT  "SXCR", r3

        # DTLB error: load, then store; MAS4 defaults
        LI32    r3, 0x00010A8A          # MAS4: TLBSELD 0, TIDSELD 1, TSIZED 21, WIMGE 0xA
        mtspr   628, r3
        li      r3, 7
        mtspr   48, r3
        li      r3, 9
        mtspr   633, r3
        EXPECT
        LI32    r4, 0x30000010
        lwz     r6, 0(r4)
9:      EXPECT
        LI32    r4, 0x30001020
        stw     r6, 0(r4)
9:      li      r3, 0
        mtspr   48, r3
        mtspr   633, r3
        mtspr   628, r3

        # DSI: read-only page (SR), store; then user state read of a supervisor page
        WRTLB   0x00000000, 0x80000000, 0x20001000, DATA1 | 0x01, 0
        EXPECT
        LI32    r4, 0x20001000
        lwz     r6, 4(r4)
        REPORT  "ro-read", r6
        stw     r6, 8(r4)
9:      EXPECT
        LADDR      r3, user1
        mtsrr0  r3
        mfmsr   r3
        ori     r3, r3, 0x4000          # PR
        mtsrr1  r3
        rfi
user1:  LI32    r4, 0x20001000
        lwz     r6, 0(r4)
        b       .
9:      EXPECT
        LADDR      r3, user2
        mtsrr0  r3
        mfmsr   r3
        ori     r3, r3, 0x4000
        mtsrr1  r3
        rfi
user2:  tlbwe
        b       .
9:
        # ITLB error, then ISI (page without SX), then execution through a mapping and a remap
        LI32    r3, 0x00000000
        mtspr   628, r3
        EXPECT
        LI32    r3, 0x40000100
        mtctr   r3
        bctr
9:      WRTLB   0x00000000, 0x80000000, 0x50000000, SNIP1 | 0x05, 0
        EXPECT
        LI32    r3, 0x50000000
        mtctr   r3
        bctr
9:      WRTLB   0x00000000, 0x80000000, 0x60000000, SNIP1 | 0x15, 0
        LI32    r3, 0x60000000
        mtctr   r3
        bctrl
        REPORT  "snip-a", r3
        LI32    r3, 0x60000000
        mtctr   r3
        bctrl
        REPORT  "snip-a2", r3
        WRTLB   0x00000000, 0x80000000, 0x60000000, SNIP2 | 0x15, 0
        LI32    r3, 0x60000000
        mtctr   r3
        bctrl
        REPORT  "snip-b", r3

        # TLB1: 16 KiB page (TSIZE 4), RPN bits below the size are ignored by translation
        WRTLB   0x10050000, 0x80000200, 0x70002ABC, DATA0 | 0x1005, 0
        RDTLB   0x10050000, 0, "T1E5"
        LI32    r4, DATA0 + 0x2344
        LI32    r5, 0xCAFEF00D
        stw     r5, 0(r4)
        LI32    r4, 0x70002344
        lwz     r6, 0(r4)
        REPORT  "16k", r6

        # page-crossing access over two non-contiguous pages
        WRTLB   0x00000000, 0x80000000, 0x24000000, DATA2 | 0x05, 0
        WRTLB   0x00000000, 0x80000000, 0x24001000, DATA0 | 0x05, 0
        LI32    r4, DATA2 + 0xFFC
        LI32    r5, 0xA1A2A3A4
        stw     r5, 0(r4)
        LI32    r4, DATA0
        LI32    r5, 0xB1B2B3B4
        stw     r5, 0(r4)
        LI32    r4, 0x24000FFE
        lwz     r6, 0(r4)
        REPORT  "cross", r6
        LI32    r5, 0x01020304
        stw     r5, 0(r4)
        LI32    r4, DATA0
        lwz     r6, 0(r4)
        REPORT  "cross-w", r6

        # bad tlbwe: TLBSEL 2, TLB1 with 1 KiB and odd sizes, V=0 with a bad size is fine
        EXPECT
        SETMAS  0x20000000, 0x80000000, 0, 0, 0
        tlbwe
9:      EXPECT
        SETMAS  0x10060000, 0x80000000, 0x71000000, 0x3F, 0
        tlbwe
9:      EXPECT
        SETMAS  0x10060000, 0x80000180, 0x71000000, 0x3F, 0
        tlbwe
9:      WRTLB   0x10060000, 0x00000180, 0x71000000, 0x3F, 0
        RDTLB   0x10060000, 0, "T1E6"
        RDTLB   0x20000000, 0, "T2"
        # WQ=2 does nothing
        WRTLB   0x10062000, 0x80000100, 0x72000000, 0x3F, 0
        RDTLB   0x10060000, 0, "WQ"

        # PID / TID matching; PID1; address space (DS)
        WRTLB   0x00000000, 0x80050000, 0x25000000, DATA1 | 0x05, 0
        li      r3, 5
        mtspr   48, r3
        LI32    r4, 0x25000000
        lwz     r6, 4(r4)
        REPORT  "pid5", r6
        li      r3, 6
        mtspr   48, r3
        EXPECT
        lwz     r6, 4(r4)
9:      li      r3, 5
        mtspr   633, r3
        lwz     r6, 4(r4)
        REPORT  "pid1", r6
        li      r3, 0
        mtspr   48, r3
        mtspr   633, r3
        WRTLB   0x00000000, 0x80001000, 0x26000000, DATA1 | 0x05, 0
        mfmsr   r3
        ori     r3, r3, 0x10            # DS: no data access but this one until DS is 0 again
        mtmsr   r3
        LI32    r4, 0x26000000
        lwz     r6, 4(r4)
        li      r3, 0
        mtmsr   r3
        REPORT  "as1", r6
        EXPECT
        lwz     r6, 4(r4)               # DTLB error with TS 0
9:
        # tlbivax: one TLB0 entry; whole TLB0; TLB1 except IPROT
        LI32    r4, 0x20000000
        tlbivax 0, r4
        RDTLB   0x00010000, 0x20000000, "IVX"
        EXPECT
        lwz     r6, 0(r4)
9:      LI32    r4, 0x70000008
        tlbivax 0, r4
        RDTLB   0x10050000, 0, "IVX1"
        li      r4, 0x4
        tlbivax 0, r4
        RDTLB   0x00000000, 0x25000000, "IVX0A"
        tlbsync
        WRTLB   0x10070000, 0x80000100, 0x73000000, 0x3F, 0
        li      r4, 0xC
        tlbivax 0, r4
        RDTLB   0x10070000, 0, "IVX1A"
        RDTLB   0x10000000, 0, "KEEP0"

        # tlbilx T=1 (SPID), T=3 (EA, TID 0 too), T=0, T=2 (illegal); MMUCSR0
        WRTLB   0x00000000, 0x80030000, 0x27000000, DATA1 | 0x05, 0
        WRTLB   0x00010000, 0x80040000, 0x27000000, DATA1 | 0x05, 0
        WRTLB   0x10080000, 0x80030100, 0x28000000, DATA1 | 0x05, 0
        LI32    r3, 0x00030000
        mtspr   630, r3
        tlbilx  1, 0, r4
        RDTLB   0x00000000, 0x27000000, "ILX1A"
        RDTLB   0x00010000, 0x27000000, "ILX1B"
        RDTLB   0x10080000, 0, "ILX1C"
        WRTLB   0x00020000, 0x80000000, 0x27000000, DATA1 | 0x05, 0
        WRTLB   0x10080000, 0x80001100, 0x28000000, DATA1 | 0x05, 0
        LI32    r3, 0x00040000
        mtspr   630, r3
        LI32    r4, 0x27000000
        tlbilx  3, 0, r4
        RDTLB   0x00010000, 0x27000000, "ILX3A"
        RDTLB   0x00020000, 0x27000000, "ILX3B"
        LI32    r4, 0x28000000
        tlbilx  3, 0, r4
        RDTLB   0x10080000, 0, "ILX3C"
        WRTLB   0x00030000, 0x80000000, 0x27000000, DATA1 | 0x05, 0
        tlbilx  0, 0, r4
        RDTLB   0x00030000, 0x27000000, "ILX0"
        EXPECT
        .long   0x7c402024              # tlbilx with T=2
9:      WRTLB   0x00000000, 0x80000000, 0x29000000, DATA1 | 0x05, 0
        WRTLB   0x10090000, 0x80000100, 0x2A000000, DATA1 | 0x05, 0
        li      r3, 0x4
        mtspr   1012, r3
        RDTLB   0x00000000, 0x29000000, "CSR0"
        RDTLB   0x10090000, 0, "CSR1"
        li      r3, 0x2
        mtspr   1012, r3
        RDTLB   0x10090000, 0, "CSR1B"
        RDTLB   0x10010000, 0, "KEEP1"

        # an SPR the core does not have: supervisor no-op (rD unchanged), SPR 0 illegal, user PPR
        li      r6, 0x55
        mfspr   r6, 1000
        mtspr   1000, r6
        REPORT  "spr1000", r6
        EXPECT
        mfspr   r6, 0
9:      EXPECT
        LADDR   r3, user3
        mtsrr0  r3
        mfmsr   r3
        ori     r3, r3, 0x4000
        mtsrr1  r3
        rfi
user3:  mfspr   r6, 1000
        b       .
9:
        # cache operations go through the MMU: dcbst/dcbf load, icbi loads the line, dcbz stores
        EXPECT
        LI32    r4, 0x31000020
        dcbst   0, r4
9:      EXPECT
        LI32    r4, 0x31000044
        icbi    0, r4
9:      EXPECT
        LI32    r4, 0x20001000
        dcbz    0, r4                   # read-only page: DSI
9:
        .ifdef WIDE
        # MAS7_MAS3 alias
        li      r3, 0x12
        mtspr   944, r3
        LI32    r3, 0x3456703F
        mtspr   627, r3
        RSPR    "M73", 372
        LI32    r3, 0x000000AB
        sldi    r3, r3, 32
        oris    r3, r3, 0xCDEF
        ori     r3, r3, 0x1015
        mtspr   372, r3
        RSPR    "M7", 944
        RSPR    "M3", 627
        # 64-bit mode: EPCR[ICM] so interrupts stay 64-bit
        LI32    r3, 0x02000000
        mtspr   307, r3
        mfmsr   r3
        oris    r3, r3, 0x8000
        mtmsr   r3
        isync
        li      r3, 1
        sldi    r3, r3, 32
        oris    r3, r3, 0x7000
        mtspr   626, r3                 # MAS2 = 0x1_7000_0000
        LI32    r3, 0x10040000
        mtspr   624, r3
        LI32    r3, 0x80000100
        mtspr   625, r3
        LI32    r3, DATA1 | 0x05
        mtspr   627, r3
        li      r3, 0
        mtspr   944, r3
        tlbwe
        isync
        RDTLB   0x10040000, 0, "W64"
        li      r4, 1
        sldi    r4, r4, 32
        oris    r4, r4, 0x7000
        lwz     r6, 4(r4)
        REPORT  "ea64", r6
        li      r3, 0
        mtspr   630, r3
        tlbsx   0, r4
        MASDUMP "SX64"
        EXPECT
        li      r4, 2
        sldi    r4, r4, 32
        oris    r4, r4, 0x8000
        lwz     r6, 0x10(r4)
9:      mfmsr   r3
        clrldi  r3, r3, 32
        rlwinm  r3, r3, 0, 1, 31
        mtmsr   r3
        isync
        li      r3, 0
        mtspr   307, r3
        EXPECT
        LI32    r4, 0x70000000
        lwz     r6, 4(r4)               # 32-bit: EPN 0x1_7000_0000 does not match
9:      li      r4, 1
        sldi    r4, r4, 32
        oris    r4, r4, 0x7000
        tlbsx   0, r4
        MASDUMP "SX32"
        .endif

        bl      1f
        .asciz  "END\n"
        .balign 4
1:      mflr    r3
        bl      puts
        b       .

        .org    SNIP1 - BASE
        li      r3, 0x1234
        blr
        .org    SNIP2 - BASE
        li      r3, 0x5678
        blr
        .org    SNIP2 - BASE + 0x1000
