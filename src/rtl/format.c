/*
 * format.c - the printf engine of the executive (rtl_vformat, see rtl.h),
 * behind DbgPrint, the ntstrsafe Printf family and, later, WPP.
 *
 * It implements the Microsoft dialect, not glibc's: "l" is 32 bits (LONG),
 * I64/I32/I are size prefixes, %wZ/%Z print counted strings, %S/%C swap
 * the string width relative to the format's own width, and %p prints all
 * 16 hex digits in upper case. It is written here rather than layered on
 * vsnprintf because glibc's %ls/%S assume a 32-bit wchar_t (we have 16),
 * glibc reads "l" as 64 bits, and a format glibc does not know is
 * undefined behaviour where Windows returns an error. Only floating point
 * is delegated to snprintf, one conversion at a time, with a spec rebuilt
 * from validated parts.
 *
 * Output is streamed to a sink in runs; widths and precisions count
 * characters of the argument as given (code units), as Windows does.
 */
#include "rtl/rtl.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct rtl_fmt_out {
    struct rtl_fmt_sink *sink;
    bool wide;
    size_t count;
};

static void out_raw(struct rtl_fmt_out *o, const void *units, size_t n)
{
    if (!n)
        return;
    o->sink->put(o->sink, units, n);
    o->count += n;
}

/* Narrow (UTF-8) text to the output width. */
static void out_narrow(struct rtl_fmt_out *o, const char *s, size_t n)
{
    WCHAR tmp[128];

    if (!o->wide) {
        out_raw(o, s, n);
        return;
    }
    while (n) {
        /* Convert in chunks that end on a character boundary: at most
         * 120 bytes, then back off continuation bytes. */
        size_t chunk = n < 120 ? n : 120, cch;

        if (chunk < n)
            while (chunk > 1 && ((unsigned char)s[chunk] & 0xC0) == 0x80)
                chunk--;
        rtl_utf8_to_utf16(tmp, RTL_NUMBER_OF(tmp), &cch, s, chunk);
        out_raw(o, tmp, cch);
        s += chunk;
        n -= chunk;
    }
}

/* Wide (UTF-16) text to the output width. */
static void out_wide(struct rtl_fmt_out *o, const WCHAR *s, size_t n)
{
    char tmp[256];

    if (o->wide) {
        out_raw(o, s, n);
        return;
    }
    while (n) {
        size_t chunk = n < 60 ? n : 60, len;

        /* Never split a surrogate pair across chunks. */
        if (chunk < n && s[chunk - 1] >= 0xD800 && s[chunk - 1] <= 0xDBFF)
            chunk--;
        rtl_utf16_to_utf8(tmp, sizeof(tmp), &len, s, chunk);
        out_raw(o, tmp, len);
        s += chunk;
        n -= chunk;
    }
}

static void out_pad(struct rtl_fmt_out *o, char c, size_t n)
{
    char sp[32];
    WCHAR wsp[32];

    memset(sp, c, sizeof(sp));
    for (size_t i = 0; i < 32; i++)
        wsp[i] = (WCHAR)c;
    while (n) {
        size_t k = n < 32 ? n : 32;

        if (o->wide)
            out_raw(o, wsp, k);
        else
            out_raw(o, sp, k);
        n -= k;
    }
}

struct rtl_spec {
    bool left, plus, space, alt, zero;
    int width;          /* -1: none */
    int prec;           /* -1: none */
};

static void out_string(struct rtl_fmt_out *o, const struct rtl_spec *sp,
                       const void *s, size_t n, bool src_wide)
{
    size_t pad;

    if (sp->prec >= 0 && (size_t)sp->prec < n)
        n = (size_t)sp->prec;
    pad = sp->width > 0 && (size_t)sp->width > n ? (size_t)sp->width - n : 0;
    if (!sp->left)
        out_pad(o, ' ', pad);
    if (src_wide)
        out_wide(o, s, n);
    else
        out_narrow(o, s, n);
    if (sp->left)
        out_pad(o, ' ', pad);
}

static void out_integer(struct rtl_fmt_out *o, const struct rtl_spec *sp, uint64_t v,
                        bool negative, unsigned base, bool upper, bool is_signed, bool is_ptr)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char num[64], prefix[3];
    size_t nd = 0, np = 0, zeros = 0, total, pad;
    int prec = sp->prec;

    do {
        num[sizeof(num) - 1 - nd++] = digits[v % base];
        v /= base;
    } while (v);
    if (prec == 0 && nd == 1 && num[sizeof(num) - 1] == '0' && !is_ptr)
        nd = 0;                                     /* "%.0d" of 0 prints nothing */
    if (is_signed) {
        if (negative)
            prefix[np++] = '-';
        else if (sp->plus)
            prefix[np++] = '+';
        else if (sp->space)
            prefix[np++] = ' ';
    }
    if (sp->alt && base == 16 && !is_ptr && nd && !(nd == 1 && num[sizeof(num) - 1] == '0')) {
        prefix[np++] = '0';
        prefix[np++] = upper ? 'X' : 'x';
    }
    if (sp->alt && base == 8 && (nd == 0 || num[sizeof(num) - nd] != '0') &&
        (prec < 0 || (size_t)prec <= nd))
        prec = (int)nd + 1;
    if (prec >= 0 && (size_t)prec > nd)
        zeros = (size_t)prec - nd;
    total = np + zeros + nd;
    pad = sp->width > 0 && (size_t)sp->width > total ? (size_t)sp->width - total : 0;
    if (sp->zero && !sp->left && prec < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!sp->left)
        out_pad(o, ' ', pad);
    out_narrow(o, prefix, np);
    out_pad(o, '0', zeros);
    out_narrow(o, num + sizeof(num) - nd, nd);
    if (sp->left)
        out_pad(o, ' ', pad);
}

enum rtl_size { SZ_DEFAULT, SZ_HH, SZ_H, SZ_L, SZ_LL, SZ_W, SZ_I, SZ_I32, SZ_I64, SZ_LD };

int rtl_vformat(struct rtl_fmt_sink *sink, bool wide, const void *fmt, va_list ap_in)
{
    struct rtl_fmt_out o = { sink, wide, 0 };
    const char *nf = fmt;
    const WCHAR *wf = fmt;
    size_t i = 0, lit = 0;
    va_list ap;

#define F(k) (wide ? (unsigned)wf[k] : (unsigned)(unsigned char)nf[k])
    va_copy(ap, ap_in);
    for (;;) {
        struct rtl_spec sp = { false, false, false, false, false, -1, -1 };
        enum rtl_size size = SZ_DEFAULT;
        unsigned c;

        /* Literal run up to the next '%' or the end. */
        lit = i;
        while (F(i) && F(i) != '%')
            i++;
        if (i > lit) {
            if (wide)
                out_raw(&o, wf + lit, i - lit);
            else
                out_raw(&o, nf + lit, i - lit);
        }
        if (!F(i))
            break;
        i++;                                            /* '%' */

        for (;; i++) {
            c = F(i);
            if (c == '-') sp.left = true;
            else if (c == '+') sp.plus = true;
            else if (c == ' ') sp.space = true;
            else if (c == '#') sp.alt = true;
            else if (c == '0') sp.zero = true;
            else break;
        }
        if (F(i) == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = true;
                sp.width = sp.width == INT32_MIN ? INT32_MAX : -sp.width;
            }
            i++;
        } else {
            while (F(i) >= '0' && F(i) <= '9') {
                sp.width = (sp.width < 0 ? 0 : sp.width) * 10 + (int)(F(i) - '0');
                if (sp.width > 1000000)
                    goto bad;
                i++;
            }
        }
        if (F(i) == '.') {
            i++;
            sp.prec = 0;
            if (F(i) == '*') {
                sp.prec = va_arg(ap, int);
                if (sp.prec < 0)
                    sp.prec = -1;
                i++;
            } else {
                while (F(i) >= '0' && F(i) <= '9') {
                    sp.prec = sp.prec * 10 + (int)(F(i) - '0');
                    if (sp.prec > 1000000)
                        goto bad;
                    i++;
                }
            }
        }

        c = F(i);
        if (c == 'h') {
            size = SZ_H;
            if (F(i + 1) == 'h') { size = SZ_HH; i++; }
            i++;
        } else if (c == 'l') {
            size = SZ_L;
            if (F(i + 1) == 'l') { size = SZ_LL; i++; }
            i++;
        } else if (c == 'w') {
            size = SZ_W;
            i++;
        } else if (c == 'L') {
            size = SZ_LD;
            i++;
        } else if (c == 'q' || c == 'j' || c == 'z' || c == 't') {
            size = c == 'q' ? SZ_I64 : SZ_I;
            i++;
        } else if (c == 'I') {
            if (F(i + 1) == '6' && F(i + 2) == '4') {
                size = SZ_I64;
                i += 3;
            } else if (F(i + 1) == '3' && F(i + 2) == '2') {
                size = SZ_I32;
                i += 3;
            } else {
                size = SZ_I;
                i++;
            }
        }

        c = F(i++);
        switch (c) {
        case '%':
            out_narrow(&o, "%", 1);
            break;

        case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': {
            bool is_signed = c == 'd' || c == 'i';
            uint64_t v;
            bool neg = false;

            switch (size) {
            case SZ_LL: case SZ_I64: case SZ_I:
                v = va_arg(ap, uint64_t);
                if (is_signed && (int64_t)v < 0) {
                    neg = true;
                    v = 0 - v;
                }
                break;
            default: {
                unsigned int u = va_arg(ap, unsigned int);

                if (size == SZ_H)
                    u &= 0xFFFF;
                else if (size == SZ_HH)
                    u &= 0xFF;
                if (is_signed) {
                    int64_t s = size == SZ_H ? (int16_t)u : size == SZ_HH ? (int8_t)u : (int32_t)u;

                    neg = s < 0;
                    v = neg ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
                } else {
                    v = u;
                }
                break;
            }
            }
            out_integer(&o, &sp, v, neg, c == 'o' ? 8 : (c == 'x' || c == 'X') ? 16 : 10,
                        c == 'X', is_signed, false);
            break;
        }

        case 'p': {
            struct rtl_spec p = sp;

            if (p.prec < 0)
                p.prec = 16;
            p.alt = false;
            out_integer(&o, &p, (uint64_t)(uintptr_t)va_arg(ap, void *), false, 16, true,
                        false, true);
            break;
        }

        case 'c': case 'C': {
            /* c: the format's own width unless h/l/w says otherwise; C: the other. */
            bool arg_wide = size == SZ_L || size == SZ_W ? true : size == SZ_H ? false
                          : (c == 'c') == wide;
            int ch = va_arg(ap, int);

            if (arg_wide) {
                WCHAR w = (WCHAR)ch;
                out_string(&o, &(struct rtl_spec){ sp.left, 0, 0, 0, 0, sp.width, -1 }, &w, 1, true);
            } else {
                char n = (char)ch;
                out_string(&o, &(struct rtl_spec){ sp.left, 0, 0, 0, 0, sp.width, -1 }, &n, 1, false);
            }
            break;
        }

        case 's': case 'S': {
            bool arg_wide = size == SZ_L || size == SZ_W ? true : size == SZ_H ? false
                          : (c == 's') == wide;
            const void *s = va_arg(ap, const void *);
            size_t n;

            if (!s) {
                out_string(&o, &sp, "(null)", 6, false);
                break;
            }
            if (arg_wide)
                n = sp.prec >= 0 ? rtl_wcsnlen(s, (size_t)sp.prec) : rtl_wcslen(s);
            else
                n = sp.prec >= 0 ? strnlen(s, (size_t)sp.prec) : strlen(s);
            out_string(&o, &sp, s, n, arg_wide);
            break;
        }

        case 'Z': {
            /* %wZ: PCUNICODE_STRING; %Z (or %hZ): PCANSI_STRING. */
            if (size == SZ_W || size == SZ_L) {
                const UNICODE_STRING *u = va_arg(ap, const UNICODE_STRING *);

                if (!u || !u->Buffer)
                    out_string(&o, &sp, "(null)", 6, false);
                else
                    out_string(&o, &sp, u->Buffer, u->Length / sizeof(WCHAR), true);
            } else {
                const STRING *a = va_arg(ap, const STRING *);

                if (!a || !a->Buffer)
                    out_string(&o, &sp, "(null)", 6, false);
                else
                    out_string(&o, &sp, a->Buffer, a->Length, false);
            }
            break;
        }

        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A': {
            char spec[48], num[512];
            size_t k = 0;
            int n;
            double d = size == SZ_LD ? (double)va_arg(ap, long double) : va_arg(ap, double);

            spec[k++] = '%';
            if (sp.left) spec[k++] = '-';
            if (sp.plus) spec[k++] = '+';
            if (sp.space) spec[k++] = ' ';
            if (sp.alt) spec[k++] = '#';
            if (sp.zero) spec[k++] = '0';
            spec[k++] = '*';
            spec[k++] = '.';
            spec[k++] = '*';
            spec[k++] = (char)c;
            spec[k] = 0;
            n = snprintf(num, sizeof(num), spec, sp.width < 0 ? 0 : sp.width,
                         sp.prec < 0 ? 6 : sp.prec, d);
            if (n < 0)
                goto bad;
            if ((size_t)n >= sizeof(num))
                n = sizeof(num) - 1;
            out_narrow(&o, num, (size_t)n);
            break;
        }

        default:
            /* Unknown conversion, %n (disabled on Windows too) or a
             * format that ends inside a specification. */
            goto bad;
        }
    }
#undef F
    va_end(ap);
    return o.count > INT32_MAX ? INT32_MAX : (int)o.count;
bad:
    va_end(ap);
    return -1;
}

/* ---- fixed-buffer sinks ---- */

struct rtl_buf_sink {
    struct rtl_fmt_sink base;
    void *buf;
    size_t cap, used, unit;
};

static void rtl_buf_put(struct rtl_fmt_sink *s, const void *units, size_t count)
{
    struct rtl_buf_sink *b = (struct rtl_buf_sink *)s;
    size_t room = b->cap > b->used ? b->cap - b->used : 0;
    size_t k = count < room ? count : room;

    if (k)
        memcpy((char *)b->buf + b->used * b->unit, units, k * b->unit);
    b->used += k;
}

int rtl_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    struct rtl_buf_sink b = { { rtl_buf_put }, buf, cap ? cap - 1 : 0, 0, 1 };
    int n = rtl_vformat(&b.base, false, fmt, ap);

    if (cap)
        buf[b.used] = 0;
    return n;
}

int rtl_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = rtl_vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

int rtl_vsnwprintf(WCHAR *buf, size_t cap, const WCHAR *fmt, va_list ap)
{
    struct rtl_buf_sink b = { { rtl_buf_put }, buf, cap ? cap - 1 : 0, 0, sizeof(WCHAR) };
    int n = rtl_vformat(&b.base, true, fmt, ap);

    if (cap)
        buf[b.used] = 0;
    return n;
}

int rtl_snwprintf(WCHAR *buf, size_t cap, const WCHAR *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = rtl_vsnwprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}
