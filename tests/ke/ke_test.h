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
#include "ddk_bugcheck_test.h"

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

/* The shared fork-and-misuse harness (tests/include). */
static inline void expect_bugcheck_text(ULONG code, const char *text, void (*misuse)(void))
{
    ddk_expect_bugcheck_text(code, text, misuse);
}

static inline void expect_bugcheck(ULONG code, void (*misuse)(void))
{
    expect_bugcheck_text(code, NULL, misuse);
}

#endif
