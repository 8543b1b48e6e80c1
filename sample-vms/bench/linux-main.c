/*
 * linux-main.c - the Linux user-mode shim of the coremix benchmark, for
 * qemu-ppc -cpu e500mc / qemu-ppc64 -cpu e5500 (static, built by
 * `make -C sample-vms bench-linux`). Usage: coremix-<cpu> [ITERATIONS]
 * Prints the same line as the bare-metal guest (guests/bench.c); exit status
 * 0 when every iteration gave COREMIX_EXPECTED, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include "coremix.h"

static struct coremix_work work;

int main(int argc, char **argv)
{
    uint32_t iterations = argc > 1 ? (uint32_t)strtoul(argv[1], 0, 10) : COREMIX_DEFAULT_ITERATIONS;
    uint32_t bad;
    uint32_t chain = coremix_run(&work, iterations, &bad);
    printf("coremix: iterations=%u chain=0x%04x %s\n", (unsigned)iterations, (unsigned)chain,
           bad ? "FAILED" : "ok");
    return bad ? 1 : 0;
}
