/*
 * sdk.h - everything a guest needs: hypercalls, device tree, console,
 * lifecycle, snapshot and string functions. See the header comment of each file.
 *
 * A guest provides   int main(const void *fdt);
 * crt0-32.S / crt0-64.S call it with the device tree the host passed in r3
 * (also stored in sdk_boot_fdt) and shut the VM down with its return value.
 */
#ifndef EPAPR_LAB_SDK_H
#define EPAPR_LAB_SDK_H

#include "hcall.h"
#include "fdt.h"
#include "console.h"
#include "lifecycle.h"
#include "string.h"
#include "smp.h"
#include "snapshot.h"

/* The device tree blob the guest was booted with (set by crt0). */
extern const void *sdk_boot_fdt;

int main(const void *fdt);

#endif
