/*
 * snapshot.c - boot once, start many: the snapshot hypercall.
 *
 * 1. Setup, the work a lab wants done once: fills a 16 KiB table with a
 *    pseudo-random sequence (about a million instructions) and prints
 *      setup done: checksum <hex>
 * 2. Calls epaprlab_snapshot() (EPAPRLAB_HC_SNAPSHOT, sdk/snapshot.h) and
 *    prints what it returned:
 *      snapshot taken: this VM goes on        (r4 = 0, the VM that took it)
 *      snapshot restored: started from it     (r4 = 1, a VM started from it)
 *      snapshot unavailable: status <n>       (the lab takes none: r3 = n)
 * 3. Counts its starts after the call in a variable in RAM and prints
 *      starts since the snapshot: <n>
 *    which is 1 in every VM: a VM started from the snapshot gets the RAM of
 *    the moment of the call, not of the VM that ran on.
 * 4. Checks the table against the setup's checksum, prints
 *      table intact: yes|no
 *    and reports the test result (0 = pass: table intact, one start).
 */
#include "sdk.h"

#define WORDS 4096

static uint32_t table[WORDS];
static volatile uint32_t starts;

static uint32_t checksum(void)
{
    uint32_t sum = 0;

    for (int i = 0; i < WORDS; i++)
        sum = (sum << 5 | sum >> 27) ^ table[i];
    return sum;
}

int main(const void *fdt)
{
    uint32_t x = 12345;
    uint32_t before;
    int r, intact;

    (void)fdt;
    for (int round = 0; round < 16; round++) {
        for (int i = 0; i < WORDS; i++) {
            x = x * 1103515245u + 12345u;
            table[i] ^= x >> 7;
        }
    }
    before = checksum();
    printf("setup done: checksum %08x\n", (unsigned)before);

    r = epaprlab_snapshot();
    if (r == 0)
        printf("snapshot taken: this VM goes on\n");
    else if (r == 1)
        printf("snapshot restored: started from it\n");
    else
        printf("snapshot unavailable: status %d\n", -r);

    starts = starts + 1;
    printf("starts since the snapshot: %u\n", (unsigned)starts);
    intact = checksum() == before;
    printf("table intact: %s\n", intact ? "yes" : "no");
    lab_report_result(intact && starts == 1 ? 0 : 1);
    return 0;
}
