/*
 * krnl/krnl.h - the executive's process-wide services that every layer
 * uses: the state root, logging, bug checks and pool accounting.
 *
 * Bug checks are how driver misuse ends: krnl_bugcheck() writes a JSON
 * report (code, name, parameters, culprit driver, message, symbolized
 * backtrace) under ROOT/crash/ and aborts the process. It never returns.
 *
 * State layout (one root directory, see krnl_root()):
 *   ROOT/registry/     the registry (LMDB environment)      (registry)
 *   ROOT/crash/        bugcheck-<pid>-<seq>.json reports     (krnl)
 *   ROOT/run/          sockets, pid files                   (devmgr)
 *   ROOT/DriverData/   per-driver writable state            (io)
 * The root and its subdirectories are created on first use by
 * krnl_state_dir() (mode 0700 for the root, 0755 below it), never
 * following a symbolic link at the last component.
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

/* Builds ROOT/<sub> into buf (sub may be NULL or "" for the root itself)
 * and creates it (and the root) if missing. Returns STATUS_SUCCESS,
 * STATUS_NAME_TOO_LONG, STATUS_OBJECT_TYPE_MISMATCH (exists and is not a
 * directory, or is a symlink) or STATUS_ACCESS_DENIED. Usable from a bug
 * check (only syscalls and snprintf). */
NTSTATUS krnl_state_dir(const char *sub, char *buf, size_t cap);

/* Logs one line to stderr: "openddk[pid]: <level>: message". Lines above
 * the level set by $DDK_LOG_LEVEL (error, warning, info, debug; default
 * warning) are dropped. With $JOURNAL_STREAM naming our stderr, lines get
 * a "<3>"-style syslog priority prefix instead; colours only on a tty
 * (and not with $NO_COLOR). One write(2) per line, no stdio lock. */
void krnl_log(enum krnl_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void krnl_vlog(enum krnl_log_level level, const char *fmt, va_list ap);
/* Is this level logged? (Cheap: for guarding expensive formatting.) */
int krnl_log_enabled(enum krnl_log_level level);
/* Re-reads $DDK_LOG_LEVEL (tests). */
void krnl_log_reset(void);

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

/* Makes a fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE) a bug check 0x1E
 * KMODE_EXCEPTION_NOT_HANDLED report naming the driver whose code faulted;
 * the process then dies by the same signal. Signals that already have a
 * handler (ASan's, a test framework's) are left alone. krnl_init calls
 * it; returns how many signals are covered. */
int krnl_install_fault_handlers(void);

/* The Windows name of a bug check code ("BAD_POOL_CALLER"), or NULL. */
const char *krnl_bugcheck_name(ULONG code);

/* ---- modules -------------------------------------------------------- */

/* Base address of the loaded object containing addr (dladdr's
 * dli_fbase), or NULL. A driver module, the program, or the executive. */
const void *krnl_module_base(const void *addr);
/* Base address of libddkkrnl itself: the owner "executive". */
const void *krnl_executive_base(void);

/* ---- pool ----------------------------------------------------------- */

/* Every pool block is charged to (module of the caller, tag). */
typedef void (*krnl_pool_usage_fn)(void *ctx, const void *module_base, ULONG tag,
                                   size_t allocations, size_t bytes);
/* Calls fn for every (module, tag) with outstanding blocks, module_base
 * NULL meaning every module; returns the outstanding block count. fn runs
 * with the pool's statistics lock held: it must not allocate from the
 * pool. */
size_t krnl_pool_usage(const void *module_base, krnl_pool_usage_fn fn, void *ctx);
/* Logs (warning) "driver X leaked N allocations with tag 'Tag1' (M bytes)"
 * for every tag the module still holds; returns the number of blocks. The
 * loader calls it when a driver unloads (before dlclose). */
size_t krnl_pool_report_leaks(const void *module_base, const char *driver_name);
/* The loader calls this after dlclose(): forgets the module's counters so
 * that a module loaded later at the same address starts from zero. */
void krnl_pool_module_unloaded(const void *module_base);
/* ExAllocatePool2 charged to the module containing caller (for DDIs that
 * allocate on a driver's behalf, e.g. IoAllocateIrp: pass
 * __builtin_return_address(0)). */
void *krnl_pool_alloc_caller(ULONG64 flags, SIZE_T size, ULONG tag, const void *caller);
/* The tag of a live pool block (bug check if p is not one). */
ULONG krnl_pool_block_tag(const void *p);
/* A tag as it reads in memory ('1gaT' -> "Tag1"), unprintables as '?'. */
void krnl_format_tag(ULONG tag, char out[5]);

#endif /* DDK_KRNL_H */
