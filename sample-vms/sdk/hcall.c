/*
 * hcall.c - ePAPR byte-channel, idle and feature hypercall wrappers.
 *
 * Byte-channel data packing (ePAPR 1.1 section 7.7): byte i of the buffer is
 * carried in register r(5 + i/4), in the low 32 bits, at bit shift
 * 24 - 8*(i%4) (big-endian order). Bytes beyond the count are sent as zero.
 */
#include "hcall.h"

long ev_byte_channel_send(uint32_t handle, const char *buf, size_t count,
                          size_t *sent)
{
    struct hcall_regs a = { { handle, 0, 0, 0, 0, 0, 0, 0 } };
    size_t i;
    long status;

    if (count > EV_BYTE_CHANNEL_MAX_BYTES)
        count = EV_BYTE_CHANNEL_MAX_BYTES;
    a.r[1] = count;
    for (i = 0; i < count; i++)
        a.r[2 + i / 4] |= (unsigned long)(unsigned char)buf[i]
                          << (24 - 8 * (i % 4));
    status = hcall(EV_BYTE_CHANNEL_SEND, &a);
    if (sent)
        *sent = status == EV_SUCCESS ? (size_t)(a.r[1] & 0xffffffffUL) : 0;
    return status;
}

long ev_byte_channel_receive(uint32_t handle, char *buf, size_t max,
                             size_t *received)
{
    struct hcall_regs a = { { handle, 0, 0, 0, 0, 0, 0, 0 } };
    size_t i, n = 0;
    long status;

    if (max > EV_BYTE_CHANNEL_MAX_BYTES)
        max = EV_BYTE_CHANNEL_MAX_BYTES;
    a.r[1] = max;
    status = hcall(EV_BYTE_CHANNEL_RECEIVE, &a);
    if (status == EV_SUCCESS) {
        n = (size_t)(a.r[1] & 0xffffffffUL);
        if (n > max)
            n = max;
        for (i = 0; i < n; i++)
            buf[i] = (char)(a.r[2 + i / 4] >> (24 - 8 * (i % 4)));
    }
    if (received)
        *received = n;
    return status;
}

long ev_byte_channel_poll(uint32_t handle, unsigned long *rx, unsigned long *tx)
{
    struct hcall_regs a = { { handle, 0, 0, 0, 0, 0, 0, 0 } };
    long status = hcall(EV_BYTE_CHANNEL_POLL, &a);

    if (rx)
        *rx = a.r[1];
    if (tx)
        *tx = a.r[2];
    return status;
}

long ev_idle(void)
{
    return hcall2(EV_IDLE, 0, 0);
}

long kvm_hc_features(unsigned long *features)
{
    struct hcall_regs a = { { 0, 0, 0, 0, 0, 0, 0, 0 } };
    long status = hcall(KVM_HC_FEATURES, &a);

    if (features)
        *features = a.r[1];
    return status;
}
