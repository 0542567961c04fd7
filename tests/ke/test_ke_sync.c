/*
 * test_ke_sync.c - IRQL, spin locks, events, semaphores, mutexes, waits,
 * fast and guarded mutexes: behaviour a driver relies on.
 */
#include "ke_test.h"

static void test_irql_raise_lower(void **state)
{
    KIRQL old, old2;
    (void)state;

    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KeRaiseIrql(APC_LEVEL, &old);
    assert_int_equal(old, PASSIVE_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), APC_LEVEL);
    old2 = KeRaiseIrqlToDpcLevel();
    assert_int_equal(old2, APC_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    /* the processor is stable while at DISPATCH_LEVEL */
    ULONG cpu = KeGetCurrentProcessorNumber();
    for (int i = 0; i < 100; i++)
        assert_int_equal(KeGetCurrentProcessorNumber(), cpu);
    assert_true(cpu < KeQueryActiveProcessorCount(NULL));
    KeLowerIrql(old2);
    assert_int_equal(KeGetCurrentIrql(), APC_LEVEL);
    KeLowerIrql(old);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    old = KeRaiseIrqlToSynchLevel();
    assert_int_equal(KeGetCurrentIrql(), SYNCH_LEVEL);
    KeLowerIrql(old);
}

struct irql_ctx {
    KEVENT go;
    KIRQL seen;
};

static void irql_thread(PVOID ctx)
{
    struct irql_ctx *c = ctx;
    /* IRQL is per thread: this one stays at PASSIVE_LEVEL while the
     * creator is at APC_LEVEL. */
    KeWaitForSingleObject(&c->go, Executive, KernelMode, FALSE, NULL);
    c->seen = KeGetCurrentIrql();
}

static void test_irql_is_per_thread(void **state)
{
    struct irql_ctx c = { .seen = 0xff };
    KIRQL old;
    (void)state;

    KeInitializeEvent(&c.go, NotificationEvent, FALSE);
    PKTHREAD t = start_thread(irql_thread, &c);
    KeRaiseIrql(APC_LEVEL, &old);
    KeSetEvent(&c.go, 0, FALSE);
    join_thread(t);
    assert_int_equal(c.seen, PASSIVE_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), APC_LEVEL);
    KeLowerIrql(old);
}

static void test_processor_queries(void **state)
{
    PROCESSOR_NUMBER pn;
    KAFFINITY aff;
    (void)state;

    ULONG n = KeQueryActiveProcessorCount(&aff);
    assert_true(n >= 1);
    assert_int_equal(KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS), n);
    assert_int_equal(KeQueryMaximumProcessorCount(), n);
    assert_int_equal((ULONG)KeNumberProcessors, n);
    assert_int_equal(__builtin_popcountll(aff), n);
    assert_true(KeGetCurrentProcessorNumberEx(&pn) < n);
    assert_int_equal(pn.Group, 0);
    assert_int_equal(KeGetProcessorNumberFromIndex(n, &pn), STATUS_INVALID_PARAMETER);
}

/* ------------------------------------------------------------ spin locks */

struct spin_ctx {
    KSPIN_LOCK lock;
    volatile LONG counter;
    LONG iterations;
    BOOLEAN queued;
};

static void spin_worker(PVOID p)
{
    struct spin_ctx *c = p;
    for (LONG i = 0; i < c->iterations; i++) {
        if (c->queued) {
            KLOCK_QUEUE_HANDLE h;
            KeAcquireInStackQueuedSpinLock(&c->lock, &h);
            assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
            c->counter = c->counter + 1;
            KeReleaseInStackQueuedSpinLock(&h);
        } else {
            KIRQL old;
            KeAcquireSpinLock(&c->lock, &old);
            LONG v = c->counter;
            c->counter = v + 1;
            KeReleaseSpinLock(&c->lock, old);
        }
    }
}

static void run_spin(BOOLEAN queued)
{
    struct spin_ctx c = { .iterations = 20000, .queued = queued };
    PKTHREAD t[3];

    KeInitializeSpinLock(&c.lock);
    for (int i = 0; i < 3; i++)
        t[i] = start_thread(spin_worker, &c);
    spin_worker(&c);
    for (int i = 0; i < 3; i++)
        join_thread(t[i]);
    assert_int_equal(c.counter, 4 * c.iterations);
    assert_true(KeTestSpinLock(&c.lock));
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

static void test_spinlock_mutual_exclusion(void **state)
{
    (void)state;
    run_spin(FALSE);
    run_spin(TRUE);
}

static void test_spinlock_forms(void **state)
{
    KSPIN_LOCK l;
    KIRQL old;
    KLOCK_QUEUE_HANDLE h;
    (void)state;

    KeInitializeSpinLock(&l);
    KeAcquireSpinLock(&l, &old);
    assert_int_equal(old, PASSIVE_LEVEL);
    assert_false(KeTestSpinLock(&l));
    KeReleaseSpinLock(&l, old);
    assert_true(KeTestSpinLock(&l));

    old = KeRaiseIrqlToDpcLevel();
    assert_true(KeTryToAcquireSpinLockAtDpcLevel(&l));
    KeReleaseSpinLockFromDpcLevel(&l);
    KeAcquireSpinLockAtDpcLevel(&l);
    KeReleaseSpinLockFromDpcLevel(&l);
    KeAcquireInStackQueuedSpinLockAtDpcLevel(&l, &h);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&h);
    KeLowerIrql(old);

    old = KeAcquireSpinLockForDpc(&l);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeReleaseSpinLockForDpc(&l, old);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

struct holder {
    KSPIN_LOCK lock;
    KEVENT held;
    volatile LONG release;
};

static void holder_thread(PVOID p)
{
    struct holder *h = p;
    KIRQL old;
    KeAcquireSpinLock(&h->lock, &old);
    KeSetEvent(&h->held, 0, FALSE);
    while (!__atomic_load_n(&h->release, __ATOMIC_ACQUIRE))
        __builtin_ia32_pause();
    KeReleaseSpinLock(&h->lock, old);
}

static void test_spinlock_try_fails_when_held(void **state)
{
    struct holder h = { 0 };
    KIRQL old;
    (void)state;

    KeInitializeSpinLock(&h.lock);
    KeInitializeEvent(&h.held, NotificationEvent, FALSE);
    PKTHREAD t = start_thread(holder_thread, &h);
    KeWaitForSingleObject(&h.held, Executive, KernelMode, FALSE, NULL);
    assert_false(KeTestSpinLock(&h.lock));
    old = KeRaiseIrqlToDpcLevel();
    assert_false(KeTryToAcquireSpinLockAtDpcLevel(&h.lock));
    KeLowerIrql(old);
    __atomic_store_n(&h.release, 1, __ATOMIC_RELEASE);
    join_thread(t);
    KeAcquireSpinLock(&h.lock, &old);
    KeReleaseSpinLock(&h.lock, old);
}

/* --------------------------------------------------------------- events */

static void test_event_notification(void **state)
{
    KEVENT e;
    LARGE_INTEGER zero = { .QuadPart = 0 };
    (void)state;

    KeInitializeEvent(&e, NotificationEvent, FALSE);
    assert_int_equal(KeReadStateEvent(&e), 0);
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero),
                     STATUS_TIMEOUT);
    assert_int_equal(KeSetEvent(&e, IO_NO_INCREMENT, FALSE), 0);
    assert_int_equal(KeSetEvent(&e, IO_NO_INCREMENT, FALSE), 1);
    /* a notification event stays signaled for every waiter */
    for (int i = 0; i < 3; i++)
        assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero),
                         STATUS_SUCCESS);
    assert_int_equal(KeResetEvent(&e), 1);
    assert_int_equal(KeResetEvent(&e), 0);
    KeSetEvent(&e, 0, FALSE);
    KeClearEvent(&e);
    assert_int_equal(KeReadStateEvent(&e), 0);
    assert_int_equal(KePulseEvent(&e, 0, FALSE), 0);
    assert_int_equal(KeReadStateEvent(&e), 0);
}

static void test_event_synchronization(void **state)
{
    KEVENT e;
    LARGE_INTEGER zero = { .QuadPart = 0 };
    (void)state;

    KeInitializeEvent(&e, SynchronizationEvent, TRUE);
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero),
                     STATUS_SUCCESS);
    /* auto-reset: the satisfied wait cleared it */
    assert_int_equal(KeReadStateEvent(&e), 0);
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero),
                     STATUS_TIMEOUT);
}

struct waiters {
    KEVENT event;
    KEVENT go;
    volatile LONG woken;
    volatile LONG started;
};

static void event_waiter(PVOID p)
{
    struct waiters *w = p;
    LARGE_INTEGER to = ms_rel(500);
    __atomic_add_fetch(&w->started, 1, __ATOMIC_SEQ_CST);
    if (KeWaitForSingleObject(&w->event, Executive, KernelMode, FALSE, &to) == STATUS_SUCCESS)
        __atomic_add_fetch(&w->woken, 1, __ATOMIC_SEQ_CST);
}

static void wait_started(struct waiters *w, LONG n)
{
    while (__atomic_load_n(&w->started, __ATOMIC_SEQ_CST) < n)
        sched_yield();
    /* let them reach the wait */
    LARGE_INTEGER d = ms_rel(50);
    KeDelayExecutionThread(KernelMode, FALSE, &d);
}

static void test_event_wakes_all_or_one(void **state)
{
    struct waiters w = { 0 };
    PKTHREAD t[4];
    (void)state;

    /* Notification: one set releases every waiter. */
    KeInitializeEvent(&w.event, NotificationEvent, FALSE);
    for (int i = 0; i < 4; i++)
        t[i] = start_thread(event_waiter, &w);
    wait_started(&w, 4);
    KeSetEvent(&w.event, 0, FALSE);
    for (int i = 0; i < 4; i++)
        join_thread(t[i]);
    assert_int_equal(w.woken, 4);

    /* Synchronization: one set releases exactly one waiter; the others
     * time out (500 ms). */
    memset(&w, 0, sizeof(w));
    KeInitializeEvent(&w.event, SynchronizationEvent, FALSE);
    for (int i = 0; i < 3; i++)
        t[i] = start_thread(event_waiter, &w);
    wait_started(&w, 3);
    KeSetEvent(&w.event, 0, FALSE);
    for (int i = 0; i < 3; i++)
        join_thread(t[i]);
    assert_int_equal(w.woken, 1);
    assert_int_equal(KeReadStateEvent(&w.event), 0);
}

static void test_wait_timeouts(void **state)
{
    KEVENT e;
    LARGE_INTEGER to;
    ULONGLONG t0;
    (void)state;

    KeInitializeEvent(&e, NotificationEvent, FALSE);
    /* relative */
    to = ms_rel(100);
    t0 = now_ms();
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &to),
                     STATUS_TIMEOUT);
    assert_true(now_ms() - t0 >= 99);
    /* absolute system time, 100 ms from now */
    KeQuerySystemTime(&to);
    to.QuadPart += 100 * 10000;
    t0 = now_ms();
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &to),
                     STATUS_TIMEOUT);
    assert_true(now_ms() - t0 >= 90);
    /* absolute time in the past: an immediate timeout */
    to.QuadPart = 1;
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &to),
                     STATUS_TIMEOUT);
    /* KeDelayExecutionThread */
    to = ms_rel(50);
    t0 = now_ms();
    assert_int_equal(KeDelayExecutionThread(KernelMode, FALSE, &to), STATUS_SUCCESS);
    assert_true(now_ms() - t0 >= 49);
    /* the wait list is clean after a timeout */
    assert_true(IsListEmpty(&e.Header.WaitListHead));
}

/* ----------------------------------------------------------- semaphores */

static void test_semaphore(void **state)
{
    KSEMAPHORE s;
    LARGE_INTEGER zero = { .QuadPart = 0 };
    (void)state;

    KeInitializeSemaphore(&s, 2, 3);
    assert_int_equal(KeReadStateSemaphore(&s), 2);
    assert_int_equal(KeWaitForSingleObject(&s, Executive, KernelMode, FALSE, &zero), 0);
    assert_int_equal(KeWaitForSingleObject(&s, Executive, KernelMode, FALSE, &zero), 0);
    assert_int_equal(KeWaitForSingleObject(&s, Executive, KernelMode, FALSE, &zero),
                     STATUS_TIMEOUT);
    assert_int_equal(KeReleaseSemaphore(&s, SEMAPHORE_INCREMENT, 3, FALSE), 0);
    assert_int_equal(KeReadStateSemaphore(&s), 3);
}

/* -------------------------------------------------------------- mutexes */

struct mutex_ctx {
    KMUTEX m;
    NTSTATUS status;
    BOOLEAN exit_owning;
};

static void mutex_thread(PVOID p)
{
    struct mutex_ctx *c = p;
    c->status = KeWaitForMutexObject(&c->m, Executive, KernelMode, FALSE, NULL);
    if (!c->exit_owning)
        KeReleaseMutex(&c->m, FALSE);
}

static void test_mutex_recursive_and_abandoned(void **state)
{
    struct mutex_ctx c = { 0 };
    LARGE_INTEGER zero = { .QuadPart = 0 };
    (void)state;

    KeInitializeMutex(&c.m, 0);
    assert_int_equal(KeReadStateMutex(&c.m), 1);
    assert_int_equal(KeWaitForMutexObject(&c.m, Executive, KernelMode, FALSE, NULL), 0);
    assert_int_equal(KeWaitForMutexObject(&c.m, Executive, KernelMode, FALSE, NULL), 0);
    assert_true(KeAreApcsDisabled());
    assert_int_equal(KeReadStateMutex(&c.m), -1);
    /* another thread must wait until both acquisitions are released */
    PKTHREAD t = start_thread(mutex_thread, &c);
    LARGE_INTEGER d = ms_rel(50);
    KeDelayExecutionThread(KernelMode, FALSE, &d);
    assert_int_equal(KeReadStateEvent((PKEVENT)t), 0);
    assert_int_equal(KeReleaseMutex(&c.m, FALSE), -1);
    KeDelayExecutionThread(KernelMode, FALSE, &d);
    assert_int_equal(KeReadStateEvent((PKEVENT)t), 0);
    assert_int_equal(KeReleaseMutex(&c.m, FALSE), 0);
    assert_false(KeAreApcsDisabled());
    join_thread(t);
    assert_int_equal(c.status, STATUS_SUCCESS);

    /* a thread that exits owning the mutex abandons it */
    c.exit_owning = TRUE;
    join_thread(start_thread(mutex_thread, &c));
    assert_int_equal(KeWaitForSingleObject(&c.m, Executive, KernelMode, FALSE, &zero),
                     STATUS_ABANDONED);
    KeReleaseMutex(&c.m, FALSE);
    assert_int_equal(KeWaitForSingleObject(&c.m, Executive, KernelMode, FALSE, &zero),
                     STATUS_SUCCESS);
    KeReleaseMutex(&c.m, FALSE);
}

/* ------------------------------------------------------ multiple waits */

static void test_wait_any_all(void **state)
{
    KEVENT e[2];
    KSEMAPHORE s;
    PVOID objs[3] = { &e[0], &e[1], &s };
    LARGE_INTEGER zero = { .QuadPart = 0 };
    (void)state;

    KeInitializeEvent(&e[0], NotificationEvent, FALSE);
    KeInitializeEvent(&e[1], SynchronizationEvent, FALSE);
    KeInitializeSemaphore(&s, 0, 10);
    assert_int_equal(KeWaitForMultipleObjects(3, objs, WaitAny, Executive, KernelMode, FALSE,
                                              &zero, NULL), STATUS_TIMEOUT);
    KeSetEvent(&e[1], 0, FALSE);
    assert_int_equal(KeWaitForMultipleObjects(3, objs, WaitAny, Executive, KernelMode, FALSE,
                                              &zero, NULL), STATUS_WAIT_1);
    /* WaitAny reports the lowest signaled index */
    KeReleaseSemaphore(&s, 0, 1, FALSE);
    KeSetEvent(&e[1], 0, FALSE);
    assert_int_equal(KeWaitForMultipleObjects(3, objs, WaitAny, Executive, KernelMode, FALSE,
                                              &zero, NULL), STATUS_WAIT_1);
    assert_int_equal(KeWaitForMultipleObjects(3, objs, WaitAny, Executive, KernelMode, FALSE,
                                              &zero, NULL), STATUS_WAIT_0 + 2);
    /* WaitAll: nothing is consumed until all are signaled */
    KeSetEvent(&e[0], 0, FALSE);
    KeSetEvent(&e[1], 0, FALSE);
    assert_int_equal(KeWaitForMultipleObjects(3, objs, WaitAll, Executive, KernelMode, FALSE,
                                              &zero, NULL), STATUS_TIMEOUT);
    assert_int_equal(KeReadStateEvent(&e[1]), 1);
    KeReleaseSemaphore(&s, 0, 2, FALSE);
    assert_int_equal(KeWaitForMultipleObjects(3, objs, WaitAll, Executive, KernelMode, FALSE,
                                              &zero, NULL), STATUS_WAIT_0);
    assert_int_equal(KeReadStateEvent(&e[0]), 1);   /* notification stays */
    assert_int_equal(KeReadStateEvent(&e[1]), 0);   /* synchronization consumed */
    assert_int_equal(KeReadStateSemaphore(&s), 1);  /* one unit consumed */
}

struct wait_all_ctx {
    PVOID objs[8];
    KWAIT_BLOCK blocks[8];
    NTSTATUS status;
};

static void wait_all_thread(PVOID p)
{
    struct wait_all_ctx *c = p;
    LARGE_INTEGER to = ms_rel(10000);
    c->status = KeWaitForMultipleObjects(8, c->objs, WaitAll, Executive, KernelMode, FALSE,
                                         &to, c->blocks);
}

static void test_wait_all_blocking_with_caller_blocks(void **state)
{
    KEVENT e[8];
    struct wait_all_ctx c;
    (void)state;

    for (int i = 0; i < 8; i++) {
        KeInitializeEvent(&e[i], SynchronizationEvent, FALSE);
        c.objs[i] = &e[i];
    }
    c.status = -1;
    PKTHREAD t = start_thread(wait_all_thread, &c);
    for (int i = 0; i < 8; i++) {
        LARGE_INTEGER d = ms_rel(5);
        KeDelayExecutionThread(KernelMode, FALSE, &d);
        assert_int_equal(c.status, -1);
        KeSetEvent(&e[i], 0, FALSE);
    }
    join_thread(t);
    assert_int_equal(c.status, STATUS_WAIT_0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(KeReadStateEvent(&e[i]), 0);
}

static void test_wait_on_thread_object(void **state)
{
    struct mutex_ctx c = { 0 };
    (void)state;

    KeInitializeMutex(&c.m, 0);
    PKTHREAD t = start_thread(mutex_thread, &c);
    assert_int_equal(KeWaitForSingleObject(t, Executive, KernelMode, FALSE, NULL), 0);
    assert_true(PsIsThreadTerminating((PETHREAD)t));
    ObDereferenceObject(t);
}

/* --------------------------------------------------- fast/guarded mutex */

struct fm_ctx {
    FAST_MUTEX fm;
    KGUARDED_MUTEX gm;
    LONG counter;
    LONG gcounter;
};

static void fm_worker(PVOID p)
{
    struct fm_ctx *c = p;
    for (int i = 0; i < 2000; i++) {
        ExAcquireFastMutex(&c->fm);
        assert_int_equal(KeGetCurrentIrql(), APC_LEVEL);
        c->counter++;
        ExReleaseFastMutex(&c->fm);
        KeAcquireGuardedMutex(&c->gm);
        assert_true(KeAreAllApcsDisabled());
        c->gcounter++;
        KeReleaseGuardedMutex(&c->gm);
    }
}

static void test_fast_and_guarded_mutex(void **state)
{
    struct fm_ctx c = { 0 };
    PKTHREAD t[2];
    (void)state;

    ExInitializeFastMutex(&c.fm);
    KeInitializeGuardedMutex(&c.gm);
    assert_true(ExTryToAcquireFastMutex(&c.fm));
    assert_int_equal(KeGetCurrentIrql(), APC_LEVEL);
    ExReleaseFastMutex(&c.fm);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    for (int i = 0; i < 2; i++)
        t[i] = start_thread(fm_worker, &c);
    fm_worker(&c);
    for (int i = 0; i < 2; i++)
        join_thread(t[i]);
    assert_int_equal(c.counter, 3 * 2000);
    assert_int_equal(c.gcounter, 3 * 2000);

    KeEnterCriticalRegion();
    ExAcquireFastMutexUnsafe(&c.fm);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    ExReleaseFastMutexUnsafe(&c.fm);
    KeLeaveCriticalRegion();
    assert_true(KeTryToAcquireGuardedMutex(&c.gm));
    KeReleaseGuardedMutex(&c.gm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_irql_raise_lower),
        cmocka_unit_test(test_irql_is_per_thread),
        cmocka_unit_test(test_processor_queries),
        cmocka_unit_test(test_spinlock_mutual_exclusion),
        cmocka_unit_test(test_spinlock_forms),
        cmocka_unit_test(test_spinlock_try_fails_when_held),
        cmocka_unit_test(test_event_notification),
        cmocka_unit_test(test_event_synchronization),
        cmocka_unit_test(test_event_wakes_all_or_one),
        cmocka_unit_test(test_wait_timeouts),
        cmocka_unit_test(test_semaphore),
        cmocka_unit_test(test_mutex_recursive_and_abandoned),
        cmocka_unit_test(test_wait_any_all),
        cmocka_unit_test(test_wait_all_blocking_with_caller_blocks),
        cmocka_unit_test(test_wait_on_thread_object),
        cmocka_unit_test(test_fast_and_guarded_mutex),
    };
    char root[] = "/tmp/ke-test-XXXXXX";
    krnl_init(mkdtemp(root));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
