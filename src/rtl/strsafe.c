/*
 * strsafe.c - ntstrsafe.h: bounded copy/cat/printf/length for narrow and
 * wide strings, and the UNICODE_STRING forms.
 *
 * One core per operation works on "units" of 1 or 2 bytes, so the A and W
 * forms cannot drift apart; the Cb forms convert bytes to units (a wide
 * Cb size that is odd rounds down). Each core produces a status and the
 * final string; the shared epilogue applies the STRSAFE_* flags exactly
 * once, in the documented order: on failure FILL_ON_FAILURE, then
 * NULL_ON_FAILURE / NO_TRUNCATION; on success FILL_BEHIND_NULL; then the
 * end pointer and remaining count, which are reported for success and for
 * truncation only.
 */
#include <wdm.h>
#include <ntstrsafe.h>
#include "rtl/rtl.h"

#include <string.h>

static inline unsigned ss_get(const void *s, size_t i, unsigned u)
{
    return u == 1 ? ((const unsigned char *)s)[i] : ((const WCHAR *)s)[i];
}

static inline void ss_put(void *s, size_t i, unsigned u, unsigned v)
{
    if (u == 1)
        ((unsigned char *)s)[i] = (unsigned char)v;
    else
        ((WCHAR *)s)[i] = (WCHAR)v;
}

static size_t ss_len(const void *s, size_t max, unsigned u)
{
    size_t n = 0;

    while (n < max && ss_get(s, n, u))
        n++;
    return n;
}

/* Shared epilogue: dst holds `len` units and a terminator (when status is
 * a success or truncation); orig_len is where a Cat started. */
static NTSTATUS ss_finish(NTSTATUS status, void *dst, size_t cch, size_t len, size_t orig_len,
                          bool is_cat, unsigned u, void **end, size_t *remaining, ULONG flags)
{
    bool dst_ok = dst && cch && cch <= NTSTRSAFE_MAX_CCH;

    if (!NT_SUCCESS(status) || status == STATUS_BUFFER_OVERFLOW) {
        if (dst_ok && (flags & STRSAFE_FILL_ON_FAILURE)) {
            memset(dst, STRSAFE_GET_FILL_PATTERN(flags), cch * u);
            ss_put(dst, cch - 1, u, 0);
            len = cch - 1;
        }
        if (dst_ok && (flags & (STRSAFE_NULL_ON_FAILURE | STRSAFE_NO_TRUNCATION))) {
            /* NO_TRUNCATION on a Cat keeps the original string. */
            len = (is_cat && !(flags & STRSAFE_NULL_ON_FAILURE)) ? orig_len : 0;
            ss_put(dst, len, u, 0);
        }
    } else if (dst_ok && (flags & STRSAFE_FILL_BEHIND_NULL) && len + 1 < cch) {
        memset((char *)dst + (len + 1) * u, STRSAFE_GET_FILL_PATTERN(flags), (cch - len - 1) * u);
    }
    if (NT_SUCCESS(status) || status == STATUS_BUFFER_OVERFLOW) {
        if (end)
            *end = dst ? (char *)dst + len * u : NULL;
        if (remaining)
            *remaining = cch - len;
    }
    return status;
}

/* Copy (is_cat false) or Cat (true) of at most max_src units of src. */
static NTSTATUS ss_copy(void *dst, size_t cch, const void *src, size_t max_src, bool is_cat,
                        unsigned u, void **end, size_t *remaining, ULONG flags)
{
    static const WCHAR empty = 0;
    size_t start = 0, n = 0;
    NTSTATUS status = STATUS_SUCCESS;

    if (flags & ~(ULONG)STRSAFE_VALID_FLAGS)
        return STATUS_INVALID_PARAMETER;
    if ((flags & STRSAFE_IGNORE_NULLS) && !src)
        src = &empty;
    if (cch > NTSTRSAFE_MAX_CCH || max_src > NTSTRSAFE_MAX_CCH)
        return ss_finish(STATUS_INVALID_PARAMETER, dst, cch, 0, 0, is_cat, u, end, remaining, flags);
    if (cch == 0) {
        /* Only meaningful with IGNORE_NULLS (dst may be NULL): succeeds
         * when there is nothing to add. */
        if (!(flags & STRSAFE_IGNORE_NULLS))
            return STATUS_INVALID_PARAMETER;
        if (src && max_src && ss_get(src, 0, u))
            return STATUS_BUFFER_OVERFLOW;
        return ss_finish(STATUS_SUCCESS, dst, 0, 0, 0, is_cat, u, end, remaining, flags);
    }
    if (!dst || !src)
        return STATUS_INVALID_PARAMETER;
    if (is_cat) {
        start = ss_len(dst, cch, u);
        if (start == cch)       /* the destination is not terminated */
            return ss_finish(STATUS_INVALID_PARAMETER, dst, cch, 0, 0, false, u, end, remaining,
                             flags);
    }
    while (n < max_src && ss_get(src, n, u)) {
        if (start + n == cch - 1) {
            status = STATUS_BUFFER_OVERFLOW;
            break;
        }
        ss_put(dst, start + n, u, ss_get(src, n, u));
        n++;
    }
    ss_put(dst, start + n, u, 0);
    return ss_finish(status, dst, cch, start + n, start, is_cat, u, end, remaining, flags);
}

struct ss_sink {
    struct rtl_fmt_sink base;
    void *buf;
    size_t cap, used;
    unsigned u;
    bool truncated;
};

static void ss_sink_put(struct rtl_fmt_sink *s, const void *units, size_t count)
{
    struct ss_sink *k = (struct ss_sink *)s;
    size_t room = k->cap - k->used, n = count < room ? count : room;

    if (n < count)
        k->truncated = true;
    memcpy((char *)k->buf + k->used * k->u, units, n * k->u);
    k->used += n;
}

static NTSTATUS ss_vprintf(void *dst, size_t cch, unsigned u, void **end, size_t *remaining,
                           ULONG flags, const void *fmt, va_list ap)
{
    struct ss_sink k;
    int n;

    if (flags & ~(ULONG)STRSAFE_VALID_FLAGS)
        return STATUS_INVALID_PARAMETER;
    if (cch == 0 || cch > NTSTRSAFE_MAX_CCH || !dst)
        return (cch == 0 && (flags & STRSAFE_IGNORE_NULLS)) ? STATUS_BUFFER_OVERFLOW
                                                           : STATUS_INVALID_PARAMETER;
    if (!fmt) {
        if (!(flags & STRSAFE_IGNORE_NULLS))
            return ss_finish(STATUS_INVALID_PARAMETER, dst, cch, 0, 0, false, u, end, remaining,
                             flags);
        ss_put(dst, 0, u, 0);
        return ss_finish(STATUS_SUCCESS, dst, cch, 0, 0, false, u, end, remaining, flags);
    }
    k.base.put = ss_sink_put;
    k.buf = dst;
    k.cap = cch - 1;
    k.used = 0;
    k.u = u;
    k.truncated = false;
    n = rtl_vformat(&k.base, u == 2, fmt, ap);
    ss_put(dst, k.used, u, 0);
    if (n < 0) {
        ss_put(dst, 0, u, 0);
        return ss_finish(STATUS_INVALID_PARAMETER, dst, cch, 0, 0, false, u, end, remaining, flags);
    }
    return ss_finish(k.truncated ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS, dst, cch, k.used, 0,
                     false, u, end, remaining, flags);
}

static NTSTATUS ss_length(const void *s, size_t max, unsigned u, size_t *len)
{
    size_t n;

    if (!s || max == 0 || max > NTSTRSAFE_MAX_CCH) {
        if (len)
            *len = 0;
        return STATUS_INVALID_PARAMETER;
    }
    n = ss_len(s, max, u);
    if (n == max) {
        if (len)
            *len = 0;
        return STATUS_INVALID_PARAMETER;
    }
    if (len)
        *len = n;
    return STATUS_SUCCESS;
}

/* Bytes -> units for the Cb forms; a size too big for MAX_CCH stays too big. */
#define CB(cb, u) ((cb) / (u))

/* ---- Copy / CopyN / Cat / CatN ---- */

NTSTATUS NTAPI RtlStringCchCopyA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s)
{ return ss_copy(d, cch, s, NTSTRSAFE_MAX_CCH, false, 1, NULL, NULL, 0); }
NTSTATUS NTAPI RtlStringCchCopyW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s)
{ return ss_copy(d, cch, s, NTSTRSAFE_MAX_CCH, false, 2, NULL, NULL, 0); }
NTSTATUS NTAPI RtlStringCbCopyA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s)
{ return ss_copy(d, CB(cb, 1), s, NTSTRSAFE_MAX_CCH, false, 1, NULL, NULL, 0); }
NTSTATUS NTAPI RtlStringCbCopyW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s)
{ return ss_copy(d, CB(cb, 2), s, NTSTRSAFE_MAX_CCH, false, 2, NULL, NULL, 0); }

NTSTATUS NTAPI RtlStringCchCopyExA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s,
                                   NTSTRSAFE_PSTR *end, size_t *rem, STRSAFE_DWORD f)
{ return ss_copy(d, cch, s, NTSTRSAFE_MAX_CCH, false, 1, (void **)end, rem, f); }
NTSTATUS NTAPI RtlStringCchCopyExW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s,
                                   NTSTRSAFE_PWSTR *end, size_t *rem, STRSAFE_DWORD f)
{ return ss_copy(d, cch, s, NTSTRSAFE_MAX_CCH, false, 2, (void **)end, rem, f); }

/* rem_cch is read only after st has been computed (argument evaluation
 * order is unspecified, so it is passed by address). */
static NTSTATUS ss_cb_rem(NTSTATUS st, const size_t *rem_cch, size_t *rem_cb, unsigned u)
{
    if (rem_cb && (NT_SUCCESS(st) || st == STATUS_BUFFER_OVERFLOW))
        *rem_cb = *rem_cch * u;
    return st;
}

NTSTATUS NTAPI RtlStringCbCopyExA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s,
                                  NTSTRSAFE_PSTR *end, size_t *rem, STRSAFE_DWORD f)
{
    size_t r = 0;
    return ss_cb_rem(ss_copy(d, CB(cb, 1), s, NTSTRSAFE_MAX_CCH, false, 1, (void **)end, &r, f), &r, rem, 1);
}
NTSTATUS NTAPI RtlStringCbCopyExW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s,
                                  NTSTRSAFE_PWSTR *end, size_t *rem, STRSAFE_DWORD f)
{
    size_t r = 0;
    return ss_cb_rem(ss_copy(d, CB(cb, 2), s, NTSTRSAFE_MAX_CCH, false, 2, (void **)end, &r, f), &r, rem, 2);
}

NTSTATUS NTAPI RtlStringCchCopyNA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s, size_t n)
{ return ss_copy(d, cch, s, n, false, 1, NULL, NULL, 0); }
NTSTATUS NTAPI RtlStringCchCopyNW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s, size_t n)
{ return ss_copy(d, cch, s, n, false, 2, NULL, NULL, 0); }
NTSTATUS NTAPI RtlStringCbCopyNA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s, size_t n)
{ return ss_copy(d, CB(cb, 1), s, n, false, 1, NULL, NULL, 0); }
NTSTATUS NTAPI RtlStringCbCopyNW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s, size_t n)
{ return ss_copy(d, CB(cb, 2), s, n / 2, false, 2, NULL, NULL, 0); }

NTSTATUS NTAPI RtlStringCchCopyNExA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s, size_t n,
                                    NTSTRSAFE_PSTR *end, size_t *rem, STRSAFE_DWORD f)
{ return ss_copy(d, cch, s, n, false, 1, (void **)end, rem, f); }
NTSTATUS NTAPI RtlStringCchCopyNExW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s, size_t n,
                                    NTSTRSAFE_PWSTR *end, size_t *rem, STRSAFE_DWORD f)
{ return ss_copy(d, cch, s, n, false, 2, (void **)end, rem, f); }
NTSTATUS NTAPI RtlStringCbCopyNExA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s, size_t n,
                                   NTSTRSAFE_PSTR *end, size_t *rem, STRSAFE_DWORD f)
{
    size_t r = 0;
    return ss_cb_rem(ss_copy(d, CB(cb, 1), s, n, false, 1, (void **)end, &r, f), &r, rem, 1);
}
NTSTATUS NTAPI RtlStringCbCopyNExW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s, size_t n,
                                   NTSTRSAFE_PWSTR *end, size_t *rem, STRSAFE_DWORD f)
{
    size_t r = 0;
    return ss_cb_rem(ss_copy(d, CB(cb, 2), s, n / 2, false, 2, (void **)end, &r, f), &r, rem, 2);
}

NTSTATUS NTAPI RtlStringCchCatA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s)
{ return ss_copy(d, cch, s, NTSTRSAFE_MAX_CCH, true, 1, NULL, NULL, 0); }
NTSTATUS NTAPI RtlStringCchCatW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s)
{ return ss_copy(d, cch, s, NTSTRSAFE_MAX_CCH, true, 2, NULL, NULL, 0); }
NTSTATUS NTAPI RtlStringCbCatA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s)
{ return ss_copy(d, CB(cb, 1), s, NTSTRSAFE_MAX_CCH, true, 1, NULL, NULL, 0); }
NTSTATUS NTAPI RtlStringCbCatW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s)
{ return ss_copy(d, CB(cb, 2), s, NTSTRSAFE_MAX_CCH, true, 2, NULL, NULL, 0); }

NTSTATUS NTAPI RtlStringCchCatExA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s,
                                  NTSTRSAFE_PSTR *end, size_t *rem, STRSAFE_DWORD f)
{ return ss_copy(d, cch, s, NTSTRSAFE_MAX_CCH, true, 1, (void **)end, rem, f); }
NTSTATUS NTAPI RtlStringCchCatExW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s,
                                  NTSTRSAFE_PWSTR *end, size_t *rem, STRSAFE_DWORD f)
{ return ss_copy(d, cch, s, NTSTRSAFE_MAX_CCH, true, 2, (void **)end, rem, f); }
NTSTATUS NTAPI RtlStringCbCatExA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s,
                                 NTSTRSAFE_PSTR *end, size_t *rem, STRSAFE_DWORD f)
{
    size_t r = 0;
    return ss_cb_rem(ss_copy(d, CB(cb, 1), s, NTSTRSAFE_MAX_CCH, true, 1, (void **)end, &r, f), &r, rem, 1);
}
NTSTATUS NTAPI RtlStringCbCatExW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s,
                                 NTSTRSAFE_PWSTR *end, size_t *rem, STRSAFE_DWORD f)
{
    size_t r = 0;
    return ss_cb_rem(ss_copy(d, CB(cb, 2), s, NTSTRSAFE_MAX_CCH, true, 2, (void **)end, &r, f), &r, rem, 2);
}

NTSTATUS NTAPI RtlStringCchCatNA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s, size_t n)
{ return ss_copy(d, cch, s, n, true, 1, NULL, NULL, 0); }
NTSTATUS NTAPI RtlStringCchCatNW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s, size_t n)
{ return ss_copy(d, cch, s, n, true, 2, NULL, NULL, 0); }
NTSTATUS NTAPI RtlStringCbCatNA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s, size_t n)
{ return ss_copy(d, CB(cb, 1), s, n, true, 1, NULL, NULL, 0); }
NTSTATUS NTAPI RtlStringCbCatNW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s, size_t n)
{ return ss_copy(d, CB(cb, 2), s, n / 2, true, 2, NULL, NULL, 0); }

NTSTATUS NTAPI RtlStringCchCatNExA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR s, size_t n,
                                   NTSTRSAFE_PSTR *end, size_t *rem, STRSAFE_DWORD f)
{ return ss_copy(d, cch, s, n, true, 1, (void **)end, rem, f); }
NTSTATUS NTAPI RtlStringCchCatNExW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR s, size_t n,
                                   NTSTRSAFE_PWSTR *end, size_t *rem, STRSAFE_DWORD f)
{ return ss_copy(d, cch, s, n, true, 2, (void **)end, rem, f); }
NTSTATUS NTAPI RtlStringCbCatNExA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR s, size_t n,
                                  NTSTRSAFE_PSTR *end, size_t *rem, STRSAFE_DWORD f)
{
    size_t r = 0;
    return ss_cb_rem(ss_copy(d, CB(cb, 1), s, n, true, 1, (void **)end, &r, f), &r, rem, 1);
}
NTSTATUS NTAPI RtlStringCbCatNExW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR s, size_t n,
                                  NTSTRSAFE_PWSTR *end, size_t *rem, STRSAFE_DWORD f)
{
    size_t r = 0;
    return ss_cb_rem(ss_copy(d, CB(cb, 2), s, n / 2, true, 2, (void **)end, &r, f), &r, rem, 2);
}

/* ---- Printf ---- */

NTSTATUS NTAPI RtlStringCchVPrintfA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR fmt, va_list ap)
{ return ss_vprintf(d, cch, 1, NULL, NULL, 0, fmt, ap); }
NTSTATUS NTAPI RtlStringCchVPrintfW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR fmt, va_list ap)
{ return ss_vprintf(d, cch, 2, NULL, NULL, 0, fmt, ap); }
NTSTATUS NTAPI RtlStringCbVPrintfA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR fmt, va_list ap)
{ return ss_vprintf(d, CB(cb, 1), 1, NULL, NULL, 0, fmt, ap); }
NTSTATUS NTAPI RtlStringCbVPrintfW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR fmt, va_list ap)
{ return ss_vprintf(d, CB(cb, 2), 2, NULL, NULL, 0, fmt, ap); }

NTSTATUS NTAPI RtlStringCchVPrintfExA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PSTR *end, size_t *rem,
                                      STRSAFE_DWORD f, NTSTRSAFE_PCSTR fmt, va_list ap)
{ return ss_vprintf(d, cch, 1, (void **)end, rem, f, fmt, ap); }
NTSTATUS NTAPI RtlStringCchVPrintfExW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PWSTR *end, size_t *rem,
                                      STRSAFE_DWORD f, NTSTRSAFE_PCWSTR fmt, va_list ap)
{ return ss_vprintf(d, cch, 2, (void **)end, rem, f, fmt, ap); }
NTSTATUS NTAPI RtlStringCbVPrintfExA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PSTR *end, size_t *rem,
                                     STRSAFE_DWORD f, NTSTRSAFE_PCSTR fmt, va_list ap)
{
    size_t r = 0;
    return ss_cb_rem(ss_vprintf(d, CB(cb, 1), 1, (void **)end, &r, f, fmt, ap), &r, rem, 1);
}
NTSTATUS NTAPI RtlStringCbVPrintfExW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PWSTR *end, size_t *rem,
                                     STRSAFE_DWORD f, NTSTRSAFE_PCWSTR fmt, va_list ap)
{
    size_t r = 0;
    return ss_cb_rem(ss_vprintf(d, CB(cb, 2), 2, (void **)end, &r, f, fmt, ap), &r, rem, 2);
}

#define SS_VARARGS(call, last) do {     \
        va_list ap;                     \
        NTSTATUS st;                    \
        va_start(ap, last);             \
        st = call;                      \
        va_end(ap);                     \
        return st;                      \
    } while (0)

NTSTATUS NTAPI RtlStringCchPrintfA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PCSTR fmt, ...)
{ SS_VARARGS(RtlStringCchVPrintfA(d, cch, fmt, ap), fmt); }
NTSTATUS NTAPI RtlStringCchPrintfW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PCWSTR fmt, ...)
{ SS_VARARGS(RtlStringCchVPrintfW(d, cch, fmt, ap), fmt); }
NTSTATUS NTAPI RtlStringCbPrintfA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PCSTR fmt, ...)
{ SS_VARARGS(RtlStringCbVPrintfA(d, cb, fmt, ap), fmt); }
NTSTATUS NTAPI RtlStringCbPrintfW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PCWSTR fmt, ...)
{ SS_VARARGS(RtlStringCbVPrintfW(d, cb, fmt, ap), fmt); }
NTSTATUS NTAPI RtlStringCchPrintfExA(NTSTRSAFE_PSTR d, size_t cch, NTSTRSAFE_PSTR *end, size_t *rem,
                                     STRSAFE_DWORD f, NTSTRSAFE_PCSTR fmt, ...)
{ SS_VARARGS(RtlStringCchVPrintfExA(d, cch, end, rem, f, fmt, ap), fmt); }
NTSTATUS NTAPI RtlStringCchPrintfExW(NTSTRSAFE_PWSTR d, size_t cch, NTSTRSAFE_PWSTR *end, size_t *rem,
                                     STRSAFE_DWORD f, NTSTRSAFE_PCWSTR fmt, ...)
{ SS_VARARGS(RtlStringCchVPrintfExW(d, cch, end, rem, f, fmt, ap), fmt); }
NTSTATUS NTAPI RtlStringCbPrintfExA(NTSTRSAFE_PSTR d, size_t cb, NTSTRSAFE_PSTR *end, size_t *rem,
                                    STRSAFE_DWORD f, NTSTRSAFE_PCSTR fmt, ...)
{ SS_VARARGS(RtlStringCbVPrintfExA(d, cb, end, rem, f, fmt, ap), fmt); }
NTSTATUS NTAPI RtlStringCbPrintfExW(NTSTRSAFE_PWSTR d, size_t cb, NTSTRSAFE_PWSTR *end, size_t *rem,
                                    STRSAFE_DWORD f, NTSTRSAFE_PCWSTR fmt, ...)
{ SS_VARARGS(RtlStringCbVPrintfExW(d, cb, end, rem, f, fmt, ap), fmt); }

/* ---- Length ---- */

NTSTATUS NTAPI RtlStringCchLengthA(NTSTRSAFE_PCSTR s, size_t max, size_t *len)
{ return ss_length(s, max, 1, len); }
NTSTATUS NTAPI RtlStringCchLengthW(NTSTRSAFE_PCWSTR s, size_t max, size_t *len)
{ return ss_length(s, max, 2, len); }
NTSTATUS NTAPI RtlStringCbLengthA(NTSTRSAFE_PCSTR s, size_t max, size_t *len)
{ return ss_length(s, max, 1, len); }
NTSTATUS NTAPI RtlStringCbLengthW(NTSTRSAFE_PCWSTR s, size_t max, size_t *len)
{
    size_t n = 0;
    NTSTATUS st = ss_length(s, max / 2, 2, &n);

    if (len)
        *len = n * 2;
    return st;
}

/* ---- UNICODE_STRING forms ---- */

#define US_MAX_CB (NTSTRSAFE_UNICODE_STRING_MAX_CCH * sizeof(WCHAR))

static bool us_valid(PCUNICODE_STRING s)
{
    return s && !(s->Length & 1) && !(s->MaximumLength & 1) && s->Length <= s->MaximumLength &&
           s->MaximumLength <= US_MAX_CB && (s->Buffer || s->MaximumLength == 0);
}

NTSTATUS NTAPI RtlUnicodeStringValidate(PCUNICODE_STRING SourceString)
{
    return us_valid(SourceString) ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

NTSTATUS NTAPI RtlUnicodeStringValidateEx(PCUNICODE_STRING SourceString, STRSAFE_DWORD dwFlags)
{
    if (dwFlags & ~(ULONG)STRSAFE_IGNORE_NULLS)
        return STATUS_INVALID_PARAMETER;
    if (!SourceString && (dwFlags & STRSAFE_IGNORE_NULLS))
        return STATUS_SUCCESS;
    return RtlUnicodeStringValidate(SourceString);
}

NTSTATUS NTAPI RtlUnicodeStringInitEx(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc,
                                      STRSAFE_DWORD dwFlags)
{
    size_t n;

    if (!DestinationString || (dwFlags & ~(ULONG)STRSAFE_IGNORE_NULLS))
        return STATUS_INVALID_PARAMETER;
    DestinationString->Length = DestinationString->MaximumLength = 0;
    DestinationString->Buffer = (PWCH)pszSrc;
    if (!pszSrc)
        return STATUS_SUCCESS;
    n = rtl_wcsnlen(pszSrc, NTSTRSAFE_UNICODE_STRING_MAX_CCH);
    if (n == NTSTRSAFE_UNICODE_STRING_MAX_CCH)
        return STATUS_INVALID_PARAMETER;
    DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlUnicodeStringInit(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc)
{
    return RtlUnicodeStringInitEx(DestinationString, pszSrc, 0);
}

/* Copies (append == false) or appends n WCHARs; truncates to what fits. */
static NTSTATUS us_put(PUNICODE_STRING d, const WCHAR *src, size_t n, bool append)
{
    size_t start, room, k;

    if (!us_valid(d))
        return STATUS_INVALID_PARAMETER;
    start = append ? d->Length / sizeof(WCHAR) : 0;
    room = d->MaximumLength / sizeof(WCHAR) - start;
    k = n < room ? n : room;
    if (k)
        memmove(d->Buffer + start, src, k * sizeof(WCHAR));
    d->Length = (USHORT)((start + k) * sizeof(WCHAR));
    return k < n ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlUnicodeStringCopy(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    if (!us_valid(SourceString))
        return STATUS_INVALID_PARAMETER;
    return us_put(DestinationString, SourceString->Buffer, SourceString->Length / sizeof(WCHAR), false);
}

NTSTATUS NTAPI RtlUnicodeStringCat(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    if (!us_valid(SourceString))
        return STATUS_INVALID_PARAMETER;
    return us_put(DestinationString, SourceString->Buffer, SourceString->Length / sizeof(WCHAR), true);
}

static NTSTATUS us_put_sz(PUNICODE_STRING d, const WCHAR *s, size_t max, bool append)
{
    if (!s)
        return STATUS_INVALID_PARAMETER;
    if (max > NTSTRSAFE_UNICODE_STRING_MAX_CCH)
        max = NTSTRSAFE_UNICODE_STRING_MAX_CCH;
    return us_put(d, s, rtl_wcsnlen(s, max), append);
}

NTSTATUS NTAPI RtlUnicodeStringCopyString(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc)
{ return us_put_sz(DestinationString, pszSrc, NTSTRSAFE_UNICODE_STRING_MAX_CCH, false); }
NTSTATUS NTAPI RtlUnicodeStringCatString(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc)
{ return us_put_sz(DestinationString, pszSrc, NTSTRSAFE_UNICODE_STRING_MAX_CCH, true); }

NTSTATUS NTAPI RtlUnicodeStringCchCopyStringN(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s, size_t n)
{
    if (n > NTSTRSAFE_UNICODE_STRING_MAX_CCH)
        return STATUS_INVALID_PARAMETER;
    return us_put_sz(d, s, n, false);
}
NTSTATUS NTAPI RtlUnicodeStringCbCopyStringN(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s, size_t cb)
{ return RtlUnicodeStringCchCopyStringN(d, s, cb / sizeof(WCHAR)); }
NTSTATUS NTAPI RtlUnicodeStringCchCatStringN(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s, size_t n)
{
    if (n > NTSTRSAFE_UNICODE_STRING_MAX_CCH)
        return STATUS_INVALID_PARAMETER;
    return us_put_sz(d, s, n, true);
}
NTSTATUS NTAPI RtlUnicodeStringCbCatStringN(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s, size_t cb)
{ return RtlUnicodeStringCchCatStringN(d, s, cb / sizeof(WCHAR)); }

NTSTATUS NTAPI RtlUnicodeStringVPrintf(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszFormat,
                                       va_list argList)
{
    struct ss_sink k;
    int n;

    if (!us_valid(DestinationString) || !pszFormat)
        return STATUS_INVALID_PARAMETER;
    k.base.put = ss_sink_put;
    k.buf = DestinationString->Buffer;
    k.cap = DestinationString->MaximumLength / sizeof(WCHAR);
    k.used = 0;
    k.u = sizeof(WCHAR);
    k.truncated = false;
    n = rtl_vformat(&k.base, true, pszFormat, argList);
    if (n < 0) {
        DestinationString->Length = 0;
        return STATUS_INVALID_PARAMETER;
    }
    DestinationString->Length = (USHORT)(k.used * sizeof(WCHAR));
    return k.truncated ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlUnicodeStringPrintf(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszFormat, ...)
{ SS_VARARGS(RtlUnicodeStringVPrintf(DestinationString, pszFormat, ap), pszFormat); }

/* ---- UNICODE_STRING Ex forms ---- */

#define US_EX_FLAGS (0xFFu | STRSAFE_IGNORE_NULLS | STRSAFE_FILL_BEHIND | STRSAFE_FILL_ON_FAILURE | \
                     STRSAFE_ZERO_LENGTH_ON_FAILURE | STRSAFE_NO_TRUNCATION)

/* Applies the flags after an operation that started from orig_len bytes
 * (a Cat) or 0 (a Copy) and reports the remaining space. */
static NTSTATUS us_ex_finish(NTSTATUS st, PUNICODE_STRING d, USHORT orig_len,
                             PUNICODE_STRING remaining, ULONG flags)
{
    bool d_ok = us_valid(d);
    int fill = STRSAFE_GET_FILL_PATTERN(flags);

    if (d_ok && st != STATUS_SUCCESS) {
        if (flags & STRSAFE_FILL_ON_FAILURE) {
            memset(d->Buffer, fill, d->MaximumLength);
            d->Length = fill ? d->MaximumLength : 0;
        }
        if (flags & STRSAFE_ZERO_LENGTH_ON_FAILURE)
            d->Length = 0;
        else if ((flags & STRSAFE_NO_TRUNCATION) && st == STATUS_BUFFER_OVERFLOW)
            d->Length = orig_len;
    } else if (d_ok && (flags & STRSAFE_FILL_BEHIND) && d->Length < d->MaximumLength) {
        memset((char *)d->Buffer + d->Length, fill, d->MaximumLength - d->Length);
    }
    if (remaining && d_ok && (NT_SUCCESS(st) || st == STATUS_BUFFER_OVERFLOW)) {
        remaining->Buffer = d->Buffer ? d->Buffer + d->Length / sizeof(WCHAR) : NULL;
        remaining->Length = 0;
        remaining->MaximumLength = (USHORT)(d->MaximumLength - d->Length);
    }
    return st;
}

static NTSTATUS us_ex_put(PUNICODE_STRING d, const WCHAR *src, size_t n, bool append,
                          PUNICODE_STRING remaining, ULONG flags)
{
    USHORT orig;

    if (flags & ~(ULONG)US_EX_FLAGS)
        return STATUS_INVALID_PARAMETER;
    if (!us_valid(d))
        return STATUS_INVALID_PARAMETER;
    orig = append ? d->Length : 0;
    return us_ex_finish(us_put(d, src, n, append), d, orig, remaining, flags);
}

static NTSTATUS us_ex_ustr(PUNICODE_STRING d, PCUNICODE_STRING s, bool append,
                           PUNICODE_STRING remaining, ULONG flags)
{
    static const WCHAR empty = 0;

    if (!s && (flags & STRSAFE_IGNORE_NULLS))
        return us_ex_put(d, &empty, 0, append, remaining, flags);
    if (!us_valid(s))
        return us_ex_finish(STATUS_INVALID_PARAMETER, d, append && us_valid(d) ? d->Length : 0,
                            remaining, flags);
    return us_ex_put(d, s->Buffer, s->Length / sizeof(WCHAR), append, remaining, flags);
}

static NTSTATUS us_ex_sz(PUNICODE_STRING d, const WCHAR *s, bool append,
                         PUNICODE_STRING remaining, ULONG flags)
{
    static const WCHAR empty = 0;

    if (!s && (flags & STRSAFE_IGNORE_NULLS))
        s = &empty;
    if (!s)
        return us_ex_finish(STATUS_INVALID_PARAMETER, d, append && us_valid(d) ? d->Length : 0,
                            remaining, flags);
    return us_ex_put(d, s, rtl_wcsnlen(s, NTSTRSAFE_UNICODE_STRING_MAX_CCH), append, remaining,
                     flags);
}

NTSTATUS NTAPI RtlUnicodeStringCopyEx(PUNICODE_STRING d, PCUNICODE_STRING s, PUNICODE_STRING rem,
                                      STRSAFE_DWORD f)
{ return us_ex_ustr(d, s, false, rem, f); }
NTSTATUS NTAPI RtlUnicodeStringCatEx(PUNICODE_STRING d, PCUNICODE_STRING s, PUNICODE_STRING rem,
                                     STRSAFE_DWORD f)
{ return us_ex_ustr(d, s, true, rem, f); }
NTSTATUS NTAPI RtlUnicodeStringCopyStringEx(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s, PUNICODE_STRING rem,
                                            STRSAFE_DWORD f)
{ return us_ex_sz(d, s, false, rem, f); }
NTSTATUS NTAPI RtlUnicodeStringCatStringEx(PUNICODE_STRING d, NTSTRSAFE_PCWSTR s, PUNICODE_STRING rem,
                                           STRSAFE_DWORD f)
{ return us_ex_sz(d, s, true, rem, f); }

NTSTATUS NTAPI RtlUnicodeStringVPrintfEx(PUNICODE_STRING d, PUNICODE_STRING rem, STRSAFE_DWORD f,
                                         NTSTRSAFE_PCWSTR fmt, va_list ap)
{
    if (f & ~(ULONG)US_EX_FLAGS)
        return STATUS_INVALID_PARAMETER;
    if (!us_valid(d))
        return STATUS_INVALID_PARAMETER;
    return us_ex_finish(RtlUnicodeStringVPrintf(d, fmt, ap), d, 0, rem, f);
}

NTSTATUS NTAPI RtlUnicodeStringPrintfEx(PUNICODE_STRING d, PUNICODE_STRING rem, STRSAFE_DWORD f,
                                        NTSTRSAFE_PCWSTR fmt, ...)
{ SS_VARARGS(RtlUnicodeStringVPrintfEx(d, rem, f, fmt, ap), fmt); }
