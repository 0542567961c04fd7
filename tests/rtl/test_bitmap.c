/*
 * test_bitmap.c - RTL_BITMAP routines, checked against a plain bool array
 * model on random operations, plus the documented edge cases.
 */
#include <wdm.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_basics(void **state)
{
    ULONG buf[3] = { 0, 0, 0xDEADBEEF };   /* 70 bits: padding bits of buf[2] are not ours */
    RTL_BITMAP bm;
    ULONG start;

    (void)state;
    RtlInitializeBitMap(&bm, buf, 70);
    assert_int_equal(bm.SizeOfBitMap, 70);
    assert_ptr_equal(bm.Buffer, buf);
    RtlClearAllBits(&bm);
    assert_int_equal(buf[2] & 0x3F, 0);
    assert_int_equal(buf[2] >> 6, 0xDEADBEEF >> 6);   /* padding untouched */
    assert_int_equal(RtlNumberOfSetBits(&bm), 0);
    assert_int_equal(RtlNumberOfClearBits(&bm), 70);
    RtlSetAllBits(&bm);
    assert_int_equal(RtlNumberOfSetBits(&bm), 70);
    assert_int_equal(buf[2] >> 6, 0xDEADBEEF >> 6);
    RtlClearAllBits(&bm);

    RtlSetBit(&bm, 5);
    assert_true(RtlTestBit(&bm, 5));
    assert_true(RtlCheckBit(&bm, 5));
    assert_false(RtlTestBit(&bm, 4));
    assert_false(RtlTestBit(&bm, 70));                /* out of range */
    RtlSetBit(&bm, 70);                               /* ignored */
    assert_int_equal(RtlNumberOfSetBits(&bm), 1);
    RtlClearBit(&bm, 5);
    assert_int_equal(RtlNumberOfSetBits(&bm), 0);

    RtlSetBits(&bm, 30, 10);
    assert_int_equal(buf[0], 0xC0000000);
    assert_int_equal(buf[1], 0xFF);
    assert_true(RtlAreBitsSet(&bm, 30, 10));
    assert_false(RtlAreBitsSet(&bm, 29, 10));
    assert_false(RtlAreBitsSet(&bm, 30, 11));
    assert_false(RtlAreBitsSet(&bm, 30, 0));          /* empty range: FALSE */
    assert_true(RtlAreBitsClear(&bm, 0, 30));
    assert_true(RtlAreBitsClear(&bm, 40, 30));
    assert_false(RtlAreBitsClear(&bm, 40, 31));       /* past the end */
    RtlClearBits(&bm, 32, 4);
    assert_int_equal(buf[1], 0xF0);
    RtlSetBits(&bm, 65, 100);                         /* clipped */
    assert_int_equal(RtlNumberOfSetBits(&bm), 2 + 4 + 5);

    RtlClearAllBits(&bm);
    RtlSetBits(&bm, 0, 10);
    RtlSetBits(&bm, 20, 30);
    /* runs: clear [10,20) len 10, [50,70) len 20 */
    assert_int_equal(RtlFindFirstRunClear(&bm, &start), 10);
    assert_int_equal(start, 10);
    assert_int_equal(RtlFindNextForwardRunClear(&bm, 15, &start), 5);
    assert_int_equal(start, 15);
    assert_int_equal(RtlFindNextForwardRunClear(&bm, 20, &start), 20);
    assert_int_equal(start, 50);
    assert_int_equal(RtlFindLongestRunClear(&bm, &start), 20);
    assert_int_equal(start, 50);
    RtlSetAllBits(&bm);
    assert_int_equal(RtlFindFirstRunClear(&bm, &start), 0);
    assert_int_equal(RtlFindLongestRunClear(&bm, &start), 0);
}

static void test_find_hint_and_wrap(void **state)
{
    ULONG buf[4];
    RTL_BITMAP bm;

    (void)state;
    RtlInitializeBitMap(&bm, buf, 128);
    RtlSetAllBits(&bm);
    RtlClearBits(&bm, 10, 8);     /* clear run A: [10,18) */
    RtlClearBits(&bm, 100, 8);    /* clear run B: [100,108) */
    assert_int_equal(RtlFindClearBits(&bm, 8, 0), 10);
    assert_int_equal(RtlFindClearBits(&bm, 8, 50), 100);   /* from the hint */
    assert_int_equal(RtlFindClearBits(&bm, 8, 101), 10);   /* wraps to the start */
    assert_int_equal(RtlFindClearBits(&bm, 4, 12), 12);    /* inside a run */
    assert_int_equal(RtlFindClearBits(&bm, 9, 0), 0xFFFFFFFF);
    assert_int_equal(RtlFindClearBits(&bm, 8, 1000), 10);  /* hint past the end: 0 */
    assert_int_equal(RtlFindClearBits(&bm, 200, 0), 0xFFFFFFFF);
    assert_int_equal(RtlFindClearBits(&bm, 0, 7), 7);
    assert_int_equal(RtlFindSetBits(&bm, 82, 20), 18);
    assert_int_equal(RtlFindSetBits(&bm, 83, 20), 0xFFFFFFFF);

    assert_int_equal(RtlFindClearBitsAndSet(&bm, 8, 50), 100);
    assert_true(RtlAreBitsSet(&bm, 100, 8));
    assert_int_equal(RtlFindClearBitsAndSet(&bm, 8, 50), 10);
    assert_int_equal(RtlFindClearBitsAndSet(&bm, 1, 0), 0xFFFFFFFF);
    assert_int_equal(RtlNumberOfClearBits(&bm), 0);
    assert_int_equal(RtlFindSetBitsAndClear(&bm, 128, 5), 0);
    assert_int_equal(RtlNumberOfSetBits(&bm), 0);
    assert_int_equal(RtlFindSetBitsAndClear(&bm, 1, 0), 0xFFFFFFFF);

    /* A run that ends exactly at the last bit. */
    RtlSetAllBits(&bm);
    RtlClearBits(&bm, 120, 8);
    assert_int_equal(RtlFindClearBits(&bm, 8, 0), 120);
    assert_int_equal(RtlFindClearBits(&bm, 9, 0), 0xFFFFFFFF);
}

static void test_clear_runs_and_scans(void **state)
{
    ULONG buf[2];
    RTL_BITMAP bm;
    RTL_BITMAP_RUN runs[2];

    (void)state;
    RtlInitializeBitMap(&bm, buf, 64);
    RtlSetAllBits(&bm);
    RtlClearBits(&bm, 0, 2);
    RtlClearBits(&bm, 10, 5);
    RtlClearBits(&bm, 20, 3);
    assert_int_equal(RtlFindClearRuns(&bm, runs, 2, FALSE), 2);
    assert_int_equal(runs[0].StartingIndex, 0);
    assert_int_equal(runs[1].StartingIndex, 10);
    assert_int_equal(RtlFindClearRuns(&bm, runs, 2, TRUE), 2);
    assert_int_equal(runs[0].StartingIndex, 10);
    assert_int_equal(runs[0].NumberOfBits, 5);
    assert_int_equal(runs[1].StartingIndex, 20);
    assert_int_equal(runs[1].NumberOfBits, 3);
    assert_int_equal(RtlFindMostSignificantBit(0x8000000000000001ULL), 63);
    assert_int_equal(RtlFindLeastSignificantBit(0x8000000000000001ULL), 0);
    assert_int_equal(RtlFindMostSignificantBit(0), -1);
    assert_int_equal(RtlNumberOfSetBitsUlongPtr(0xF0F0), 8);
}

/* Random operations against a bool-array model. */
static void test_model(void **state)
{
    enum { N = 301 };
    ULONG buf[(N + 31) / 32];
    bool model[N];
    RTL_BITMAP bm;

    (void)state;
    srand(1234);
    RtlInitializeBitMap(&bm, buf, N);
    RtlClearAllBits(&bm);
    memset(model, 0, sizeof(model));
    for (int it = 0; it < 3000; it++) {
        ULONG a = (ULONG)rand() % N, n = (ULONG)rand() % 40 + 1, hint = (ULONG)rand() % N;
        ULONG r, cnt = 0;

        switch (rand() % 4) {
        case 0:
            RtlSetBits(&bm, a, n);
            for (ULONG i = a; i < a + n && i < N; i++)
                model[i] = true;
            break;
        case 1:
            RtlClearBits(&bm, a, n);
            for (ULONG i = a; i < a + n && i < N; i++)
                model[i] = false;
            break;
        case 2:
            r = RtlFindClearBits(&bm, n, hint);
            if (r == 0xFFFFFFFF) {
                /* then no run of n clear bits exists anywhere */
                for (ULONG s = 0; s + n <= N; s++) {
                    ULONG k = 0;
                    while (k < n && !model[s + k])
                        k++;
                    assert_true(k < n);
                }
            } else {
                assert_true(r + n <= N);
                for (ULONG i = r; i < r + n; i++)
                    assert_false(model[i]);
            }
            break;
        default:
            r = RtlFindSetBits(&bm, n, hint);
            if (r != 0xFFFFFFFF)
                for (ULONG i = r; i < r + n; i++)
                    assert_true(model[i]);
            break;
        }
        for (ULONG i = 0; i < N; i++)
            cnt += model[i];
        assert_int_equal(RtlNumberOfSetBits(&bm), cnt);
        assert_int_equal(RtlTestBit(&bm, a), model[a]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basics),
        cmocka_unit_test(test_find_hint_and_wrap),
        cmocka_unit_test(test_clear_runs_and_scans),
        cmocka_unit_test(test_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
