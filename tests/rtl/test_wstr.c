/*
 * test_wstr.c - the executive's internal wide-string helpers (rtl/rtl.h):
 * lengths, comparisons, case mapping and UTF-8 <-> UTF-16.
 */
#include <wdm.h>
#include "rtl/rtl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_len_cmp(void **state)
{
    (void)state;
    assert_int_equal(rtl_wcslen(L""), 0);
    assert_int_equal(rtl_wcslen(L"abc"), 3);
    assert_int_equal(rtl_wcsnlen(L"abcdef", 4), 4);
    assert_int_equal(rtl_wcsnlen(L"ab", 4), 2);
    assert_true(rtl_wcscmp(L"abc", L"abd") < 0);
    assert_true(rtl_wcscmp(L"abc", L"ab") > 0);
    assert_int_equal(rtl_wcscmp(L"", L""), 0);
    assert_int_equal(rtl_wcsncmp(L"abcX", L"abcY", 3), 0);
    assert_true(rtl_wcsncmp(L"abcX", L"abcY", 4) < 0);
    assert_int_equal(rtl_wcsncmp(L"ab", L"ab", 10), 0);
    assert_int_equal(rtl_wcsicmp(L"HeLLo\x00e9", L"hello\x00c9"), 0);
    assert_true(rtl_wcsicmp(L"a", L"B") < 0);
    assert_int_equal(rtl_wcsnicmp(L"ABCx", L"abcy", 3), 0);
    /* A high code unit (0xFFxx) must not compare as negative. */
    assert_true(rtl_wcscmp(L"\xff00", L"a") > 0);
    assert_int_equal(rtl_wstr_cmp(L"Key", 3, L"KEY", 3, true), 0);
    assert_true(rtl_wstr_cmp(L"Key", 3, L"KEY", 3, false) > 0);
    assert_true(rtl_wstr_cmp(L"Ke", 2, L"KEY", 3, true) < 0);
    assert_true(rtl_wstr_cmp(L"a\0b", 3, L"a\0a", 3, false) > 0);
    assert_non_null(rtl_wcschr(L"abc", L'c'));
    assert_null(rtl_wcschr(L"abc", L'x'));
    assert_ptr_equal(rtl_wcschr(L"abc", 0), (const WCHAR *)L"abc" + 3);
}

static void test_lcpy(void **state)
{
    WCHAR buf[4];

    (void)state;
    assert_int_equal(rtl_wcslcpy(buf, L"abcdef", 4), 3);
    assert_int_equal(rtl_wcscmp(buf, L"abc"), 0);
    assert_int_equal(rtl_wcslcpy(buf, L"x", 4), 1);
    assert_int_equal(rtl_wcscmp(buf, L"x"), 0);
    assert_int_equal(rtl_wcslcpy(buf, L"x", 0), 0);
}

static void test_case(void **state)
{
    (void)state;
    assert_int_equal(rtl_upcase(L'a'), L'A');
    assert_int_equal(rtl_upcase(L'Z'), L'Z');
    assert_int_equal(rtl_upcase(L'1'), L'1');
    assert_int_equal(rtl_upcase(0xE9), 0xC9);      /* e-acute */
    assert_int_equal(rtl_upcase(0xF7), 0xF7);      /* division sign */
    assert_int_equal(rtl_upcase(0xDF), 0xDF);      /* sharp s has no simple upper */
    assert_int_equal(rtl_upcase(0xFF), 0x178);     /* y-diaeresis */
    assert_int_equal(rtl_upcase(0x101), 0x100);
    assert_int_equal(rtl_upcase(0x17E), 0x17D);
    assert_int_equal(rtl_upcase(0x3B1), 0x391);    /* alpha */
    assert_int_equal(rtl_upcase(0x3C2), 0x3A3);    /* final sigma */
    assert_int_equal(rtl_upcase(0x430), 0x410);    /* Cyrillic a */
    assert_int_equal(rtl_upcase(0x451), 0x401);    /* yo */
    assert_int_equal(rtl_upcase(0xFF41), 0xFF21);  /* fullwidth a */
    assert_int_equal(rtl_downcase(L'Q'), L'q');
    assert_int_equal(rtl_downcase(0xC0), 0xE0);
    assert_int_equal(rtl_downcase(0xD7), 0xD7);    /* multiplication sign */
    assert_int_equal(rtl_downcase(0x178), 0xFF);
    assert_int_equal(rtl_downcase(0x410), 0x430);
    assert_int_equal(rtl_downcase(0x3A3), 0x3C3);
    /* Round trip: folding is consistent over the whole BMP. */
    for (unsigned c = 0; c <= 0xFFFF; c++) {
        WCHAR u = rtl_upcase((WCHAR)c), l = rtl_downcase((WCHAR)c);

        assert_int_equal(rtl_upcase(u), u);
        assert_int_equal(rtl_downcase(l), l);
        if (u != c)
            assert_int_equal(rtl_upcase(rtl_downcase(u)), u);
        if (l != c && c != 0x3A3)
            assert_int_equal(rtl_downcase(rtl_upcase(l)), l);
    }
}

static void test_utf8_to_utf16(void **state)
{
    WCHAR buf[16];
    size_t n;
    /* "aé€😀" */
    const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";

    (void)state;
    assert_int_equal(rtl_utf8_to_utf16(NULL, 0, &n, s, strlen(s)), STATUS_SUCCESS);
    assert_int_equal(n, 5);
    assert_int_equal(rtl_utf8_to_utf16(buf, 16, &n, s, strlen(s)), STATUS_SUCCESS);
    assert_int_equal(n, 5);
    assert_int_equal(buf[0], L'a');
    assert_int_equal(buf[1], 0xE9);
    assert_int_equal(buf[2], 0x20AC);
    assert_int_equal(buf[3], 0xD83D);
    assert_int_equal(buf[4], 0xDE00);
    /* A surrogate pair is never split by a short buffer. */
    assert_int_equal(rtl_utf8_to_utf16(buf, 4, &n, s, strlen(s)), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(n, 3);
    /* Ill-formed: overlong, lone continuation, encoded surrogate, truncated. */
    assert_int_equal(rtl_utf8_to_utf16(buf, 16, &n, "\xc0\xaf", 2), STATUS_SOME_NOT_MAPPED);
    assert_int_equal(buf[0], 0xFFFD);
    assert_int_equal(rtl_utf8_to_utf16(buf, 16, &n, "x\x80y", 3), STATUS_SOME_NOT_MAPPED);
    assert_int_equal(n, 3);
    assert_int_equal(buf[1], 0xFFFD);
    assert_int_equal(buf[2], L'y');
    assert_int_equal(rtl_utf8_to_utf16(buf, 16, &n, "\xed\xa0\x80", 3), STATUS_SOME_NOT_MAPPED);
    assert_int_equal(buf[0], 0xFFFD);
    assert_int_equal(rtl_utf8_to_utf16(buf, 16, &n, "\xe2\x82", 2), STATUS_SOME_NOT_MAPPED);
    assert_int_equal(n, 1);
    assert_int_equal(rtl_utf8_to_utf16(buf, 16, &n, "\xf4\x90\x80\x80", 4), STATUS_SOME_NOT_MAPPED);
    assert_int_equal(rtl_utf8_to_utf16(buf, 16, &n, "", 0), STATUS_SUCCESS);
    assert_int_equal(n, 0);
}

static void test_utf16_to_utf8(void **state)
{
    char buf[16];
    size_t n;
    const WCHAR w[] = { L'a', 0xE9, 0x20AC, 0xD83D, 0xDE00 };
    const WCHAR lone[] = { 0xDC00, L'b', 0xD800 };

    (void)state;
    assert_int_equal(rtl_utf16_to_utf8(NULL, 0, &n, w, 5), STATUS_SUCCESS);
    assert_int_equal(n, 10);
    assert_int_equal(rtl_utf16_to_utf8(buf, 16, &n, w, 5), STATUS_SUCCESS);
    assert_memory_equal(buf, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10);
    assert_int_equal(rtl_utf16_to_utf8(buf, 9, &n, w, 5), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(n, 6);
    assert_int_equal(rtl_utf16_to_utf8(buf, 16, &n, lone, 3), STATUS_SOME_NOT_MAPPED);
    assert_int_equal(n, 7);
    assert_memory_equal(buf, "\xef\xbf\xbd" "b" "\xef\xbf\xbd", 7);
}

static void test_alloc_conv(void **state)
{
    WCHAR *w;
    char *s;

    (void)state;
    w = rtl_utf8_to_wstr("Gr\xc3\xbc\xc3\x9f", (size_t)-1);
    assert_non_null(w);
    assert_int_equal(rtl_wcscmp(w, L"Gr\x00fc\x00df"), 0);
    s = rtl_wstr_to_utf8(w, (size_t)-1);
    assert_string_equal(s, "Gr\xc3\xbc\xc3\x9f");
    free(s);
    free(w);
    w = rtl_wcsndup(L"abcdef", 2);
    assert_int_equal(rtl_wcscmp(w, L"ab"), 0);
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_len_cmp),
        cmocka_unit_test(test_lcpy),
        cmocka_unit_test(test_case),
        cmocka_unit_test(test_utf8_to_utf16),
        cmocka_unit_test(test_utf16_to_utf8),
        cmocka_unit_test(test_alloc_conv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
