/*
 * wstr.c - 16-bit wide string primitives, case mapping and UTF-8/UTF-16
 * conversion for the whole executive (see rtl.h for the contracts).
 *
 * Case mapping is table-free: each covered block folds by a fixed offset or
 * by even/odd pairing, which keeps the mapping small, auditable and exactly
 * invertible (rtl_downcase(rtl_upcase(c)) == rtl_downcase(c) for every
 * covered c). The tests check the round trip over the whole BMP.
 */
#include "rtl/rtl.h"

#include <stdlib.h>
#include <string.h>

size_t rtl_wcslen(const WCHAR *s)
{
    const WCHAR *p = s;

    while (*p)
        p++;
    return (size_t)(p - s);
}

size_t rtl_wcsnlen(const WCHAR *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int rtl_wcscmp(const WCHAR *a, const WCHAR *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (int)*a - (int)*b;
}

int rtl_wcsncmp(const WCHAR *a, const WCHAR *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (int)*a - (int)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

int rtl_wcsicmp(const WCHAR *a, const WCHAR *b)
{
    return rtl_wcsnicmp(a, b, (size_t)-1);
}

int rtl_wcsnicmp(const WCHAR *a, const WCHAR *b, size_t n)
{
    for (; n; n--, a++, b++) {
        WCHAR ca = rtl_upcase(*a), cb = rtl_upcase(*b);

        if (ca != cb)
            return (int)ca - (int)cb;
        if (!ca)
            return 0;
    }
    return 0;
}

int rtl_wstr_cmp(const WCHAR *a, size_t a_cch, const WCHAR *b, size_t b_cch,
                 bool case_insensitive)
{
    size_t n = a_cch < b_cch ? a_cch : b_cch;

    for (size_t i = 0; i < n; i++) {
        WCHAR ca = a[i], cb = b[i];

        if (case_insensitive) {
            ca = rtl_upcase(ca);
            cb = rtl_upcase(cb);
        }
        if (ca != cb)
            return (int)ca - (int)cb;
    }
    return a_cch < b_cch ? -1 : a_cch > b_cch ? 1 : 0;
}

size_t rtl_wcslcpy(WCHAR *dst, const WCHAR *src, size_t n)
{
    size_t i = 0;

    if (!n)
        return 0;
    while (i + 1 < n && src[i]) {
        dst[i] = src[i];
        i++;
    }
    dst[i] = 0;
    return i;
}

const WCHAR *rtl_wcschr(const WCHAR *s, WCHAR ch)
{
    for (;; s++) {
        if (*s == ch)
            return s;
        if (!*s)
            return NULL;
    }
}

/* Blocks where upper and lower case alternate: [first, last] with the
 * upper-case letter on the given parity (0 = even code point is upper). */
struct rtl_case_pairs {
    WCHAR first, last;
    unsigned char upper_parity;
};

static const struct rtl_case_pairs rtl_pairs[] = {
    { 0x0100, 0x012F, 0 },  /* Latin Extended-A: A-macron .. i-ogonek */
    { 0x0132, 0x0137, 0 },  /* IJ .. k-cedilla */
    { 0x0139, 0x0148, 1 },  /* L-acute .. n-caron */
    { 0x014A, 0x0177, 0 },  /* ENG .. y-circumflex */
    { 0x0179, 0x017E, 1 },  /* Z-acute .. z-caron */
    { 0x0460, 0x0481, 0 },  /* Cyrillic omega .. koppa */
    { 0x048A, 0x04BF, 0 },
    { 0x04D0, 0x052F, 0 },
    { 0x1E00, 0x1E95, 0 },  /* Latin Extended Additional */
    { 0x1EA0, 0x1EFF, 0 },
};

/* Blocks that fold by a fixed offset: lower = upper + delta. */
struct rtl_case_shift {
    WCHAR upper_first, upper_last;
    int delta;
};

static const struct rtl_case_shift rtl_shifts[] = {
    { 0x0041, 0x005A, 0x20 },   /* A-Z */
    { 0x00C0, 0x00D6, 0x20 },   /* Latin-1 (skipping the multiplication sign) */
    { 0x00D8, 0x00DE, 0x20 },
    { 0x0388, 0x038A, 0x25 },   /* Greek tonos letters */
    { 0x038E, 0x038F, 0x3F },
    { 0x0391, 0x03A1, 0x20 },   /* Greek alpha .. rho */
    { 0x03A3, 0x03AB, 0x20 },   /* Greek sigma .. upsilon-dialytika */
    { 0x0400, 0x040F, 0x50 },   /* Cyrillic Ie-grave .. Dzhe */
    { 0x0410, 0x042F, 0x20 },   /* Cyrillic A .. Ya */
    { 0x0531, 0x0556, 0x30 },   /* Armenian */
    { 0x2160, 0x216F, 0x10 },   /* Roman numerals */
    { 0x24B6, 0x24CF, 0x1A },   /* circled Latin letters */
    { 0xFF21, 0xFF3A, 0x20 },   /* fullwidth A-Z */
};

WCHAR rtl_upcase(WCHAR ch)
{
    if (ch < 0x80)
        return (ch >= 'a' && ch <= 'z') ? (WCHAR)(ch - 0x20) : ch;
    /* The few one-off letters that break the block rules. */
    switch (ch) {
    case 0x00FF: return 0x0178;  /* y-diaeresis */
    case 0x03AC: return 0x0386;  /* alpha-tonos */
    case 0x03CC: return 0x038C;  /* omicron-tonos */
    case 0x03C2: return 0x03A3;  /* final sigma */
    default: break;
    }
    for (size_t i = 0; i < RTL_NUMBER_OF(rtl_shifts); i++) {
        const struct rtl_case_shift *s = &rtl_shifts[i];

        if (ch >= s->upper_first + s->delta && ch <= s->upper_last + s->delta)
            return (WCHAR)(ch - s->delta);
    }
    for (size_t i = 0; i < RTL_NUMBER_OF(rtl_pairs); i++) {
        const struct rtl_case_pairs *p = &rtl_pairs[i];

        if (ch >= p->first && ch <= p->last)
            return (ch & 1) == p->upper_parity ? ch : (WCHAR)(ch - 1);
    }
    return ch;
}

WCHAR rtl_downcase(WCHAR ch)
{
    if (ch < 0x80)
        return (ch >= 'A' && ch <= 'Z') ? (WCHAR)(ch + 0x20) : ch;
    switch (ch) {
    case 0x0178: return 0x00FF;
    case 0x0386: return 0x03AC;
    case 0x038C: return 0x03CC;
    default: break;
    }
    for (size_t i = 0; i < RTL_NUMBER_OF(rtl_shifts); i++) {
        const struct rtl_case_shift *s = &rtl_shifts[i];

        if (ch >= s->upper_first && ch <= s->upper_last)
            return (WCHAR)(ch + s->delta);
    }
    for (size_t i = 0; i < RTL_NUMBER_OF(rtl_pairs); i++) {
        const struct rtl_case_pairs *p = &rtl_pairs[i];

        if (ch >= p->first && ch <= p->last)
            return (ch & 1) == p->upper_parity ? (WCHAR)(ch + 1) : ch;
    }
    return ch;
}

/* Decodes one code point from UTF-8; returns the bytes consumed (>= 1) and
 * sets *cp, or U+FFFD with *bad set for ill-formed input (consuming the
 * maximal ill-formed prefix, at least one byte). */
static size_t rtl_utf8_decode(const unsigned char *s, size_t len, unsigned *cp, bool *bad)
{
    unsigned c = s[0], min, v;
    size_t need;

    *bad = false;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1; v = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2; v = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3; v = c & 0x07; min = 0x10000;
    } else {
        goto bad;
    }
    for (size_t i = 1; i <= need; i++) {
        if (i >= len || (s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            *bad = true;
            return i;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        goto bad_n;
    *cp = v;
    return need + 1;
bad_n:
    *cp = 0xFFFD;
    *bad = true;
    return need + 1;
bad:
    *cp = 0xFFFD;
    *bad = true;
    return 1;
}

NTSTATUS rtl_utf8_to_utf16(WCHAR *dst, size_t dst_cch, size_t *out_cch,
                           const char *src, size_t src_len)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0, o = 0;
    bool any_bad = false;

    while (i < src_len) {
        unsigned cp;
        bool bad;
        size_t used = rtl_utf8_decode(s + i, src_len - i, &cp, &bad);
        size_t units = cp >= 0x10000 ? 2 : 1;

        if (dst) {
            if (o + units > dst_cch) {
                *out_cch = o;
                return STATUS_BUFFER_TOO_SMALL;
            }
            if (units == 2) {
                cp -= 0x10000;
                dst[o] = (WCHAR)(0xD800 | (cp >> 10));
                dst[o + 1] = (WCHAR)(0xDC00 | (cp & 0x3FF));
            } else {
                dst[o] = (WCHAR)cp;
            }
        }
        o += units;
        i += used;
        any_bad |= bad;
    }
    *out_cch = o;
    return any_bad ? STATUS_SOME_NOT_MAPPED : STATUS_SUCCESS;
}

NTSTATUS rtl_utf16_to_utf8(char *dst, size_t dst_len, size_t *out_len,
                           const WCHAR *src, size_t src_cch)
{
    size_t i = 0, o = 0;
    bool any_bad = false;

    while (i < src_cch) {
        unsigned cp = src[i++];
        unsigned char buf[4];
        size_t n;

        if (cp >= 0xD800 && cp <= 0xDBFF && i < src_cch &&
            src[i] >= 0xDC00 && src[i] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (src[i++] - 0xDC00);
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
            any_bad = true;
        }
        if (cp < 0x80) {
            buf[0] = (unsigned char)cp;
            n = 1;
        } else if (cp < 0x800) {
            buf[0] = (unsigned char)(0xC0 | (cp >> 6));
            buf[1] = (unsigned char)(0x80 | (cp & 0x3F));
            n = 2;
        } else if (cp < 0x10000) {
            buf[0] = (unsigned char)(0xE0 | (cp >> 12));
            buf[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            buf[2] = (unsigned char)(0x80 | (cp & 0x3F));
            n = 3;
        } else {
            buf[0] = (unsigned char)(0xF0 | (cp >> 18));
            buf[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
            buf[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            buf[3] = (unsigned char)(0x80 | (cp & 0x3F));
            n = 4;
        }
        if (dst) {
            if (o + n > dst_len) {
                *out_len = o;
                return STATUS_BUFFER_TOO_SMALL;
            }
            memcpy(dst + o, buf, n);
        }
        o += n;
    }
    *out_len = o;
    return any_bad ? STATUS_SOME_NOT_MAPPED : STATUS_SUCCESS;
}

WCHAR *rtl_utf8_to_wstr(const char *src, size_t src_len)
{
    size_t cch;
    WCHAR *w;

    if (src_len == (size_t)-1)
        src_len = strlen(src);
    rtl_utf8_to_utf16(NULL, 0, &cch, src, src_len);
    w = malloc((cch + 1) * sizeof(WCHAR));
    if (!w)
        return NULL;
    rtl_utf8_to_utf16(w, cch, &cch, src, src_len);
    w[cch] = 0;
    return w;
}

char *rtl_wstr_to_utf8(const WCHAR *src, size_t src_cch)
{
    size_t len;
    char *s;

    if (src_cch == (size_t)-1)
        src_cch = rtl_wcslen(src);
    rtl_utf16_to_utf8(NULL, 0, &len, src, src_cch);
    s = malloc(len + 1);
    if (!s)
        return NULL;
    rtl_utf16_to_utf8(s, len, &len, src, src_cch);
    s[len] = 0;
    return s;
}

WCHAR *rtl_wcsndup(const WCHAR *src, size_t cch)
{
    WCHAR *w = malloc((cch + 1) * sizeof(WCHAR));

    if (!w)
        return NULL;
    if (cch)
        memcpy(w, src, cch * sizeof(WCHAR));
    w[cch] = 0;
    return w;
}
