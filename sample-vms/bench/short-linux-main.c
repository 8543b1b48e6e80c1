/*
 * short-linux-main.c - the Linux user-mode shim of the short-guest suite for
 * qemu-ppc / qemu-ppc64 (make -C sample-vms short-linux). Usage: short-<cpu> NAME
 * Prints the same line as the bare-metal guest (guests/short.c); exit status
 * 0 when the kernel gave its expected checksum.
 */
#include <stdio.h>
#include "shortmix.h"

int main(int argc, char **argv)
{
    const struct short_kernel *k = argc > 1 ? short_find(argv[1]) : 0;
    if (!k) {
        fprintf(stderr, "usage: %s KERNEL\n", argv[0]);
        return 2;
    }
    uint32_t r = k->run();
    printf("short: %s result=0x%08x %s\n", k->name, (unsigned)r, r == k->expected ? "ok" : "FAILED");
    return r == k->expected ? 0 : 1;
}
