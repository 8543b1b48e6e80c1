/*
 * host-main.c - runs the coremix kernel natively (the reference for
 * COREMIX_EXPECTED): make -C sample-vms bench-host
 */
#include <stdio.h>
#include "coremix.h"

static struct coremix_work work;

int main(void)
{
    printf("coremix: result=0x%04x (COREMIX_EXPECTED is 0x%04x)\n",
           (unsigned)coremix_iteration(&work, COREMIX_SEED), (unsigned)COREMIX_EXPECTED);
    return coremix_iteration(&work, COREMIX_SEED) == COREMIX_EXPECTED ? 0 : 1;
}
