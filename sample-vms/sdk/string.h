/*
 * string.h - the few C library string/memory functions of the guest SDK.
 * GCC may emit calls to memset/memcpy/memmove/memcmp even with -fno-builtin
 * (struct copies and initialisers), so every guest links sdk/string.c.
 */
#ifndef EPAPR_LAB_STRING_H
#define EPAPR_LAB_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
