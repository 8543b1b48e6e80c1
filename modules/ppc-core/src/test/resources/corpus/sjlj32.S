/* Tiny setjmp/longjmp for freestanding use (integer state only: LR, r1, r2, CR, r14..r31). */
    .text
    .globl my_setjmp
my_setjmp:
    mflr    r0
    stw     r0,0(r3)
    stw     r1,4(r3)
    stw     r2,8(r3)
    mfcr    r0
    stw     r0,12(r3)
    stmw    r14,16(r3)
    li      r3,0
    blr
    .globl my_longjmp
my_longjmp:
    lwz     r0,0(r3)
    mtlr    r0
    lwz     r1,4(r3)
    lwz     r2,8(r3)
    lwz     r0,12(r3)
    mtcrf   0xff,r0
    lmw     r14,16(r3)
    mr.     r3,r4
    bnelr
    li      r3,1            /* longjmp(b, 0) returns 1 */
    blr
