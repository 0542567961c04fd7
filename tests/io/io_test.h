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
#include "ddk_bugcheck_test.h"

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

/* The shared fork-and-misuse harness (tests/include). */
static inline void expect_bugcheck_p(ULONG code, const char *text, void (*misuse)(void))
{
    ddk_expect_bugcheck_text(code, text, misuse);
}

static inline void expect_bugcheck(ULONG code, void (*misuse)(void))
{
    expect_bugcheck_p(code, NULL, misuse);
}

#endif
