/*
 * lifecycle.c - shutdown, reset, test result and idling (see lifecycle.h).
 */
#include "lifecycle.h"
#include "hcall.h"

/* The device tree passed in r3 at entry; crt0 stores it after clearing .bss. */
const void *sdk_boot_fdt;

long vm_shutdown(void)
{
    return hcall2(KVM_HC_VM_SHUTDOWN, 0, 0);
}

long vm_reset(void)
{
    return hcall2(KVM_HC_VM_RESET, 0, 0);
}

long lab_report_result(long code)
{
    return hcall2(LAB_HC_TEST_RESULT, (unsigned long)code, 0);
}

void vm_idle_forever(void)
{
    for (;;)
        ev_idle();
}

void _sdk_exit(int status)
{
    hcall2(KVM_HC_VM_SHUTDOWN, (unsigned long)(long)status, 0);
    vm_idle_forever();
}
