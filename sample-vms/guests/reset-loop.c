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
 *
 * /chosen/bootargs may change this: "max-boots=<n>" shuts down on boot n
 * instead of 3, and "quiet" prints only the last boot's line (for reset
 * benchmarks).
 */
#include "sdk.h"

/* The decimal value after "key=" in args, or dflt. */
static uint32_t arg_u32(const char *args, const char *key, uint32_t dflt)
{
    for (const char *p = args; *p; p++) {
        const char *a = p, *k = key;

        while (*k && *a == *k) {
            a++;
            k++;
        }
        if (*k == '\0' && *a == '=' && (p == args || p[-1] == ' ')) {
            uint32_t v = 0;

            for (a++; *a >= '0' && *a <= '9'; a++)
                v = v * 10 + (uint32_t)(*a - '0');
            return v;
        }
    }
    return dflt;
}

static int has_word(const char *args, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = args; *p; p++) {
        if ((p == args || p[-1] == ' ') && strncmp(p, word, n) == 0 && (p[n] == '\0' || p[n] == ' '))
            return 1;
    }
    return 0;
}

int main(const void *fdt)
{
    uint32_t boot = fdt_path_u32(fdt, "/chosen", "epapr-lab,boot-count", 0);
    const char *reason = fdt_path_string(fdt, "/chosen", "epapr-lab,reset-reason");
    const char *args = fdt_path_string(fdt, "/chosen", "bootargs");
    uint32_t max_boots;
    long status;

    if (!args)
        args = "";
    max_boots = arg_u32(args, "max-boots", 3);
    if (!has_word(args, "quiet") || boot >= max_boots)
        printf("boot %u reason %s\n", (unsigned)boot, reason ? reason : "unknown");

    if (boot < max_boots) {
        status = vm_reset();
        printf("reset refused: status %ld\n", status);
    } else {
        status = vm_shutdown();
        printf("shutdown refused: status %ld\n", status);
    }
    vm_idle_forever();
}
