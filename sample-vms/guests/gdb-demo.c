/*
 * gdb-demo.c - a guest to learn the debugger on, built with DWARF (-g -O0),
 * so gdb-multiarch shows source lines, locals and globals and unwinds by the
 * compiler's call-frame information (see README "Debugging a guest").
 *
 *   mode=pass   (default) records five samples through add_sample() and
 *               scale(), prints the table and its checksum, reports pass
 *               when the total is the expected 155, fail otherwise
 *   mode=crash  calls parse() -> check() -> fail_deep() and executes an
 *               illegal instruction three frames down (no handler): the
 *               crash report and gdb's `bt` show every frame
 */
#include "sdk.h"

struct sample {
    int id;
    int value;
};

#define SAMPLES 8

struct sample samples[SAMPLES];
int total;                      /* written once per sample: `watch total` */
int calls;

static int scale(int value, int factor)
{
    int scaled = value * factor;

    calls++;
    return scaled + 1;
}

static int add_sample(int id, int value)
{
    struct sample *s = &samples[id % SAMPLES];

    s->id = id;
    s->value = scale(value, 3);
    total += s->value;
    return s->value;
}

static unsigned checksum(const struct sample *table, int n)
{
    unsigned sum = 0;

    for (int i = 0; i < n; i++)
        sum = sum * 31 + (unsigned)(table[i].id ^ table[i].value);
    return sum;
}

static void fail_deep(int depth)
{
    printf("fail_deep: depth %d, executing an illegal instruction\n", depth);
    __asm__ __volatile__(".long 0");    /* no IVOR6 handler: the VM crashes here */
}

static void check(int depth)
{
    fail_deep(depth + 1);
}

static void parse(const char *args)
{
    int depth = (int)strlen(args);

    check(depth);
}

static int mode_is(const char *args, const char *mode)
{
    return strcmp(args, mode) == 0;
}

int main(const void *fdt)
{
    const char *args = fdt_path_string(fdt, "/chosen", "bootargs");
    int values[] = {1, 4, 9, 16, 20};

    if (args && mode_is(args, "mode=crash"))
        parse(args);
    for (int i = 0; i < 5; i++)
        add_sample(i, values[i]);
    for (int i = 0; i < 5; i++)
        printf("sample %d: %d\n", samples[i].id, samples[i].value);
    printf("total %d, checksum 0x%x, %d calls\n", total, checksum(samples, 5), calls);
    lab_report_result(total == 155 ? 0 : 1);
    return 0;
}
