/*
 * fdt.c - flattened device tree walker (see fdt.h).
 *
 * Layout recap (ePAPR 1.1 ch. 8): a 40-byte header of big-endian u32
 * (magic 0xD00DFEED, totalsize, off_dt_struct, off_dt_strings, off_mem_rsvmap,
 * version, last_comp_version, boot_cpuid_phys, size_dt_strings,
 * size_dt_struct); the structure block is a stream of 4-byte aligned tokens:
 * BEGIN_NODE name\0 (padded), PROP len nameoff value (padded), END_NODE,
 * NOP, END. A node's properties come before its children.
 */
#include "fdt.h"

#define HDR_MAGIC           0x00
#define HDR_TOTALSIZE       0x04
#define HDR_OFF_DT_STRUCT   0x08
#define HDR_OFF_DT_STRINGS  0x0C
#define HDR_VERSION         0x14
#define HDR_LAST_COMP       0x18
#define HDR_SIZE_DT_STRINGS 0x20
#define HDR_SIZE_DT_STRUCT  0x24

uint32_t fdt_be32(const void *p)
{
    const unsigned char *b = p;

    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
           ((uint32_t)b[2] << 8) | (uint32_t)b[3];
}

static uint32_t hdr(const void *fdt, unsigned off)
{
    return fdt_be32((const char *)fdt + off);
}

static const char *blk_struct(const void *fdt)
{
    return (const char *)fdt + hdr(fdt, HDR_OFF_DT_STRUCT);
}

/* Size of the structure block; version 16 blobs lack the field. */
static uint32_t struct_size(const void *fdt)
{
    if (hdr(fdt, HDR_VERSION) >= 17)
        return hdr(fdt, HDR_SIZE_DT_STRUCT);
    return hdr(fdt, HDR_TOTALSIZE) - hdr(fdt, HDR_OFF_DT_STRUCT);
}

/* Size of the strings block (present since version 3). */
static uint32_t fdt_strings_size(const void *fdt)
{
    return hdr(fdt, HDR_SIZE_DT_STRINGS);
}

/* off + size <= total, without overflow. */
static int fits(uint32_t off, uint32_t size, uint32_t total)
{
    return off <= total && size <= total - off;
}

int fdt_check(const void *fdt)
{
    if (!fdt || hdr(fdt, HDR_MAGIC) != FDT_MAGIC)
        return FDT_ERR_BADBLOB;
    if (hdr(fdt, HDR_VERSION) < 16 || hdr(fdt, HDR_LAST_COMP) > 17)
        return FDT_ERR_BADBLOB;
    if (!fits(hdr(fdt, HDR_OFF_DT_STRUCT), struct_size(fdt),
              hdr(fdt, HDR_TOTALSIZE)) ||
        !fits(hdr(fdt, HDR_OFF_DT_STRINGS), fdt_strings_size(fdt),
              hdr(fdt, HDR_TOTALSIZE)))
        return FDT_ERR_BADBLOB;
    return 0;
}

static int bounded_strlen(const char *s, uint32_t max)
{
    uint32_t n = 0;

    while (n < max && s[n])
        n++;
    return n < max ? (int)n : -1;
}

/*
 * Read the token at `off` (structure-block offset). Returns the token and
 * sets *next to the offset of the following token; FDT_END or a negative
 * error when the stream is exhausted or malformed.
 */
static int next_token(const void *fdt, int off, int *next)
{
    const char *s = blk_struct(fdt);
    uint32_t size = struct_size(fdt);
    uint32_t tag, len;
    int n;

    if (off < 0 || (off & 3) || (uint32_t)off + 4 > size)
        return FDT_ERR_BADBLOB;
    tag = fdt_be32(s + off);
    off += 4;
    switch (tag) {
    case FDT_BEGIN_NODE:
        n = bounded_strlen(s + off, size - (uint32_t)off);
        if (n < 0)
            return FDT_ERR_BADBLOB;
        off += n + 1;
        break;
    case FDT_PROP:
        if ((uint32_t)off + 8 > size)
            return FDT_ERR_BADBLOB;
        len = fdt_be32(s + off);
        if (len > size - (uint32_t)off - 8)
            return FDT_ERR_BADBLOB;
        off += 8 + (int)len;
        break;
    case FDT_END_NODE:
    case FDT_NOP:
    case FDT_END:
        break;
    default:
        return FDT_ERR_BADBLOB;
    }
    *next = (off + 3) & ~3;
    return (int)tag;
}

const char *fdt_get_name(const void *fdt, int node)
{
    int next;

    if (fdt_check(fdt) || next_token(fdt, node, &next) != FDT_BEGIN_NODE)
        return NULL;
    return blk_struct(fdt) + node + 4;
}

/* Offset just past the BEGIN_NODE token of `node` (its first property). */
static int node_body(const void *fdt, int node)
{
    int next;

    if (next_token(fdt, node, &next) != FDT_BEGIN_NODE)
        return FDT_ERR_BADBLOB;
    return next;
}

/* Does node name `name` match path component comp[0..len)? */
static int name_matches(const char *name, const char *comp, int len)
{
    int i, comp_has_unit = 0;

    for (i = 0; i < len; i++) {
        if (name[i] != comp[i])
            return 0;
        if (comp[i] == '@')
            comp_has_unit = 1;
    }
    /* exact, or the component omits the unit address */
    return name[len] == '\0' || (name[len] == '@' && !comp_has_unit);
}

/* Child of `parent` named comp[0..len), or FDT_ERR_NOTFOUND. */
static int find_child(const void *fdt, int parent, const char *comp, int len)
{
    int off = node_body(fdt, parent), next, tag, depth = 0;

    while (off >= 0) {
        tag = next_token(fdt, off, &next);
        switch (tag) {
        case FDT_BEGIN_NODE:
            if (depth == 0 &&
                name_matches(blk_struct(fdt) + off + 4, comp, len))
                return off;
            depth++;
            break;
        case FDT_END_NODE:
            if (depth == 0)
                return FDT_ERR_NOTFOUND;   /* end of parent */
            depth--;
            break;
        case FDT_PROP:
        case FDT_NOP:
            break;
        default:                           /* FDT_END or error */
            return tag < 0 ? tag : FDT_ERR_BADBLOB;
        }
        off = next;
    }
    return FDT_ERR_BADBLOB;
}

/* The root node: the first BEGIN_NODE after any NOPs. */
static int root_node(const void *fdt)
{
    int off = 0, next, tag;

    for (;;) {
        tag = next_token(fdt, off, &next);
        if (tag == FDT_BEGIN_NODE)
            return off;
        if (tag != FDT_NOP)
            return FDT_ERR_BADBLOB;
        off = next;
    }
}

static int path_end(const char *path)
{
    int n = 0;

    while (path[n] && path[n] != ':')
        n++;
    return n;
}

/* Follow path[i..end) component by component, starting at `node`. */
static int walk(const void *fdt, int node, const char *path, int i, int end)
{
    int len;

    while (node >= 0) {
        while (i < end && path[i] == '/')
            i++;
        if (i >= end)
            return node;
        for (len = 0; i + len < end && path[i + len] != '/'; len++)
            ;
        node = find_child(fdt, node, path + i, len);
        i += len;
    }
    return node;
}

int fdt_path_offset(const void *fdt, const char *path)
{
    char name[32];
    const char *alias;
    int end, len, aliases;

    if (fdt_check(fdt) || !path)
        return FDT_ERR_BADBLOB;
    end = path_end(path);
    if (path[0] == '/')
        return walk(fdt, root_node(fdt), path, 0, end);

    /* An alias: the first component names a property of /aliases whose
     * value is an absolute path; the rest is relative to that node. */
    for (len = 0; len < end && path[len] != '/'; len++)
        ;
    if (len == 0 || len >= (int)sizeof(name))
        return FDT_ERR_NOTFOUND;
    aliases = walk(fdt, root_node(fdt), "/aliases", 0, 8);
    if (aliases < 0)
        return aliases;
    for (end = 0; end < len; end++)
        name[end] = path[end];
    name[len] = '\0';
    alias = fdt_getprop_string(fdt, aliases, name);
    if (!alias || alias[0] != '/')
        return FDT_ERR_NOTFOUND;
    return walk(fdt, walk(fdt, root_node(fdt), alias, 0, path_end(alias)),
                path, len, path_end(path));
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

const void *fdt_getprop(const void *fdt, int node, const char *name, int *lenp)
{
    const char *s, *strings;
    uint32_t strings_size, nameoff;
    int off, next, tag;

    if (fdt_check(fdt) || !name)
        return NULL;
    off = node_body(fdt, node);
    s = blk_struct(fdt);
    strings = (const char *)fdt + hdr(fdt, HDR_OFF_DT_STRINGS);
    strings_size = fdt_strings_size(fdt);
    while (off >= 0) {
        tag = next_token(fdt, off, &next);
        if (tag == FDT_NOP) {
            off = next;
            continue;
        }
        if (tag != FDT_PROP)       /* properties precede child nodes */
            return NULL;
        nameoff = fdt_be32(s + off + 8);
        if (nameoff < strings_size &&
            bounded_strlen(strings + nameoff, strings_size - nameoff) >= 0 &&
            streq(strings + nameoff, name)) {
            if (lenp)
                *lenp = (int)fdt_be32(s + off + 4);
            return s + off + 12;
        }
        off = next;
    }
    return NULL;
}

int fdt_hasprop(const void *fdt, int node, const char *name)
{
    return fdt_getprop(fdt, node, name, NULL) != NULL;
}

uint32_t fdt_getprop_u32(const void *fdt, int node, const char *name,
                         uint32_t dflt)
{
    int len;
    const void *p = fdt_getprop(fdt, node, name, &len);

    return p && len >= 4 ? fdt_be32(p) : dflt;
}

const char *fdt_getprop_string(const void *fdt, int node, const char *name)
{
    int len;
    const char *p = fdt_getprop(fdt, node, name, &len);

    if (!p || len <= 0 || bounded_strlen(p, (uint32_t)len) < 0)
        return NULL;
    return p;
}

const void *fdt_path_getprop(const void *fdt, const char *path,
                             const char *name, int *lenp)
{
    int node = fdt_path_offset(fdt, path);

    return node < 0 ? NULL : fdt_getprop(fdt, node, name, lenp);
}

int fdt_path_hasprop(const void *fdt, const char *path, const char *name)
{
    return fdt_path_getprop(fdt, path, name, NULL) != NULL;
}

uint32_t fdt_path_u32(const void *fdt, const char *path, const char *name,
                      uint32_t dflt)
{
    int node = fdt_path_offset(fdt, path);

    return node < 0 ? dflt : fdt_getprop_u32(fdt, node, name, dflt);
}

const char *fdt_path_string(const void *fdt, const char *path,
                            const char *name)
{
    int node = fdt_path_offset(fdt, path);

    return node < 0 ? NULL : fdt_getprop_string(fdt, node, name);
}
