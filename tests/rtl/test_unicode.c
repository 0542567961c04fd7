/*
 * test_unicode.c - UNICODE_STRING / ANSI_STRING DDIs, integer and GUID
 * conversion, UTF-8 DDIs and memory helpers.
 */
#include <wdm.h>
#include "rtl/rtl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define US_EQ(us, lit) do {                                                   \
        assert_int_equal((us)->Length, sizeof(lit) - sizeof(WCHAR));           \
        assert_memory_equal((us)->Buffer, lit, sizeof(lit) - sizeof(WCHAR));  \
    } while (0)

DECLARE_GLOBAL_CONST_UNICODE_STRING(global_name, L"\\Device\\Global");

static void test_init(void **state)
{
    UNICODE_STRING u;
    ANSI_STRING a;
    static WCHAR big[40000];
    UNICODE_STRING c = RTL_CONSTANT_STRING(L"abc");
    STRING cs = RTL_CONSTANT_STRING("xy");
    DECLARE_CONST_UNICODE_STRING(dc, L"hello");
    DECLARE_UNICODE_STRING_SIZE(ds, 8);

    (void)state;
    RtlInitUnicodeString(&u, L"hello");
    assert_int_equal(u.Length, 10);
    assert_int_equal(u.MaximumLength, 12);
    RtlInitUnicodeString(&u, NULL);
    assert_int_equal(u.Length, 0);
    assert_int_equal(u.MaximumLength, 0);
    assert_null(u.Buffer);
    RtlInitUnicodeString(&u, L"");
    assert_int_equal(u.Length, 0);
    assert_int_equal(u.MaximumLength, 2);

    for (size_t i = 0; i < 39999; i++)
        big[i] = L'x';
    RtlInitUnicodeString(&u, big);   /* clamped, never wraps */
    assert_int_equal(u.Length, 0xFFFC);
    assert_int_equal(u.MaximumLength, 0xFFFE);
    assert_int_equal(RtlInitUnicodeStringEx(&u, big), STATUS_NAME_TOO_LONG);
    assert_int_equal(RtlInitUnicodeStringEx(&u, L"ab"), STATUS_SUCCESS);
    assert_int_equal(u.Length, 4);
    assert_int_equal(RtlInitUnicodeStringEx(&u, NULL), STATUS_SUCCESS);
    assert_int_equal(u.Length, 0);

    RtlInitAnsiString(&a, "abc");
    assert_int_equal(a.Length, 3);
    assert_int_equal(a.MaximumLength, 4);
    RtlInitString(&a, NULL);
    assert_int_equal(a.Length, 0);
    assert_null(a.Buffer);
    assert_int_equal(RtlInitAnsiStringEx(&a, "q"), STATUS_SUCCESS);

    assert_int_equal(c.Length, 6);
    assert_int_equal(c.MaximumLength, 8);
    assert_int_equal(cs.Length, 2);
    assert_int_equal(cs.MaximumLength, 3);
    assert_int_equal(dc.Length, 10);
    US_EQ(&dc, L"hello");
    assert_int_equal(ds.Length, 0);
    assert_int_equal(ds.MaximumLength, 16);
    assert_ptr_equal(ds.Buffer, ds_buffer);
    US_EQ(&global_name, L"\\Device\\Global");
}

static void test_copy_append(void **state)
{
    WCHAR buf[8];
    UNICODE_STRING d = { 0, sizeof(buf), buf };
    UNICODE_STRING s = RTL_CONSTANT_STRING(L"abcdefghij");
    UNICODE_STRING t = RTL_CONSTANT_STRING(L"xy");

    (void)state;
    RtlCopyUnicodeString(&d, &s);               /* truncated to MaximumLength */
    assert_int_equal(d.Length, 16);
    assert_memory_equal(buf, L"abcdefgh", 16);
    RtlCopyUnicodeString(&d, &t);
    US_EQ(&d, L"xy");
    assert_int_equal(buf[2], 0);                /* terminated when room */
    RtlCopyUnicodeString(&d, NULL);
    assert_int_equal(d.Length, 0);

    RtlCopyUnicodeString(&d, &t);
    assert_int_equal(RtlAppendUnicodeStringToString(&d, &t), STATUS_SUCCESS);
    US_EQ(&d, L"xyxy");
    assert_int_equal(RtlAppendUnicodeToString(&d, L"123"), STATUS_SUCCESS);
    US_EQ(&d, L"xyxy123");
    assert_int_equal(buf[7], 0);
    assert_int_equal(RtlAppendUnicodeToString(&d, L"45"), STATUS_BUFFER_TOO_SMALL);
    US_EQ(&d, L"xyxy123");                      /* unchanged on failure */
    assert_int_equal(RtlAppendUnicodeToString(&d, L"4"), STATUS_SUCCESS);
    assert_int_equal(d.Length, 16);             /* exactly full, no terminator */
    assert_int_equal(RtlAppendUnicodeToString(&d, NULL), STATUS_SUCCESS);
    assert_int_equal(RtlAppendUnicodeToString(&d, L""), STATUS_SUCCESS);
    assert_int_equal(RtlAppendUnicodeStringToString(&d, &t), STATUS_BUFFER_TOO_SMALL);
}

static void test_compare(void **state)
{
    UNICODE_STRING a = RTL_CONSTANT_STRING(L"Hello");
    UNICODE_STRING b = RTL_CONSTANT_STRING(L"hello");
    UNICODE_STRING c = RTL_CONSTANT_STRING(L"hell");
    UNICODE_STRING e = RTL_CONSTANT_STRING(L"");
    UNICODE_STRING odd = { 3, 4, (PWCH)L"ab" };
    STRING s1 = RTL_CONSTANT_STRING("ABC"), s2 = RTL_CONSTANT_STRING("abd");

    (void)state;
    assert_true(RtlCompareUnicodeString(&a, &b, FALSE) < 0);
    assert_int_equal(RtlCompareUnicodeString(&a, &b, TRUE), 0);
    assert_true(RtlCompareUnicodeString(&c, &a, TRUE) < 0);
    assert_true(RtlCompareUnicodeString(&a, &c, TRUE) > 0);
    assert_true(RtlCompareUnicodeString(&e, &c, TRUE) < 0);
    assert_int_equal(RtlCompareUnicodeString(&e, &e, FALSE), 0);
    assert_true(RtlEqualUnicodeString(&a, &b, TRUE));
    assert_false(RtlEqualUnicodeString(&a, &b, FALSE));
    assert_false(RtlEqualUnicodeString(&a, &c, TRUE));
    assert_true(RtlPrefixUnicodeString(&c, &a, TRUE));
    assert_false(RtlPrefixUnicodeString(&c, &a, FALSE));
    assert_false(RtlPrefixUnicodeString(&a, &c, TRUE));
    assert_true(RtlPrefixUnicodeString(&e, &a, FALSE));
    /* An odd byte length counts whole characters only. */
    assert_int_equal(RtlCompareUnicodeString(&odd, &(UNICODE_STRING)RTL_CONSTANT_STRING(L"a"), FALSE), 0);
    assert_true(RtlCompareString(&s1, &s2, TRUE) < 0);
    assert_true(RtlEqualString(&s1, &(STRING)RTL_CONSTANT_STRING("abc"), TRUE));
    assert_false(RtlEqualString(&s1, &(STRING)RTL_CONSTANT_STRING("abc"), FALSE));
    assert_int_equal(RtlCompareUnicodeStrings(L"abc", 3, L"ABC", 3, TRUE), 0);
    assert_true(RtlCompareUnicodeStrings(L"abc", 3, L"ABC", 3, FALSE) > 0);
    assert_true(RtlCompareUnicodeStrings(L"ab", 2, L"abc", 3, FALSE) < 0);
    {
        char b[6] = "ab";
        STRING d = { 2, sizeof(b), b };
        STRING x = RTL_CONSTANT_STRING("cde");

        assert_int_equal(RtlAppendStringToString(&d, &x), STATUS_SUCCESS);
        assert_int_equal(d.Length, 5);
        assert_memory_equal(b, "abcde", 5);
        assert_int_equal(RtlAppendStringToString(&d, &x), STATUS_BUFFER_TOO_SMALL);
        assert_int_equal(d.Length, 5);
    }
}

static void test_case(void **state)
{
    UNICODE_STRING s = RTL_CONSTANT_STRING(L"Stra\x00dfe \x00e9t\x00e9");
    UNICODE_STRING d;
    WCHAR buf[4];
    UNICODE_STRING small = { 0, sizeof(buf), buf };
    WCHAR inplace[] = L"MiXeD";
    UNICODE_STRING ip = { 10, 12, inplace };

    (void)state;
    assert_int_equal(RtlUpcaseUnicodeString(&d, &s, TRUE), STATUS_SUCCESS);
    US_EQ(&d, L"STRA\x00dfE \x00c9T\x00c9");
    RtlFreeUnicodeString(&d);
    assert_null(d.Buffer);
    assert_int_equal(d.Length, 0);
    assert_int_equal(RtlDowncaseUnicodeString(&d, &s, TRUE), STATUS_SUCCESS);
    US_EQ(&d, L"stra\x00dfe \x00e9t\x00e9");
    RtlFreeUnicodeString(&d);
    assert_int_equal(RtlUpcaseUnicodeString(&small, &s, FALSE), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(RtlUpcaseUnicodeString(&ip, &ip, FALSE), STATUS_SUCCESS);
    US_EQ(&ip, L"MIXED");
    assert_int_equal(RtlUpcaseUnicodeChar(L'q'), L'Q');
    assert_int_equal(RtlDowncaseUnicodeChar(0x100), 0x101);
    assert_int_equal(RtlUpperChar('z'), 'Z');
    RtlFreeUnicodeString(NULL);   /* harmless */
}

static void test_ansi_conv(void **state)
{
    ANSI_STRING a = RTL_CONSTANT_STRING("caf\xc3\xa9");
    UNICODE_STRING u;
    WCHAR wbuf[5];
    char cbuf[4];
    ANSI_STRING out;
    UNICODE_STRING w = RTL_CONSTANT_STRING(L"caf\x00e9!");

    (void)state;
    assert_int_equal(RtlxAnsiStringToUnicodeSize(&a), 10);
    assert_int_equal(RtlAnsiStringToUnicodeString(&u, &a, TRUE), STATUS_SUCCESS);
    US_EQ(&u, L"caf\x00e9");
    assert_int_equal(u.MaximumLength, 10);
    assert_int_equal(u.Buffer[4], 0);
    RtlFreeUnicodeString(&u);

    u.Buffer = wbuf;
    u.MaximumLength = sizeof(wbuf);
    assert_int_equal(RtlAnsiStringToUnicodeString(&u, &a, FALSE), STATUS_SUCCESS);
    US_EQ(&u, L"caf\x00e9");
    u.MaximumLength = 8;   /* no room for the terminator */
    assert_int_equal(RtlAnsiStringToUnicodeString(&u, &a, FALSE), STATUS_BUFFER_OVERFLOW);

    assert_int_equal(RtlxUnicodeStringToAnsiSize(&w), 7);
    assert_int_equal(RtlUnicodeStringToAnsiString(&out, &w, TRUE), STATUS_SUCCESS);
    assert_int_equal(out.Length, 6);
    assert_memory_equal(out.Buffer, "caf\xc3\xa9!", 7);
    RtlFreeAnsiString(&out);
    assert_null(out.Buffer);

    out.Buffer = cbuf;
    out.MaximumLength = sizeof(cbuf);
    assert_int_equal(RtlUnicodeStringToAnsiString(&out, &w, FALSE), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(out.Length, 3);            /* truncated, terminated */
    assert_string_equal(cbuf, "caf");
    out.MaximumLength = 0;
    assert_int_equal(RtlUnicodeStringToAnsiString(&out, &w, FALSE), STATUS_BUFFER_OVERFLOW);
}

static void test_create_dup(void **state)
{
    UNICODE_STRING u, d;
    UNICODE_STRING e = { 0, 0, NULL };
    UNICODE_STRING bad = { 3, 4, (PWCH)L"ab" };

    (void)state;
    assert_true(RtlCreateUnicodeString(&u, L"dup me"));
    US_EQ(&u, L"dup me");
    assert_int_equal(u.MaximumLength, 14);
    assert_int_equal(RtlDuplicateUnicodeString(RTL_DUPLICATE_UNICODE_STRING_NULL_TERMINATE, &u, &d),
                     STATUS_SUCCESS);
    US_EQ(&d, L"dup me");
    assert_int_equal(d.MaximumLength, 14);
    assert_int_equal(d.Buffer[6], 0);
    assert_ptr_not_equal(d.Buffer, u.Buffer);
    RtlFreeUnicodeString(&d);
    assert_int_equal(RtlDuplicateUnicodeString(0, &u, &d), STATUS_SUCCESS);
    assert_int_equal(d.MaximumLength, 12);
    RtlFreeUnicodeString(&d);
    RtlFreeUnicodeString(&u);

    assert_int_equal(RtlDuplicateUnicodeString(0, &e, &d), STATUS_SUCCESS);
    assert_null(d.Buffer);
    assert_int_equal(RtlDuplicateUnicodeString(3, &e, &d), STATUS_SUCCESS);
    assert_non_null(d.Buffer);
    assert_int_equal(d.Length, 0);
    assert_int_equal(d.MaximumLength, 2);
    assert_int_equal(d.Buffer[0], 0);
    RtlFreeUnicodeString(&d);
    assert_int_equal(RtlDuplicateUnicodeString(0, NULL, &d), STATUS_SUCCESS);
    assert_int_equal(RtlDuplicateUnicodeString(4, &e, &d), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlDuplicateUnicodeString(2, &e, &d), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlDuplicateUnicodeString(0, &bad, &d), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlDuplicateUnicodeString(0, &e, NULL), STATUS_INVALID_PARAMETER);
}

static void test_integers(void **state)
{
    WCHAR buf[12];
    UNICODE_STRING u = { 0, sizeof(buf), buf };
    WCHAR b64[24];
    UNICODE_STRING u64 = { 0, sizeof(b64), b64 };
    ULONG v;
    char cbuf[12];

    (void)state;
    assert_int_equal(RtlIntegerToUnicodeString(1234, 10, &u), STATUS_SUCCESS);
    US_EQ(&u, L"1234");
    assert_int_equal(buf[4], 0);
    assert_int_equal(RtlIntegerToUnicodeString(0xBEEF, 16, &u), STATUS_SUCCESS);
    US_EQ(&u, L"BEEF");
    assert_int_equal(RtlIntegerToUnicodeString(5, 2, &u), STATUS_SUCCESS);
    US_EQ(&u, L"101");
    assert_int_equal(RtlIntegerToUnicodeString(8, 8, &u), STATUS_SUCCESS);
    US_EQ(&u, L"10");
    assert_int_equal(RtlIntegerToUnicodeString(0, 0, &u), STATUS_SUCCESS);
    US_EQ(&u, L"0");
    assert_int_equal(RtlIntegerToUnicodeString(1, 7, &u), STATUS_INVALID_PARAMETER);
    u.MaximumLength = 8;   /* "1234" needs 10 bytes with the terminator */
    assert_int_equal(RtlIntegerToUnicodeString(1234, 10, &u), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(RtlInt64ToUnicodeString(0xFFFFFFFFFFFFFFFFULL, 10, &u64), STATUS_SUCCESS);
    US_EQ(&u64, L"18446744073709551615");
    assert_int_equal(RtlInt64ToUnicodeString(0x123456789ULL, 16, &u64), STATUS_SUCCESS);
    US_EQ(&u64, L"123456789");

    assert_int_equal(RtlUnicodeStringToInteger(&(UNICODE_STRING)RTL_CONSTANT_STRING(L"  -42"), 0, &v),
                     STATUS_SUCCESS);
    assert_int_equal((LONG)v, -42);
    assert_int_equal(RtlUnicodeStringToInteger(&(UNICODE_STRING)RTL_CONSTANT_STRING(L"0x1F"), 0, &v),
                     STATUS_SUCCESS);
    assert_int_equal(v, 31);
    assert_int_equal(RtlUnicodeStringToInteger(&(UNICODE_STRING)RTL_CONSTANT_STRING(L"0b101"), 0, &v),
                     STATUS_SUCCESS);
    assert_int_equal(v, 5);
    assert_int_equal(RtlUnicodeStringToInteger(&(UNICODE_STRING)RTL_CONSTANT_STRING(L"0o17"), 0, &v),
                     STATUS_SUCCESS);
    assert_int_equal(v, 15);
    assert_int_equal(RtlUnicodeStringToInteger(&(UNICODE_STRING)RTL_CONSTANT_STRING(L"ff"), 16, &v),
                     STATUS_SUCCESS);
    assert_int_equal(v, 255);
    assert_int_equal(RtlUnicodeStringToInteger(&(UNICODE_STRING)RTL_CONSTANT_STRING(L"12ab"), 10, &v),
                     STATUS_SUCCESS);
    assert_int_equal(v, 12);
    assert_int_equal(RtlUnicodeStringToInteger(&(UNICODE_STRING)RTL_CONSTANT_STRING(L""), 10, &v),
                     STATUS_SUCCESS);
    assert_int_equal(v, 0);
    assert_int_equal(RtlUnicodeStringToInteger(&(UNICODE_STRING)RTL_CONSTANT_STRING(L"1"), 3, &v),
                     STATUS_INVALID_PARAMETER);
    /* Length bounds the parse: no terminator needed. */
    assert_int_equal(RtlUnicodeStringToInteger(&(UNICODE_STRING){ 4, 4, (PWCH)L"1234" }, 10, &v),
                     STATUS_SUCCESS);
    assert_int_equal(v, 12);

    assert_int_equal(RtlCharToInteger("  +0x10", 0, &v), STATUS_SUCCESS);
    assert_int_equal(v, 16);
    assert_int_equal(RtlCharToInteger("777", 8, &v), STATUS_SUCCESS);
    assert_int_equal(v, 511);
    assert_int_equal(RtlCharToInteger("1", 5, &v), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlIntegerToChar(255, 16, sizeof(cbuf), cbuf), STATUS_SUCCESS);
    assert_string_equal(cbuf, "FF");
    assert_int_equal(RtlIntegerToChar(12345, 10, 3, cbuf), STATUS_BUFFER_OVERFLOW);
}

static void test_guid(void **state)
{
    static const GUID g = { 0x12345678, 0x9abc, 0xdef0, { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef } };
    UNICODE_STRING s;
    GUID back;

    (void)state;
    assert_int_equal(RtlStringFromGUID(&g, &s), STATUS_SUCCESS);
    US_EQ(&s, L"{12345678-9ABC-DEF0-0123-456789ABCDEF}");
    assert_int_equal(s.MaximumLength, 78);
    assert_int_equal(RtlGUIDFromString(&s, &back), STATUS_SUCCESS);
    assert_true(IsEqualGUID(&g, &back));
    assert_true(RtlIsEqualGUID(&g, &back));
    RtlFreeUnicodeString(&s);
    assert_int_equal(RtlGUIDFromString(&(UNICODE_STRING)RTL_CONSTANT_STRING(
                         L"{12345678-9abc-def0-0123-456789abcdef}"), &back), STATUS_SUCCESS);
    assert_true(IsEqualGUID(&g, &back));
    assert_int_equal(RtlGUIDFromString(&(UNICODE_STRING)RTL_CONSTANT_STRING(
                         L"12345678-9abc-def0-0123-456789abcdef"), &back), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlGUIDFromString(&(UNICODE_STRING)RTL_CONSTANT_STRING(
                         L"{12345678-9abc-def0-0123-456789abcdeg}"), &back), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlGUIDFromString(&(UNICODE_STRING)RTL_CONSTANT_STRING(
                         L"{12345678-9abc-def0+0123-456789abcdef}"), &back), STATUS_INVALID_PARAMETER);
}

static void test_utf8_ddis(void **state)
{
    WCHAR w[8];
    char c[8];
    ULONG n;

    (void)state;
    assert_int_equal(RtlUTF8ToUnicodeN(NULL, 0, &n, "a\xe2\x82\xac", 4), STATUS_SUCCESS);
    assert_int_equal(n, 4);
    assert_int_equal(RtlUTF8ToUnicodeN(w, sizeof(w), &n, "a\xe2\x82\xac", 4), STATUS_SUCCESS);
    assert_int_equal(n, 4);
    assert_int_equal(w[1], 0x20AC);
    assert_int_equal(RtlUTF8ToUnicodeN(w, 3, &n, "abc", 3), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(n, 2);
    assert_int_equal(RtlUTF8ToUnicodeN(w, sizeof(w), &n, "a\xff", 2), STATUS_SOME_NOT_MAPPED);
    assert_int_equal(w[1], 0xFFFD);
    assert_int_equal(RtlUTF8ToUnicodeN(w, sizeof(w), &n, NULL, 2), STATUS_INVALID_PARAMETER_4);
    assert_int_equal(RtlUTF8ToUnicodeN(NULL, 0, NULL, "a", 1), STATUS_INVALID_PARAMETER);

    assert_int_equal(RtlUnicodeToUTF8N(c, sizeof(c), &n, L"a\x20ac", 4), STATUS_SUCCESS);
    assert_int_equal(n, 4);
    assert_memory_equal(c, "a\xe2\x82\xac", 4);
    assert_int_equal(RtlUnicodeToUTF8N(c, 2, &n, L"a\x20ac", 4), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(n, 1);
    assert_int_equal(RtlUnicodeToUTF8N(c, sizeof(c), &n, L"ab", 3), STATUS_INVALID_PARAMETER_5);
    assert_int_equal(RtlUnicodeToUTF8N(c, sizeof(c), &n, NULL, 2), STATUS_INVALID_PARAMETER_4);
    assert_int_equal(RtlUnicodeToUTF8N(NULL, 0, &n, L"\xd800", 2), STATUS_SOME_NOT_MAPPED);
    assert_int_equal(n, 3);
}

static void test_memory(void **state)
{
    char a[16], b[16];
    ULONG64 secret = 0x1122334455667788ULL;

    (void)state;
    RtlFillMemory(a, sizeof(a), 0x5A);
    RtlCopyMemory(b, a, sizeof(a));
    assert_true(RtlEqualMemory(a, b, sizeof(a)));
    b[9] = 0;
    assert_int_equal(RtlCompareMemory(a, b, sizeof(a)), 9);
    assert_int_equal(RtlCompareMemory(a, b, 0), 0);
    assert_int_equal(RtlCompareMemory(a, a, sizeof(a)), sizeof(a));
    RtlZeroMemory(a, 4);
    assert_int_equal(a[3], 0);
    assert_int_equal(a[4], 0x5A);
    memcpy(b, "0123456789", 10);
    RtlMoveMemory(b + 2, b, 8);
    assert_memory_equal(b, "0101234567", 10);
    assert_ptr_equal(RtlSecureZeroMemory(&secret, sizeof(secret)), &secret);
    assert_int_equal(secret, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_copy_append),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_case),
        cmocka_unit_test(test_ansi_conv),
        cmocka_unit_test(test_create_dup),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_guid),
        cmocka_unit_test(test_utf8_ddis),
        cmocka_unit_test(test_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
