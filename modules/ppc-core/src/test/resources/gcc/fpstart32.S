/* Entry for the hard-float e500mc image: MSR[FP] on, r3 = seed; checksum in r3 via sc 1. */
    .section .text.start,"ax"
    .globl _start
_start:
    li      r0,0x2000
    mtmsr   r0                  /* MSR[FP] = 1 */
    isync
    lis     r1,0x8              /* stack top 0x80000 */
    li      r0,0
    stwu    r0,-16(r1)
    bl      fpwork
    sc      1
    b       .
