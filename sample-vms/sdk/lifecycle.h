/*
 * lifecycle.h - VM lifecycle hypercalls of epapr-lab.
 *
 * vm_shutdown / vm_reset never return when the host honours them. If they
 * return, the host declined: the result is EV_UNIMPLEMENTED (12) when the
 * VM's config does not enable the call (no kvm,has-shutdown / kvm,has-reset
 * in /hypervisor), or EV_INTERNAL (9) when the host could not act.
 */
#ifndef EPAPR_LAB_LIFECYCLE_H
#define EPAPR_LAB_LIFECYCLE_H

/* KVM_HC_VM_SHUTDOWN (r3 = 0). Returns the status only if declined. */
long vm_shutdown(void);

/* KVM_HC_VM_RESET. Returns the status only if declined. */
long vm_reset(void);

/*
 * epapr-lab test result (token 0x00000001, advertised by
 * /hypervisor/epapr-lab,has-result): r3 = code (0 = pass). Returns the
 * status (0 = recorded).
 */
long lab_report_result(long code);

/* EV_IDLE forever; the host's timeout ends the VM. */
void vm_idle_forever(void) __attribute__((noreturn));

/*
 * Called by crt0 when main returns: KVM_HC_VM_SHUTDOWN with r3 = status
 * (informational; the host may ignore it), else vm_idle_forever().
 */
void _sdk_exit(int status) __attribute__((noreturn));

#endif
