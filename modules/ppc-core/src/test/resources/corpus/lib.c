#include "lib.h"

size_t strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }
void out_str(const char *s) { sys_out(s, strlen(s)); }

void out_line(const char *name, u64 v) {
    char buf[64];
    size_t n = 0;
    while (*name) buf[n++] = *name++;
    buf[n++] = '=';
    for (int i = 15; i >= 0; i--) buf[n++] = "0123456789abcdef"[(v >> (4 * i)) & 15];
    buf[n++] = '\n';
    sys_out(buf, n);
}

u32 crc32(u32 crc, const void *p, size_t n) {
    const unsigned char *b = p;
    crc = ~crc;
    while (n--) {
        crc ^= *b++;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc;
}

void *memcpy(void *d, const void *s, size_t n) {
    unsigned char *dd = d; const unsigned char *ss = s;
    while (n--) *dd++ = *ss++;
    return d;
}
void *memmove(void *d, const void *s, size_t n) {
    unsigned char *dd = d; const unsigned char *ss = s;
    if (dd < ss) while (n--) *dd++ = *ss++;
    else { dd += n; ss += n; while (n--) *--dd = *--ss; }
    return d;
}
void *memset(void *d, int c, size_t n) { unsigned char *dd = d; while (n--) *dd++ = (unsigned char) c; return d; }
int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++) if (*x != *y) return *x - *y;
    return 0;
}
