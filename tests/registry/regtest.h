/*
 * regtest.h - helpers shared by the registry tests: a fresh state root per
 * test, counted strings from literals, key open/create shorthands.
 */
#ifndef REGTEST_H
#define REGTEST_H

#define _GNU_SOURCE
#include <wdm.h>
#include "krnl/krnl.h"
#include "registry/reg.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

NTSYSAPI NTSTATUS NTAPI ZwClose(HANDLE Handle);

/* A UNICODE_STRING over a wide literal (without its terminator). */
#define US(lit) { (USHORT)(sizeof(lit) - sizeof(WCHAR)), (USHORT)sizeof(lit), (PWCH)(lit) }

static char regtest_root[256];

static inline int regtest_setup(void **state)
{
    (void)state;
    snprintf(regtest_root, sizeof(regtest_root), "/tmp/ddk-regtest-XXXXXX");
    if (!mkdtemp(regtest_root))
        return -1;
    krnl_init(regtest_root);
    return NT_SUCCESS(reg_init()) ? 0 : -1;
}

static inline int regtest_teardown(void **state)
{
    char cmd[512];
    (void)state;
    reg_shutdown();
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", regtest_root);
    return system(cmd) == 0 ? 0 : -1;
}

/* "Restart": closes the stores; the next call reopens them. Volatile keys
 * are gone afterwards. */
static inline void regtest_restart(void)
{
    reg_shutdown();
    assert_true(NT_SUCCESS(reg_init()));
}

static inline NTSTATUS zcreate(HANDLE *h, HANDLE root, const WCHAR *name, ULONG options, ULONG *disp)
{
    UNICODE_STRING us;
    OBJECT_ATTRIBUTES oa;

    RtlInitUnicodeString(&us, name);
    InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, root, NULL);
    return ZwCreateKey(h, KEY_ALL_ACCESS, &oa, 0, NULL, options, disp);
}

static inline NTSTATUS zopen(HANDLE *h, HANDLE root, const WCHAR *name, ACCESS_MASK access)
{
    UNICODE_STRING us;
    OBJECT_ATTRIBUTES oa;

    RtlInitUnicodeString(&us, name);
    InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, root, NULL);
    return ZwOpenKey(h, access, &oa);
}

static inline NTSTATUS zset(HANDLE h, const WCHAR *name, ULONG type, const void *data, ULONG size)
{
    UNICODE_STRING us;
    RtlInitUnicodeString(&us, name);
    return ZwSetValueKey(h, &us, 0, type, (PVOID)data, size);
}

static inline NTSTATUS zset_dword(HANDLE h, const WCHAR *name, ULONG v)
{
    return zset(h, name, REG_DWORD, &v, sizeof(v));
}

/* Reads a value's data (partial information); returns the status. */
static inline NTSTATUS zget(HANDLE h, const WCHAR *name, ULONG *type, void *data, ULONG size, ULONG *len)
{
    UNICODE_STRING us;
    union { KEY_VALUE_PARTIAL_INFORMATION i; UCHAR b[4096]; } buf;
    ULONG res = 0;
    NTSTATUS st;

    RtlInitUnicodeString(&us, name);
    st = ZwQueryValueKey(h, &us, KeyValuePartialInformation, &buf, sizeof(buf), &res);
    if (!NT_SUCCESS(st))
        return st;
    if (type)
        *type = buf.i.Type;
    if (len)
        *len = buf.i.DataLength;
    if (data)
        memcpy(data, buf.i.Data, buf.i.DataLength < size ? buf.i.DataLength : size);
    return st;
}

static inline ULONG zget_dword(HANDLE h, const WCHAR *name)
{
    ULONG v = 0xdeadbeef, type = 0;
    assert_int_equal(zget(h, name, &type, &v, sizeof(v), NULL), STATUS_SUCCESS);
    assert_int_equal(type, REG_DWORD);
    return v;
}

static inline size_t rtl_test_wcslen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static inline double regtest_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif /* REGTEST_H */
