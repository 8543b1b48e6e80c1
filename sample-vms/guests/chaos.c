/*
 * chaos.c - one guest, many behaviours, chosen by /chosen/bootargs
 * ("mode=<name>"), for labs that check every way a guest can end:
 *
 *   pass          print, report result 0, shut down
 *   fail          print, report result 3, shut down
 *   crash         print, then execute an illegal instruction (no handler)
 *   crash-until-3 crash on boots 1 and 2, pass on boot 3 (restart policy)
 *   hang          spin forever, printing nothing
 *   idle          idle forever (EV_IDLE), printing nothing
 *   reset-forever ask for a reset on every boot
 *   spam          print 2000 numbered lines, then pass
 *   shutdown      print and shut down without a result
 *   watchdog      arm the watchdog (TCR: WRC = 2, period 2^20 time-base ticks)
 *                 and never service it: its final expiry ends or restarts the VM
 *   doorbell      vCPU 1 waits for an interrupt (EV_IDLE, nothing armed) with a
 *                 doorbell handler installed; vCPU 0 sends it a doorbell (msgsnd)
 *                 and passes once the handler has run: the host must wake it
 *   smp-reset     on boots 1 and 2 every vCPU asks for a reset at once (the
 *                 host must reset once per boot); boot 3 passes
 */
#include "sdk.h"

static int mode_is(const char *args, const char *mode)
{
    const char *p = args;

    while (p && *p) {
        if (p[0] == 'm' && p[1] == 'o' && p[2] == 'd' && p[3] == 'e' && p[4] == '=') {
            const char *a = p + 5, *b = mode;

            while (*b && *a == *b) {
                a++;
                b++;
            }
            if (*b == '\0' && (*a == '\0' || *a == ' '))
                return 1;
        }
        while (*p && *p != ' ')
            p++;
        while (*p == ' ')
            p++;
    }
    return 0;
}

static const char *bootargs = "";

/* doorbell mode: set by the IVOR36 handler below, read by vCPU 0 */
volatile uint32_t doorbell_seen;
volatile uint32_t secondary_waiting;

/* The doorbell vector: count the doorbell and return to the interrupted EV_IDLE loop.
 * IVOR offsets are 16 bits below IVPR, so the vector sits in .text near the image base. */
__asm__(".section .text\n"
        ".balign 16\n"
        "doorbell_vector:\n"
        "  mtsprg 0,3\n"               /* SPRG0 = r3, SPRG1 = r4 */
        "  mtsprg 1,4\n"
        "  lis 3,doorbell_seen@ha\n"
        "  li 4,1\n"
        "  stw 4,doorbell_seen@l(3)\n"
        "  mfsprg 3,0\n"
        "  mfsprg 4,1\n"
        "  rfi\n");
extern char doorbell_vector[];

void secondary_main(unsigned cpu)
{
    (void)cpu;
    if (mode_is(bootargs, "smp-reset"))
        vm_reset();
    if (mode_is(bootargs, "doorbell")) {
        unsigned long vec = (unsigned long)doorbell_vector;

        __asm__ __volatile__("mtspr 63,%0" : : "r"(vec & ~0xfffful));     /* IVPR */
        __asm__ __volatile__("mtspr 532,%0" : : "r"(vec & 0xfff0ul));     /* IVOR36: doorbell */
        __asm__ __volatile__("wrteei 1");                                   /* MSR[EE] = 1 */
        smp_mb();
        secondary_waiting = 1;
    }
    vm_idle_forever();
}

static void crash(void)
{
    __asm__ __volatile__(".long 0");    /* illegal instruction; no IVOR6 handler */
}

int main(const void *fdt)
{
    const char *args = fdt_path_string(fdt, "/chosen", "bootargs");
    const char *name = fdt_path_string(fdt, "/hypervisor", "guest-name");
    uint32_t boot = fdt_path_u32(fdt, "/chosen", "epapr-lab,boot-count", 0);

    if (!args)
        args = "";
    bootargs = args;
    if (mode_is(args, "pass")) {
        printf("%s: pass\n", name);
        lab_report_result(0);
    } else if (mode_is(args, "fail")) {
        printf("%s: fail\n", name);
        lab_report_result(3);
    } else if (mode_is(args, "crash")) {
        printf("%s: crashing\n", name);
        crash();
    } else if (mode_is(args, "crash-until-3")) {
        printf("%s: boot %u\n", name, boot);
        if (boot < 3)
            crash();
        lab_report_result(0);
    } else if (mode_is(args, "hang")) {
        for (;;)
            ;
    } else if (mode_is(args, "idle")) {
        vm_idle_forever();
    } else if (mode_is(args, "reset-forever")) {
        vm_reset();
    } else if (mode_is(args, "spam")) {
        for (int i = 0; i < 2000; i++)
            printf("%s: line %d of a lot of console output\n", name, i);
        lab_report_result(0);
    } else if (mode_is(args, "watchdog")) {
        /* TCR: WRC = 2 (0x20000000); WP = 0, WPEXT = 11 (0x00160000): the watchdog watches
         * time-base bit 63 - 44 (LSB 19), one 0->1 edge every 2^20 ticks (e500 RM, spec 5.7) */
        uint32_t tcr = 0x20000000u | (11u << 17);

        printf("%s: arming the watchdog\n", name);
        __asm__ __volatile__("mtspr 340,%0" : : "r"(tcr));
        for (;;)
            ;
    } else if (mode_is(args, "doorbell")) {
        smp_release(fdt, 1);
        while (!secondary_waiting)
            ;
        for (volatile int i = 0; i < 100000; i++)   /* let vCPU 1 reach its idle wait */
            ;
        __asm__ __volatile__("msgsnd %0" : : "r"(1ul));   /* type 0 (doorbell), PIR tag 1 */
        while (!doorbell_seen)
            ;
        printf("%s: vCPU 1 woke up for the doorbell\n", name);
        lab_report_result(0);
    } else if (mode_is(args, "smp-reset")) {
        printf("%s: boot %u of %d vCPUs\n", name, boot, smp_cpu_count(fdt));
        if (boot < 3) {
            for (int cpu = 1; cpu < smp_cpu_count(fdt); cpu++)
                smp_release(fdt, (unsigned)cpu);
            vm_reset();
        }
        lab_report_result(0);
    } else if (mode_is(args, "shutdown")) {
        printf("%s: shutting down\n", name);
    } else {
        printf("%s: unknown bootargs \"%s\"\n", name, args);
        lab_report_result(2);
    }
    vm_shutdown();
    return 0;
}
