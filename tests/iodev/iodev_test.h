/*
 * iodev_test.h - helpers shared by the io object-side tests (tests/iodev,
 * tests/conformance): a private state root, wide-string helpers, stderr
 * capture for leak reports, and a small built-in test driver that records
 * what reaches it.
 */
#ifndef IODEV_TEST_H
#define IODEV_TEST_H

#define _GNU_SOURCE
#include <wdm.h>
#include <wdmsec.h>
#include "io/iodev.h"
#include "krnl/krnl.h"
#include "rtl/rtl.h"
#include "se/se.h"

#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static char iot_root[256];
static pid_t iot_root_owner;

static int iot_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* The state root goes when the test program ends (not in forked children,
 * which leave with _exit). */
static void iot_remove_root(void)
{
    if (iot_root[0] && getpid() == iot_root_owner)
        nftw(iot_root, iot_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void iot_init_root(void)
{
    if (iot_root[0])
        return;
    snprintf(iot_root, sizeof(iot_root), "/tmp/ddk-iodev-XXXXXX");
    if (!mkdtemp(iot_root))
        abort();
    iot_root_owner = getpid();
    atexit(iot_remove_root);
    krnl_init(iot_root);
}

static inline void iot_us(UNICODE_STRING *u, const WCHAR *s)
{
    u->Buffer = (PWCH)s;
    u->Length = (USHORT)(rtl_wcslen(s) * sizeof(WCHAR));
    u->MaximumLength = (USHORT)(u->Length + sizeof(WCHAR));
}

static inline bool iot_us_eq(PCUNICODE_STRING u, const WCHAR *s)
{
    size_t n = rtl_wcslen(s);
    return u->Length == n * sizeof(WCHAR) && (!n || !rtl_wcsncmp(u->Buffer, s, n));
}

/* stderr capture: everything logged between begin and end. */
struct iot_capture {
    int saved;
    char path[64];
};

static inline void iot_capture_begin(struct iot_capture *c)
{
    int fd;

    fflush(stderr);
    snprintf(c->path, sizeof(c->path), "/tmp/ddk-iodev-log-XXXXXX");
    fd = mkstemp(c->path);
    assert_true(fd >= 0);
    c->saved = dup(2);
    dup2(fd, 2);
    close(fd);
}

/* Returns the captured text (malloc'd) and echoes it to the real stderr. */
static inline char *iot_capture_end(struct iot_capture *c)
{
    FILE *f;
    char *buf;
    long n;

    fflush(stderr);
    dup2(c->saved, 2);
    close(c->saved);
    f = fopen(c->path, "r");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = calloc(1, (size_t)n + 1);
    if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
        buf[0] = 0;
    fclose(f);
    unlink(c->path);
    fputs(buf, stderr);
    return buf;
}

/* Path of a test driver module built into build/drivers/. */
static inline const char *iot_driver_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s.so", DDK_TEST_DRIVER_DIR, name);
    return path;
}

/* Identities for access tests. */
static inline void iot_identity(struct se_identity *id, uint32_t uid, uint32_t gid)
{
    se_identity_init(id, uid, gid, NULL, 0);
}

#endif /* IODEV_TEST_H */
