/*
 * snapshot.h - epapr-lab's snapshot hypercall.
 *
 * EPAPRLAB_HC_SNAPSHOT (token 0x00000002, private vendor 0, number 2) asks
 * the lab to take a snapshot of the whole VM right here. Like fork(), the
 * call returns twice: once in the VM that took the snapshot (r4 = 0) and
 * once in every VM started or reset from it (r4 = 1), with memory, devices
 * and registers as they were at the call. r3 is the status: 0 when the
 * snapshot was taken, EV_UNIMPLEMENTED (12) when the lab takes no snapshot
 * of this VM (its config has no snapshot { at = hypercall }).
 *
 * It is a static inline function so that guests which do not use it keep
 * their exact bytes (the committed images are reproducible builds).
 */
#ifndef EPAPR_LAB_SNAPSHOT_H
#define EPAPR_LAB_SNAPSHOT_H

#include "hcall.h"

#define EPAPRLAB_HC_SNAPSHOT     0x00000002UL   /* epapr-lab: private vendor 0, nr 2 */

/*
 * Takes a snapshot. Returns 0 in the VM that took it, 1 in a VM started
 * from it, or -status when no snapshot was taken (-EV_UNIMPLEMENTED).
 */
static inline int epaprlab_snapshot(void)
{
    struct hcall_regs a = { { 0, 0, 0, 0, 0, 0, 0, 0 } };
    long status = hcall(EPAPRLAB_HC_SNAPSHOT, &a);

    if (status != EV_SUCCESS)
        return (int)-status;
    return (int)(a.r[1] & 0xffffffffUL);
}

#endif
