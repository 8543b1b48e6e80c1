/* Runs fpwork under qemu-user (qemu-ppc -cpu e500mc, qemu-ppc64 -cpu e5500) for the reference checksums. */
#include <stdio.h>
#include <stdint.h>
uint32_t fpwork(uint32_t seed);
int main(void) {
    uint32_t a = fpwork(1), b = fpwork(0xC0FFEE);
    printf("0x%08x 0x%08x\n", a, b);
    return 0;
}
