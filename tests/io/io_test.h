/*
 * io_test.h - helpers for the IRP core tests: hand-made driver and device
 * objects (zeroed, StackSize set, as the tests may build them until
 * IoCreateDevice is available) and the fork-and-misuse bug-check harness.
 */
#ifndef IO_TEST_H
#define IO_TEST_H

#define _GNU_SOURCE
#include <wdm.h>
#include "krnl/krnl.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

struct test_dev {
    DRIVER_OBJECT drv;
    DEVICE_OBJECT dev;
    int index;               /* position in a test stack, 0 = bottom */
    PDEVICE_OBJECT lower;    /* next lower device, NULL at the bottom */
};

/* A device whose driver dispatches every major to fn. */
static inline void test_dev_init(struct test_dev *t, int index, CCHAR stack_size,
                                 PDRIVER_DISPATCH fn)
{
    memset(t, 0, sizeof(*t));
    t->index = index;
    t->drv.Type = IO_TYPE_DRIVER;
    t->drv.Size = sizeof(DRIVER_OBJECT);
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        t->drv.MajorFunction[i] = fn;
    t->dev.Type = IO_TYPE_DEVICE;
    t->dev.Size = sizeof(DEVICE_OBJECT);
    t->dev.DriverObject = &t->drv;
    t->dev.StackSize = stack_size;
    t->dev.DeviceExtension = t;
}

static inline struct test_dev *test_dev_of(PDEVICE_OBJECT d)
{
    return d ? (struct test_dev *)d->DeviceExtension : NULL;
}

/* Runs misuse() in a forked child whose state root is a fresh directory;
 * asserts the child died and wrote a bug-check report with code (and,
 * when p2 is not NULL, that parameter text too). */
static inline void expect_bugcheck_p(ULONG code, const char *text, void (*misuse)(void))
{
    char dir[] = "/tmp/io-bugcheck-XXXXXX";
    char want[64], path[512], buf[16384];
    int status, found = 0;
    pid_t pid;

    assert_non_null(mkdtemp(dir));
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* cmocka's handlers would longjmp a crashing child back into the
         * test runner, which would then run the remaining tests itself. */
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        signal(SIGILL, SIG_DFL);
        signal(SIGFPE, SIG_DFL);
        krnl_init(dir);
        misuse();
        _exit(0);       /* misuse did not stop the system: the test fails */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    snprintf(want, sizeof(want), "\"code\": \"0x%08X\"", (unsigned)code);
    snprintf(path, sizeof(path), "%s/crash", dir);
    DIR *d = opendir(path);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));) {
        if (strncmp(e->d_name, "bugcheck-", 9))
            continue;
        snprintf(path, sizeof(path), "%s/crash/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
        if (f)
            fclose(f);
        buf[n] = 0;
        if (strstr(buf, want) && (!text || strstr(buf, text)))
            found = 1;
        unlink(path);
    }
    closedir(d);
    snprintf(path, sizeof(path), "%s/crash", dir);
    rmdir(path);
    rmdir(dir);
    if (!found)
        fail_msg("no bug-check report with code 0x%X%s%s", (unsigned)code,
                 text ? " and " : "", text ? text : "");
}

static inline void expect_bugcheck(ULONG code, void (*misuse)(void))
{
    expect_bugcheck_p(code, NULL, misuse);
}

#endif
