/*
 * smp.c - releasing secondary vCPUs from the ePAPR spin table.
 */
#include "sdk.h"

extern char _secondary_start[];     /* crt0: a code label, not a descriptor */

int smp_cpu_count(const void *fdt)
{
    char path[16] = "/cpus/cpu@";
    int n = 1;

    while (n < SDK_MAX_CPUS) {
        /* cpu@<n> with n in hex, as the host names the nodes */
        unsigned v = (unsigned)n, len = 10;
        char digits[8];
        int d = 0;

        do {
            digits[d++] = "0123456789abcdef"[v & 15];
            v >>= 4;
        } while (v);
        while (d)
            path[len++] = digits[--d];
        path[len] = '\0';
        if (fdt_path_offset(fdt, path) < 0)
            break;
        n++;
    }
    return n;
}

int smp_release(const void *fdt, unsigned cpu)
{
    char path[16] = "/cpus/cpu@";
    const unsigned char *prop;
    volatile uint32_t *entry;
    unsigned long addr;
    int len = 0;

    if (cpu == 0 || cpu >= SDK_MAX_CPUS)
        return -1;
    path[10] = "0123456789abcdef"[cpu & 15];
    path[11] = '\0';
    prop = fdt_path_getprop(fdt, path, "cpu-release-addr", &len);
    if (!prop || len != 8)
        return -1;
    addr = (unsigned long)fdt_be32(prop + 4);       /* below 4 GiB in these guests */
    entry = (volatile uint32_t *)addr;

    entry[5] = cpu;                                 /* pir   @20 */
    entry[2] = 0;                                   /* r3 hi @8  */
    entry[3] = cpu;                                 /* r3 lo @12 */
    entry[0] = 0;                                   /* entry_addr hi @0 */
    smp_mb();
    entry[1] = (uint32_t)(unsigned long)_secondary_start;  /* lo @4, last */
    smp_mb();
    return 0;
}

__attribute__((weak)) void secondary_main(unsigned cpu)
{
    (void)cpu;
    vm_idle_forever();
}
