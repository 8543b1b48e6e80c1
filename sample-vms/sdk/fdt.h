/*
 * fdt.h - read-only walker for flattened device tree blobs (DTB, ePAPR 1.1
 * ch. 8, version 16/17). Freestanding, no allocation, endian-neutral (it
 * reads the big-endian blob byte by byte, so it also runs on a host for
 * testing).
 *
 * Nodes are identified by the offset of their FDT_BEGIN_NODE token inside
 * the structure block; negative values are errors (FDT_ERR_*).
 */
#ifndef EPAPR_LAB_FDT_H
#define EPAPR_LAB_FDT_H

#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC        0xD00DFEEDU
#define FDT_BEGIN_NODE   0x1
#define FDT_END_NODE     0x2
#define FDT_PROP         0x3
#define FDT_NOP          0x4
#define FDT_END          0x9

#define FDT_ERR_NOTFOUND (-1)   /* no such node or property */
#define FDT_ERR_BADBLOB  (-2)   /* bad magic, version or structure */

/* Big-endian u32 at p (any alignment). */
uint32_t fdt_be32(const void *p);

/* 0 if the header looks like a DTB we can read, FDT_ERR_BADBLOB otherwise. */
int fdt_check(const void *fdt);

/*
 * Node at an absolute path ("/", "/chosen", "/hypervisor/handles/byte-channel@0").
 * A component without '@' also matches a node whose name has a unit address
 * ("byte-channel" matches "byte-channel@0"). The path ends at the string end
 * or at ':' (stdout-path options). A path not starting with '/' is looked up
 * as an alias in /aliases.
 */
int fdt_path_offset(const void *fdt, const char *path);

/* Property value of node (NULL if absent); *lenp = value length if lenp. */
const void *fdt_getprop(const void *fdt, int node, const char *name, int *lenp);

/* 1 if the node has the property (empty properties count), else 0. */
int fdt_hasprop(const void *fdt, int node, const char *name);

/* First cell of a property of at least 4 bytes; dflt if absent or shorter. */
uint32_t fdt_getprop_u32(const void *fdt, int node, const char *name,
                         uint32_t dflt);

/* NUL-terminated string property (the first string of a stringlist);
 * NULL if absent, empty-length or not NUL-terminated. */
const char *fdt_getprop_string(const void *fdt, int node, const char *name);

/* Name of a node ("" for the root), NULL on error. */
const char *fdt_get_name(const void *fdt, int node);

/* Convenience: property by node path. */
const void *fdt_path_getprop(const void *fdt, const char *path,
                             const char *name, int *lenp);
int fdt_path_hasprop(const void *fdt, const char *path, const char *name);
uint32_t fdt_path_u32(const void *fdt, const char *path, const char *name,
                      uint32_t dflt);
const char *fdt_path_string(const void *fdt, const char *path,
                            const char *name);

#endif
