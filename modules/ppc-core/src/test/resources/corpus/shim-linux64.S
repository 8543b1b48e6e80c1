/* Linux shim (qemu-ppc64, ELFv1: entry and sys_out are function descriptors). */
    .section .opd,"aw"
    .align 3
    .globl _start
_start: .quad .L._start,.TOC.@tocbase,0
    .globl sys_out
sys_out: .quad .L.sys_out,.TOC.@tocbase,0
    .text
.L._start:
    clrrdi  r1,r1,4
    li      r0,0
    stdu    r0,-128(r1)
    bl      corpus_main
    nop
    li      r0,1            /* exit(r3) */
    sc
.L.sys_out:                 /* write(1, p, n) */
    mr      r5,r4
    mr      r4,r3
    li      r3,1
    li      r0,4
    sc
    blr
