/* Entry for the hard-float e5500 image (ELFv1): 64-bit mode and MSR[FP], call fpwork's descriptor. */
    .section .text.start,"ax"
    .globl _start
_start:
    lis     r0,0x8000
    ori     r0,r0,0x2000
    mtmsr   r0                  /* MSR[CM] = 1, MSR[FP] = 1 */
    isync
    lis     r1,0x8              /* stack top 0x80000 */
    li      r0,0
    stdu    r0,-128(r1)
    lis     r12,fpwork@ha
    addi    r12,r12,fpwork@l
    ld      r0,0(r12)
    ld      r2,8(r12)
    mtctr   r0
    bctrl
    nop
    sc      1
    b       .
