/*
 * test_ke_resource.c - ERESOURCE reader/writer semantics.
 */
#include "ke_test.h"

static ERESOURCE res;

static void test_resource_layout_and_recursion(void **state)
{
    (void)state;
    assert_int_equal(sizeof(ERESOURCE), 0x68);
    assert_int_equal(ExInitializeResourceLite(&res), STATUS_SUCCESS);
    KeEnterCriticalRegion();
    assert_true(ExAcquireResourceExclusiveLite(&res, TRUE));
    assert_true(ExAcquireResourceExclusiveLite(&res, TRUE));
    /* an exclusive owner may also acquire shared; it counts */
    assert_true(ExAcquireResourceSharedLite(&res, TRUE));
    assert_true(ExIsResourceAcquiredExclusiveLite(&res));
    assert_int_equal(ExIsResourceAcquiredSharedLite(&res), 3);
    ExReleaseResourceLite(&res);
    ExReleaseResourceLite(&res);
    assert_true(ExIsResourceAcquiredExclusiveLite(&res));
    ExReleaseResourceLite(&res);
    assert_false(ExIsResourceAcquiredExclusiveLite(&res));
    assert_int_equal(ExIsResourceAcquiredSharedLite(&res), 0);

    assert_true(ExAcquireResourceSharedLite(&res, TRUE));
    assert_true(ExAcquireResourceSharedLite(&res, FALSE));
    assert_false(ExIsResourceAcquiredExclusiveLite(&res));
    assert_int_equal(ExIsResourceAcquiredSharedLite(&res), 2);
    ExReleaseResourceForThreadLite(&res, ExGetCurrentResourceThread());
    ExReleaseResourceLite(&res);
    assert_int_equal(ExIsResourceAcquiredSharedLite(&res), 0);
    KeLeaveCriticalRegion();
    assert_int_equal(ExDeleteResourceLite(&res), STATUS_SUCCESS);
}

struct rw_ctx {
    KEVENT holding;
    KEVENT release;
    BOOLEAN exclusive;
    BOOLEAN got;
    BOOLEAN wait;
    int mode; /* 0 shared, 1 starve exclusive */
};

static void holder(PVOID p)
{
    struct rw_ctx *c = p;
    KeEnterCriticalRegion();
    if (c->exclusive)
        c->got = ExAcquireResourceExclusiveLite(&res, c->wait);
    else if (c->mode == 1)
        c->got = ExAcquireSharedStarveExclusive(&res, c->wait);
    else
        c->got = ExAcquireResourceSharedLite(&res, c->wait);
    KeSetEvent(&c->holding, 0, FALSE);
    if (c->got) {
        KeWaitForSingleObject(&c->release, Executive, KernelMode, FALSE, NULL);
        ExReleaseResourceLite(&res);
    }
    KeLeaveCriticalRegion();
}

static PKTHREAD start_holder(struct rw_ctx *c, BOOLEAN exclusive, BOOLEAN wait, int mode)
{
    memset(c, 0, sizeof(*c));
    KeInitializeEvent(&c->holding, NotificationEvent, FALSE);
    KeInitializeEvent(&c->release, NotificationEvent, FALSE);
    c->exclusive = exclusive;
    c->wait = wait;
    c->mode = mode;
    return start_thread(holder, c);
}

static BOOLEAN holding(struct rw_ctx *c, LONGLONG ms)
{
    LARGE_INTEGER to = ms_rel(ms);
    return KeWaitForSingleObject(&c->holding, Executive, KernelMode, FALSE, &to) == 0 && c->got;
}

static void wait_counts(ULONG excl, ULONG shared)
{
    ULONGLONG t0 = now_ms();
    while ((ExGetExclusiveWaiterCount(&res) != excl || ExGetSharedWaiterCount(&res) != shared) &&
           now_ms() - t0 < 10000) {
        LARGE_INTEGER d = ms_rel(1);
        KeDelayExecutionThread(KernelMode, FALSE, &d);
    }
    assert_int_equal(ExGetExclusiveWaiterCount(&res), excl);
    assert_int_equal(ExGetSharedWaiterCount(&res), shared);
}

static void test_readers_share_writers_exclude(void **state)
{
    struct rw_ctx r1, r2, w, r3, r4;
    PKTHREAD t1, t2, tw, t3, t4;
    (void)state;

    ExInitializeResourceLite(&res);
    t1 = start_holder(&r1, FALSE, TRUE, 0);
    t2 = start_holder(&r2, FALSE, TRUE, 0);
    assert_true(holding(&r1, 10000));
    assert_true(holding(&r2, 10000));            /* two readers at once */

    tw = start_holder(&w, TRUE, TRUE, 0);
    wait_counts(1, 0);                           /* the writer waits */
    assert_false(KeReadStateEvent(&w.holding));

    t3 = start_holder(&r3, FALSE, TRUE, 0);      /* a new reader queues behind it */
    wait_counts(1, 1);
    t4 = start_holder(&r4, FALSE, TRUE, 1);      /* ...unless it starves writers */
    assert_true(holding(&r4, 10000));

    /* no-wait attempts fail while the writer waits */
    KeEnterCriticalRegion();
    assert_false(ExAcquireResourceExclusiveLite(&res, FALSE));
    assert_false(ExAcquireResourceSharedLite(&res, FALSE));
    KeLeaveCriticalRegion();

    KeSetEvent(&r1.release, 0, FALSE);
    KeSetEvent(&r2.release, 0, FALSE);
    KeSetEvent(&r4.release, 0, FALSE);
    assert_true(holding(&w, 10000));             /* the writer got it first */
    assert_false(KeReadStateEvent(&r3.holding));
    KeSetEvent(&w.release, 0, FALSE);
    assert_true(holding(&r3, 10000));            /* then the queued reader */
    KeSetEvent(&r3.release, 0, FALSE);
    join_thread(t1);
    join_thread(t2);
    join_thread(tw);
    join_thread(t3);
    join_thread(t4);
    wait_counts(0, 0);
    ExDeleteResourceLite(&res);
}

static void test_convert_exclusive_to_shared(void **state)
{
    struct rw_ctx r;
    PKTHREAD t;
    (void)state;

    ExInitializeResourceLite(&res);
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&res, TRUE);
    t = start_holder(&r, FALSE, TRUE, 0);
    wait_counts(0, 1);
    ExConvertExclusiveToSharedLite(&res);
    assert_true(holding(&r, 10000));             /* the reader joins */
    assert_int_equal(ExIsResourceAcquiredSharedLite(&res), 1);
    assert_false(ExIsResourceAcquiredExclusiveLite(&res));
    ExReleaseResourceLite(&res);
    KeLeaveCriticalRegion();
    KeSetEvent(&r.release, 0, FALSE);
    join_thread(t);
    ExReinitializeResourceLite(&res);
    ExDeleteResourceLite(&res);
}

struct stress {
    LONG readers, writers, errors;
};

static void stress_thread(PVOID p)
{
    struct stress *s = p;
    for (int i = 0; i < 3000; i++) {
        KeEnterCriticalRegion();
        if (i % 4 == 0) {
            ExAcquireResourceExclusiveLite(&res, TRUE);
            if (__atomic_add_fetch(&s->writers, 1, __ATOMIC_SEQ_CST) != 1 ||
                __atomic_load_n(&s->readers, __ATOMIC_SEQ_CST) != 0)
                __atomic_add_fetch(&s->errors, 1, __ATOMIC_SEQ_CST);
            KeStallExecutionProcessor(2);
            __atomic_sub_fetch(&s->writers, 1, __ATOMIC_SEQ_CST);
        } else {
            ExAcquireResourceSharedLite(&res, TRUE);
            __atomic_add_fetch(&s->readers, 1, __ATOMIC_SEQ_CST);
            if (__atomic_load_n(&s->writers, __ATOMIC_SEQ_CST) != 0)
                __atomic_add_fetch(&s->errors, 1, __ATOMIC_SEQ_CST);
            KeStallExecutionProcessor(2);
            __atomic_sub_fetch(&s->readers, 1, __ATOMIC_SEQ_CST);
        }
        ExReleaseResourceLite(&res);
        KeLeaveCriticalRegion();
    }
}

static void test_resource_stress(void **state)
{
    struct stress s = { 0 };
    PKTHREAD t[4];
    (void)state;

    ExInitializeResourceLite(&res);
    for (int i = 0; i < 4; i++)
        t[i] = start_thread(stress_thread, &s);
    for (int i = 0; i < 4; i++)
        join_thread(t[i]);
    assert_int_equal(s.errors, 0);
    assert_int_equal(res.ActiveCount, 0);
    ExDeleteResourceLite(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resource_layout_and_recursion),
        cmocka_unit_test(test_readers_share_writers_exclude),
        cmocka_unit_test(test_convert_exclusive_to_shared),
        cmocka_unit_test(test_resource_stress),
    };
    char root[] = "/tmp/ke-test-XXXXXX";
    krnl_init(mkdtemp(root));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
