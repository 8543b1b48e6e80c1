/* Bare-metal shim (engine, ELFv1): the host starts at the entry descriptor's code with r2 =
 * its TOC; stack at 8 MiB; sc 1 hypercalls as in shim-bare32.S. */
    .section .opd,"aw"
    .align 3
    .globl _start
_start: .quad .L._start,.TOC.@tocbase,0
    .globl sys_out
sys_out: .quad .L.sys_out,.TOC.@tocbase,0
    .text
.L._start:
    lis     r1,0x80
    li      r0,0
    stdu    r0,-128(r1)
    bl      corpus_main
    nop
    mr      r4,r3
    li      r3,0
    sc      1
    b       .
.L.sys_out:
    mr      r5,r4
    mr      r4,r3
    li      r3,1
    sc      1
    blr
