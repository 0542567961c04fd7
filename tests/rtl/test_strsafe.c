/*
 * test_strsafe.c - ntstrsafe.h: truncation semantics, invalid arguments,
 * STRSAFE_* flags, Printf with Microsoft formats, UNICODE_STRING forms.
 */
#include <wdm.h>
#include <ntstrsafe.h>
#include "rtl/rtl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static void test_copy(void **state)
{
    char b[6];
    WCHAR w[6];

    (void)state;
    assert_int_equal(RtlStringCchCopyA(b, sizeof(b), "abc"), STATUS_SUCCESS);
    assert_string_equal(b, "abc");
    assert_int_equal(RtlStringCchCopyA(b, sizeof(b), "abcdefgh"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(b, "abcde");
    assert_int_equal(RtlStringCchCopyA(b, sizeof(b), ""), STATUS_SUCCESS);
    assert_string_equal(b, "");
    assert_int_equal(RtlStringCchCopyA(b, 0, "x"), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchCopyA(b, (size_t)NTSTRSAFE_MAX_CCH + 1, "x"), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCbCopyA(b, 1, "x"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(b, "");
    assert_int_equal(RtlStringCchCopyW(w, 6, L"wide"), STATUS_SUCCESS);
    assert_int_equal(rtl_wcscmp(w, L"wide"), 0);
    assert_int_equal(RtlStringCbCopyW(w, 7, L"widest"), STATUS_BUFFER_OVERFLOW);  /* 3 WCHARs */
    assert_int_equal(rtl_wcscmp(w, L"wi"), 0);
    assert_int_equal(RtlStringCbCopyW(w, 1, L"x"), STATUS_INVALID_PARAMETER);      /* 0 WCHARs */

    assert_int_equal(RtlStringCchCopyNA(b, sizeof(b), "abcdef", 2), STATUS_SUCCESS);
    assert_string_equal(b, "ab");
    assert_int_equal(RtlStringCchCopyNA(b, sizeof(b), "abcdef", 6), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(b, "abcde");
    assert_int_equal(RtlStringCchCopyNA(b, sizeof(b), "ab", 100), STATUS_SUCCESS);
    assert_string_equal(b, "ab");
    assert_int_equal(RtlStringCbCopyNW(w, sizeof(w), L"abcdef", 6), STATUS_SUCCESS);
    assert_int_equal(rtl_wcscmp(w, L"abc"), 0);
    assert_int_equal(RtlStringCchCopyNA(b, sizeof(b), "ab", (size_t)NTSTRSAFE_MAX_CCH + 1),
                     STATUS_INVALID_PARAMETER);
}

static void test_cat(void **state)
{
    char b[8] = "ab";
    WCHAR w[5] = L"x";
    char unterminated[4] = { 'a', 'b', 'c', 'd' };

    (void)state;
    assert_int_equal(RtlStringCchCatA(b, sizeof(b), "cd"), STATUS_SUCCESS);
    assert_string_equal(b, "abcd");
    assert_int_equal(RtlStringCchCatA(b, sizeof(b), "efghij"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(b, "abcdefg");
    assert_int_equal(RtlStringCchCatA(b, sizeof(b), ""), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchCatA(unterminated, 4, "x"), STATUS_INVALID_PARAMETER);
    assert_memory_equal(unterminated, "abcd", 4);
    assert_int_equal(RtlStringCbCatW(w, sizeof(w), L"yz"), STATUS_SUCCESS);
    assert_int_equal(rtl_wcscmp(w, L"xyz"), 0);
    assert_int_equal(RtlStringCchCatNW(w, 5, L"123", 1), STATUS_SUCCESS);
    assert_int_equal(rtl_wcscmp(w, L"xyz1"), 0);
    assert_int_equal(RtlStringCchCatNW(w, 5, L"23", 2), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(rtl_wcscmp(w, L"xyz1"), 0);
    strcpy(b, "12");
    assert_int_equal(RtlStringCbCatNA(b, sizeof(b), "3456", 2), STATUS_SUCCESS);
    assert_string_equal(b, "1234");
}

static void test_ex_flags(void **state)
{
    char b[8];
    char *end;
    size_t rem;

    (void)state;
    assert_int_equal(RtlStringCchCopyExA(b, 8, "abc", &end, &rem, 0), STATUS_SUCCESS);
    assert_ptr_equal(end, b + 3);
    assert_int_equal(rem, 5);
    assert_int_equal(RtlStringCbCopyExA(b, 8, "abcdefghij", &end, &rem, 0), STATUS_BUFFER_OVERFLOW);
    assert_ptr_equal(end, b + 7);
    assert_int_equal(rem, 1);

    /* Fill behind the terminator on success. */
    assert_int_equal(RtlStringCchCopyExA(b, 8, "ab", NULL, NULL, STRSAFE_FILL_BYTE('#')), STATUS_SUCCESS);
    assert_memory_equal(b, "ab\0#####", 8);
    /* Fill the whole buffer on failure (still terminated). */
    assert_int_equal(RtlStringCchCopyExA(b, 8, "abcdefghij", &end, &rem, STRSAFE_FAILURE_BYTE('!')),
                     STATUS_BUFFER_OVERFLOW);
    assert_memory_equal(b, "!!!!!!!\0", 8);
    assert_ptr_equal(end, b + 7);
    /* Empty string on failure. */
    assert_int_equal(RtlStringCchCopyExA(b, 8, "abcdefghij", &end, &rem, STRSAFE_NULL_ON_FAILURE),
                     STATUS_BUFFER_OVERFLOW);
    assert_string_equal(b, "");
    assert_ptr_equal(end, b);
    assert_int_equal(rem, 8);
    /* No truncation: a Cat leaves the original string. */
    strcpy(b, "abc");
    assert_int_equal(RtlStringCchCatExA(b, 8, "defghij", &end, &rem, STRSAFE_NO_TRUNCATION),
                     STATUS_BUFFER_OVERFLOW);
    assert_string_equal(b, "abc");
    assert_int_equal(rem, 5);
    assert_int_equal(RtlStringCchCopyExA(b, 8, "abcdefghij", NULL, NULL, STRSAFE_NO_TRUNCATION),
                     STATUS_BUFFER_OVERFLOW);
    assert_string_equal(b, "");
    /* NULL source with IGNORE_NULLS is an empty string. */
    strcpy(b, "zz");
    assert_int_equal(RtlStringCchCopyExA(b, 8, NULL, &end, &rem, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    assert_string_equal(b, "");
    assert_int_equal(RtlStringCchCopyExA(NULL, 0, NULL, NULL, NULL, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchCopyExA(b, 8, "x", NULL, NULL, 0x10000), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchCatNExA(b, 8, "xyz", 2, &end, &rem, 0), STATUS_SUCCESS);
    assert_string_equal(b, "xy");
    assert_int_equal(rem, 6);
    {
        WCHAR w[4];
        WCHAR *wend;

        assert_int_equal(RtlStringCbCopyExW(w, sizeof(w), L"ab", &wend, &rem, 0), STATUS_SUCCESS);
        assert_ptr_equal(wend, w + 2);
        assert_int_equal(rem, 4);               /* bytes: 2 WCHARs left incl. the terminator */
        assert_int_equal(RtlStringCbCatExW(w, sizeof(w), L"cd", &wend, &rem, 0), STATUS_BUFFER_OVERFLOW);
        assert_int_equal(rtl_wcscmp(w, L"abc"), 0);
        assert_int_equal(rem, 2);
    }
}

static void test_printf(void **state)
{
    char b[16];
    WCHAR w[16];
    UNICODE_STRING u = RTL_CONSTANT_STRING(L"dev");
    char *end;
    size_t rem;

    (void)state;
    assert_int_equal(RtlStringCchPrintfA(b, sizeof(b), "%s-%d-%wZ", "a", 12, &u), STATUS_SUCCESS);
    assert_string_equal(b, "a-12-dev");
    assert_int_equal(RtlStringCbPrintfA(b, 6, "%I64x", 0x123456789ULL), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(b, "12345");
    assert_int_equal(RtlStringCchPrintfW(w, 16, L"%ws=%u", L"n", 5u), STATUS_SUCCESS);
    assert_int_equal(rtl_wcscmp(w, L"n=5"), 0);
    assert_int_equal(RtlStringCbPrintfW(w, 8, L"%s", L"toolong"), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(rtl_wcscmp(w, L"too"), 0);
    assert_int_equal(RtlStringCchPrintfA(b, 0, "x"), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchPrintfA(b, sizeof(b), "%y"), STATUS_INVALID_PARAMETER);
    assert_string_equal(b, "");
    assert_int_equal(RtlStringCchPrintfExA(b, sizeof(b), &end, &rem, 0, "%04X", 0xAB), STATUS_SUCCESS);
    assert_string_equal(b, "00AB");
    assert_ptr_equal(end, b + 4);
    assert_int_equal(rem, 12);
    assert_int_equal(RtlStringCchPrintfExA(b, 4, &end, &rem, STRSAFE_NULL_ON_FAILURE, "%s", "abcdef"),
                     STATUS_BUFFER_OVERFLOW);
    assert_string_equal(b, "");
}

static void test_length(void **state)
{
    size_t n = 99;
    char nt[3] = { 'a', 'b', 'c' };

    (void)state;
    assert_int_equal(RtlStringCchLengthA("abc", 10, &n), STATUS_SUCCESS);
    assert_int_equal(n, 3);
    assert_int_equal(RtlStringCchLengthA("abc", 4, &n), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchLengthA(nt, 3, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(n, 0);
    assert_int_equal(RtlStringCchLengthA(NULL, 3, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchLengthA("a", 0, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchLengthA("a", 2, NULL), STATUS_SUCCESS);
    assert_int_equal(RtlStringCbLengthW(L"abcd", 10, &n), STATUS_SUCCESS);
    assert_int_equal(n, 8);
    assert_int_equal(RtlStringCbLengthW(L"abcd", 8, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchLengthW(L"", 1, &n), STATUS_SUCCESS);
    assert_int_equal(n, 0);
}

static void test_unicode_string_forms(void **state)
{
    WCHAR buf[6];
    UNICODE_STRING d = { 0, sizeof(buf), buf };
    UNICODE_STRING s = RTL_CONSTANT_STRING(L"abcdefgh");
    UNICODE_STRING t = RTL_CONSTANT_STRING(L"xy");
    UNICODE_STRING bad = { 3, 4, buf };
    UNICODE_STRING i;

    (void)state;
    assert_int_equal(RtlUnicodeStringInit(&i, L"init"), STATUS_SUCCESS);
    assert_int_equal(i.Length, 8);
    assert_int_equal(i.MaximumLength, 10);
    assert_int_equal(RtlUnicodeStringInit(&i, NULL), STATUS_SUCCESS);
    assert_int_equal(i.Length, 0);
    assert_int_equal(RtlUnicodeStringValidate(&s), STATUS_SUCCESS);
    assert_int_equal(RtlUnicodeStringValidate(&bad), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringValidate(&(UNICODE_STRING){ 4, 2, buf }), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringValidate(&(UNICODE_STRING){ 0, 2, NULL }), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringValidate(NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringValidateEx(NULL, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);

    assert_int_equal(RtlUnicodeStringCopy(&d, &t), STATUS_SUCCESS);
    assert_int_equal(d.Length, 4);
    assert_int_equal(RtlUnicodeStringCat(&d, &t), STATUS_SUCCESS);
    assert_int_equal(d.Length, 8);
    assert_memory_equal(buf, L"xyxy", 8);
    assert_int_equal(RtlUnicodeStringCatString(&d, L"123"), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d.Length, 12);             /* full: no terminator in a UNICODE_STRING */
    assert_memory_equal(buf, L"xyxy12", 12);
    assert_int_equal(RtlUnicodeStringCopy(&d, &s), STATUS_BUFFER_OVERFLOW);
    assert_memory_equal(buf, L"abcdef", 12);
    assert_int_equal(RtlUnicodeStringCopyString(&d, L"q"), STATUS_SUCCESS);
    assert_int_equal(d.Length, 2);
    assert_int_equal(RtlUnicodeStringCopy(&d, &bad), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringCopy(&bad, &t), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringCchCopyStringN(&d, L"abcdef", 2), STATUS_SUCCESS);
    assert_int_equal(d.Length, 4);
    assert_int_equal(RtlUnicodeStringCbCatStringN(&d, L"cdef", 4), STATUS_SUCCESS);
    assert_memory_equal(buf, L"abcd", 8);

    assert_int_equal(RtlUnicodeStringPrintf(&d, L"%d-%ws", 7, L"z"), STATUS_SUCCESS);
    assert_int_equal(d.Length, 6);
    assert_memory_equal(buf, L"7-z", 6);
    assert_int_equal(RtlUnicodeStringPrintf(&d, L"%wZ", &s), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d.Length, 12);
    assert_memory_equal(buf, L"abcdef", 12);
    assert_int_equal(RtlUnicodeStringPrintf(&d, L"%y"), STATUS_INVALID_PARAMETER);
}

static void test_unicode_string_ex(void **state)
{
    WCHAR buf[6];
    UNICODE_STRING d = { 0, sizeof(buf), buf }, rem;
    UNICODE_STRING s = RTL_CONSTANT_STRING(L"abcdefgh");

    (void)state;
    assert_int_equal(RtlUnicodeStringCopyStringEx(&d, L"ab", &rem, 0), STATUS_SUCCESS);
    assert_int_equal(d.Length, 4);
    assert_ptr_equal(rem.Buffer, buf + 2);
    assert_int_equal(rem.Length, 0);
    assert_int_equal(rem.MaximumLength, 8);
    assert_int_equal(RtlUnicodeStringCatStringEx(&d, L"cd", &rem, STRSAFE_FILL_BEHIND | 0xAA),
                     STATUS_SUCCESS);
    assert_int_equal(d.Length, 8);
    assert_int_equal(buf[4], 0xAAAA);
    assert_int_equal(buf[5], 0xAAAA);
    /* No truncation: a Cat that does not fit leaves the string as it was. */
    assert_int_equal(RtlUnicodeStringCatEx(&d, &s, &rem, STRSAFE_NO_TRUNCATION), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d.Length, 8);
    assert_int_equal(rem.MaximumLength, 4);
    assert_int_equal(RtlUnicodeStringCopyEx(&d, &s, NULL, STRSAFE_ZERO_LENGTH_ON_FAILURE),
                     STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d.Length, 0);
    assert_int_equal(RtlUnicodeStringCopyEx(&d, &s, NULL, 0), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d.Length, 12);
    assert_int_equal(RtlUnicodeStringCopyStringEx(&d, NULL, &rem, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    assert_int_equal(d.Length, 0);
    assert_int_equal(RtlUnicodeStringCopyStringEx(&d, NULL, NULL, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringCopyEx(&d, &s, NULL, 0x10000), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringPrintfEx(&d, &rem, 0, L"%d", 42), STATUS_SUCCESS);
    assert_int_equal(d.Length, 4);
    assert_memory_equal(buf, L"42", 4);
    assert_int_equal(rem.MaximumLength, 8);
    assert_int_equal(RtlUnicodeStringPrintfEx(&d, NULL, STRSAFE_FILL_ON_FAILURE, L"%s", L"too long"),
                     STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d.Length, 0);              /* filled with zeros: empty */
    assert_int_equal(buf[0], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_cat),
        cmocka_unit_test(test_ex_flags),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_length),
        cmocka_unit_test(test_unicode_string_forms),
        cmocka_unit_test(test_unicode_string_ex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
