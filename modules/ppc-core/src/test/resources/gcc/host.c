#include <stdio.h>
#include <stdint.h>
uint32_t workload(uint32_t seed);
int main(void) { printf("0x%08x 0x%08x\n", workload(1), workload(0xC0FFEE)); return 0; }
