/*
 * shortmix.h - the short-guest benchmark suite of `epapr-lab bench --short`:
 * small self-checking kernels of 1-10 M instructions each, integer and
 * floating point, built for the bare-metal guest (guests/short.c) and for
 * Linux user mode under QEMU (bench/short-linux-main.c) from the same source
 * with the same code-generation flags. Each kernel returns a checksum that
 * must equal its `expected` (computed natively by `make short-host`; the FP
 * kernels use only +, -, *, / on doubles with -ffp-contract=off, so IEEE
 * results are the same on every host).
 */
#ifndef SHORTMIX_H
#define SHORTMIX_H

#include <stdint.h>

struct short_kernel {
    const char *name;
    uint32_t (*run)(void);
    uint32_t expected;
};

extern const struct short_kernel short_kernels[];
extern const int short_kernel_count;

/* The kernel named `name`, or 0. */
const struct short_kernel *short_find(const char *name);

#endif
