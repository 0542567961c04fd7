/*
 * test_version.c - RtlGetVersion / RtlIsNtDdiVersionAvailable report the
 * implemented level, both structure sizes, bad sizes refused.
 */
#include <wdm.h>
#include <sdkddkver.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static void test_version(void **state)
{
    RTL_OSVERSIONINFOW v;
    RTL_OSVERSIONINFOEXW x;

    (void)state;
    memset(&v, 0xCC, sizeof(v));
    v.dwOSVersionInfoSize = sizeof(v);
    assert_int_equal(RtlGetVersion(&v), STATUS_SUCCESS);
    assert_int_equal(v.dwMajorVersion, 10);
    assert_int_equal(v.dwMinorVersion, 0);
    assert_int_equal(v.dwBuildNumber, 19041);
    assert_int_equal(v.dwPlatformId, VER_PLATFORM_WIN32_NT);
    assert_int_equal(v.szCSDVersion[0], 0);
    memset(&x, 0xCC, sizeof(x));
    x.dwOSVersionInfoSize = sizeof(x);
    assert_int_equal(RtlGetVersion((PRTL_OSVERSIONINFOW)&x), STATUS_SUCCESS);
    assert_int_equal(x.wProductType, VER_NT_WORKSTATION);
    assert_int_equal(x.wServicePackMajor, 0);
    v.dwOSVersionInfoSize = 12;
    assert_int_equal(RtlGetVersion(&v), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlGetVersion(NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(offsetof(RTL_OSVERSIONINFOEXW, wServicePackMajor), 276);

    assert_true(RtlIsNtDdiVersionAvailable(NTDDI_WIN7));
    assert_true(RtlIsNtDdiVersionAvailable(NTDDI_WIN10_VB));
    assert_true(RtlIsNtDdiVersionAvailable(NTDDI_VERSION));
    assert_false(RtlIsNtDdiVersionAvailable(NTDDI_WIN11_ZN));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
