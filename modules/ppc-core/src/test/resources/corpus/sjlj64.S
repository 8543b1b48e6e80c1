/* Tiny setjmp/longjmp for freestanding use, ELFv1 (LR, r1, r2, CR, r14..r31). */
    .section .opd,"aw"
    .align 3
    .globl my_setjmp
my_setjmp: .quad .L.my_setjmp,.TOC.@tocbase,0
    .globl my_longjmp
my_longjmp: .quad .L.my_longjmp,.TOC.@tocbase,0
    .text
.L.my_setjmp:
    mflr    r0
    std     r0,0(r3)
    std     r1,8(r3)
    std     r2,16(r3)
    mfcr    r0
    stw     r0,168(r3)
    std     r14,24(r3)
    std     r15,32(r3)
    std     r16,40(r3)
    std     r17,48(r3)
    std     r18,56(r3)
    std     r19,64(r3)
    std     r20,72(r3)
    std     r21,80(r3)
    std     r22,88(r3)
    std     r23,96(r3)
    std     r24,104(r3)
    std     r25,112(r3)
    std     r26,120(r3)
    std     r27,128(r3)
    std     r28,136(r3)
    std     r29,144(r3)
    std     r30,152(r3)
    std     r31,160(r3)
    li      r3,0
    blr
.L.my_longjmp:
    ld      r0,0(r3)
    mtlr    r0
    ld      r1,8(r3)
    ld      r2,16(r3)
    lwz     r0,168(r3)
    mtcrf   0xff,r0
    ld      r14,24(r3)
    ld      r15,32(r3)
    ld      r16,40(r3)
    ld      r17,48(r3)
    ld      r18,56(r3)
    ld      r19,64(r3)
    ld      r20,72(r3)
    ld      r21,80(r3)
    ld      r22,88(r3)
    ld      r23,96(r3)
    ld      r24,104(r3)
    ld      r25,112(r3)
    ld      r26,120(r3)
    ld      r27,128(r3)
    ld      r28,136(r3)
    ld      r29,144(r3)
    ld      r30,152(r3)
    ld      r31,160(r3)
    mr.     r3,r4
    bnelr
    li      r3,1            /* longjmp(b, 0) returns 1 */
    blr
