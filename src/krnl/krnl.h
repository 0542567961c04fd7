/*
 * krnl/krnl.h - the executive's process-wide services that every layer
 * uses: the state root, logging and bug checks.
 *
 * Bug checks are how driver misuse ends: krnl_bugcheck() writes a JSON
 * report (code, parameters, driver, message, backtrace) under
 * ROOT/crash/ and aborts the process. It never returns.
 */
#ifndef DDK_KRNL_H
#define DDK_KRNL_H

#include <ntdef.h>
#include <stdarg.h>

enum krnl_log_level { KRNL_LOG_ERROR, KRNL_LOG_WARN, KRNL_LOG_INFO, KRNL_LOG_DEBUG };

/* The state root: set by krnl_init(), else $DDK_ROOT, else
 * $XDG_DATA_HOME/openddk (or ~/.local/share/openddk). Never NULL. */
const char *krnl_root(void);

/* Initializes the executive for this process. root may be NULL (see
 * krnl_root). Idempotent; returns STATUS_SUCCESS or why not. */
NTSTATUS krnl_init(const char *root);

/* Logs one line to stderr: "openddk[pid]: <level>: message". */
void krnl_log(enum krnl_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Logs a message once per call site (for stubs: "not implemented"). */
#define krnl_log_once(level, ...) do {                          \
        static int krnl_logged_;                                 \
        if (!__atomic_exchange_n(&krnl_logged_, 1, __ATOMIC_RELAXED)) \
            krnl_log(level, __VA_ARGS__);                        \
    } while (0)

/* Stops the "system": report under ROOT/crash/, then abort(). driver may
 * be NULL when unknown. */
__attribute__((noreturn, format(printf, 7, 8)))
void krnl_bugcheck(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                   ULONG_PTR p4, const char *driver, const char *fmt, ...);

/* Tests that expect a bug check install a hook: called instead of abort()
 * after the report is written; if it returns, the process exits with
 * status 3. Hook runs on the faulting thread. */
typedef void (*krnl_bugcheck_hook_fn)(ULONG code, const char *report_path);
void krnl_set_bugcheck_hook(krnl_bugcheck_hook_fn fn);

#endif /* DDK_KRNL_H */
