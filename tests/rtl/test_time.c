/*
 * test_time.c - RtlTimeToTimeFields / RtlTimeFieldsToTime against known
 * dates and a round trip over many days.
 */
#include <wdm.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#define EPOCH_1970 116444736000000000LL   /* 1970-01-01 in 100 ns since 1601 */

static void test_known(void **state)
{
    LARGE_INTEGER t;
    TIME_FIELDS f;

    (void)state;
    t.QuadPart = 0;
    RtlTimeToTimeFields(&t, &f);
    assert_int_equal(f.Year, 1601);
    assert_int_equal(f.Month, 1);
    assert_int_equal(f.Day, 1);
    assert_int_equal(f.Weekday, 1);              /* Monday */
    t.QuadPart = EPOCH_1970;
    RtlTimeToTimeFields(&t, &f);
    assert_int_equal(f.Year, 1970);
    assert_int_equal(f.Month, 1);
    assert_int_equal(f.Day, 1);
    assert_int_equal(f.Hour, 0);
    assert_int_equal(f.Weekday, 4);              /* Thursday */
    /* 2000-02-29 13:45:30.250, a Tuesday: 951831930 s after 1970. */
    t.QuadPart = EPOCH_1970 + 951831930LL * 10000000 + 2500000;
    RtlTimeToTimeFields(&t, &f);
    assert_int_equal(f.Year, 2000);
    assert_int_equal(f.Month, 2);
    assert_int_equal(f.Day, 29);
    assert_int_equal(f.Hour, 13);
    assert_int_equal(f.Minute, 45);
    assert_int_equal(f.Second, 30);
    assert_int_equal(f.Milliseconds, 250);
    assert_int_equal(f.Weekday, 2);

    f = (TIME_FIELDS){ 1970, 1, 1, 0, 0, 0, 0, 0 };
    assert_true(RtlTimeFieldsToTime(&f, &t));
    assert_true(t.QuadPart == EPOCH_1970);
    f = (TIME_FIELDS){ 2000, 2, 29, 13, 45, 30, 250, 0 };
    assert_true(RtlTimeFieldsToTime(&f, &t));
    assert_true(t.QuadPart == EPOCH_1970 + 951831930LL * 10000000 + 2500000);
}

static void test_invalid(void **state)
{
    LARGE_INTEGER t = { .QuadPart = 42 };
    TIME_FIELDS bad[] = {
        { 1900, 2, 29, 0, 0, 0, 0, 0 },     /* not a leap year */
        { 2001, 13, 1, 0, 0, 0, 0, 0 },
        { 2001, 0, 1, 0, 0, 0, 0, 0 },
        { 2001, 4, 31, 0, 0, 0, 0, 0 },
        { 2001, 1, 0, 0, 0, 0, 0, 0 },
        { 2001, 1, 1, 24, 0, 0, 0, 0 },
        { 2001, 1, 1, 0, 60, 0, 0, 0 },
        { 2001, 1, 1, 0, 0, 60, 0, 0 },
        { 2001, 1, 1, 0, 0, 0, 1000, 0 },
        { 1600, 12, 31, 0, 0, 0, 0, 0 },
    };

    (void)state;
    for (size_t i = 0; i < RTL_NUMBER_OF(bad); i++) {
        assert_false(RtlTimeFieldsToTime(&bad[i], &t));
        assert_true(t.QuadPart == 42);
    }
}

static void test_round_trip(void **state)
{
    (void)state;
    for (LONGLONG d = 0; d < 200000; d += 7) {
        LARGE_INTEGER t, back;
        TIME_FIELDS f;

        t.QuadPart = d * 864000000000LL + (d % 86400) * 10000000LL + (d % 1000) * 10000;
        RtlTimeToTimeFields(&t, &f);
        assert_true(RtlTimeFieldsToTime(&f, &back));
        assert_true(back.QuadPart == t.QuadPart);
        assert_int_equal(f.Weekday, (d + 1) % 7);
    }
}

static void test_seconds(void **state)
{
    LARGE_INTEGER t;
    ULONG s;
    TIME_FIELDS f;

    (void)state;
    RtlSecondsSince1970ToTime(0, &t);
    assert_true(t.QuadPart == EPOCH_1970);
    assert_true(RtlTimeToSecondsSince1970(&t, &s));
    assert_int_equal(s, 0);
    RtlSecondsSince1980ToTime(0, &t);
    RtlTimeToTimeFields(&t, &f);
    assert_int_equal(f.Year, 1980);
    assert_int_equal(f.Month, 1);
    assert_int_equal(f.Day, 1);
    assert_true(RtlTimeToSecondsSince1970(&t, &s));
    assert_int_equal(s, 315532800);               /* 1980-01-01 in Unix time */
    t.QuadPart = EPOCH_1970 - 1;
    assert_false(RtlTimeToSecondsSince1970(&t, &s));
    t.QuadPart = EPOCH_1970 + 0x100000000LL * 10000000;
    assert_false(RtlTimeToSecondsSince1970(&t, &s));
    RtlSecondsSince1970ToTime(0xFFFFFFFF, &t);
    assert_true(RtlTimeToSecondsSince1970(&t, &s));
    assert_int_equal(s, 0xFFFFFFFF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_seconds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
