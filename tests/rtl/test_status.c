/*
 * test_status.c - RtlNtStatusToDosError: documented pairs, pass-through
 * rules, and full coverage of include/ntstatus.h (parsed at run time so a
 * code added there without a mapping fails here).
 */
#include <wdm.h>
#include <winerror.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_known_pairs(void **state)
{
    static const struct { NTSTATUS s; ULONG e; } pairs[] = {
        { STATUS_SUCCESS, ERROR_SUCCESS },
        { STATUS_ACCESS_DENIED, 5 },
        { STATUS_OBJECT_NAME_NOT_FOUND, 2 },
        { STATUS_OBJECT_PATH_NOT_FOUND, 3 },
        { STATUS_BUFFER_OVERFLOW, 234 },
        { STATUS_BUFFER_TOO_SMALL, 122 },
        { STATUS_DRIVER_PROCESS_TERMINATED, 1291 },
        { STATUS_CANCELLED, 995 },
        { STATUS_INVALID_DEVICE_REQUEST, 1 },
        { STATUS_NOT_IMPLEMENTED, 1 },
        { STATUS_PENDING, 997 },
        { STATUS_INVALID_PARAMETER, 87 },
        { STATUS_INVALID_PARAMETER_3, 87 },
        { STATUS_INVALID_HANDLE, 6 },
        { STATUS_NO_MEMORY, 8 },
        { STATUS_INSUFFICIENT_RESOURCES, 1450 },
        { STATUS_UNSUCCESSFUL, 31 },
        { STATUS_NOT_SUPPORTED, 50 },
        { STATUS_DEVICE_BUSY, 170 },
        { STATUS_NO_MORE_ENTRIES, 259 },
        { STATUS_NO_MORE_FILES, 18 },
        { STATUS_OBJECT_NAME_COLLISION, 183 },
        { STATUS_OBJECT_NAME_INVALID, 123 },
        { STATUS_SHARING_VIOLATION, 32 },
        { STATUS_END_OF_FILE, 38 },
        { STATUS_DEVICE_NOT_READY, 21 },
        { STATUS_IO_TIMEOUT, 121 },
        { STATUS_TIMEOUT, 258 },
        { STATUS_INVALID_DEVICE_STATE, 22 },
        { STATUS_NOT_FOUND, 1168 },
        { STATUS_INTEGER_OVERFLOW, 534 },
        { STATUS_ACCESS_VIOLATION, 998 },
        { STATUS_DEVICE_REMOVED, 1617 },
        { STATUS_PRIVILEGE_NOT_HELD, 1314 },
        { STATUS_KEY_DELETED, 1018 },
        { STATUS_MORE_PROCESSING_REQUIRED, 234 },
        { STATUS_INFO_LENGTH_MISMATCH, 24 },
        { STATUS_NAME_TOO_LONG, 206 },
        { STATUS_DIRECTORY_NOT_EMPTY, 145 },
        { STATUS_DELETE_PENDING, 5 },
        { STATUS_MEDIA_WRITE_PROTECTED, 19 },
        { STATUS_INVALID_USER_BUFFER, 1784 },
    };

    (void)state;
    for (size_t i = 0; i < RTL_NUMBER_OF(pairs); i++) {
        ULONG e = RtlNtStatusToDosError(pairs[i].s);

        if (e != pairs[i].e)
            fail_msg("status 0x%08X -> %u, expected %u", (unsigned)pairs[i].s, e, pairs[i].e);
    }
}

static void test_pass_through(void **state)
{
    (void)state;
    /* Unknown code: the documented fallback. */
    assert_int_equal(RtlNtStatusToDosError((NTSTATUS)0xC0FF0FFF), ERROR_MR_MID_NOT_FOUND);
    /* Win32 errors wrapped as NTSTATUS or HRESULT. */
    assert_int_equal(RtlNtStatusToDosError((NTSTATUS)0xC0070005), 5);
    assert_int_equal(RtlNtStatusToDosError(HRESULT_FROM_WIN32(ERROR_NOT_FOUND)), ERROR_NOT_FOUND);
    /* HRESULT_FROM_NT of a status maps like the status. */
    assert_int_equal(RtlNtStatusToDosError(HRESULT_FROM_NT(STATUS_ACCESS_DENIED)), 5);
    /* Customer codes pass through. */
    assert_int_equal(RtlNtStatusToDosError((NTSTATUS)0xE0001234), 0xE0001234);
    assert_int_equal(RtlNtStatusToDosErrorNoTeb(STATUS_CANCELLED), 995);
}

static void test_hresult_macros(void **state)
{
    (void)state;
    assert_int_equal(HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), (HRESULT)0x80070005);
    assert_int_equal(HRESULT_FROM_WIN32(0), 0);
    assert_int_equal(HRESULT_FROM_NT(STATUS_ACCESS_DENIED), (HRESULT)0xD0000022);
    assert_true(FAILED(E_INVALIDARG));
    assert_true(SUCCEEDED(S_FALSE));
    assert_int_equal(HRESULT_CODE(E_INVALIDARG), ERROR_INVALID_PARAMETER);
    assert_true(NT_SUCCESS(STATUS_PENDING));
    assert_true(NT_WARNING(STATUS_BUFFER_OVERFLOW));
    assert_true(NT_ERROR(STATUS_ACCESS_DENIED));
    assert_true(NT_INFORMATION(STATUS_OBJECT_NAME_EXISTS));
}

/* Codes that legitimately have no Win32 mapping on Windows either. */
static const char *const deliberately_unmapped[] = { NULL };

static void test_every_ntstatus_is_mapped(void **state)
{
    char path[4096], line[512];
    FILE *f;
    int checked = 0, bad = 0;

    (void)state;
    snprintf(path, sizeof(path), "%s/include/ntstatus.h", DDK_SOURCE_DIR);
    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        char name[128];
        unsigned long v;
        bool skip = false;

        if (sscanf(line, "#define %127s ((NTSTATUS)0x%lxL)", name, &v) != 2)
            continue;
        for (size_t i = 0; deliberately_unmapped[i]; i++)
            skip |= !strcmp(name, deliberately_unmapped[i]);
        checked++;
        if (!skip && RtlNtStatusToDosError((NTSTATUS)v) == ERROR_MR_MID_NOT_FOUND) {
            printf("unmapped: %s (0x%08lX)\n", name, v);
            bad++;
        }
    }
    fclose(f);
    assert_true(checked > 200);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_pairs),
        cmocka_unit_test(test_pass_through),
        cmocka_unit_test(test_hresult_macros),
        cmocka_unit_test(test_every_ntstatus_is_mapped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
