/*
 * krnl.c - the state root and logging.
 *
 * The root is chosen once per process (krnl_init, else $DDK_ROOT, else
 * $XDG_DATA_HOME/openddk, else ~/.local/share/openddk) and its
 * subdirectories are made on first use by krnl_state_dir(), so a process
 * that never crashes never creates crash/. Directory creation uses only
 * syscalls so that a bug check can call it with any lock held.
 *
 * Logging writes one whole line per write(2) to stderr: lines from
 * several threads never interleave, and no stdio lock is taken (a bug
 * check may log while the faulting thread holds anything). The format
 * follows what journald expects when stderr is connected to it.
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "krnl/krnl.h"

#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Written by krnl_root_default (once) or krnl_init (before threads use it). */
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

/* mkdir -p for path; the last component gets mode, parents 0755. Refuses
 * a last component that is a symlink or not a directory. */
static NTSTATUS krnl_mkdirs(char *path, mode_t mode)
{
    struct stat st;

    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            *p = '/';
            return errno == EACCES || errno == EPERM ? STATUS_ACCESS_DENIED
                                                     : STATUS_OBJECT_PATH_NOT_FOUND;
        }
        *p = '/';
    }
    if (mkdir(path, mode) != 0 && errno != EEXIST)
        return errno == EACCES || errno == EPERM ? STATUS_ACCESS_DENIED
                                                 : STATUS_OBJECT_PATH_NOT_FOUND;
    if (lstat(path, &st) != 0)
        return STATUS_OBJECT_PATH_NOT_FOUND;
    if (!S_ISDIR(st.st_mode))
        return STATUS_OBJECT_TYPE_MISMATCH;
    return STATUS_SUCCESS;
}

NTSTATUS krnl_state_dir(const char *sub, char *buf, size_t cap)
{
    const char *root = krnl_root();
    NTSTATUS st;
    int n;

    if (!buf || cap == 0)
        return STATUS_INVALID_PARAMETER;
    if (sub && (strstr(sub, "..") || sub[0] == '/'))
        return STATUS_OBJECT_NAME_INVALID;
    n = snprintf(buf, cap, "%s", root);
    if (n < 0 || (size_t)n >= cap)
        return STATUS_NAME_TOO_LONG;
    st = krnl_mkdirs(buf, 0700);
    if (!NT_SUCCESS(st) || !sub || !*sub)
        return st;
    n = snprintf(buf, cap, "%s/%s", root, sub);
    if (n < 0 || (size_t)n >= cap)
        return STATUS_NAME_TOO_LONG;
    return krnl_mkdirs(buf, 0755);
}

NTSTATUS krnl_init(const char *root)
{
    char buf[4200];
    void *frames[2];

    if (root) {
        if (!*root)
            return STATUS_INVALID_PARAMETER;
        if (strlen(root) >= sizeof(krnl_root_path))
            return STATUS_NAME_TOO_LONG;
        snprintf(krnl_root_path, sizeof(krnl_root_path), "%s", root);
    }
    (void)krnl_root();
    krnl_log_reset();
    /* backtrace() loads libgcc on first use (malloc, dlopen): do it now,
     * not inside a bug check. */
    (void)backtrace(frames, 2);
    (void)krnl_executive_base();
    (void)krnl_install_fault_handlers();
    return krnl_state_dir(NULL, buf, sizeof(buf));
}

/* ---------------------------------------------------------------- */
/* Logging                                                            */
/* ---------------------------------------------------------------- */

static const char *const krnl_level_names[] = { "error", "warning", "info", "debug" };
static const int krnl_level_syslog[] = { 3, 4, 6, 7 };
static const char *const krnl_level_colour[] = { "\033[1;31m", "\033[1;33m", "\033[1m", "\033[2m" };

/* -1: not read yet. Then the maximum level logged, and the output style.
 * Racing first readers compute the same values. */
static int krnl_log_max = -1;
static int krnl_log_journal;
static int krnl_log_colour;

static void krnl_log_setup(void)
{
    const char *lv = getenv("DDK_LOG_LEVEL");
    const char *js = getenv("JOURNAL_STREAM");
    int max = KRNL_LOG_WARN;
    struct stat st;

    if (lv && *lv) {
        if (!strcasecmp(lv, "error") || !strcmp(lv, "0") || !strcasecmp(lv, "err"))
            max = KRNL_LOG_ERROR;
        else if (!strcasecmp(lv, "warning") || !strcasecmp(lv, "warn") || !strcmp(lv, "1"))
            max = KRNL_LOG_WARN;
        else if (!strcasecmp(lv, "info") || !strcmp(lv, "2"))
            max = KRNL_LOG_INFO;
        else if (!strcasecmp(lv, "debug") || !strcmp(lv, "3") || !strcasecmp(lv, "trace"))
            max = KRNL_LOG_DEBUG;
        else if (!strcasecmp(lv, "none") || !strcasecmp(lv, "off") || !strcasecmp(lv, "quiet"))
            max = KRNL_LOG_ERROR - 1;
    }
    krnl_log_journal = 0;
    if (js && *js && fstat(STDERR_FILENO, &st) == 0) {
        unsigned long long dev, ino;
        /* journald sets "dev:ino" of the stream it gave us; if stderr was
         * redirected since, it is not the journal any more. */
        if (sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
            dev == (unsigned long long)st.st_dev && ino == (unsigned long long)st.st_ino)
            krnl_log_journal = 1;
    }
    krnl_log_colour = !krnl_log_journal && isatty(STDERR_FILENO) && !getenv("NO_COLOR");
    __atomic_store_n(&krnl_log_max, max, __ATOMIC_RELEASE);
}

void krnl_log_reset(void)
{
    krnl_log_setup();
}

int krnl_log_enabled(enum krnl_log_level level)
{
    int max = __atomic_load_n(&krnl_log_max, __ATOMIC_ACQUIRE);
    if (max == -1) {
        krnl_log_setup();
        max = __atomic_load_n(&krnl_log_max, __ATOMIC_ACQUIRE);
    }
    return (int)level <= max;
}

void krnl_vlog(enum krnl_log_level level, const char *fmt, va_list ap)
{
    char line[2048];
    size_t n;
    int k;

    if (level > KRNL_LOG_DEBUG)
        level = KRNL_LOG_DEBUG;
    if (!krnl_log_enabled(level))
        return;
    if (krnl_log_journal)
        k = snprintf(line, sizeof(line), "<%d>openddk: ", krnl_level_syslog[level]);
    else if (krnl_log_colour)
        k = snprintf(line, sizeof(line), "openddk[%d]: %s%s\033[0m: ", (int)getpid(),
                     krnl_level_colour[level], krnl_level_names[level]);
    else
        k = snprintf(line, sizeof(line), "openddk[%d]: %s: ", (int)getpid(),
                     krnl_level_names[level]);
    n = k > 0 ? (size_t)k : 0;
    k = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
    if (k > 0)
        n += (size_t)k < sizeof(line) - n - 1 ? (size_t)k : sizeof(line) - n - 2;
    /* One record per line: a message with newlines would be split into
     * several journal entries with no priority. */
    for (size_t i = 0; i < n; i++)
        if (line[i] == '\n')
            line[i] = ' ';
    line[n++] = '\n';
    for (size_t off = 0; off < n;) {
        ssize_t w = write(STDERR_FILENO, line + off, n - off);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            break;
        }
        off += (size_t)w;
    }
}

void krnl_log(enum krnl_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    krnl_vlog(level, fmt, ap);
    va_end(ap);
}
