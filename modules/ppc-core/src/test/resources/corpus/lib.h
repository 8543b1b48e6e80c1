/* Freestanding helpers shared by the corpus programs. The only platform calls are sys_out and the
 * return from corpus_main, supplied by the per-target shim (Linux syscalls under QEMU, sc 1
 * hypercalls bare-metal in the engine). */
#ifndef CORPUS_LIB_H
#define CORPUS_LIB_H
typedef unsigned long size_t;
typedef unsigned long long u64;
typedef long long s64;
typedef unsigned int u32;

void sys_out(const char *p, unsigned long n);
void out_str(const char *s);
void out_line(const char *name, u64 value);
u32 crc32(u32 crc, const void *p, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

typedef long jmpbuf[32];
int my_setjmp(jmpbuf b);
void my_longjmp(jmpbuf b, int v) __attribute__((noreturn));
#endif
