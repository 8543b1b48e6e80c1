/*
 * coremix.c - the kernel of `epapr-lab bench` (see coremix.h). Self-contained:
 * no globals, no calls outside this file, no jump tables.
 */
#include "coremix.h"

/* CoreMark's bitwise CRC-16 (core_util.c crcu8). */
static uint32_t crcu8(uint32_t data, uint32_t crc)
{
    for (int i = 0; i < 8; i++) {
        uint32_t x16 = (data & 1) ^ (crc & 1);
        data >>= 1;
        if (x16) {
            crc ^= 0x4002;
            crc = (crc >> 1) | 0x8000;
        } else {
            crc >>= 1;
        }
    }
    return crc & 0xffff;
}

static uint32_t crcu16(uint32_t v, uint32_t crc)
{
    crc = crcu8(v & 0xff, crc);
    return crcu8((v >> 8) & 0xff, crc);
}

static uint32_t crcu32(uint32_t v, uint32_t crc)
{
    crc = crcu16(v & 0xffff, crc);
    return crcu16(v >> 16, crc);
}

static uint32_t lcg(uint32_t *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

/* ---- list: build, insertion sort by key, probe, reverse ------------------ */

static uint32_t list_bench(struct coremix_work *w, uint32_t *rng, uint32_t crc)
{
    struct coremix_node *head = 0, *sorted = 0;
    for (int i = 0; i < COREMIX_LIST_N; i++) {
        struct coremix_node *n = &w->node[i];
        n->key = (int32_t)(lcg(rng) & 0x3ff) - 0x200;
        n->val = (int32_t)(lcg(rng) & 0xffff);
        n->next = head;
        head = n;
    }
    while (head) {
        struct coremix_node *n = head, **pp = &sorted;
        head = head->next;
        while (*pp && (*pp)->key <= n->key)
            pp = &(*pp)->next;
        n->next = *pp;
        *pp = n;
    }
    uint32_t found = 0, missed = 0;
    for (int p = 0; p < 24; p++) {
        int32_t want = (int32_t)(lcg(rng) & 0x3ff) - 0x200;
        struct coremix_node *n = sorted;
        while (n && n->key < want)
            n = n->next;
        if (n && n->key == want)
            found += (uint32_t)n->val;
        else
            missed++;
    }
    struct coremix_node *rev = 0;
    while (sorted) {
        struct coremix_node *next = sorted->next;
        sorted->next = rev;
        rev = sorted;
        sorted = next;
    }
    uint32_t fold = 0;
    for (struct coremix_node *n = rev; n; n = n->next)
        fold = (fold << 3 | fold >> 29) ^ (uint32_t)n->key;
    crc = crcu32(fold, crc);
    crc = crcu32(found, crc);
    return crcu16(missed, crc);
}

/* ---- matrix: C = A x B, masked add, row sums ----------------------------- */

static uint32_t matrix_bench(struct coremix_work *w, uint32_t *rng, uint32_t crc)
{
    const int n = COREMIX_MAT_N;
    for (int i = 0; i < n * n; i++) {
        w->a[i] = (int32_t)(lcg(rng) & 0xff) - 128;
        w->b[i] = (int32_t)(lcg(rng) & 0xfff) - 2048;
    }
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            int32_t sum = 0;
            for (int k = 0; k < n; k++)
                sum += w->a[i * n + k] * w->b[k * n + j];
            w->c[i * n + j] = sum;
        }
    }
    for (int i = 0; i < n * n; i++)
        w->c[i] += w->a[i] & 0x5a;
    for (int i = 0; i < n; i++) {
        uint32_t row = 0;
        for (int j = 0; j < n; j++)
            row += (uint32_t)w->c[i * n + j] ^ (uint32_t)j;
        crc = crcu32(row, crc);
    }
    return crc;
}

/* ---- state: recognise numbers in a comma-separated byte string ----------- */

enum { ST_START, ST_INT, ST_SIGN, ST_FRAC, ST_EXP, ST_EXP_SIGN, ST_SCI, ST_INVALID, ST_COUNT };

static uint32_t state_bench(struct coremix_work *w, uint32_t *rng, uint32_t crc)
{
    for (int i = 0; i < COREMIX_TEXT_LEN; i++) {
        uint32_t r = lcg(rng) & 15;
        uint8_t ch;
        if (r < 10) ch = (uint8_t)('0' + r);
        else if (r == 10) ch = '+';
        else if (r == 11) ch = '-';
        else if (r == 12) ch = '.';
        else if (r == 13) ch = 'e';
        else if (r == 14) ch = 'E';
        else ch = ',';
        w->text[i] = ch;
    }
    uint32_t count[ST_COUNT] = {0};
    uint32_t transitions = 0;
    int state = ST_START;
    for (int i = 0; i <= COREMIX_TEXT_LEN; i++) {
        uint8_t ch = i < COREMIX_TEXT_LEN ? w->text[i] : ',';
        int next = state;
        int digit = ch >= '0' && ch <= '9';
        if (ch == ',') {
            count[state]++;
            next = ST_START;
        } else {
            switch (state) {
            case ST_START:
                if (digit) next = ST_INT;
                else if (ch == '+' || ch == '-') next = ST_SIGN;
                else if (ch == '.') next = ST_FRAC;
                else next = ST_INVALID;
                break;
            case ST_SIGN:
                if (digit) next = ST_INT;
                else if (ch == '.') next = ST_FRAC;
                else next = ST_INVALID;
                break;
            case ST_INT:
                if (ch == '.') next = ST_FRAC;
                else if (ch == 'e' || ch == 'E') next = ST_EXP;
                else if (!digit) next = ST_INVALID;
                break;
            case ST_FRAC:
                if (ch == 'e' || ch == 'E') next = ST_EXP;
                else if (!digit) next = ST_INVALID;
                break;
            case ST_EXP:
                if (ch == '+' || ch == '-') next = ST_EXP_SIGN;
                else if (digit) next = ST_SCI;
                else next = ST_INVALID;
                break;
            case ST_EXP_SIGN:
                next = digit ? ST_SCI : ST_INVALID;
                break;
            case ST_SCI:
                if (!digit) next = ST_INVALID;
                break;
            default:
                break;
            }
        }
        if (next != state)
            transitions++;
        state = next;
    }
    for (int s = 0; s < ST_COUNT; s++)
        crc = crcu16(count[s], crc);
    return crcu16(transitions, crc);
}

/* ---- crc: table-driven CRC-32 (reflected, poly 0xEDB88320) --------------- */

static uint32_t crc_bench(struct coremix_work *w, uint32_t crc)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        w->crc_table[i] = c;
    }
    uint32_t c = 0xFFFFFFFFu;
    const uint8_t *p = w->text;
    for (int i = 0; i < COREMIX_TEXT_LEN; i++)
        c = w->crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    for (int i = 0; i < COREMIX_MAT_N * COREMIX_MAT_N; i++) {
        uint32_t v = (uint32_t)w->c[i];
        for (int b = 0; b < 4; b++, v >>= 8)
            c = w->crc_table[(c ^ v) & 0xff] ^ (c >> 8);
    }
    return crcu32(~c, crc);
}

uint32_t coremix_iteration(struct coremix_work *w, uint32_t seed)
{
    uint32_t rng = seed;
    uint32_t crc = 0;
    crc = list_bench(w, &rng, crc);
    crc = matrix_bench(w, &rng, crc);
    crc = state_bench(w, &rng, crc);
    return crc_bench(w, crc);
}

uint32_t coremix_run(struct coremix_work *w, uint32_t iterations, uint32_t *bad)
{
    uint32_t chain = 0, wrong = 0;
    for (uint32_t i = 0; i < iterations; i++) {
        uint32_t r = coremix_iteration(w, COREMIX_SEED);
        if (r != COREMIX_EXPECTED)
            wrong++;
        chain = crcu16(r, chain);
    }
    *bad = wrong;
    return chain;
}
