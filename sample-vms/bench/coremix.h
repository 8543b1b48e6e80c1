/*
 * coremix.h - the CoreMark-like integer mix of `epapr-lab bench`.
 *
 * One iteration runs four kernels on a work area the caller provides and
 * folds their results into a 16-bit CRC (CoreMark's crcu8/16/32):
 *   list   : build a 96-node linked list, insertion-sort it by key, probe it
 *            for 24 keys, reverse it;
 *   matrix : 12x12 int32 matrix multiply plus a masked add and row sums;
 *   state  : a byte-at-a-time number recogniser (int/frac/exp/invalid tokens)
 *            written as a switch-driven state machine;
 *   crc    : table-driven CRC-32 (the table rebuilt every iteration) over the
 *            work area.
 * All inputs come from one LCG seeded with COREMIX_SEED, so every iteration
 * computes the same result, COREMIX_EXPECTED; coremix_run counts the
 * iterations that did not. Arithmetic is uint32_t/int32_t only, so 32-bit and
 * 64-bit builds agree.
 *
 * The kernel uses no global data and calls nothing outside coremix.c, and is
 * compiled with -fno-jump-tables -fno-tree-switch-conversion (no constant
 * tables): its machine code does not depend on where
 * it is linked, so the bare-metal guest (guests/bench.c) and the Linux
 * user-mode build (bench/linux-main.c) execute byte-identical kernel code
 * (`epapr-lab bench` checks this with objdump before comparing speeds).
 *
 * COREMIX_EXPECTED was produced by running this C code on the host:
 *   make -C sample-vms bench-host   (prints "coremix: ... result=0x....")
 */
#ifndef EPAPR_LAB_COREMIX_H
#define EPAPR_LAB_COREMIX_H

#include <stdint.h>

#define COREMIX_LIST_N 96
#define COREMIX_MAT_N 12
#define COREMIX_TEXT_LEN 256
#define COREMIX_SEED 0x3415u
#define COREMIX_EXPECTED 0x1c26u
/* Iterations when the caller does not say (bootargs / argv). */
#define COREMIX_DEFAULT_ITERATIONS 2000u

struct coremix_node {
    struct coremix_node *next;
    int32_t key;
    int32_t val;
};

struct coremix_work {
    struct coremix_node node[COREMIX_LIST_N];
    int32_t a[COREMIX_MAT_N * COREMIX_MAT_N];
    int32_t b[COREMIX_MAT_N * COREMIX_MAT_N];
    int32_t c[COREMIX_MAT_N * COREMIX_MAT_N];
    uint32_t crc_table[256];
    uint8_t text[COREMIX_TEXT_LEN];
};

/* One iteration: the 16-bit result (COREMIX_EXPECTED when the engine is right). */
uint32_t coremix_iteration(struct coremix_work *w, uint32_t seed);

/*
 * Runs `iterations` iterations; returns the CRC chained over all results and
 * stores in *bad how many iterations did not give COREMIX_EXPECTED.
 */
uint32_t coremix_run(struct coremix_work *w, uint32_t iterations, uint32_t *bad);

#endif
