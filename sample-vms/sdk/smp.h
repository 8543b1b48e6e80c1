/*
 * smp.h - secondary vCPUs and atomics for epapr-lab guests.
 *
 * Secondaries start spinning on the ePAPR spin table (ePAPR 1.1 5.5.2).
 * smp_release() releases one the way Linux and U-Boot do: it writes the
 * entry's pir and r3, then the high word of entry_addr, and the low word
 * last. The secondary then runs _secondary_start (crt0) and
 *   void secondary_main(unsigned cpu);
 * which a guest defines to put it to work (the default idles forever).
 */
#ifndef SDK_SMP_H
#define SDK_SMP_H

#include <stdint.h>

#define SDK_MAX_CPUS 8

/* Number of cpu nodes under /cpus (1 when the tree has none). */
int smp_cpu_count(const void *fdt);

/* Releases secondary `cpu` into _secondary_start with r3 = cpu.
 * Returns 0, or -1 when the cpu has no cpu-release-addr or is out of range. */
int smp_release(const void *fdt, unsigned cpu);

/* What a released secondary runs; weak default: idle forever. */
void secondary_main(unsigned cpu);

/* *p += v atomically (lwarx/stwcx.); returns the new value. */
static inline uint32_t atomic_add32(volatile uint32_t *p, uint32_t v)
{
    uint32_t t;

    __asm__ __volatile__(
        "1: lwarx   %0,0,%2\n"
        "   add     %0,%0,%1\n"
        "   stwcx.  %0,0,%2\n"
        "   bne-    1b\n"
        : "=&r"(t) : "r"(v), "r"(p) : "cc", "memory");
    return t;
}

/* A full barrier: sync. */
static inline void smp_mb(void)
{
    __asm__ __volatile__("sync" : : : "memory");
}

#endif
