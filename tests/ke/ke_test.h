/*
 * ke_test.h - helpers shared by the ke tests: threads, timing, and the
 * fork-and-misuse harness for bug checks.
 */
#ifndef KE_TEST_H
#define KE_TEST_H

#define _GNU_SOURCE
#include <wdm.h>
#include "ke/ke.h"
#include "krnl/krnl.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static inline LARGE_INTEGER ms_rel(LONGLONG ms)
{
    LARGE_INTEGER li;
    li.QuadPart = -ms * 10000;
    return li;
}

static inline ULONGLONG now_ms(void)
{
    return KeQueryInterruptTime() / 10000;
}

/* Starts a system thread and returns its thread object, referenced the
 * way a driver does it (handle -> ObReferenceObjectByHandle -> ZwClose). */
static inline PKTHREAD start_thread(PKSTART_ROUTINE fn, PVOID ctx)
{
    OBJECT_ATTRIBUTES oa;
    HANDLE h;
    PVOID obj = NULL;

    InitializeObjectAttributes(&oa, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_int_equal(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, &oa, NULL, NULL, fn, ctx),
                     STATUS_SUCCESS);
    assert_int_equal(ObReferenceObjectByHandle(h, SYNCHRONIZE, *PsThreadType, KernelMode, &obj,
                                               NULL), STATUS_SUCCESS);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    return obj;
}

static inline void join_thread(PKTHREAD t)
{
    LARGE_INTEGER to = ms_rel(15000);
    assert_int_equal(KeWaitForSingleObject(t, Executive, KernelMode, FALSE, &to), STATUS_WAIT_0);
    ObDereferenceObject(t);
}

/* Runs misuse() in a forked child whose state root is a fresh directory;
 * asserts that the child died and wrote a bug-check report with code. */
static inline void expect_bugcheck_text(ULONG code, const char *text, void (*misuse)(void))
{
    char dir[] = "/tmp/ke-bugcheck-XXXXXX";
    char want[64], path[512], buf[8192];
    int status, found = 0;
    pid_t pid;

    assert_non_null(mkdtemp(dir));
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        krnl_init(dir);
        misuse();
        _exit(0); /* misuse did not stop the system: the test fails */
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
                 text ? " and text " : "", text ? text : "");
}

static inline void expect_bugcheck(ULONG code, void (*misuse)(void))
{
    expect_bugcheck_text(code, NULL, misuse);
}

#endif
