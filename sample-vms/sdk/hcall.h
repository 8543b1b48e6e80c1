/*
 * hcall.h - ePAPR hypercalls for epapr-lab guests.
 *
 * ABI (ePAPR 1.1 ch. 7, epapr-lab architecture "ABI decisions"):
 *   instruction  sc 1 (word 0x44000022, /hypervisor/hcall-instructions)
 *   r11          token = (vendor << 16) | number
 *   r3..r10      inputs; on return r3 = status (EV_*), r4..r10 = outputs
 *   clobbered    r0, r3..r12, CTR, XER, CR0, CR1, CR5..CR7 (LR preserved)
 * Registers are unsigned long: 32 bits in 32-bit guests, 64 bits in 64-bit
 * guests (MSR[CM] = 1). Status codes are small, so they are returned as long.
 */
#ifndef EPAPR_LAB_HCALL_H
#define EPAPR_LAB_HCALL_H

#include <stddef.h>
#include <stdint.h>

/* Tokens. */
#define EV_BYTE_CHANNEL_SEND     0x00010001UL
#define EV_BYTE_CHANNEL_RECEIVE  0x00010002UL
#define EV_BYTE_CHANNEL_POLL     0x00010003UL
#define EV_IDLE                  0x00010010UL
#define KVM_HC_FEATURES          0x002A0003UL
#define KVM_HC_VM_RESET          0x002A0020UL   /* epapr-lab: KVM vendor 42, nr 32 */
#define KVM_HC_VM_SHUTDOWN       0x002A0021UL   /* epapr-lab: KVM vendor 42, nr 33 */
#define LAB_HC_TEST_RESULT       0x00000001UL   /* epapr-lab: private vendor 0, nr 1 */

/* Status codes (ePAPR Table 7-4). */
#define EV_SUCCESS               0
#define EV_EPERM                 1
#define EV_ENOENT                2
#define EV_EIO                   3
#define EV_EAGAIN                4
#define EV_ENOMEM                5
#define EV_EFAULT                6
#define EV_ENODEV                7
#define EV_EINVAL                8
#define EV_INTERNAL              9
#define EV_CONFIG                10
#define EV_INVALID_STATE         11
#define EV_UNIMPLEMENTED         12
#define EV_BUFFER_OVERFLOW       13

#define EV_BYTE_CHANNEL_MAX_BYTES 16

/* The hypercall instruction word, "sc 1". */
#define EPAPR_HCALL_INSN         0x44000022

/* r3..r10: in[0..7] on entry; on return r[0] = status, r[1..7] = r4..r10. */
struct hcall_regs {
    unsigned long r[8];
};

/* Issue hypercall `token` with all eight argument registers; returns r3. */
static inline long hcall(unsigned long token, struct hcall_regs *a)
{
    register unsigned long r3 __asm__("r3") = a->r[0];
    register unsigned long r4 __asm__("r4") = a->r[1];
    register unsigned long r5 __asm__("r5") = a->r[2];
    register unsigned long r6 __asm__("r6") = a->r[3];
    register unsigned long r7 __asm__("r7") = a->r[4];
    register unsigned long r8 __asm__("r8") = a->r[5];
    register unsigned long r9 __asm__("r9") = a->r[6];
    register unsigned long r10 __asm__("r10") = a->r[7];
    register unsigned long r11 __asm__("r11") = token;

    __asm__ __volatile__(".long 0x44000022    # sc 1 (ePAPR hcall)"
        : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7),
          "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r11)
        :
        : "r0", "r12", "ctr", "xer", "cr0", "cr1", "cr5", "cr6", "cr7",
          "memory");

    a->r[0] = r3; a->r[1] = r4; a->r[2] = r5; a->r[3] = r6;
    a->r[4] = r7; a->r[5] = r8; a->r[6] = r9; a->r[7] = r10;
    return (long)r3;
}

/* Hypercall with up to two inputs and no outputs of interest; returns r3. */
static inline long hcall2(unsigned long token, unsigned long in3, unsigned long in4)
{
    struct hcall_regs a = { { in3, in4, 0, 0, 0, 0, 0, 0 } };
    return hcall(token, &a);
}

/*
 * EV_BYTE_CHANNEL_SEND: send up to 16 bytes. Returns the status; *sent (if
 * not NULL) receives r4, the number of bytes the host accepted. EV_EAGAIN
 * (with *sent = 0) means the channel is full: try again.
 */
long ev_byte_channel_send(uint32_t handle, const char *buf, size_t count,
                          size_t *sent);

/* EV_BYTE_CHANNEL_RECEIVE: up to 16 bytes into buf; *received = r4. */
long ev_byte_channel_receive(uint32_t handle, char *buf, size_t max,
                             size_t *received);

/* EV_BYTE_CHANNEL_POLL: *rx = bytes waiting, *tx = free space (may be NULL). */
long ev_byte_channel_poll(uint32_t handle, unsigned long *rx, unsigned long *tx);

/* EV_IDLE: wait for an interrupt (our guests enable none: returns or blocks). */
long ev_idle(void);

/* KVM_HC_FEATURES: *features = r4 (epapr-lab answers 0). */
long kvm_hc_features(unsigned long *features);

#endif
