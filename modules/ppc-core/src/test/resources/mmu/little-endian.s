# Bare-metal probe of a little-endian page (MAS2[E]=1) for qemu-system-ppc(64) -M ppce500 and
# epapr-lab's BOOK_E engine (LittleEndianPageQemuTest). Linked at 0x100000, entered in supervisor
# state with QEMU's boot TLB1[0] (EA 0..64 MiB -> PA 0). Maps one data page twice (big-endian by
# the boot entry, E=1 by TLB1[2]) and a code page with E=1, then prints "tag value" lines: loads,
# a byte-reversed load and stores through the E=1 mapping, MAS2 read back by tlbre, and a value
# set by code fetched from the E=1 page.

        .macro LI32 r, v
        lis     \r, ((\v) >> 16) & 0xFFFF
        ori     \r, \r, (\v) & 0xFFFF
        .endm
        .macro TLB m0, m1, m2, m3
        LI32    r3, \m0
        mtspr   624, r3
        LI32    r3, \m1
        mtspr   625, r3
        LI32    r3, \m2
        mtspr   626, r3
        LI32    r3, \m3
        mtspr   627, r3
        li      r3, 0
        mtspr   944, r3
        tlbwe
        isync
        .endm
        .macro SHOW tag, reg
        li      r22, \tag
        mr      r15, \reg
        bl      line
        .endm

        .text
        .globl  _start
_start:
        b       main
        .org    0x100
# r22 tag (one character), r15 value
line:
        mflr    r23
        stb     r22, 0(r20)
        li      r5, ' '
        stb     r5, 0(r20)
        li      r6, 8
        mtctr   r6
1:      rotlwi  r15, r15, 4
        andi.   r5, r15, 0xF
        cmpwi   r5, 10
        blt     2f
        addi    r5, r5, 'a' - '0' - 10
2:      addi    r5, r5, '0'
        stb     r5, 0(r20)
        bdnz    1b
        li      r5, '\n'
        stb     r5, 0(r20)
        mtlr    r23
        blr

main:
        # UART: TLB1[1], EA 0xE0000000 -> PA 0xF_E000_0000, 1 MiB, I|G, SR|SW
        LI32    r3, 0x10010000
        mtspr   624, r3
        LI32    r3, 0x80000500
        mtspr   625, r3
        LI32    r3, 0xE000000A
        mtspr   626, r3
        LI32    r3, 0xE0000005
        mtspr   627, r3
        li      r3, 0xF
        mtspr   944, r3
        tlbwe
        isync
        LI32    r20, 0xE0004500
        # TLB1[2]: EA 0x20000000 -> PA 0x200000 (4 KiB), E=1, SR SW SX
        TLB     0x10020000, 0x80000100, 0x20000001, 0x00200015
        LI32    r4, 0x200000            # the same page, big-endian (boot mapping)
        LI32    r7, 0x20000000          # through the little-endian entry
        LI32    r5, 0x11223344
        stw     r5, 0x10(r4)
        lwz     r6, 0x10(r7)
        SHOW    'a', r6                 # word loaded through E=1
        lhz     r6, 0x10(r7)
        SHOW    'b', r6                 # halfword
        lbz     r6, 0x11(r7)
        SHOW    'c', r6                 # byte
        addi    r8, r7, 0x10
        lwbrx   r6, 0, r8
        SHOW    'd', r6                 # byte-reversed load through E=1
        LI32    r5, 0xAABBCCDD
        stw     r5, 0x20(r7)            # store through E=1
        lwz     r6, 0x20(r4)
        SHOW    'e', r6                 # as seen big-endian
        lbz     r6, 0x20(r4)
        SHOW    'f', r6
        li      r5, 0x1234
        sth     r5, 0x30(r7)
        lwz     r6, 0x30(r4)
        SHOW    'g', r6
        # tlbre of the entry: MAS2 keeps E
        LI32    r3, 0x10020000
        mtspr   624, r3
        tlbre
        mfspr   r6, 626
        SHOW    'h', r6
        # execute from a little-endian page: copy "li r15,0x77; blr" to 0x201000 and map EA 0x20001000 there with E=1
        TLB     0x10030000, 0x80000100, 0x20001001, 0x00201015
        LI32    r4, 0x201000
        LI32    r5, 0x39E00077          # li r15, 0x77
        stw     r5, 0(r4)
        LI32    r5, 0x4E800020          # blr
        stw     r5, 4(r4)
        dcbst   0, r4
        sync
        icbi    0, r4
        isync
        li      r15, 0
        LI32    r9, 0x20001000
        mtctr   r9
        bctrl
        SHOW    'i', r15
        li      r22, 'E'
        stb     r22, 0(r20)
        li      r22, 'N'
        stb     r22, 0(r20)
        li      r22, 'D'
        stb     r22, 0(r20)
        li      r22, '\n'
        stb     r22, 0(r20)
3:      b       3b
