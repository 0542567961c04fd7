/*
 * test_interlocked.c - Interlocked* return values, bit helpers, byte swaps,
 * and the lock-free SLIST under contention.
 */
#include <wdm.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

static void test_values(void **state)
{
    LONG volatile v = 5;
    LONG64 volatile v64 = 1;
    PVOID volatile p = NULL;
    int dummy;
    LONG bits[2] = { 0, 0 };
    LONG64 cmp[2] __attribute__((aligned(16)));
    LONG64 volatile dst[2] __attribute__((aligned(16))) = { 1, 2 };
    ULONG idx;

    (void)state;
    assert_int_equal(InterlockedIncrement(&v), 6);
    assert_int_equal(InterlockedDecrement(&v), 5);
    assert_int_equal(InterlockedExchange(&v, 9), 5);
    assert_int_equal(InterlockedExchangeAdd(&v, 3), 9);
    assert_int_equal(InterlockedAdd(&v, 3), 15);
    assert_int_equal(InterlockedCompareExchange(&v, 1, 0), 15);   /* no swap */
    assert_int_equal(v, 15);
    assert_int_equal(InterlockedCompareExchange(&v, 1, 15), 15);
    assert_int_equal(v, 1);
    assert_int_equal(InterlockedOr(&v, 6), 1);
    assert_int_equal(InterlockedAnd(&v, 3), 7);
    assert_int_equal(InterlockedXor(&v, 1), 3);
    assert_int_equal(v, 2);
    assert_int_equal(InterlockedIncrementAcquire(&v), 3);
    assert_int_equal(InterlockedDecrementRelease(&v), 2);
    assert_int_equal(InterlockedExchangeNoFence(&v, 4), 2);
    assert_int_equal(InterlockedCompareExchangeAcquire(&v, 5, 4), 4);
    assert_int_equal(InterlockedCompareExchangeRelease(&v, 6, 5), 5);
    assert_int_equal(ReadNoFence(&v), 6);
    WriteRelease(&v, 8);
    assert_int_equal(ReadAcquire(&v), 8);

    assert_true(InterlockedIncrement64(&v64) == 2);
    assert_true(InterlockedExchangeAdd64(&v64, 1LL << 40) == 2);
    assert_true(InterlockedCompareExchange64(&v64, 0, 2 + (1LL << 40)) == 2 + (1LL << 40));
    assert_true(v64 == 0);
    assert_ptr_equal(InterlockedExchangePointer(&p, &dummy), NULL);
    assert_ptr_equal(InterlockedCompareExchangePointer(&p, NULL, &dummy), &dummy);
    assert_null(p);

    assert_false(InterlockedBitTestAndSet(bits, 33));
    assert_true(InterlockedBitTestAndSet(bits, 33));
    assert_int_equal(bits[1], 2);
    assert_true(InterlockedBitTestAndReset(bits, 33));
    assert_int_equal(bits[1], 0);
    assert_false(_bittest(bits, 0));

    cmp[0] = 1;
    cmp[1] = 2;
    assert_true(InterlockedCompareExchange128(dst, 20, 10, cmp));
    assert_true(dst[0] == 10 && dst[1] == 20);
    assert_false(InterlockedCompareExchange128(dst, 0, 0, cmp));
    assert_true(cmp[0] == 10 && cmp[1] == 20);    /* current value returned */

    assert_false(BitScanForward(&idx, 0));
    assert_true(BitScanForward(&idx, 0x80));
    assert_int_equal(idx, 7);
    assert_true(BitScanReverse(&idx, 0x80000001));
    assert_int_equal(idx, 31);
    assert_true(BitScanForward64(&idx, 1ULL << 40));
    assert_int_equal(idx, 40);
    assert_true(BitScanReverse64(&idx, 3));
    assert_int_equal(idx, 1);
    assert_int_equal(RtlUlongByteSwap(0x11223344), 0x44332211);
    assert_int_equal(RtlUshortByteSwap(0x1122), 0x2211);
    assert_true(RtlUlonglongByteSwap(0x0102030405060708ULL) == 0x0807060504030201ULL);
    MemoryBarrier();
    KeMemoryBarrier();
    YieldProcessor();
}

struct node {
    SLIST_ENTRY entry;
    int owner, seq;
};

static SLIST_HEADER g_head;
enum { THREADS = 4, PER_THREAD = 20000, POOL = 64 };

/* Each thread owns POOL nodes and cycles them through the shared list:
 * push, then pop something (maybe another thread's node) and push it back
 * later. At the end every node is on the list exactly once. */
static void *slist_worker(void *arg)
{
    struct node *mine = arg;
    PSLIST_ENTRY held[POOL];
    int nheld = 0;

    for (int i = 0; i < POOL; i++)
        InterlockedPushEntrySList(&g_head, &mine[i].entry);
    for (int i = 0; i < PER_THREAD; i++) {
        PSLIST_ENTRY e = InterlockedPopEntrySList(&g_head);

        if (e)
            held[nheld++] = e;
        if (nheld && (!e || nheld == POOL || (i & 1)))
            InterlockedPushEntrySList(&g_head, held[--nheld]);
    }
    while (nheld)
        InterlockedPushEntrySList(&g_head, held[--nheld]);
    return NULL;
}

static void test_slist(void **state)
{
    static struct node nodes[THREADS][POOL] __attribute__((aligned(16)));
    pthread_t t[THREADS];
    struct node a, b;
    PSLIST_ENTRY e;
    int count = 0;
    static char seen[THREADS][POOL];

    (void)state;
    InitializeSListHead(&g_head);
    assert_int_equal(QueryDepthSList(&g_head), 0);
    assert_null(InterlockedPopEntrySList(&g_head));
    assert_null(InterlockedFlushSList(&g_head));
    assert_null(InterlockedPushEntrySList(&g_head, &a.entry));
    assert_ptr_equal(InterlockedPushEntrySList(&g_head, &b.entry), &a.entry);
    assert_int_equal(QueryDepthSList(&g_head), 2);
    assert_ptr_equal(RtlFirstEntrySList(&g_head), &b.entry);
    assert_ptr_equal(InterlockedPopEntrySList(&g_head), &b.entry);   /* LIFO */
    assert_int_equal(QueryDepthSList(&g_head), 1);
    assert_ptr_equal(InterlockedFlushSList(&g_head), &a.entry);
    assert_int_equal(QueryDepthSList(&g_head), 0);
    assert_null(InterlockedPopEntrySList(&g_head));

    /* A pre-linked chain pushed at once, then the Ex* forms. */
    {
        struct node c[3] __attribute__((aligned(16)));
        KSPIN_LOCK lock = 0;

        c[0].entry.Next = &c[1].entry;
        c[1].entry.Next = &c[2].entry;
        assert_null(InterlockedPushListSListEx(&g_head, &c[0].entry, &c[2].entry, 3));
        assert_int_equal(QueryDepthSList(&g_head), 3);
        assert_ptr_equal(ExInterlockedPushEntrySList(&g_head, &a.entry, &lock), &c[0].entry);
        assert_ptr_equal(ExInterlockedPopEntrySList(&g_head, &lock), &a.entry);
        assert_ptr_equal(InterlockedPopEntrySList(&g_head), &c[0].entry);
        assert_ptr_equal(InterlockedPopEntrySList(&g_head), &c[1].entry);
        assert_int_equal(ExQueryDepthSList(&g_head), 1);
        assert_ptr_equal(ExInterlockedFlushSList(&g_head), &c[2].entry);
        assert_null(c[2].entry.Next);
    }

    for (int i = 0; i < THREADS; i++)
        for (int j = 0; j < POOL; j++) {
            nodes[i][j].owner = i;
            nodes[i][j].seq = j;
        }
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, slist_worker, nodes[i]);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(QueryDepthSList(&g_head), THREADS * POOL);
    for (e = InterlockedFlushSList(&g_head); e; e = e->Next) {
        struct node *n = CONTAINING_RECORD(e, struct node, entry);

        assert_int_equal(seen[n->owner][n->seq], 0);
        seen[n->owner][n->seq] = 1;
        count++;
    }
    assert_int_equal(count, THREADS * POOL);
}

static LONG volatile g_counter;

static void *counter_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100000; i++)
        InterlockedIncrement(&g_counter);
    return NULL;
}

static void test_counter_contention(void **state)
{
    pthread_t t[4];

    (void)state;
    g_counter = 0;
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, counter_worker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(g_counter, 400000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_slist),
        cmocka_unit_test(test_counter_contention),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
