/*
 * krnl.c - state root, logging and bug checks (minimal first version; the
 * full report with backtrace lives in bugcheck.c once written).
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "krnl/krnl.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char krnl_root_path[4096];
static pthread_once_t krnl_root_once = PTHREAD_ONCE_INIT;

static void krnl_root_default(void)
{
    const char *r = getenv("DDK_ROOT");
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");

    if (krnl_root_path[0])
        return;
    if (r && *r)
        snprintf(krnl_root_path, sizeof(krnl_root_path), "%s", r);
    else if (xdg && *xdg)
        snprintf(krnl_root_path, sizeof(krnl_root_path), "%s/openddk", xdg);
    else
        snprintf(krnl_root_path, sizeof(krnl_root_path), "%s/.local/share/openddk",
                 home ? home : "/tmp");
}

const char *krnl_root(void)
{
    pthread_once(&krnl_root_once, krnl_root_default);
    return krnl_root_path;
}

NTSTATUS krnl_init(const char *root)
{
    if (root) {
        if (strlen(root) >= sizeof(krnl_root_path))
            return STATUS_NAME_TOO_LONG;
        snprintf(krnl_root_path, sizeof(krnl_root_path), "%s", root);
    }
    (void)krnl_root();
    return STATUS_SUCCESS;
}

static const char *const krnl_level_names[] = { "error", "warning", "info", "debug" };

void krnl_log(enum krnl_log_level level, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    int n;

    n = snprintf(line, sizeof(line), "openddk[%d]: %s: ", (int)getpid(),
                 krnl_level_names[level <= KRNL_LOG_DEBUG ? level : KRNL_LOG_DEBUG]);
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", line);
}
