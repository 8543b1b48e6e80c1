/*
 * short.c - the bare-metal shim of the short-guest suite (bench/shortmix.h):
 * runs the kernel named by "kernel=NAME" in /chosen/bootargs, prints
 *   short: <name> result=0x<checksum> ok
 * and shuts down; a wrong checksum prints FAILED and traps (no IVOR is
 * installed, so the VM fails). Enables the FPU first (MSR[FP]).
 */
#include "sdk.h"
#include "shortmix.h"

static const char *kernel_arg(const char *args)
{
    static const char key[] = "kernel=";
    for (const char *p = args; p && *p; p++) {
        size_t k = 0;
        while (key[k] && p[k] == key[k])
            k++;
        if (key[k] == 0)
            return p + k;
    }
    return "";
}

int main(const void *fdt)
{
    unsigned long msr;
    __asm__ volatile("mfmsr %0" : "=r"(msr));
    __asm__ volatile("mtmsr %0; isync" : : "r"(msr | 0x2000));     /* MSR[FP] */
    const char *name = kernel_arg(fdt_path_string(fdt, "/chosen", "bootargs"));
    const struct short_kernel *k = short_find(name);
    if (!k) {
        printf("short: no kernel named \"%s\"\n", name);
        __builtin_trap();
    }
    uint32_t r = k->run();
    printf("short: %s result=0x%08x %s\n", k->name, (unsigned)r, r == k->expected ? "ok" : "FAILED");
    if (r != k->expected)
        __builtin_trap();
    return 0;
}
