/*
 * bugcheck.c - the end of the line for driver misuse.
 *
 * A bug check writes ROOT/crash/bugcheck-<pid>-<seq>.json and aborts. The
 * report is built in static buffers with snprintf and written with plain
 * syscalls (mkdir, open, write, rename), with no malloc and no stdio
 * lock, so that it works from any thread, at any emulated IRQL, with the
 * executive's locks held. (dladdr takes the dynamic linker's lock: a bug
 * check from inside dlopen of the same thread would hang; nothing in the
 * executive bug checks there.)
 *
 * The report names the culprit the way Windows' "Probably caused by"
 * does: the first frame of the backtrace that lies in a driver module (a
 * loaded object that exports ddk_driver_info, see ddk/driver_abi.h); if no
 * frame does, the driver the caller named. Frames are symbolized with
 * dladdr: module path, nearest exported symbol, offsets (for addr2line).
 *
 * One bug check at a time: a second thread that bug checks meanwhile
 * waits for the process to end; a bug check from inside a bug check ends
 * the process at once.
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "krnl/krnl.h"
#include <ddk/driver_abi.h>

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <ucontext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static krnl_bugcheck_hook_fn krnl_hook;
static long krnl_bugcheck_owner;      /* tid of the thread in a bug check, atomic */

void krnl_set_bugcheck_hook(krnl_bugcheck_hook_fn fn)
{
    __atomic_store_n(&krnl_hook, fn, __ATOMIC_RELEASE);
}

struct bugcheck_name {
    ULONG code;
    const char *name;
};

/* Windows bug check codes (bugcodes.h names). */
static const struct bugcheck_name krnl_bugcheck_names[] = {
    { 0x01, "APC_INDEX_MISMATCH" },
    { 0x02, "DEVICE_QUEUE_NOT_BUSY" },
    { 0x03, "INVALID_AFFINITY_SET" },
    { 0x04, "INVALID_DATA_ACCESS_TRAP" },
    { 0x05, "INVALID_PROCESS_ATTACH_ATTEMPT" },
    { 0x06, "INVALID_PROCESS_DETACH_ATTEMPT" },
    { 0x07, "INVALID_SOFTWARE_INTERRUPT" },
    { 0x08, "IRQL_NOT_DISPATCH_LEVEL" },
    { 0x09, "IRQL_NOT_GREATER_OR_EQUAL" },
    { 0x0A, "IRQL_NOT_LESS_OR_EQUAL" },
    { 0x0B, "NO_EXCEPTION_HANDLING_SUPPORT" },
    { 0x0C, "MAXIMUM_WAIT_OBJECTS_EXCEEDED" },
    { 0x0D, "MUTEX_LEVEL_NUMBER_VIOLATION" },
    { 0x0E, "NO_USER_MODE_CONTEXT" },
    { 0x0F, "SPIN_LOCK_ALREADY_OWNED" },
    { 0x10, "SPIN_LOCK_NOT_OWNED" },
    { 0x11, "THREAD_NOT_MUTEX_OWNER" },
    { 0x12, "TRAP_CAUSE_UNKNOWN" },
    { 0x13, "EMPTY_THREAD_REAPER_LIST" },
    { 0x14, "CREATE_DELETE_LOCK_NOT_LOCKED" },
    { 0x15, "LAST_CHANCE_CALLED_FROM_KMODE" },
    { 0x16, "CID_HANDLE_CREATION" },
    { 0x17, "CID_HANDLE_DELETION" },
    { 0x18, "REFERENCE_BY_POINTER" },
    { 0x19, "BAD_POOL_HEADER" },
    { 0x1A, "MEMORY_MANAGEMENT" },
    { 0x1B, "PFN_SHARE_COUNT" },
    { 0x1C, "PFN_REFERENCE_COUNT" },
    { 0x1D, "NO_SPIN_LOCK_AVAILABLE" },
    { 0x1E, "KMODE_EXCEPTION_NOT_HANDLED" },
    { 0x1F, "SHARED_RESOURCE_CONV_ERROR" },
    { 0x20, "KERNEL_APC_PENDING_DURING_EXIT" },
    { 0x21, "QUOTA_UNDERFLOW" },
    { 0x22, "FILE_SYSTEM" },
    { 0x24, "NTFS_FILE_SYSTEM" },
    { 0x2E, "DATA_BUS_ERROR" },
    { 0x31, "PHASE0_INITIALIZATION_FAILED" },
    { 0x32, "PHASE1_INITIALIZATION_FAILED" },
    { 0x34, "CACHE_MANAGER" },
    { 0x35, "NO_MORE_IRP_STACK_LOCATIONS" },
    { 0x36, "DEVICE_REFERENCE_COUNT_NOT_ZERO" },
    { 0x39, "SYSTEM_EXIT_OWNED_MUTEX" },
    { 0x3B, "SYSTEM_SERVICE_EXCEPTION" },
    { 0x3F, "NO_MORE_SYSTEM_PTES" },
    { 0x40, "TARGET_MDL_TOO_SMALL" },
    { 0x41, "MUST_SUCCEED_POOL_EMPTY" },
    { 0x44, "MULTIPLE_IRP_COMPLETE_REQUESTS" },
    { 0x45, "INSUFFICIENT_SYSTEM_MAP_REGS" },
    { 0x48, "CANCEL_STATE_IN_COMPLETED_IRP" },
    { 0x49, "PAGE_FAULT_WITH_INTERRUPTS_OFF" },
    { 0x4A, "IRQL_GT_ZERO_AT_SYSTEM_SERVICE" },
    { 0x4E, "PFN_LIST_CORRUPT" },
    { 0x50, "PAGE_FAULT_IN_NONPAGED_AREA" },
    { 0x51, "REGISTRY_ERROR" },
    { 0x76, "PROCESS_HAS_LOCKED_PAGES" },
    { 0x77, "KERNEL_STACK_INPAGE_ERROR" },
    { 0x7A, "KERNEL_DATA_INPAGE_ERROR" },
    { 0x7B, "INACCESSIBLE_BOOT_DEVICE" },
    { 0x7E, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED" },
    { 0x7F, "UNEXPECTED_KERNEL_MODE_TRAP" },
    { 0x8E, "KERNEL_MODE_EXCEPTION_NOT_HANDLED" },
    { 0x9C, "MACHINE_CHECK_EXCEPTION" },
    { 0x9F, "DRIVER_POWER_STATE_FAILURE" },
    { 0xA0, "INTERNAL_POWER_ERROR" },
    { 0xBE, "ATTEMPTED_WRITE_TO_READONLY_MEMORY" },
    { 0xC1, "SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION" },
    { 0xC2, "BAD_POOL_CALLER" },
    { 0xC4, "DRIVER_VERIFIER_DETECTED_VIOLATION" },
    { 0xC5, "DRIVER_CORRUPTED_EXPOOL" },
    { 0xC6, "DRIVER_CAUGHT_MODIFYING_FREED_POOL" },
    { 0xC7, "TIMER_OR_DPC_INVALID" },
    { 0xC8, "IRQL_UNEXPECTED_VALUE" },
    { 0xC9, "DRIVER_VERIFIER_IOMANAGER_VIOLATION" },
    { 0xCA, "PNP_DETECTED_FATAL_ERROR" },
    { 0xCB, "DRIVER_LEFT_LOCKED_PAGES_IN_PROCESS" },
    { 0xCC, "PAGE_FAULT_IN_FREED_SPECIAL_POOL" },
    { 0xCD, "PAGE_FAULT_BEYOND_END_OF_ALLOCATION" },
    { 0xCE, "DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS" },
    { 0xD0, "DRIVER_CORRUPTED_MMPOOL" },
    { 0xD1, "DRIVER_IRQL_NOT_LESS_OR_EQUAL" },
    { 0xD3, "DRIVER_PORTION_MUST_BE_NONPAGED" },
    { 0xD5, "DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL" },
    { 0xD6, "DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION" },
    { 0xDA, "SYSTEM_PTE_MISUSE" },
    { 0xE1, "WORKER_THREAD_RETURNED_AT_BAD_IRQL" },
    { 0xE2, "MANUALLY_INITIATED_CRASH" },
    { 0xE3, "RESOURCE_NOT_OWNED" },
    { 0xE4, "WORKER_INVALID" },
    { 0xE6, "DRIVER_VERIFIER_DMA_VIOLATION" },
    { 0xEA, "THREAD_STUCK_IN_DEVICE_DRIVER" },
    { 0xEF, "CRITICAL_PROCESS_DIED" },
    { 0xF7, "DRIVER_OVERRAN_STACK_BUFFER" },
    { 0xFC, "ATTEMPTED_EXECUTE_OF_NOEXECUTE_MEMORY" },
    { 0xFE, "BUGCODE_USB_DRIVER" },
    { 0x101, "CLOCK_WATCHDOG_TIMEOUT" },
    { 0x109, "CRITICAL_STRUCTURE_CORRUPTION" },
    { 0x10D, "WDF_VIOLATION" },
    { 0x116, "VIDEO_TDR_FAILURE" },
    { 0x124, "WHEA_UNCORRECTABLE_ERROR" },
    { 0x133, "DPC_WATCHDOG_VIOLATION" },
    { 0x139, "KERNEL_SECURITY_CHECK_FAILURE" },
    { 0x13A, "KERNEL_MODE_HEAP_CORRUPTION" },
    { 0x144, "BUGCODE_USB3_DRIVER" },
    { 0x154, "UNEXPECTED_STORE_EXCEPTION" },
    { 0x1C4, "DRIVER_VERIFIER_DETECTED_VIOLATION_LIVEDUMP" },
    { 0x1CA, "SYNTHETIC_WATCHDOG_TIMEOUT" },
    { 0x1D5, "DRIVER_PNP_WATCHDOG" },
    { 0xDEADDEAD, "MANUALLY_INITIATED_CRASH1" },
};

const char *krnl_bugcheck_name(ULONG code)
{
    for (size_t i = 0; i < sizeof(krnl_bugcheck_names) / sizeof(krnl_bugcheck_names[0]); i++)
        if (krnl_bugcheck_names[i].code == code)
            return krnl_bugcheck_names[i].name;
    return NULL;
}

/* Appends to a fixed buffer; never overruns, truncates instead. */
struct bc_buf {
    char *p;
    size_t n, cap;
};

__attribute__((format(printf, 2, 3)))
static void bc_put(struct bc_buf *b, const char *fmt, ...)
{
    va_list ap;
    int k;

    if (b->n + 1 >= b->cap)
        return;
    va_start(ap, fmt);
    k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        b->n += (size_t)k < b->cap - b->n ? (size_t)k : b->cap - b->n - 1;
}

static void bc_put_json_string(struct bc_buf *b, const char *s)
{
    if (!s) {
        bc_put(b, "null");
        return;
    }
    bc_put(b, "\"");
    for (; *s && b->n + 8 < b->cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            bc_put(b, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            bc_put(b, "\\u%04x", c);
        else
            b->p[b->n++] = (char)c;
    }
    b->p[b->n] = 0;
    bc_put(b, "\"");
}

/* Is the object that contains dli a driver module (exports the driver
 * info record from inside itself)? */
static int bc_is_driver_module(const void *addr, const Dl_info *info)
{
    Dl_info tmp;
    void *h, *sym;
    int yes;

    (void)addr;
    if (!info->dli_fbase || !info->dli_fname || !info->dli_fname[0] ||
        info->dli_fbase == krnl_executive_base())
        return 0;
    /* Already loaded: RTLD_NOLOAD only takes a reference to it. */
    h = dlopen(info->dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    if (!h)
        return 0;
    sym = dlsym(h, DDK_DRIVER_INFO_SYMBOL);
    yes = sym && dladdr(sym, &tmp) && tmp.dli_fbase == info->dli_fbase;
    dlclose(h);
    return yes;
}

/* "/path/to/foo_drv.so" -> "foo_drv" into out. */
static void bc_module_name(const char *path, char *out, size_t cap)
{
    const char *base = path ? strrchr(path, '/') : NULL;
    size_t len;

    base = base ? base + 1 : (path ? path : "?");
    len = strlen(base);
    if (len > 3 && !strcmp(base + len - 3, ".so"))
        len -= 3;
    if (len >= cap)
        len = cap - 1;
    memcpy(out, base, len);
    out[len] = 0;
}

/* Writes the report; returns its path. Only one thread gets here (see
 * the owner check): the static buffers are that thread's. */
static const char *bc_write_report(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                                   ULONG_PTR p4, const char *driver, const char *fmt,
                                   va_list ap)
{
    static char report[65536];
    static char msg[2048], path[4200], tmppath[4300], culprit[256], where[512];
    static unsigned seq;
    static void *frames[64];
    struct bc_buf b = { report, 0, sizeof(report) };
    long self = (long)syscall(SYS_gettid);
    long prev = 0;
    const char *name = krnl_bugcheck_name(code);
    const char *culprit_from = NULL;
    int nframes, fd;

    if (!__atomic_compare_exchange_n(&krnl_bugcheck_owner, &prev, self, 0,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        if (prev == self) {
            static const char m[] = "openddk: bug check inside a bug check; exiting\n";
            ssize_t w = write(STDERR_FILENO, m, sizeof(m) - 1);
            (void)w;
            _exit(4);
        }
        for (;;)
            pause();   /* the first bug check ends the process */
    }

    vsnprintf(msg, sizeof(msg), fmt ? fmt : "", ap);

    /* Culprit: the first frame in a driver module (frame 0 is us). */
    nframes = backtrace(frames, (int)(sizeof(frames) / sizeof(frames[0])));
    culprit[0] = where[0] = 0;
    for (int i = 1; i < nframes; i++) {
        Dl_info info;
        /* A return address points after the call: look up the call. */
        const char *pc = (const char *)frames[i] - 1;
        if (!dladdr(pc, &info) || !bc_is_driver_module(pc, &info))
            continue;
        bc_module_name(info.dli_fname, culprit, sizeof(culprit));
        snprintf(where, sizeof(where), "%s+0x%lx", culprit,
                 (unsigned long)(pc + 1 - (const char *)info.dli_fbase));
        culprit_from = "backtrace";
        break;
    }
    if (!culprit[0] && driver) {
        snprintf(culprit, sizeof(culprit), "%s", driver);
        culprit_from = "argument";
    }

    krnl_log(KRNL_LOG_ERROR, "*** STOP: 0x%08X (0x%lx, 0x%lx, 0x%lx, 0x%lx) %s%s%s%s: %s",
             (unsigned)code, (unsigned long)p1, (unsigned long)p2, (unsigned long)p3,
             (unsigned long)p4, name ? name : "UNKNOWN_BUGCHECK",
             culprit[0] ? " (probably caused by " : "", culprit,
             culprit[0] ? ")" : "", msg);

    bc_put(&b, "{\n  \"code\": \"0x%08X\",\n  \"code_value\": %u,\n  \"name\": ",
           (unsigned)code, (unsigned)code);
    bc_put_json_string(&b, name ? name : "UNKNOWN_BUGCHECK");
    bc_put(&b, ",\n  \"parameters\": [\"0x%lx\", \"0x%lx\", \"0x%lx\", \"0x%lx\"],\n"
           "  \"pid\": %d,\n  \"tid\": %ld,\n  \"process\": ",
           (unsigned long)p1, (unsigned long)p2, (unsigned long)p3, (unsigned long)p4,
           (int)getpid(), self);
    bc_put_json_string(&b, program_invocation_short_name);
    bc_put(&b, ",\n  \"irql\": %u,\n  \"time\": %ld,\n  \"driver\": ",
           (unsigned)KeGetCurrentIrql(), (long)time(NULL));
    bc_put_json_string(&b, culprit[0] ? culprit : NULL);
    bc_put(&b, ",\n  \"driver_source\": ");
    bc_put_json_string(&b, culprit_from);
    bc_put(&b, ",\n  \"driver_argument\": ");
    bc_put_json_string(&b, driver);
    bc_put(&b, ",\n  \"culprit_frame\": ");
    bc_put_json_string(&b, where[0] ? where : NULL);
    bc_put(&b, ",\n  \"message\": ");
    bc_put_json_string(&b, msg);
    bc_put(&b, ",\n  \"backtrace\": [");
    for (int i = 1; i < nframes && b.n + 1024 < b.cap; i++) {
        Dl_info info;
        const char *pc = (const char *)frames[i];
        int ok = dladdr(pc - 1, &info);
        bc_put(&b, "%s\n    {\"address\": \"%p\", \"module\": ", i > 1 ? "," : "", frames[i]);
        bc_put_json_string(&b, ok ? info.dli_fname : NULL);
        if (ok && info.dli_fbase)
            bc_put(&b, ", \"module_offset\": \"0x%lx\"",
                   (unsigned long)(pc - (const char *)info.dli_fbase));
        bc_put(&b, ", \"symbol\": ");
        bc_put_json_string(&b, ok ? info.dli_sname : NULL);
        if (ok && info.dli_sname && info.dli_saddr)
            bc_put(&b, ", \"symbol_offset\": \"0x%lx\"",
                   (unsigned long)(pc - (const char *)info.dli_saddr));
        bc_put(&b, "}");
    }
    bc_put(&b, "\n  ]\n}\n");

    if (NT_SUCCESS(krnl_state_dir("crash", path, sizeof(path)))) {
        unsigned s = __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED);
        snprintf(path, sizeof(path), "%s/crash/bugcheck-%d-%u.json", krnl_root(),
                 (int)getpid(), s);
        snprintf(tmppath, sizeof(tmppath), "%s.tmp", path);
        /* Written aside and renamed: a reader never sees half a report. */
        fd = open(tmppath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd >= 0) {
            size_t off = 0;
            while (off < b.n) {
                ssize_t w = write(fd, report + off, b.n - off);
                if (w <= 0 && !(w < 0 && errno == EINTR))
                    break;
                if (w > 0)
                    off += (size_t)w;
            }
            fsync(fd);
            close(fd);
            if (rename(tmppath, path) == 0)
                krnl_log(KRNL_LOG_ERROR, "bug check report: %s", path);
            else
                krnl_log(KRNL_LOG_ERROR, "cannot write bug check report %s: errno %d", path, errno);
        } else {
            krnl_log(KRNL_LOG_ERROR, "cannot write bug check report %s: errno %d", tmppath, errno);
        }
    } else {
        snprintf(path, sizeof(path), "%s/crash", krnl_root());
        krnl_log(KRNL_LOG_ERROR, "cannot create %s for the bug check report", path);
    }

    return path;
}

/* Runs the test hook if one is set (it may longjmp out: the next bug
 * check stays possible); if it returns, exits with status 3. */
static void bc_run_hook(ULONG code, const char *path)
{
    krnl_bugcheck_hook_fn hook = __atomic_load_n(&krnl_hook, __ATOMIC_ACQUIRE);
    if (hook) {
        __atomic_store_n(&krnl_bugcheck_owner, 0, __ATOMIC_RELEASE);
        hook(code, path);
        _exit(3);
    }
}

void krnl_bugcheck(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                   ULONG_PTR p4, const char *driver, const char *fmt, ...)
{
    const char *path;
    va_list ap;

    va_start(ap, fmt);
    path = bc_write_report(code, p1, p2, p3, p4, driver, fmt, ap);
    va_end(ap);
    bc_run_hook(code, path);
    abort();
}

/* ---- faults ---------------------------------------------------------- */

/* A fault in the executive's process is what an unhandled exception in
 * kernel mode is on Windows: bug check 0x1E KMODE_EXCEPTION_NOT_HANDLED
 * with the exception code, the faulting instruction and (for access
 * violations) read/write and the address. The culprit is the driver whose
 * code faulted. After the report the default action is restored and the
 * faulting instruction runs again, so the process still dies by the
 * original signal (and dumps core where the system wants it). */
static const char *bc_report_fault(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                                   ULONG_PTR p4, const char *fmt, ...)
{
    const char *path;
    va_list ap;
    va_start(ap, fmt);
    path = bc_write_report(code, p1, p2, p3, p4, NULL, fmt, ap);
    va_end(ap);
    return path;
}

static void bc_fault_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    ULONG_PTR ip = 0, write = 0;
    ULONG status;
    const char *what, *path;

#if defined(__x86_64__)
    ip = (ULONG_PTR)uc->uc_mcontext.gregs[REG_RIP];
    write = (uc->uc_mcontext.gregs[REG_ERR] & 2) ? 1 : 0;
#else
    (void)uc;
#endif
    switch (sig) {
    case SIGSEGV: status = 0xC0000005; what = "access violation"; break;   /* STATUS_ACCESS_VIOLATION */
    case SIGBUS:  status = 0xC0000006; what = "in-page error"; break;      /* STATUS_IN_PAGE_ERROR */
    case SIGILL:  status = 0xC000001D; what = "illegal instruction"; break; /* STATUS_ILLEGAL_INSTRUCTION */
    default:      status = 0xC0000094; what = "integer divide by zero"; break; /* STATUS_INTEGER_DIVIDE_BY_ZERO */
    }
    if (sig == SIGSEGV || sig == SIGBUS)
        path = bc_report_fault(0x1E, status, ip, write, (ULONG_PTR)si->si_addr,
                               "%s: %s of address %p at instruction %p", what,
                               write ? "write" : "read", si->si_addr, (void *)ip);
    else
        path = bc_report_fault(0x1E, status, ip, 0, 0, "%s at instruction %p", what, (void *)ip);
    bc_run_hook(0x1E, path);
    signal(sig, SIG_DFL);
    /* Returning re-runs the faulting instruction under the default action.
     * A signal sent by kill() would not come back: raise it again. */
    if (si->si_code <= 0)
        raise(sig);
}

static const int bc_fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };

int krnl_install_fault_handlers(void)
{
    static char altstack[64 * 1024];
    struct sigaction sa, old;
    stack_t ss;
    int n = 0;

    /* A handler on the signal stack also reports a stack overflow (of
     * the thread that installed it; other threads have no such stack). */
    memset(&ss, 0, sizeof(ss));
    ss.ss_sp = altstack;
    ss.ss_size = sizeof(altstack);
    (void)sigaltstack(&ss, NULL);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = bc_fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(bc_fault_signals) / sizeof(bc_fault_signals[0]); i++) {
        int sig = bc_fault_signals[i];
        /* Someone else's handler (a sanitizer, a test framework, a
         * debugger's helper) stays: they know better what to do. */
        if (sigaction(sig, NULL, &old) != 0)
            continue;
        if (old.sa_flags & SA_SIGINFO) {
            if (old.sa_sigaction == bc_fault_handler)
                n++;
            continue;
        }
        if (old.sa_handler != SIG_DFL)
            continue;
        if (sigaction(sig, &sa, NULL) == 0)
            n++;
    }
    return n;
}

DECLSPEC_NORETURN NTKERNELAPI VOID NTAPI KeBugCheckEx(ULONG BugCheckCode,
        ULONG_PTR BugCheckParameter1, ULONG_PTR BugCheckParameter2,
        ULONG_PTR BugCheckParameter3, ULONG_PTR BugCheckParameter4)
{
    krnl_bugcheck(BugCheckCode, BugCheckParameter1, BugCheckParameter2,
                  BugCheckParameter3, BugCheckParameter4, NULL, "KeBugCheckEx");
}

DECLSPEC_NORETURN NTKERNELAPI VOID NTAPI KeBugCheck(ULONG BugCheckCode)
{
    krnl_bugcheck(BugCheckCode, 0, 0, 0, 0, NULL, "KeBugCheck");
}

DECLSPEC_NORETURN NTKERNELAPI void NTAPI RtlFailFast(ULONG Code)
{
    krnl_bugcheck(0x139, Code, 0, 0, 0, NULL,
                  "KERNEL_SECURITY_CHECK_FAILURE: fast fail code %u%s", (unsigned)Code,
                  Code == FAST_FAIL_CORRUPT_LIST_ENTRY ? " (corrupted LIST_ENTRY)" : "");
}
