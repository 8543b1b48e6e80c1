/*
 * hello.c - the smallest epapr-lab guest.
 *
 * Prints one line on the console byte channel:
 *   hello from <guest-name> (<32|64>-bit, has-reset=<yes|no>, has-shutdown=<yes|no>)
 * The name and the two flags come from /hypervisor in the device tree the
 * host passed in r3 (guest-name, kvm,has-reset, kvm,has-shutdown); 32|64 is
 * MSR[CM] read at run time. Then it asks for KVM_HC_VM_SHUTDOWN. If the host
 * refuses (the call returns), it prints
 *   shutdown refused: status <n>
 * and idles forever on EV_IDLE, leaving it to the host's timeout to end the
 * VM (it deliberately does not try a reset instead).
 */
#include "sdk.h"

#define MSR_CM 0x80000000UL

static unsigned long read_msr(void)
{
    unsigned long msr;

    __asm__ __volatile__("mfmsr %0" : "=r"(msr));
    return msr;
}

int main(const void *fdt)
{
    const char *name = fdt_path_string(fdt, "/hypervisor", "guest-name");
    int has_reset = fdt_path_hasprop(fdt, "/hypervisor", "kvm,has-reset");
    int has_shutdown = fdt_path_hasprop(fdt, "/hypervisor", "kvm,has-shutdown");
    long status;

    printf("hello from %s (%d-bit, has-reset=%s, has-shutdown=%s)\n",
           name ? name : "?", (read_msr() & MSR_CM) ? 64 : 32,
           has_reset ? "yes" : "no", has_shutdown ? "yes" : "no");

    status = vm_shutdown();
    printf("shutdown refused: status %ld\n", status);
    vm_idle_forever();
}
