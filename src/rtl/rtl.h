/*
 * rtl/rtl.h - the run-time library's internal API, for every layer of the
 * executive (registry, io, ob, ...).
 *
 * The executive is built with -fshort-wchar, so WCHAR is 16 bits and glibc's
 * wide functions (wcslen, wcscmp, ...) must never be called: they assume a
 * 32-bit wchar_t. These helpers are the replacements. Strings are UTF-16;
 * lengths are in WCHARs ("cch") unless a name says bytes ("cb").
 *
 * Case folding follows the simple one-to-one mapping Windows uses for names
 * (object, registry, file names): ASCII, Latin-1, Latin Extended-A and
 * Additional, Greek, Cyrillic, Armenian, Roman numerals, circled letters and
 * fullwidth forms. Characters outside those ranges fold to themselves.
 * Comparisons compare upcased code units, as RtlCompareUnicodeString does
 * with CaseInSensitive = TRUE.
 */
#ifndef DDK_RTL_INTERNAL_H
#define DDK_RTL_INTERNAL_H

#include <ntdef.h>
#include <ntstatus.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Length of a NUL-terminated wide string, in WCHARs. */
size_t rtl_wcslen(const WCHAR *s);
/* Same, but never reads more than max WCHARs. */
size_t rtl_wcsnlen(const WCHAR *s, size_t max);

/* Ordinal comparisons of NUL-terminated strings: <0, 0, >0 by code unit. */
int rtl_wcscmp(const WCHAR *a, const WCHAR *b);
int rtl_wcsncmp(const WCHAR *a, const WCHAR *b, size_t n);
int rtl_wcsicmp(const WCHAR *a, const WCHAR *b);
int rtl_wcsnicmp(const WCHAR *a, const WCHAR *b, size_t n);

/* Counted comparison (no terminators needed; embedded NULs compare as
 * characters): the shorter string sorts first when it is a prefix. */
int rtl_wstr_cmp(const WCHAR *a, size_t a_cch, const WCHAR *b, size_t b_cch,
                 bool case_insensitive);

/* Copies at most n WCHARs and always terminates when n > 0 (truncating);
 * returns the number of WCHARs copied, without the terminator. */
size_t rtl_wcslcpy(WCHAR *dst, const WCHAR *src, size_t n);

/* Finds ch in s (NUL-terminated); NULL if absent. */
const WCHAR *rtl_wcschr(const WCHAR *s, WCHAR ch);

/* Simple case mapping (see the top of this file). */
WCHAR rtl_upcase(WCHAR ch);
WCHAR rtl_downcase(WCHAR ch);

/*
 * UTF-8 -> UTF-16. Converts src_len bytes (no terminator needed, none
 * added). dst may be NULL to measure. *out_cch receives the WCHARs written
 * (or needed, when dst is NULL). Ill-formed input (overlongs, surrogates
 * encoded in UTF-8, > U+10FFFF, truncated sequences) becomes U+FFFD and the
 * result is STATUS_SOME_NOT_MAPPED (still a success code). When dst is too
 * small, converts what fits (never splitting a surrogate pair) and returns
 * STATUS_BUFFER_TOO_SMALL.
 */
NTSTATUS rtl_utf8_to_utf16(WCHAR *dst, size_t dst_cch, size_t *out_cch,
                           const char *src, size_t src_len);

/*
 * UTF-16 -> UTF-8, same contract, in bytes: unpaired surrogates become
 * U+FFFD (EF BF BD) and give STATUS_SOME_NOT_MAPPED; a too-small dst gets
 * whole characters only and STATUS_BUFFER_TOO_SMALL.
 */
NTSTATUS rtl_utf16_to_utf8(char *dst, size_t dst_len, size_t *out_len,
                           const WCHAR *src, size_t src_cch);

/* Allocating conversions (malloc; free with free()). The results are
 * NUL-terminated; NULL on allocation failure. src_len / src_cch may be
 * (size_t)-1 to mean "NUL-terminated". */
WCHAR *rtl_utf8_to_wstr(const char *src, size_t src_len);
char *rtl_wstr_to_utf8(const WCHAR *src, size_t src_cch);
/* malloc'd copy of a counted wide string, NUL-terminated. */
WCHAR *rtl_wcsndup(const WCHAR *src, size_t cch);

/*
 * The printf engine behind DbgPrint, the ntstrsafe Printf family and
 * (later) WPP. It understands the C99 conversions plus the Microsoft ones:
 * %wZ (PCUNICODE_STRING), %Z (PCANSI_STRING), %ws %ls %S (wide string),
 * %wc %lc %C (wide char), %hs %hc (narrow in a wide format), %I64 %I32 %I
 * size prefixes, %p (16 hex digits, upper case, as on x64).
 *
 * The output sink is called with runs of UTF-16 code units when wide is
 * true and bytes otherwise; narrow output of wide arguments is UTF-8,
 * wide output of narrow arguments is UTF-8 decoded. Returns the number of
 * units produced (whatever the sink did with them), or -1 for a format the
 * engine does not understand (a bad conversion is an error, as in
 * Windows' _vsnprintf, never undefined behaviour).
 */
struct rtl_fmt_sink {
    void (*put)(struct rtl_fmt_sink *sink, const void *units, size_t count);
};
int rtl_vformat(struct rtl_fmt_sink *sink, bool wide, const void *fmt, va_list ap);

/* Formats into a fixed buffer of cap units (bytes or WCHARs). Writes at
 * most cap - 1 units plus a terminator (when cap > 0). Returns the full
 * length the output would have had, or -1 on a bad format. */
int rtl_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
int rtl_snprintf(char *buf, size_t cap, const char *fmt, ...);
int rtl_vsnwprintf(WCHAR *buf, size_t cap, const WCHAR *fmt, va_list ap);
int rtl_snwprintf(WCHAR *buf, size_t cap, const WCHAR *fmt, ...);

/* Pool helpers for the allocating Rtl DDIs (RtlCreateUnicodeString, ...):
 * paged pool via ExAllocatePool2, released with ExFreePool. */
void *rtl_pool_alloc(size_t size, ULONG tag);
void rtl_pool_free(void *p);

#endif /* DDK_RTL_INTERNAL_H */
