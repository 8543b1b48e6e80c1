/*
 * /init of the epapr-lab Linux sample guests (PID 1 in an initramfs).
 *
 * Mounts proc, sysfs and devtmpfs, prints /proc/cpuinfo, runs a small
 * self-check, then ends the boot: reboot on boot 1 of an epapr-lab VM,
 * power-off otherwise. Every line it prints starts with "epapr-lab-init: " so
 * that lab patterns can match it:
 *
 *   epapr-lab-init: start ...            first line, before anything can fail
 *   epapr-lab-init: check NAME ok|FAIL   one per check
 *   epapr-lab-init: self-check PASS      or "self-check FAIL (n of m)"
 *   epapr-lab-init: boot-count N         or "boot-count absent" (QEMU)
 *   epapr-lab-init: reset-reason TEXT    only when epapr-lab gives one
 *   epapr-lab-init: reboot               boot 1 with the self-check passed
 *   epapr-lab-init: power-off            otherwise; last line of the run
 *
 * The boot count is the big-endian u32 /chosen/epapr-lab,boot-count that
 * epapr-lab puts into the device tree (1 on the first boot of a VM).
 *
 * With "epapr-lab-init=console" on the kernel command line, /init does not end
 * the boot after the self-check: it stays PID 1 and answers commands typed on
 * the console (one per line; the tty echoes them as a shell's would), blocked
 * in read(2) in between so that an idle kernel idles:
 *
 *   epapr-lab-init: console ready        once, the point to snapshot at
 *   init>                                the prompt, before every command
 *   echo TEXT       -> TEXT
 *   uptime          -> uptime SECONDS    (first field of /proc/uptime)
 *   sleep N         -> (nothing; N seconds later the next prompt)
 *   cat FILE        -> the file (e.g. /proc/interrupts)
 *   poweroff        -> epapr-lab-init: power-off, then the power-off
 *   anything else   -> epapr-lab-init: unknown command: LINE
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHOSEN "/proc/device-tree/chosen/"
#define CPUS_NODE "/proc/device-tree/cpus"

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("epapr-lab-init: ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    fflush(stdout);
}

/* Reads a whole (small) file; returns its length or -1. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t used = 0;
    while (used < size) {
        ssize_t n = read(fd, buf + used, size - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        used += (size_t)n;
    }
    close(fd);
    return (ssize_t)used;
}

/* Returns 0 or the errno of the mount; reported after the start line, which
 * must come first. */
static int mount_fs(const char *source, const char *target, const char *type)
{
    mkdir(target, 0755);
    return mount(source, target, type, 0, NULL) != 0 && errno != EBUSY ? errno : 0;
}

static void print_cpuinfo(void)
{
    static char buf[16384];
    ssize_t n = slurp("/proc/cpuinfo", buf, sizeof buf - 1);
    say("cpuinfo begin");
    if (n > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    else
        say("cannot read /proc/cpuinfo: %s", strerror(errno));
    say("cpuinfo end");
}

/* ---- the self-check: each returns 0 when it passes, else prints why ---- */

static int check_arithmetic(void)
{
    volatile uint32_t a = 0xdeadbeefu, b = 12345u;
    volatile uint64_t c = 0x0123456789abcdefull, d = 1000003u;
    volatile double x = 2.0;
    double r = 1.0;
    for (int i = 0; i < 30; i++)        /* Newton's method for sqrt(2) */
        r = 0.5 * (r + x / r);
    /* Expected values computed on the host (Python); the operands are volatile
     * so the guest's own multiply and divide instructions produce them. */
    int ok = a * b == 0x287c5337u && a / b == 302626u && a % b == 10589u
        && c / d == 81985283260ull && c % d == 637115ull
        && (int64_t)-c >> 60 == -1 && r * r > 1.9999999999 && r * r < 2.0000000001;
    if (!ok)
        say("arithmetic: a*b=%#x a/b=%u a%%b=%u c/d=%llu c%%d=%llu r=%.12f",
            (unsigned)(a * b), (unsigned)(a / b), (unsigned)(a % b),
            (unsigned long long)(c / d), (unsigned long long)(c % d), r);
    return !ok;
}

/* 8 MiB of anonymous memory written and read back with a pseudo-random
 * pattern: thousands of page faults and TLB misses. */
static int check_memory(void)
{
    const size_t size = 8u << 20;
    uint32_t *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        say("memory: mmap: %s", strerror(errno));
        return 1;
    }
    size_t words = size / sizeof *m;
    uint32_t s = 0x12345678u;
    for (size_t i = 0; i < words; i++) {
        s = s * 1664525u + 1013904223u;
        m[i] = s ^ (uint32_t)i;
    }
    s = 0x12345678u;
    size_t bad = 0;
    for (size_t i = 0; i < words; i++) {
        s = s * 1664525u + 1013904223u;
        if (m[i] != (s ^ (uint32_t)i) && bad++ == 0)
            say("memory: word %zu is %#x, wrote %#x", i, m[i], s ^ (uint32_t)i);
    }
    munmap(m, size);
    return bad != 0;
}

static int check_fork_wait(void)
{
    pid_t pid = fork();
    if (pid < 0) {
        say("fork: %s", strerror(errno));
        return 1;
    }
    if (pid == 0)
        _exit(42);
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        say("fork: waitpid: %s", strerror(errno));
        return 1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 42) {
        say("fork: child status %#x, expected exit 42", status);
        return 1;
    }
    return 0;
}

static int check_pipe(void)
{
    static const char msg[] = "through the pipe, from the child";
    int fds[2];
    if (pipe(fds) != 0) {
        say("pipe: %s", strerror(errno));
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        say("pipe: fork: %s", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        close(fds[0]);
        _exit(write(fds[1], msg, sizeof msg) == (ssize_t)sizeof msg ? 0 : 1);
    }
    close(fds[1]);
    char buf[sizeof msg + 8];
    size_t got = 0;
    ssize_t n;
    while ((n = read(fds[0], buf + got, sizeof buf - got)) > 0)
        got += (size_t)n;
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    if (got != sizeof msg || memcmp(buf, msg, sizeof msg) != 0 || status != 0) {
        say("pipe: read %zu bytes, child status %#x", got, status);
        return 1;
    }
    return 0;
}

/* The timebase and the decrementer: a 20 ms sleep must take 20 ms or more. */
static int check_clock(void)
{
    struct timespec t0, t1, nap = { 0, 20 * 1000 * 1000 };
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (nanosleep(&nap, &nap) != 0 && errno == EINTR)
        ;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec);
    if (ns < 20 * 1000 * 1000 || ns > 10ll * 1000 * 1000 * 1000) {
        say("clock: a 20 ms sleep took %lld ns", ns);
        return 1;
    }
    return 0;
}

/* CPU nodes in the device tree: children of /cpus whose device_type is "cpu". */
static int tree_cpus(void)
{
    DIR *dir = opendir(CPUS_NODE);
    if (!dir)
        return -1;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        char path[512], type[16];
        snprintf(path, sizeof path, CPUS_NODE "/%s/device_type", e->d_name);
        ssize_t n = slurp(path, type, sizeof type);
        if (n == 4 && memcmp(type, "cpu", 4) == 0)
            count++;
    }
    closedir(dir);
    return count;
}

/* Every CPU the tree describes is online, and a process pinned to each one
 * runs there. */
static int check_cpus(void)
{
    int online = (int)sysconf(_SC_NPROCESSORS_ONLN);
    int nodes = tree_cpus();
    say("cpus online %d, device-tree cpu nodes %d", online, nodes);
    if (online != nodes)
        return 1;
    for (int cpu = 0; cpu < online; cpu++) {
        pid_t pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpu, &set);
            if (sched_setaffinity(0, sizeof set, &set) != 0)
                _exit(2);
            sched_yield();
            _exit(sched_getcpu() == cpu ? 0 : 3);
        }
        int status;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            say("cpus: a process pinned to cpu %d: status %#x", cpu, status);
            return 1;
        }
    }
    return 0;
}

static int self_check(void)
{
    static const struct {
        const char *name;
        int (*run)(void);
    } checks[] = {
        { "arithmetic", check_arithmetic },
        { "memory", check_memory },
        { "fork-wait", check_fork_wait },
        { "pipe", check_pipe },
        { "clock", check_clock },
        { "cpus", check_cpus },
    };
    const int total = (int)(sizeof checks / sizeof checks[0]);
    int failed = 0;
    for (int i = 0; i < total; i++) {
        int bad = checks[i].run();
        say("check %s %s", checks[i].name, bad ? "FAIL" : "ok");
        failed += bad;
    }
    if (failed)
        say("self-check FAIL (%d of %d)", failed, total);
    else
        say("self-check PASS");
    return failed;
}

/* Boot count from /chosen, 0 when absent (not under epapr-lab). */
static uint32_t boot_count(void)
{
    unsigned char be[4];
    if (slurp(CHOSEN "epapr-lab,boot-count", (char *)be, sizeof be) != 4) {
        say("boot-count absent");
        return 0;
    }
    uint32_t n = (uint32_t)be[0] << 24 | (uint32_t)be[1] << 16 | (uint32_t)be[2] << 8 | be[3];
    say("boot-count %u", n);
    return n;
}

static void print_reset_reason(void)
{
    char reason[128];
    ssize_t n = slurp(CHOSEN "epapr-lab,reset-reason", reason, sizeof reason - 1);
    if (n <= 0)
        return;
    reason[n] = '\0';           /* the property is NUL-terminated; this is a guard */
    say("reset-reason %s", reason);
}

/* True when the kernel command line holds the word want. */
static int cmdline_has(const char *want)
{
    char line[1024];
    ssize_t n = slurp("/proc/cmdline", line, sizeof line - 1);
    if (n <= 0)
        return 0;
    line[n] = '\0';
    for (char *w = strtok(line, " \n"); w; w = strtok(NULL, " \n"))
        if (strcmp(w, want) == 0)
            return 1;
    return 0;
}

static void nap(long ms)
{
    struct timespec t = { ms / 1000, ms % 1000 * 1000000L };
    while (nanosleep(&t, &t) != 0 && errno == EINTR)
        ;
}

/* Reads one line from the console (blocking); returns its length without the
 * newline, or -1 at end of input. */
static ssize_t read_line(char *buf, size_t size)
{
    size_t used = 0;
    for (;;) {
        char c;
        ssize_t n = read(0, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return used ? (ssize_t)used : -1;
        if (c == '\n' || c == '\r') {
            if (used == 0 && c == '\n')
                continue;       /* the LF of a CR LF */
            break;
        }
        if (used + 1 < size)
            buf[used++] = c;
    }
    buf[used] = '\0';
    return (ssize_t)used;
}

static void console_mode(void)
{
    say("console ready");
    /* A lab snapshots on the line above; the pause lets it stop this VM
     * before the prompt, so that every VM started from the snapshot prints
     * its own prompt (and its console steps can wait for it). */
    nap(1000);
    char line[256];
    for (;;) {
        fputs("init> ", stdout);
        fflush(stdout);
        if (read_line(line, sizeof line) < 0) {
            nap(1000);          /* no console: nothing to answer */
            continue;
        }
        if (strncmp(line, "echo ", 5) == 0) {
            puts(line + 5);
        } else if (strcmp(line, "echo") == 0) {
            puts("");
        } else if (strcmp(line, "uptime") == 0) {
            char up[64] = "?";
            ssize_t n = slurp("/proc/uptime", up, sizeof up - 1);
            if (n > 0)
                up[strcspn(up, " \n")] = '\0';
            printf("uptime %s\n", up);
        } else if (strncmp(line, "sleep ", 6) == 0) {
            nap(atol(line + 6) * 1000);
        } else if (strncmp(line, "cat ", 4) == 0) {
            static char buf[16384];
            ssize_t n = slurp(line + 4, buf, sizeof buf);
            if (n >= 0)
                fwrite(buf, 1, (size_t)n, stdout);
            else
                say("cat %s: %s", line + 4, strerror(errno));
        } else if (strcmp(line, "poweroff") == 0) {
            say("power-off");
            sync();
            reboot(RB_POWER_OFF);
            say("reboot(2) returned: %s", strerror(errno));
        } else if (line[0] != '\0') {
            say("unknown command: %s", line);
        }
        fflush(stdout);
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    static const char *const mounts[][3] = {
        { "proc", "/proc", "proc" }, { "sysfs", "/sys", "sysfs" }, { "devtmpfs", "/dev", "devtmpfs" },
    };
    int mount_errno[3];
    for (int i = 0; i < 3; i++)
        mount_errno[i] = mount_fs(mounts[i][0], mounts[i][1], mounts[i][2]);

    struct utsname u;
    char uptime[64] = "?";
    uname(&u);
    ssize_t n = slurp("/proc/uptime", uptime, sizeof uptime - 1);
    if (n > 0)
        uptime[strcspn(uptime, " \n")] = '\0';
    say("start (%s, Linux %s, %zu-bit /init, uptime %s s)", u.machine, u.release,
        sizeof(void *) * 8, uptime);
    for (int i = 0; i < 3; i++)
        if (mount_errno[i])
            say("mount %s on %s: %s", mounts[i][2], mounts[i][1], strerror(mount_errno[i]));

    print_cpuinfo();
    int failed = self_check();
    uint32_t boot = boot_count();
    print_reset_reason();
    if (cmdline_has("epapr-lab-init=console"))
        console_mode();

    sync();
    if (boot == 1 && !failed) {
        say("reboot");
        reboot(RB_AUTOBOOT);
    } else {
        say("power-off");
        reboot(RB_POWER_OFF);
    }
    say("reboot(2) returned: %s", strerror(errno));
    for (;;)
        pause();
}
