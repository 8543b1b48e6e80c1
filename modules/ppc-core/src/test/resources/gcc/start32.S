/* Entry for the e500mc image: r3 = seed from the host; returns the checksum in r3 via sc 1. */
    .section .text.start,"ax"
    .globl _start
_start:
    lis     r1,0x8              /* stack top 0x80000 */
    li      r0,0
    stwu    r0,-16(r1)
    bl      workload
    sc      1
    b       .
