/*
 * reset-loop.c - exercises KVM_HC_VM_RESET and the reboot information in
 * /chosen.
 *
 * Every boot prints
 *   boot <n> reason <reset-reason>
 * from /chosen/epapr-lab,boot-count (u32, 1 on the first boot; 0 if absent)
 * and /chosen/epapr-lab,reset-reason (e.g. power-on, guest-reset; "unknown"
 * if absent). Boots 1 and 2 call KVM_HC_VM_RESET, boot 3 (and later) calls
 * KVM_HC_VM_SHUTDOWN. Expected console over one run:
 *   boot 1 reason power-on
 *   boot 2 reason guest-reset
 *   boot 3 reason guest-reset
 * If the host refuses a call it prints "reset refused: status <n>" or
 * "shutdown refused: status <n>" and idles forever on EV_IDLE (the host's
 * timeout ends the VM).
 */
#include "sdk.h"

int main(const void *fdt)
{
    uint32_t boot = fdt_path_u32(fdt, "/chosen", "epapr-lab,boot-count", 0);
    const char *reason = fdt_path_string(fdt, "/chosen", "epapr-lab,reset-reason");
    long status;

    printf("boot %u reason %s\n", (unsigned)boot, reason ? reason : "unknown");

    if (boot < 3) {
        status = vm_reset();
        printf("reset refused: status %ld\n", status);
    } else {
        status = vm_shutdown();
        printf("shutdown refused: status %ld\n", status);
    }
    vm_idle_forever();
}
