/*
 * test_ke_async.c - DPCs, timers, work items, system threads and time.
 */
#include "ke_test.h"

/* ------------------------------------------------------------------ DPC */

struct dpc_ctx {
    KEVENT done;
    KIRQL irql;
    BOOLEAN in_dpc;
    ULONG cpu;
    PVOID a1, a2;
    PKTHREAD thread;
    volatile LONG runs;
};

static void NTAPI dpc_routine(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    struct dpc_ctx *c = ctx;
    (void)dpc;
    c->irql = KeGetCurrentIrql();
    c->in_dpc = KeIsExecutingDpc();
    c->cpu = KeGetCurrentProcessorNumber();
    c->a1 = a1;
    c->a2 = a2;
    c->thread = KeGetCurrentThread();
    __atomic_add_fetch(&c->runs, 1, __ATOMIC_SEQ_CST);
    KeSetEvent(&c->done, 0, FALSE);
}

static void test_dpc_runs_at_dispatch_on_dpc_thread(void **state)
{
    struct dpc_ctx c = { 0 };
    KDPC dpc;
    LARGE_INTEGER to = ms_rel(10000);
    (void)state;

    KeInitializeEvent(&c.done, NotificationEvent, FALSE);
    KeInitializeDpc(&dpc, dpc_routine, &c);
    ULONG target = KeQueryActiveProcessorCount(NULL) - 1;
    KeSetTargetProcessorDpc(&dpc, (CCHAR)target);
    assert_true(KeInsertQueueDpc(&dpc, (PVOID)1, (PVOID)2));
    assert_int_equal(KeWaitForSingleObject(&c.done, Executive, KernelMode, FALSE, &to), 0);
    KeFlushQueuedDpcs();
    assert_int_equal(c.irql, DISPATCH_LEVEL);
    assert_true(c.in_dpc);
    assert_int_equal(c.cpu, target);
    assert_ptr_equal(c.a1, (PVOID)1);
    assert_ptr_equal(c.a2, (PVOID)2);
    assert_ptr_not_equal(c.thread, KeGetCurrentThread());
    assert_true(PsIsSystemThread((PETHREAD)c.thread));
    assert_false(KeIsExecutingDpc());
}

static void NTAPI slow_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    (void)dpc;
    (void)a1;
    (void)a2;
    /* hold the DPC thread busy for a moment, at DISPATCH_LEVEL */
    while (!KeReadStateEvent(ctx))
        KeStallExecutionProcessor(100);
}

static void test_dpc_queue_semantics(void **state)
{
    struct dpc_ctx c = { 0 };
    KDPC blocker, dpc;
    KEVENT release;
    (void)state;

    /* Keep processor 0's DPC thread busy so that dpc stays queued. */
    KeInitializeEvent(&release, NotificationEvent, FALSE);
    KeInitializeDpc(&blocker, slow_dpc, &release);
    KeSetTargetProcessorDpc(&blocker, 0);
    KeInitializeEvent(&c.done, NotificationEvent, FALSE);
    KeInitializeDpc(&dpc, dpc_routine, &c);
    KeSetTargetProcessorDpc(&dpc, 0);
    assert_true(KeInsertQueueDpc(&blocker, NULL, NULL));
    assert_true(KeInsertQueueDpc(&dpc, NULL, NULL));
    assert_false(KeInsertQueueDpc(&dpc, NULL, NULL));      /* already queued */
    assert_true(KeRemoveQueueDpc(&dpc));
    assert_false(KeRemoveQueueDpc(&dpc));                  /* not queued */
    assert_true(KeInsertQueueDpc(&dpc, (PVOID)7, NULL));
    KeSetEvent(&release, 0, FALSE);
    KeFlushQueuedDpcs();
    assert_int_equal(c.runs, 1);
    assert_ptr_equal(c.a1, (PVOID)7);
    /* a DPC may be queued again once it has started */
    assert_true(KeInsertQueueDpc(&dpc, NULL, NULL));
    KeFlushQueuedDpcs();
    assert_int_equal(c.runs, 2);
}

static void test_threaded_dpc(void **state)
{
    struct dpc_ctx c = { 0 };
    KDPC dpc;
    (void)state;

    KeInitializeEvent(&c.done, NotificationEvent, FALSE);
    KeInitializeThreadedDpc(&dpc, dpc_routine, &c);
    KeSetImportanceDpc(&dpc, HighImportance);
    assert_true(KeInsertQueueDpc(&dpc, NULL, NULL));
    KeFlushQueuedDpcs();
    assert_int_equal(c.runs, 1);
    assert_int_equal(c.irql, PASSIVE_LEVEL);
}

/* --------------------------------------------------------------- timers */

static void test_timer_one_shot_with_dpc(void **state)
{
    struct dpc_ctx c = { 0 };
    KTIMER t;
    KDPC dpc;
    ULONGLONG t0 = now_ms();
    LARGE_INTEGER to = ms_rel(10000);
    (void)state;

    KeInitializeEvent(&c.done, NotificationEvent, FALSE);
    KeInitializeDpc(&dpc, dpc_routine, &c);
    KeInitializeTimer(&t);
    assert_false(KeReadStateTimer(&t));
    assert_false(KeSetTimer(&t, ms_rel(50), &dpc));
    assert_int_equal(KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, &to), 0);
    assert_true(now_ms() - t0 >= 49);
    assert_true(KeReadStateTimer(&t));   /* notification timer stays signaled */
    assert_int_equal(KeWaitForSingleObject(&c.done, Executive, KernelMode, FALSE, &to), 0);
    assert_int_equal(c.irql, DISPATCH_LEVEL);
    assert_false(KeCancelTimer(&t));     /* already expired */
    KeFlushQueuedDpcs();
}

static void test_timer_cancel_and_reset(void **state)
{
    KTIMER t;
    LARGE_INTEGER zero = { .QuadPart = 0 };
    LARGE_INTEGER to = ms_rel(150);
    (void)state;

    KeInitializeTimerEx(&t, SynchronizationTimer);
    assert_false(KeSetTimer(&t, ms_rel(60000), NULL));
    assert_true(KeSetTimer(&t, ms_rel(60000), NULL));  /* was pending */
    assert_true(KeCancelTimer(&t));
    assert_false(KeCancelTimer(&t));
    assert_int_equal(KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, &to),
                     STATUS_TIMEOUT);
    /* synchronization timer: one waiter consumes the expiry */
    KeSetTimer(&t, ms_rel(1), NULL);
    to = ms_rel(10000);
    assert_int_equal(KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, &to), 0);
    assert_false(KeReadStateTimer(&t));
    assert_int_equal(KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, &zero),
                     STATUS_TIMEOUT);
}

static void test_timer_periodic(void **state)
{
    struct dpc_ctx c = { 0 };
    KTIMER t;
    KDPC dpc;
    ULONGLONG t0 = now_ms();
    (void)state;

    KeInitializeEvent(&c.done, NotificationEvent, FALSE);
    KeInitializeDpc(&dpc, dpc_routine, &c);
    KeInitializeTimerEx(&t, SynchronizationTimer);
    KeSetTimerEx(&t, ms_rel(10), 10, &dpc);
    while (__atomic_load_n(&c.runs, __ATOMIC_SEQ_CST) < 5 && now_ms() - t0 < 10000) {
        LARGE_INTEGER d = ms_rel(5);
        KeDelayExecutionThread(KernelMode, FALSE, &d);
    }
    assert_true(KeCancelTimer(&t));
    KeFlushQueuedDpcs();
    LONG runs = c.runs;
    assert_true(runs >= 5);
    /* 5 expiries at 10 ms each take at least ~50 ms */
    assert_true(now_ms() - t0 >= 45);
    LARGE_INTEGER d = ms_rel(50);
    KeDelayExecutionThread(KernelMode, FALSE, &d);
    KeFlushQueuedDpcs();
    assert_int_equal(c.runs, runs);   /* cancelled: no more */
}

#define NTIMERS 2000
static void test_many_timers_fire_in_order(void **state)
{
    static KTIMER timers[NTIMERS];
    PVOID objs[2];
    KWAIT_BLOCK wb[2];
    LARGE_INTEGER to = ms_rel(10000);
    (void)state;

    /* Thousands of timers, half of them cancelled. The last one set has
     * the longest relative due time, so it is due after every other one:
     * once it has fired, every uncancelled timer must have fired too. */
    for (int i = 0; i < NTIMERS; i++) {
        KeInitializeTimer(&timers[i]);
        KeSetTimer(&timers[i], ms_rel(20 + (i % 50)), NULL);
    }
    for (int i = 0; i < NTIMERS; i += 2)
        assert_true(KeCancelTimer(&timers[i]));
    objs[0] = &timers[1];
    objs[1] = &timers[NTIMERS - 1];
    assert_int_equal(KeWaitForMultipleObjects(2, objs, WaitAll, Executive, KernelMode, FALSE,
                                              &to, wb), STATUS_WAIT_0);
    for (int i = 1; i < NTIMERS; i += 2)
        assert_true(KeReadStateTimer(&timers[i]));
    for (int i = 0; i < NTIMERS; i += 2)
        assert_false(KeReadStateTimer(&timers[i]));
    for (int i = 1; i < NTIMERS; i += 2)
        assert_false(KeCancelTimer(&timers[i]));
}

/* ----------------------------------------------------------- work items */

struct work_ctx {
    WORK_QUEUE_ITEM item;
    KEVENT done;
    KIRQL irql;
    BOOLEAN system;
    volatile LONG *counter;
};

static void NTAPI work_routine(PVOID p)
{
    struct work_ctx *w = p;
    w->irql = KeGetCurrentIrql();
    w->system = PsIsSystemThread(PsGetCurrentThread());
    if (w->counter)
        __atomic_add_fetch(w->counter, 1, __ATOMIC_SEQ_CST);
    KeSetEvent(&w->done, 0, FALSE);
}

static void NTAPI queue_from_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    struct work_ctx *w = ctx;
    (void)dpc;
    (void)a1;
    (void)a2;
    ExQueueWorkItem(&w->item, DelayedWorkQueue); /* allowed at DISPATCH_LEVEL */
}

static void test_work_item_runs_at_passive(void **state)
{
    struct work_ctx w = { 0 };
    KDPC dpc;
    LARGE_INTEGER to = ms_rel(10000);
    (void)state;

    KeInitializeEvent(&w.done, NotificationEvent, FALSE);
    ExInitializeWorkItem(&w.item, work_routine, &w);
    w.irql = 0xff;
    KeInitializeDpc(&dpc, queue_from_dpc, &w);
    KeInsertQueueDpc(&dpc, NULL, NULL);
    assert_int_equal(KeWaitForSingleObject(&w.done, Executive, KernelMode, FALSE, &to), 0);
    assert_int_equal(w.irql, PASSIVE_LEVEL);
    assert_true(w.system);
    KeFlushQueuedDpcs();
    ke_flush_work();
}

struct chain {
    KEVENT second_ran;
    WORK_QUEUE_ITEM second;
    volatile LONG counter;
};

static void NTAPI second_item(PVOID p)
{
    struct chain *c = p;
    KeSetEvent(&c->second_ran, 0, FALSE);
}

static void NTAPI first_item(PVOID p)
{
    struct chain *c = p;
    LARGE_INTEGER to = ms_rel(10000);
    /* a work item waiting for another one must not deadlock the pool */
    ExInitializeWorkItem(&c->second, second_item, c);
    ExQueueWorkItem(&c->second, CriticalWorkQueue);
    if (KeWaitForSingleObject(&c->second_ran, Executive, KernelMode, FALSE, &to) == 0)
        __atomic_add_fetch(&c->counter, 1, __ATOMIC_SEQ_CST);
}

static void internal_work(void *p)
{
    __atomic_add_fetch((volatile LONG *)p, 10, __ATOMIC_SEQ_CST);
}

static void test_work_items_nested_and_flush(void **state)
{
    struct chain c = { 0 };
    WORK_QUEUE_ITEM first;
    (void)state;

    KeInitializeEvent(&c.second_ran, NotificationEvent, FALSE);
    ExInitializeWorkItem(&first, first_item, &c);
    ExQueueWorkItem(&first, DelayedWorkQueue);
    for (int i = 0; i < 20; i++)
        assert_int_equal(ke_queue_work(internal_work, (void *)&c.counter), STATUS_SUCCESS);
    ke_flush_work();
    assert_int_equal(c.counter, 1 + 20 * 10);
}

/* -------------------------------------------------------------- threads */

struct thread_ctx {
    HANDLE tid;
    PETHREAD self;
    BOOLEAN system;
};

static void thread_body(PVOID p)
{
    struct thread_ctx *c = p;
    c->tid = PsGetCurrentThreadId();
    c->self = PsGetCurrentThread();
    c->system = PsIsSystemThread(c->self);
    PsTerminateSystemThread(STATUS_SUCCESS);
    c->system = FALSE; /* not reached */
}

static void test_system_thread(void **state)
{
    struct thread_ctx c = { 0 };
    HANDLE h;
    CLIENT_ID cid;
    (void)state;

    assert_int_equal(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, &cid, thread_body,
                                          &c), STATUS_SUCCESS);
    PKTHREAD t = ke_thread_from_handle(h);
    assert_non_null(t);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_null(ke_thread_from_handle(h));  /* closed */
    assert_int_equal(KeWaitForSingleObject(t, Executive, KernelMode, FALSE, NULL), 0);
    assert_true(c.system);
    assert_ptr_equal(c.self, (PETHREAD)t);
    assert_ptr_equal(c.tid, cid.UniqueThread);
    assert_ptr_equal(cid.UniqueProcess, PsGetCurrentProcessId());
    assert_ptr_not_equal(c.tid, PsGetCurrentThreadId());
    assert_false(PsIsSystemThread(PsGetCurrentThread()));
    assert_int_equal(PsTerminateSystemThread(STATUS_SUCCESS), STATUS_INVALID_PARAMETER);
    assert_non_null(PsGetCurrentProcess());
    ObDereferenceObject(t);
    /* the process object is a real object */
    ObReferenceObject(PsGetCurrentProcess());
    ObDereferenceObject(PsGetCurrentProcess());

    assert_int_equal(KeQueryPriorityThread(KeGetCurrentThread()), 8);
    assert_int_equal(KeSetPriorityThread(KeGetCurrentThread(), LOW_REALTIME_PRIORITY), 8);
    assert_int_equal(KeQueryPriorityThread(KeGetCurrentThread()), LOW_REALTIME_PRIORITY);
    KeSetPriorityThread(KeGetCurrentThread(), 8);
}

/* ----------------------------------------------------------------- time */

static void test_time(void **state)
{
    LARGE_INTEGER st, st2, freq, tick;
    (void)state;

    KeQuerySystemTime(&st);
    /* 100 ns since 1601: 2020-01-01 is 132223104000000000 */
    assert_true(st.QuadPart > 132223104000000000LL);
    KeQuerySystemTimePrecise(&st2);
    assert_true(st2.QuadPart >= st.QuadPart);
    ULONGLONG it = KeQueryInterruptTime();
    LARGE_INTEGER pc = KeQueryPerformanceCounter(&freq);
    assert_int_equal(freq.QuadPart, 10000000);
    KeStallExecutionProcessor(2000);
    assert_true(KeQueryInterruptTime() - it >= 20000);
    assert_true(KeQueryPerformanceCounter(NULL).QuadPart - pc.QuadPart >= 20000);
    assert_true(KeQueryUnbiasedInterruptTime() >= it);
    assert_int_equal(KeQueryTimeIncrement(), 156250);
    KeQueryTickCount(&tick);
    assert_true((ULONGLONG)tick.QuadPart <= KeQueryInterruptTime() / 156250);
}

/* ----------------------------------------------------------------- fork */

static void test_fork_child_gets_new_service_threads(void **state)
{
    struct dpc_ctx c = { 0 };
    struct work_ctx w = { 0 };
    KDPC dpc;
    KTIMER t;
    int status;
    (void)state;

    /* the parent's DPC, timer and worker threads exist by now */
    KeInitializeTimer(&t);
    KeSetTimer(&t, ms_rel(30), NULL);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        LARGE_INTEGER to = ms_rel(5000);
        KeInitializeEvent(&c.done, NotificationEvent, FALSE);
        KeInitializeDpc(&dpc, dpc_routine, &c);
        KeInsertQueueDpc(&dpc, NULL, NULL);
        if (KeWaitForSingleObject(&c.done, Executive, KernelMode, FALSE, &to))
            _exit(10);
        KeInitializeEvent(&w.done, NotificationEvent, FALSE);
        ExInitializeWorkItem(&w.item, work_routine, &w);
        ExQueueWorkItem(&w.item, DelayedWorkQueue);
        if (KeWaitForSingleObject(&w.done, Executive, KernelMode, FALSE, &to))
            _exit(11);
        ke_flush_work();
        /* the timer set before fork still fires */
        if (KeWaitForSingleObject(&t, Executive, KernelMode, FALSE, &to))
            _exit(12);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    KeCancelTimer(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dpc_runs_at_dispatch_on_dpc_thread),
        cmocka_unit_test(test_dpc_queue_semantics),
        cmocka_unit_test(test_threaded_dpc),
        cmocka_unit_test(test_timer_one_shot_with_dpc),
        cmocka_unit_test(test_timer_cancel_and_reset),
        cmocka_unit_test(test_timer_periodic),
        cmocka_unit_test(test_many_timers_fire_in_order),
        cmocka_unit_test(test_work_item_runs_at_passive),
        cmocka_unit_test(test_work_items_nested_and_flush),
        cmocka_unit_test(test_system_thread),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_fork_child_gets_new_service_threads),
    };
    char root[] = "/tmp/ke-test-XXXXXX";
    krnl_init(mkdtemp(root));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
