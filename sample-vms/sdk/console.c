/*
 * console.c - byte-channel console and a small printf (see console.h).
 */
#include "console.h"
#include "fdt.h"
#include "hcall.h"

extern const void *sdk_boot_fdt;

static uint32_t con_handle;
static int con_ready;

void console_init(const void *fdt)
{
    const char *path;
    int node;

    con_handle = 0;
    path = fdt_path_string(fdt, "/chosen", "stdout-path");
    if (path) {
        node = fdt_path_offset(fdt, path);
        if (node >= 0)
            con_handle = fdt_getprop_u32(fdt, node, "hv-handle", 0);
    }
    con_ready = 1;
}

uint32_t console_handle(void)
{
    if (!con_ready)
        console_init(sdk_boot_fdt);
    return con_handle;
}

long console_write(const char *buf, size_t n)
{
    uint32_t handle = console_handle();
    size_t sent;
    long status;

    while (n > 0) {
        status = ev_byte_channel_send(handle, buf,
                                      n < EV_BYTE_CHANNEL_MAX_BYTES
                                          ? n : EV_BYTE_CHANNEL_MAX_BYTES,
                                      &sent);
        if (status == EV_EAGAIN)
            continue;                   /* channel full: retry */
        if (status != EV_SUCCESS)
            return status;
        buf += sent;
        n -= sent;
    }
    return EV_SUCCESS;
}

long console_puts(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return console_write(s, n);
}

/* Output collects bytes and sends them in 16-byte chunks. */
struct out {
    char buf[EV_BYTE_CHANNEL_MAX_BYTES];
    unsigned len;
    int count;
};

static void out_flush(struct out *o)
{
    if (o->len)
        console_write(o->buf, o->len);
    o->len = 0;
}

static void out_char(struct out *o, char c)
{
    o->buf[o->len++] = c;
    o->count++;
    if (o->len == sizeof(o->buf))
        out_flush(o);
}

static void out_pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        out_char(o, c);
}

/* Emit digits (already reversed in tmp) with sign, padding and width. */
static void out_field(struct out *o, const char *digits, int ndigits,
                      const char *prefix, int width, int zero, int left)
{
    int plen = 0, pad;

    while (prefix[plen])
        plen++;
    pad = width - ndigits - plen;
    if (!left && !zero)
        out_pad(o, ' ', pad);
    while (*prefix)
        out_char(o, *prefix++);
    if (!left && zero)
        out_pad(o, '0', pad);
    while (ndigits > 0)
        out_char(o, digits[--ndigits]);
    if (left)
        out_pad(o, ' ', pad);
}

static int to_digits(unsigned long v, unsigned base, int upper, char *tmp)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;

    do {
        if (base == 16) {
            tmp[n++] = set[v & 15];
            v >>= 4;
        } else {
            tmp[n++] = set[v % 10];     /* constant divisor: no libgcc */
            v /= 10;
        }
    } while (v);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    struct out o = { { 0 }, 0, 0 };
    char tmp[24];
    const char *s;
    unsigned long u;
    long d;
    int width, zero, left, is_long, n;

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_char(&o, *fmt);
            continue;
        }
        fmt++;
        zero = left = 0;
        for (;; fmt++) {
            if (*fmt == '0')
                zero = 1;
            else if (*fmt == '-')
                left = 1;
            else
                break;
        }
        width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        is_long = 0;
        if (*fmt == 'l') {
            is_long = 1;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i':
            d = is_long ? va_arg(ap, long) : va_arg(ap, int);
            u = d < 0 ? 0UL - (unsigned long)d : (unsigned long)d;
            n = to_digits(u, 10, 0, tmp);
            out_field(&o, tmp, n, d < 0 ? "-" : "", width, zero, left);
            break;
        case 'u':
        case 'x':
        case 'X':
            u = is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            n = to_digits(u, *fmt == 'u' ? 10 : 16, *fmt == 'X', tmp);
            out_field(&o, tmp, n, "", width, zero, left);
            break;
        case 'p':
            u = (unsigned long)va_arg(ap, void *);
            n = to_digits(u, 16, 0, tmp);
            out_field(&o, tmp, n, "0x", width, zero, left);
            break;
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            out_field(&o, tmp, 1, "", width, 0, left);
            break;
        case 's':
            s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            for (n = 0; s[n]; n++)
                ;
            if (!left)
                out_pad(&o, ' ', width - n);
            while (*s)
                out_char(&o, *s++);
            if (left)
                out_pad(&o, ' ', width - n);
            break;
        case '%':
            out_char(&o, '%');
            break;
        case '\0':
            fmt--;                      /* lone '%' at the end */
            break;
        default:                        /* unknown: print it verbatim */
            out_char(&o, '%');
            out_char(&o, *fmt);
            break;
        }
    }
    out_flush(&o);
    return o.count;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
