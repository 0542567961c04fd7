/*
 * test_intsafe.c - ntintsafe.h: results, overflow detection and the
 * documented error values left in *pResult.
 */
#include <wdm.h>
#include <ntintsafe.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

static void test_arith(void **state)
{
    ULONG ul;
    USHORT us;
    UINT ui;
    LONG l;
    LONGLONG ll;
    ULONGLONG ull;
    SIZE_T sz;

    (void)state;
    assert_int_equal(RtlULongAdd(1, 2, &ul), STATUS_SUCCESS);
    assert_int_equal(ul, 3);
    assert_int_equal(RtlULongAdd(0xFFFFFFFF, 1, &ul), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(ul, ULONG_ERROR);
    assert_int_equal(RtlULongSub(1, 2, &ul), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlULongSub(5, 2, &ul), STATUS_SUCCESS);
    assert_int_equal(ul, 3);
    assert_int_equal(RtlULongMult(0x10000, 0x10000, &ul), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlULongMult(0x10000, 0xFFFF, &ul), STATUS_SUCCESS);
    assert_int_equal(ul, 0xFFFF0000);
    assert_int_equal(RtlUShortAdd(0xFFFF, 1, &us), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(us, USHORT_ERROR);
    assert_int_equal(RtlUShortAdd(0xFFFE, 1, &us), STATUS_SUCCESS);
    assert_int_equal(RtlUIntAdd(0x80000000u, 0x80000000u, &ui), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlLongAdd(0x7FFFFFFF, 1, &l), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(l, LONG_ERROR);
    assert_int_equal(RtlLongAdd(-5, 3, &l), STATUS_SUCCESS);
    assert_int_equal(l, -2);
    assert_int_equal(RtlLongSub((LONG)0x80000000, 1, &l), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlLongLongAdd(0x7FFFFFFFFFFFFFFFLL, 1, &ll), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlLongLongAdd(-1, -1, &ll), STATUS_SUCCESS);
    assert_int_equal(ll, -2);
    assert_int_equal(RtlULongLongAdd(~0ULL, 1, &ull), STATUS_INTEGER_OVERFLOW);
    assert_true(ull == ULONGLONG_ERROR);
    assert_int_equal(RtlULongLongMult(1ULL << 32, 1ULL << 32, &ull), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlULongLongMult(1ULL << 31, 1ULL << 32, &ull), STATUS_SUCCESS);
    assert_true(ull == 1ULL << 63);
    assert_int_equal(RtlSizeTAdd(MAXSIZE_T, 1, &sz), STATUS_INTEGER_OVERFLOW);
    assert_true(sz == SIZET_ERROR);
    assert_int_equal(RtlSizeTSub(0, 1, &sz), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlSizeTMult((SIZE_T)1 << 40, 1 << 24, &sz), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlSizeTMult(1000, 1000, &sz), STATUS_SUCCESS);
    assert_int_equal(sz, 1000000);
}

static void test_conversions(void **state)
{
    USHORT us;
    ULONG ul;
    UCHAR uc;
    LONG l;
    INT i;
    SIZE_T sz;

    (void)state;
    assert_int_equal(RtlULongToUShort(0xFFFF, &us), STATUS_SUCCESS);
    assert_int_equal(us, 0xFFFF);
    assert_int_equal(RtlULongToUShort(0x10000, &us), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(us, USHORT_ERROR);
    assert_int_equal(RtlULongLongToULong(0xFFFFFFFFULL, &ul), STATUS_SUCCESS);
    assert_int_equal(RtlULongLongToULong(0x100000000ULL, &ul), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(ul, ULONG_ERROR);
    assert_int_equal(RtlSizeTToULong((SIZE_T)1 << 32, &ul), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlSizeTToULong(123, &ul), STATUS_SUCCESS);
    assert_int_equal(ul, 123);
    assert_int_equal(RtlULongPtrToULong((ULONG_PTR)1 << 33, &ul), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlULongPtrToULong(7, &ul), STATUS_SUCCESS);
    assert_int_equal(RtlLongToULong(-1, &ul), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlLongToULong(0x7FFFFFFF, &ul), STATUS_SUCCESS);
    assert_int_equal(RtlULongToLong(0x80000000u, &l), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(l, LONG_ERROR);
    assert_int_equal(RtlULongToLong(0x7FFFFFFF, &l), STATUS_SUCCESS);
    assert_int_equal(RtlIntToUChar(256, &uc), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlIntToUChar(-1, &uc), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlIntToUChar(255, &uc), STATUS_SUCCESS);
    assert_int_equal(RtlLongLongToInt(-0x80000001LL, &i), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlLongLongToInt(-0x80000000LL, &i), STATUS_SUCCESS);
    assert_int_equal(RtlLongToSizeT(-1, &sz), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlULongToUShort(0, &us), STATUS_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arith),
        cmocka_unit_test(test_conversions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
