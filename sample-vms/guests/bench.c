/*
 * bench.c - the bare-metal shim of the coremix benchmark (bench/coremix.h):
 * runs the kernel for the number of iterations given as "iterations=N" in
 * /chosen/bootargs (default COREMIX_DEFAULT_ITERATIONS) and prints
 *   coremix: iterations=<n> chain=0x<crc> ok
 * then shuts the VM down. When an iteration does not give COREMIX_EXPECTED
 * it prints FAILED instead of ok and executes a trap, so the VM ends as
 * failed (no IVOR is installed) rather than shut down.
 */
#include "sdk.h"
#include "coremix.h"

static struct coremix_work work;

/* "iterations=N" anywhere in bootargs; digits only; else the default. */
static uint32_t iterations_from(const char *args)
{
    static const char key[] = "iterations=";
    for (const char *p = args; p && *p; p++) {
        size_t k = 0;
        while (key[k] && p[k] == key[k])
            k++;
        if (key[k] == 0 && p[k] >= '0' && p[k] <= '9') {
            uint32_t n = 0;
            for (p += k; *p >= '0' && *p <= '9'; p++)
                n = n * 10 + (uint32_t)(*p - '0');
            return n;
        }
    }
    return COREMIX_DEFAULT_ITERATIONS;
}

int main(const void *fdt)
{
    uint32_t iterations = iterations_from(fdt_path_string(fdt, "/chosen", "bootargs"));
    uint32_t bad;
    uint32_t chain = coremix_run(&work, iterations, &bad);

    printf("coremix: iterations=%u chain=0x%04x %s\n", (unsigned)iterations, (unsigned)chain,
           bad ? "FAILED" : "ok");
    if (bad)
        __builtin_trap();
    return 0;
}
