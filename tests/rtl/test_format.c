/*
 * test_format.c - the printf engine (Microsoft dialect) and DbgPrint /
 * DbgPrintEx / KdPrint output and filtering.
 */
#include <wdm.h>
#include "rtl/rtl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define CHECK(expect, ...) do {                                  \
        char b_[256];                                            \
        int n_ = rtl_snprintf(b_, sizeof(b_), __VA_ARGS__);      \
        assert_string_equal(b_, expect);                         \
        assert_int_equal(n_, (int)strlen(expect));               \
    } while (0)

static void test_standard(void **state)
{
    (void)state;
    CHECK("plain", "plain");
    CHECK("", "");
    CHECK("42 -7 +5  3", "%d %i %+d % d", 42, -7, 5, 3);
    CHECK("4294967295", "%u", 0xFFFFFFFFu);
    CHECK("ff FF 0xff 0XFF 17 017", "%x %X %#x %#X %o %#o", 255, 255, 255, 255, 15, 15);
    CHECK("[   42][42   ][00042][-0042]", "[%5d][%-5d][%05d][%05d]", 42, 42, 42, -42);
    CHECK("[  042][ab]", "[%5.3d][%.2s]", 42, "abc");
    CHECK("[   hi][hi   ]", "[%5s][%-5s]", "hi", "hi");
    CHECK("[  7][7  ]", "[%*d][%-*d]", 3, 7, 3, 7);
    CHECK("[7  ]", "[%*d]", -3, 7);
    CHECK("[abc]", "[%.*s]", 3, "abcdef");
    CHECK("[]", "[%.0d]", 0);
    CHECK("0", "%#x", 0);
    CHECK("100%", "100%%");
    CHECK("x", "%c", 'x');
    CHECK("-32768 65535 -1 255", "%hd %hu %hhd %hhu", -32768, 0x1FFFF, 0xFF, 0x1FF);
    CHECK("-2147483648", "%d", (int)0x80000000);
    CHECK("(null)", "%s", (char *)NULL);
    CHECK("1.500000 1.5 2.50e+00", "%f %g %.2e", 1.5, 1.5, 2.5);
    CHECK("[  1.25]", "[%6.2f]", 1.25);
}

static void test_microsoft_sizes(void **state)
{
    (void)state;
    /* "l" is 32 bits, as LONG is. */
    CHECK("-1 ffffffff", "%ld %lx", (LONG)-1, (ULONG)0xFFFFFFFF);
    CHECK("18446744073709551615", "%I64u", (ULONGLONG)-1);
    CHECK("-9223372036854775808", "%I64d", (LONGLONG)0x8000000000000000ULL);
    CHECK("123456789abcdef0", "%I64x", 0x123456789abcdef0ULL);
    CHECK("123456789ABCDEF0", "%llX", 0x123456789abcdef0ULL);
    CHECK("deadbeef", "%I32x", 0xdeadbeefu);
    CHECK("10000000000 -5 abcdef012", "%Iu %Id %Ix", (SIZE_T)10000000000ULL, (SSIZE_T)-5,
          (ULONG_PTR)0xabcdef012ULL);
    CHECK("42 42", "%zu %zd", (SIZE_T)42, (SSIZE_T)42);
    CHECK("00000000DEADBEEF", "%p", (void *)(ULONG_PTR)0xdeadbeef);
    CHECK("0000000000000000", "%p", NULL);
}

static void test_microsoft_strings(void **state)
{
    UNICODE_STRING u = RTL_CONSTANT_STRING(L"\\Device\\Foo");
    UNICODE_STRING cut = { 4, 100, (PWCH)L"abcdef" };        /* not terminated at Length */
    ANSI_STRING a = RTL_CONSTANT_STRING("ansi");
    UNICODE_STRING nullbuf = { 0, 0, NULL };

    (void)state;
    CHECK("name=\\Device\\Foo!", "name=%wZ!", &u);
    CHECK("[ab]", "[%wZ]", &cut);
    CHECK("[  ab][ab  ]", "[%4wZ][%-4wZ]", &cut, &cut);
    CHECK("[ansi]", "[%Z]", &a);
    CHECK("(null) (null)", "%wZ %wZ", (PUNICODE_STRING)NULL, &nullbuf);
    CHECK("wide wide wide", "%ws %ls %S", L"wide", L"wide", L"wide");
    CHECK("caf\xc3\xa9", "%ws", L"caf\x00e9");
    CHECK("\xf0\x9f\x98\x80", "%ws", L"\xd83d\xde00");
    CHECK("w w x", "%wc %C %hc", L'w', L'w', 'x');
    CHECK("\xe2\x82\xac", "%wc", 0x20AC);
    CHECK("[ wi]", "[%3.2ws]", L"wide");
    CHECK("narrow", "%hs", "narrow");
    CHECK("(null)", "%ws", (WCHAR *)NULL);
}

static void test_bad_formats(void **state)
{
    char b[32];
    int dummy = 0;

    (void)state;
    assert_int_equal(rtl_snprintf(b, sizeof(b), "%y", 1), -1);
    assert_int_equal(rtl_snprintf(b, sizeof(b), "%n", &dummy), -1);
    assert_int_equal(rtl_snprintf(b, sizeof(b), "trailing %"), -1);
    assert_int_equal(dummy, 0);
}

static void test_truncation(void **state)
{
    char b[8];
    WCHAR w[8];

    (void)state;
    assert_int_equal(rtl_snprintf(b, sizeof(b), "%s", "0123456789"), 10);
    assert_string_equal(b, "0123456");
    assert_int_equal(rtl_snprintf(b, 1, "%d", 5), 1);
    assert_string_equal(b, "");
    assert_int_equal(rtl_snprintf(NULL, 0, "%d", 12345), 5);
    assert_int_equal(rtl_snwprintf(w, 8, L"%s-%d", L"abcdef", 42), 9);
    assert_int_equal(rtl_wcscmp(w, L"abcdef-"), 0);
}

static void test_wide_formats(void **state)
{
    WCHAR w[128];
    UNICODE_STRING u = RTL_CONSTANT_STRING(L"Us");
    ANSI_STRING a = RTL_CONSTANT_STRING("As");

    (void)state;
    /* In a wide format %s is wide and %S narrow (Microsoft semantics). */
    assert_int_equal(rtl_snwprintf(w, 128, L"%s|%S|%hs|%ls|%c|%C", L"ws", "ns", "hs", L"ls",
                                   L'c', 'C'), 15);
    assert_int_equal(rtl_wcscmp(w, L"ws|ns|hs|ls|c|C"), 0);
    rtl_snwprintf(w, 128, L"%wZ/%Z/%08X/%I64d/%p", &u, &a, 0xBEEF, -3LL, (void *)0x10);
    assert_int_equal(rtl_wcscmp(w, L"Us/As/0000BEEF/-3/0000000000000010"), 0);
    rtl_snwprintf(w, 128, L"%S", "caf\xc3\xa9");
    assert_int_equal(rtl_wcscmp(w, L"caf\x00e9"), 0);
    rtl_snwprintf(w, 128, L"%-4s|", L"\x00e9");
    assert_int_equal(rtl_wcscmp(w, L"\x00e9   |"), 0);
}

/* Runs fn with stderr redirected to a temporary file; returns its text. */
static char *capture_stderr(void (*fn)(void))
{
    char path[] = "/tmp/ddk-dbgprint-XXXXXX";
    int fd = mkstemp(path), saved;
    static char text[4096];
    ssize_t n;

    assert_true(fd >= 0);
    fflush(stderr);
    saved = dup(2);
    dup2(fd, 2);
    fn();
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    n = read(fd, text, sizeof(text) - 1);
    text[n < 0 ? 0 : n] = 0;
    close(fd);
    unlink(path);
    return text;
}

static void dbg_basic(void)
{
    UNICODE_STRING u = RTL_CONSTANT_STRING(L"\\Driver\\x");

    DbgPrint("hello %wZ %d\n", &u, 7);
    KdPrint(("kd %s\n", "print"));
    DbgPrint("no newline");
}

static void dbg_filtered(void)
{
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "error shown\n");
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, "info hidden\n");
    KdPrintEx((DPFLTR_IHVDRIVER_ID, DPFLTR_WARNING_LEVEL, "warning hidden\n"));
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, 0x80000001, "mask 1 shown\n");
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, 0x1, "level 1 hidden\n");
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, 0x80000008, "mask 8 hidden\n");
}

static void dbg_raised(void)
{
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_TRACE_LEVEL, "trace shown\n");
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, "info hidden\n");
}

static void test_dbgprint(void **state)
{
    char *t;

    (void)state;
    unsetenv("DDK_DBGPRINT_LEVEL");
    t = capture_stderr(dbg_basic);
    assert_string_equal(t, "DbgPrint: hello \\Driver\\x 7\nDbgPrint: kd print\n"
                           "DbgPrint: no newline\n");
    t = capture_stderr(dbg_filtered);
    assert_string_equal(t, "DbgPrint: error shown\nDbgPrint: mask 1 shown\n");
    setenv("DDK_DBGPRINT_LEVEL", "2", 1);
    t = capture_stderr(dbg_raised);
    assert_string_equal(t, "DbgPrint: trace shown\n");
    setenv("DDK_DBGPRINT_LEVEL", "0xF", 1);
    assert_int_equal(DbgQueryDebugFilterState(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL), TRUE);
    unsetenv("DDK_DBGPRINT_LEVEL");
    assert_int_equal(DbgQueryDebugFilterState(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL), FALSE);
    assert_int_equal(DbgSetDebugFilterState(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, TRUE),
                     STATUS_SUCCESS);
    assert_int_equal(DbgQueryDebugFilterState(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL), TRUE);
    assert_int_equal(DbgQueryDebugFilterState(DPFLTR_IHVBUS_ID, DPFLTR_INFO_LEVEL), FALSE);
    DbgSetDebugFilterState(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, FALSE);
    assert_int_equal(DbgQueryDebugFilterState(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL), FALSE);
}

static void dbg_long(void)
{
    char big[3000];

    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    DbgPrint("%s", big);
    DbgPrint("bad %y format");
}

static void test_dbgprint_long_and_bad(void **state)
{
    char *t;

    (void)state;
    t = capture_stderr(dbg_long);
    assert_int_equal(strlen(t), 10 + 2999 + 1 + strlen("DbgPrint: <bad format: bad %y format>\n"));
    assert_non_null(strstr(t, "<bad format: bad %y format>"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_standard),
        cmocka_unit_test(test_microsoft_sizes),
        cmocka_unit_test(test_microsoft_strings),
        cmocka_unit_test(test_bad_formats),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_wide_formats),
        cmocka_unit_test(test_dbgprint),
        cmocka_unit_test(test_dbgprint_long_and_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
