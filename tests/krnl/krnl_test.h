/*
 * krnl_test.h - helpers shared by the krnl tests: a private state root,
 * running misuse in a child and reading its bug check report, loading the
 * test driver module.
 */
#ifndef KRNL_TEST_H
#define KRNL_TEST_H
struct _DRIVER_OBJECT;

#define _GNU_SOURCE
#include <wdm.h>
#include "krnl/krnl.h"
#include <ddk/driver_abi.h>

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char kt_root[256];

/* A fresh state root under /tmp for this test program. */
static inline void kt_setup_root(void)
{
    snprintf(kt_root, sizeof(kt_root), "/tmp/ddk-krnl-test-XXXXXX");
    if (!mkdtemp(kt_root))
        abort();
    if (krnl_init(kt_root) != STATUS_SUCCESS)
        abort();
}

static inline void kt_rm_rf(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", path);
}

/* Reads crash/bugcheck-<pid>-*.json of pid into a malloc'ed string. */
static inline char *kt_read_report(pid_t pid)
{
    char dir[512], prefix[64], path[1024];
    DIR *d;
    struct dirent *e;
    char *text = NULL;

    snprintf(dir, sizeof(dir), "%s/crash", kt_root);
    snprintf(prefix, sizeof(prefix), "bugcheck-%d-", (int)pid);
    d = opendir(dir);
    if (!d)
        return NULL;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, prefix, strlen(prefix)) || len < 5 ||
            strcmp(e->d_name + len - 5, ".json"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            break;
        text = calloc(1, 1 << 17);
        size_t n = fread(text, 1, (1 << 17) - 1, f);
        text[n] = 0;
        fclose(f);
        break;
    }
    closedir(d);
    return text;
}

/* Runs fn(arg) in a child with stderr silenced. Returns the child's report
 * (NULL if none) and whether it died (*died: not a normal exit 0). */
static inline char *kt_run_child(void (*fn)(void *), void *arg, int *died)
{
    int status = 0;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid < 0)
        abort();
    if (pid == 0) {
        /* cmocka catches these to report a failed test; the child must
         * really die. */
        signal(SIGABRT, SIG_DFL);
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        signal(SIGILL, SIG_DFL);
        signal(SIGFPE, SIG_DFL);
        if (!getenv("KT_VERBOSE")) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0)
                dup2(fd, 2);
        }
        fn(arg);
        _exit(0);
    }
    waitpid(pid, &status, 0);
    *died = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return kt_read_report(pid);
}

/* Does the JSON report contain "key": value (value given with quotes for
 * strings)? Reports are written by us, one key per line or array item. */
static inline int kt_has(const char *report, const char *key, const char *value)
{
    char needle[512];
    snprintf(needle, sizeof(needle), "\"%s\": %s", key, value);
    return report && strstr(report, needle) != NULL;
}

/* The report's parameters array as text: ["0x...", ...]. */
static inline int kt_param(const char *report, int index, unsigned long long *out)
{
    const char *p = report ? strstr(report, "\"parameters\": [") : NULL;
    if (!p)
        return 0;
    p += strlen("\"parameters\": [");
    for (int i = 0; i <= index; i++) {
        p = strchr(p, '"');
        if (!p)
            return 0;
        p++;
        if (i == index) {
            *out = strtoull(p, NULL, 16);
            return 1;
        }
        p = strchr(p, '"');
        if (!p)
            return 0;
        p++;
    }
    return 0;
}

/* Loads build/drivers/<name>.so; returns its handle, the base address
 * and its DriverEntry. */
static inline void *kt_load_driver(const char *name, const void **base,
                                   NTSTATUS (NTAPI **entry)(struct _DRIVER_OBJECT *, PUNICODE_STRING))
{
    char path[1024];
    void *h;
    const struct ddk_driver_info *info;

    snprintf(path, sizeof(path), "%s/%s.so", DDK_TEST_DRIVER_DIR, name);
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return NULL;
    }
    info = dlsym(h, DDK_DRIVER_INFO_SYMBOL);
    if (!info)
        return NULL;
    *base = krnl_module_base(info);
    *entry = info->driver_entry;
    return h;
}

#endif
