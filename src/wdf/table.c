/*
 * wdf/table.c - binding a driver to the framework: the function tables,
 * the traps of unimplemented slots, and the per-driver globals.
 *
 * The KMDF/UMDF entry stub linked into each driver calls wdf_bind before
 * the driver's DriverEntry: the driver was compiled against a table of
 * WdfFunctionTableNumEntries slots of its model (458 for KMDF 1.33, 273
 * for UMDF 2.33); it may have been built for an older minor version with
 * fewer slots (any prefix works: slots are only ever appended), never a
 * newer one than ours nor another major version.
 */
#include "wdf/fx.h"
#include "krnl/krnl.h"
#include "rtl/rtl.h"
#include <stdlib.h>
#include <string.h>

/* Table arrays hold the real slots followed by the other model's
 * functions (traps "not in this framework"), as the enum does. */
static const WDFFUNC *fx_table_kmdf, *fx_table_umdf;
static pthread_once_t fx_tables_once = PTHREAD_ONCE_INIT;
static UCHAR fx_trap_logged_kmdf[1024], fx_trap_logged_umdf[1024];

static ULONG fx_table_total(enum fx_model m);

static void fx_tables_build(void)
{
    for (int m = FX_MODEL_KMDF; m <= FX_MODEL_UMDF; m++) {
        const struct fx_function *f = m == FX_MODEL_KMDF ? fx_kmdf_functions : fx_umdf_functions;
        ULONG n = fx_table_total(m);
        WDFFUNC *t = calloc(n, sizeof(*t));
        if (!t)
            krnl_bugcheck(0x17, 0, 0, 0, 0, NULL, "wdf: no memory for the function table");
        for (ULONG i = 0; i < n; i++)
            t[i] = f[i].fn;
        if (m == FX_MODEL_KMDF)
            fx_table_kmdf = t;
        else
            fx_table_umdf = t;
    }
}

static ULONG fx_table_total(enum fx_model m)
{
    return m == FX_MODEL_KMDF ? fx_kmdf_table_size : fx_umdf_table_size;
}

ULONG_PTR fx_trap(enum fx_model model, ULONG index)
{
    const struct fx_function *f = (model == FX_MODEL_KMDF ? fx_kmdf_functions : fx_umdf_functions) + index;
    UCHAR *logged = model == FX_MODEL_KMDF ? fx_trap_logged_kmdf : fx_trap_logged_umdf;
    if (index >= sizeof(fx_trap_logged_kmdf) ||
        !__atomic_exchange_n(&logged[index], 1, __ATOMIC_RELAXED)) {
        if (f->state == 2)
            krnl_log(KRNL_LOG_WARN, "wdf: %s is not part of %s", f->name,
                     model == FX_MODEL_KMDF ? "KMDF" : "UMDF 2");
        else
            krnl_log(KRNL_LOG_WARN, "wdf: %s (index %u) is not implemented", f->name, index);
    }
    return f->returns_value ? 0 : (ULONG_PTR)(ULONG)STATUS_NOT_IMPLEMENTED;
}

struct fx_globals *fx_globals(PWDF_DRIVER_GLOBALS pub)
{
    struct fx_globals *g = (struct fx_globals *)pub;
    if (!g || g->magic != FX_GLOBALS_MAGIC)
        krnl_bugcheck(WDF_VIOLATION, WDF_VERIFIER_FATAL_ERROR, (ULONG_PTR)pub, 0, 0, NULL,
                      "WDF_VIOLATION: a WDF DDI was called with invalid driver globals %p",
                      (void *)pub);
    return g;
}

/* Bound drivers, for fx_globals_of_driver (few; a list is enough). */
static pthread_mutex_t fx_bound_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fx_globals *fx_bound[256];     /* fx_bound_lock */

struct fx_globals *fx_globals_of_driver(PDRIVER_OBJECT d)
{
    struct fx_globals *g = NULL;
    pthread_mutex_lock(&fx_bound_lock);
    for (size_t i = 0; i < sizeof fx_bound / sizeof *fx_bound && !g; i++)
        if (fx_bound[i] && fx_bound[i]->wdm_driver == d)
            g = fx_bound[i];
    pthread_mutex_unlock(&fx_bound_lock);
    return g;
}

static bool fx_bound_set(struct fx_globals *from, struct fx_globals *to)
{
    bool done = false;
    pthread_mutex_lock(&fx_bound_lock);
    for (size_t i = 0; i < sizeof fx_bound / sizeof *fx_bound && !done; i++)
        if (fx_bound[i] == from) {
            fx_bound[i] = to;
            done = true;
        }
    pthread_mutex_unlock(&fx_bound_lock);
    return done;
}

NTSTATUS NTAPI wdf_bind(ULONG model, ULONG major, ULONG minor, ULONG function_count,
                        PDRIVER_OBJECT driver_object, PWDF_DRIVER_GLOBALS *globals,
                        const WDFFUNC **functions)
{
    /* The module's own WdfDriverGlobals already bound: the same module
     * loaded as a second service would share (and clobber) the first
     * one's globals, so it is refused. */
    if (*globals) {
        krnl_log(KRNL_LOG_ERROR, "wdf: this driver module is already bound to %s; "
                 "a WDF module can serve one service", (*globals)->DriverName);
        return STATUS_IMAGE_ALREADY_LOADED;
    }
    ULONG want_major = model == FX_MODEL_KMDF ? 1 : 2;
    ULONG have = model == FX_MODEL_KMDF ? fx_kmdf_function_count : fx_umdf_function_count;
    if ((model != FX_MODEL_KMDF && model != FX_MODEL_UMDF) || major != want_major) {
        krnl_log(KRNL_LOG_ERROR, "wdf: driver built for framework %u.%u of model %u: not supported",
                 major, minor, model);
        return STATUS_REVISION_MISMATCH;
    }
    if (minor > 33 || function_count > have) {
        krnl_log(KRNL_LOG_ERROR, "wdf: driver built for %s %u.%u (%u functions); "
                 "this framework is %u.33 (%u functions)",
                 model == FX_MODEL_KMDF ? "KMDF" : "UMDF", major, minor, function_count,
                 want_major, have);
        return STATUS_REVISION_MISMATCH;
    }
    pthread_once(&fx_tables_once, fx_tables_build);
    struct fx_globals *g = calloc(1, sizeof(*g));
    if (!g)
        return STATUS_INSUFFICIENT_RESOURCES;
    g->magic = FX_GLOBALS_MAGIC;
    g->model = model;
    g->major = major;
    g->minor = minor;
    g->wdm_driver = driver_object;
    g->pub.DriverTag = 'xfDW';
    /* DriverName: the service name (the DRIVER_OBJECT's
     * \Driver\<name>), truncated to 31 characters as on Windows. */
    if (driver_object && driver_object->DriverName.Buffer) {
        const UNICODE_STRING *n = &driver_object->DriverName;
        size_t cch = n->Length / sizeof(WCHAR), start = 0;
        for (size_t i = 0; i < cch; i++)
            if (n->Buffer[i] == L'\\')
                start = i + 1;
        size_t o = 0;
        for (size_t i = start; i < cch && o < WDF_DRIVER_GLOBALS_NAME_LEN - 1; i++)
            g->pub.DriverName[o++] = n->Buffer[i] < 0x80 ? (CHAR)n->Buffer[i] : '?';
        g->pub.DriverName[o] = 0;
    }
    if (!fx_bound_set(NULL, g)) {
        free(g);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    *globals = &g->pub;
    *functions = model == FX_MODEL_KMDF ? fx_table_kmdf : fx_table_umdf;
    return STATUS_SUCCESS;
}

VOID NTAPI wdf_unbind(PWDF_DRIVER_GLOBALS pub)
{
    if (!pub)
        return;
    struct fx_globals *g = fx_globals(pub);
    if (g->driver)
        fx_driver_teardown(g);
    fx_bound_set(g, NULL);
    g->magic = 0;
    free(g);
}
