/*
 * console.h - console output over an ePAPR byte channel.
 *
 * The channel is the node named by /chosen/stdout-path (an absolute path or
 * an /aliases name; ":options" are ignored); its handle is that node's
 * hv-handle property, or 0 if anything is missing. The handle is looked up
 * once, lazily, in the device tree crt0 stored in sdk_boot_fdt (or the one
 * given to console_init). Output goes out 16 bytes per EV_BYTE_CHANNEL_SEND,
 * retrying while the host answers EV_EAGAIN. No newline translation.
 */
#ifndef EPAPR_LAB_CONSOLE_H
#define EPAPR_LAB_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Look the console handle up in `fdt` now (optional). */
void console_init(const void *fdt);

/* The byte-channel handle in use. */
uint32_t console_handle(void);

/* Write n bytes; returns 0, or the EV_* status that stopped the write. */
long console_write(const char *buf, size_t n);

/* Write a NUL-terminated string (no newline added). */
long console_puts(const char *s);

/*
 * Formatted output: %s %c %d %i %u %x %X %p %% with an optional '-' flag,
 * '0' flag and width, and the 'l' length modifier (%ld %lu %lx; long is
 * 32 bits in 32-bit guests, 64 bits in 64-bit guests). Returns the number
 * of characters produced.
 */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

#endif
