/*
 * smp-counter.c - every vCPU increments one shared counter with lwarx/stwcx.
 *
 * The boot vCPU releases each secondary from the ePAPR spin table, then all
 * of them (boot vCPU included) add 1 to the counter PER_CPU times. The boot
 * vCPU waits until every vCPU has finished, prints
 *   counter=<total> expected=<vcpus * PER_CPU>
 * and reports pass (0) through the result hypercall only when they are
 * equal, then shuts down. With 4 vCPUs: counter=4000000 expected=4000000.
 */
#include "sdk.h"

#define PER_CPU 1000000u

static volatile uint32_t counter;
static volatile uint32_t finished;

static void work(void)
{
    for (uint32_t i = 0; i < PER_CPU; i++)
        atomic_add32(&counter, 1);
    atomic_add32(&finished, 1);
}

void secondary_main(unsigned cpu)
{
    (void)cpu;
    work();
}

int main(const void *fdt)
{
    int cpus = smp_cpu_count(fdt);

    for (int cpu = 1; cpu < cpus; cpu++) {
        if (smp_release(fdt, (unsigned)cpu) != 0)
            printf("cannot release cpu %d\n", cpu);
    }
    work();
    while (finished < (uint32_t)cpus)
        ;
    smp_mb();
    printf("counter=%u expected=%u\n", counter, (uint32_t)cpus * PER_CPU);
    lab_report_result(counter == (uint32_t)cpus * PER_CPU ? 0 : 1);
    vm_shutdown();
    return 0;
}
