/*
 * bugcheck.c - the end of the line for driver misuse.
 *
 * A bug check writes ROOT/crash/bugcheck-<pid>-<seq>.json and aborts. The
 * report is written with plain write(2) into a pre-sized buffer so that it
 * works from any thread, at any emulated IRQL, with locks held.
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "krnl/krnl.h"

#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static krnl_bugcheck_hook_fn krnl_hook;

void krnl_set_bugcheck_hook(krnl_bugcheck_hook_fn fn)
{
    __atomic_store_n(&krnl_hook, fn, __ATOMIC_RELEASE);
}

static size_t json_escape(char *out, size_t cap, const char *s)
{
    size_t n = 0;
    for (; s && *s && n + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n] = 0;
    return n;
}

static void mkdir_p(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            mkdir(tmp, 0755);
            *p = '/';
        }
    }
    mkdir(tmp, 0755);
}

void krnl_bugcheck(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                   ULONG_PTR p4, const char *driver, const char *fmt, ...)
{
    static char report[65536];
    static char msg[2048], esc[4200], path[4200];
    static int seq;
    void *frames[64];
    char **syms;
    int nframes, fd;
    size_t n;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    krnl_log(KRNL_LOG_ERROR, "*** STOP: 0x%08X (0x%lx, 0x%lx, 0x%lx, 0x%lx) %s%s%s",
             (unsigned)code, (unsigned long)p1, (unsigned long)p2, (unsigned long)p3,
             (unsigned long)p4, driver ? driver : "", driver ? ": " : "", msg);

    n = (size_t)snprintf(report, sizeof(report),
        "{\n  \"code\": \"0x%08X\",\n  \"code_value\": %u,\n"
        "  \"parameters\": [\"0x%lx\", \"0x%lx\", \"0x%lx\", \"0x%lx\"],\n"
        "  \"pid\": %d,\n  \"time\": %ld,\n  \"driver\": ",
        (unsigned)code, (unsigned)code, (unsigned long)p1, (unsigned long)p2,
        (unsigned long)p3, (unsigned long)p4, (int)getpid(), (long)time(NULL));
    if (driver) {
        json_escape(esc, sizeof(esc), driver);
        n += (size_t)snprintf(report + n, sizeof(report) - n, "\"%s\",\n", esc);
    } else {
        n += (size_t)snprintf(report + n, sizeof(report) - n, "null,\n");
    }
    json_escape(esc, sizeof(esc), msg);
    n += (size_t)snprintf(report + n, sizeof(report) - n,
                          "  \"message\": \"%s\",\n  \"backtrace\": [", esc);
    nframes = backtrace(frames, 64);
    syms = backtrace_symbols(frames, nframes);
    for (int i = 0; i < nframes && n + 512 < sizeof(report); i++) {
        json_escape(esc, sizeof(esc), syms ? syms[i] : "?");
        n += (size_t)snprintf(report + n, sizeof(report) - n, "%s\n    \"%s\"",
                              i ? "," : "", esc);
    }
    n += (size_t)snprintf(report + n, sizeof(report) - n, "\n  ]\n}\n");

    snprintf(path, sizeof(path), "%s/crash", krnl_root());
    mkdir_p(path);
    snprintf(path, sizeof(path), "%s/crash/bugcheck-%d-%d.json", krnl_root(),
             (int)getpid(), __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        ssize_t w = write(fd, report, n);
        (void)w;
        fsync(fd);
        close(fd);
        krnl_log(KRNL_LOG_ERROR, "bug check report: %s", path);
    } else {
        krnl_log(KRNL_LOG_ERROR, "cannot write bug check report %s: %s", path, strerror(errno));
    }

    krnl_bugcheck_hook_fn hook = __atomic_load_n(&krnl_hook, __ATOMIC_ACQUIRE);
    if (hook) {
        hook(code, path);
        _exit(3);
    }
    abort();
}

DECLSPEC_NORETURN NTKERNELAPI void NTAPI RtlFailFast(ULONG Code)
{
    krnl_bugcheck(0x139, Code, 0, 0, 0, NULL,
                  "KERNEL_SECURITY_CHECK_FAILURE: fast fail code %u%s", (unsigned)Code,
                  Code == FAST_FAIL_CORRUPT_LIST_ENTRY ? " (corrupted LIST_ENTRY)" : "");
}
