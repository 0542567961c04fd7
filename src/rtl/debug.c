/*
 * debug.c - DbgPrint and friends: driver debug output on stderr.
 *
 * Every call produces one line "DbgPrint: <text>" written with a single
 * write(2) so that lines of concurrent threads never interleave. The text
 * is formatted by rtl_vformat (Microsoft format dialect).
 *
 * Filtering follows the documented DbgPrintEx rules: Level 0..31 selects
 * the bit 1 << Level, a larger Level is the bit mask itself; the message
 * prints when that mask meets the component's mask or the system-wide
 * mask. The system-wide mask defaults to ERROR only (bit 0) and comes from
 * DDK_DBGPRINT_LEVEL when set (a level N enables 0..N, a 0x-prefixed value
 * is the mask); DbgSetDebugFilterState adjusts per-component masks at run
 * time (the Kd_<component>_Mask of Windows). DbgPrint is not filtered.
 */
#include <wdm.h>
#include "rtl/rtl.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RTL_DBG_COMPONENTS 256

/* Per-component extra masks, changed only through atomic builtins. */
static ULONG rtl_dbg_component_mask[RTL_DBG_COMPONENTS];

static ULONG rtl_dbg_system_mask(void)
{
    const char *env = getenv("DDK_DBGPRINT_LEVEL");
    unsigned long v;
    char *end;

    if (!env || !*env)
        return 1u << DPFLTR_ERROR_LEVEL;
    if (env[0] == '0' && (env[1] == 'x' || env[1] == 'X')) {
        v = strtoul(env + 2, &end, 16);
        return *end ? 1u : (ULONG)v;
    }
    v = strtoul(env, &end, 10);
    if (*end)
        return 1u;
    if (v >= 31)
        return 0xFFFFFFFFu;
    return (ULONG)((2ul << v) - 1);
}

static ULONG rtl_dbg_level_mask(ULONG level)
{
    return level <= 31 ? 1u << level : (level & ~(ULONG)DPFLTR_MASK);
}

static bool rtl_dbg_enabled(ULONG component, ULONG level)
{
    ULONG mask = rtl_dbg_level_mask(level);
    ULONG comp = component < RTL_DBG_COMPONENTS
                     ? __atomic_load_n(&rtl_dbg_component_mask[component], __ATOMIC_RELAXED) : 0;

    return (mask & (rtl_dbg_system_mask() | comp)) != 0;
}

struct rtl_grow_sink {
    struct rtl_fmt_sink base;
    char *buf;
    size_t len, cap;
    char inline_buf[512];
    bool oom;
};

static void rtl_grow_put(struct rtl_fmt_sink *s, const void *units, size_t count)
{
    struct rtl_grow_sink *g = (struct rtl_grow_sink *)s;

    if (g->oom)
        return;
    if (g->len + count + 2 > g->cap) {
        size_t ncap = (g->len + count + 2) * 2;
        char *nb = g->buf == g->inline_buf ? malloc(ncap) : realloc(g->buf, ncap);

        if (!nb) {
            g->oom = true;
            return;
        }
        if (g->buf == g->inline_buf)
            memcpy(nb, g->inline_buf, g->len);
        g->buf = nb;
        g->cap = ncap;
    }
    memcpy(g->buf + g->len, units, count);
    g->len += count;
}

static void rtl_dbg_emit(const char *prefix, const char *fmt, va_list ap)
{
    struct rtl_grow_sink g;
    size_t plen = strlen(prefix);
    int n;

    g.base.put = rtl_grow_put;
    g.buf = g.inline_buf;
    g.len = 0;
    g.cap = sizeof(g.inline_buf);
    g.oom = false;
    rtl_grow_put(&g.base, "DbgPrint: ", 10);
    rtl_grow_put(&g.base, prefix, plen);
    n = fmt ? rtl_vformat(&g.base, false, fmt, ap) : 0;
    if (n < 0) {
        static const char msg[] = "<bad format: ";

        g.len = 10 + plen;      /* drop the partial output */
        rtl_grow_put(&g.base, msg, sizeof(msg) - 1);
        rtl_grow_put(&g.base, fmt, strlen(fmt));
        rtl_grow_put(&g.base, ">", 1);
    }
    /* One line per call, whatever the driver put at the end. */
    while (g.len > 10 && (g.buf[g.len - 1] == '\n' || g.buf[g.len - 1] == '\r'))
        g.len--;
    g.buf[g.len++] = '\n';
    if (!g.oom) {
        const char *p = g.buf;
        size_t left = g.len;

        while (left) {
            ssize_t w = write(STDERR_FILENO, p, left);

            if (w <= 0)
                break;
            p += w;
            left -= (size_t)w;
        }
    }
    if (g.buf != g.inline_buf)
        free(g.buf);
}

ULONG __cdecl DbgPrint(PCSTR Format, ...)
{
    va_list ap;

    va_start(ap, Format);
    rtl_dbg_emit("", Format, ap);
    va_end(ap);
    return STATUS_SUCCESS;
}

ULONG NTAPI vDbgPrintExWithPrefix(PCCH Prefix, ULONG ComponentId, ULONG Level,
                                  PCCH Format, va_list arglist)
{
    if (rtl_dbg_enabled(ComponentId, Level))
        rtl_dbg_emit(Prefix ? Prefix : "", Format, arglist);
    return STATUS_SUCCESS;
}

ULONG NTAPI vDbgPrintEx(ULONG ComponentId, ULONG Level, PCCH Format, va_list arglist)
{
    return vDbgPrintExWithPrefix("", ComponentId, Level, Format, arglist);
}

ULONG __cdecl DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...)
{
    va_list ap;

    va_start(ap, Format);
    vDbgPrintExWithPrefix("", ComponentId, Level, Format, ap);
    va_end(ap);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI DbgQueryDebugFilterState(ULONG ComponentId, ULONG Level)
{
    if (ComponentId >= RTL_DBG_COMPONENTS && ComponentId != (ULONG)-1)
        return STATUS_INVALID_PARAMETER_1;
    return rtl_dbg_enabled(ComponentId, Level) ? TRUE : FALSE;
}

NTSTATUS NTAPI DbgSetDebugFilterState(ULONG ComponentId, ULONG Level, BOOLEAN State)
{
    ULONG mask = rtl_dbg_level_mask(Level);

    if (ComponentId >= RTL_DBG_COMPONENTS)
        return STATUS_INVALID_PARAMETER_1;
    if (State)
        __atomic_fetch_or(&rtl_dbg_component_mask[ComponentId], mask, __ATOMIC_RELAXED);
    else
        __atomic_fetch_and(&rtl_dbg_component_mask[ComponentId], ~mask, __ATOMIC_RELAXED);
    return STATUS_SUCCESS;
}
