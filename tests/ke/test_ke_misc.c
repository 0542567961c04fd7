/*
 * test_ke_misc.c - device queues, interrupt objects,
 * affinity, floating point and process attach.
 */
#include "ke_test.h"

static void test_device_queue(void **state)
{
    KDEVICE_QUEUE q;
    KDEVICE_QUEUE_ENTRY e[5];
    KIRQL old;
    (void)state;

    KeInitializeDeviceQueue(&q);
    old = KeRaiseIrqlToDpcLevel();
    /* idle queue: the first insert makes it busy and is not queued */
    assert_false(KeInsertDeviceQueue(&q, &e[0]));
    assert_true(q.Busy);
    assert_true(KeInsertDeviceQueue(&q, &e[1]));
    assert_true(KeInsertDeviceQueue(&q, &e[2]));
    assert_ptr_equal(KeRemoveDeviceQueue(&q), &e[1]);
    assert_ptr_equal(KeRemoveDeviceQueue(&q), &e[2]);
    assert_null(KeRemoveDeviceQueue(&q));   /* empty: goes idle */
    assert_false(q.Busy);
    assert_null(KeRemoveByKeyDeviceQueueIfBusy(&q, 0));

    /* by key: sorted; removal takes the first key >= the given one */
    assert_false(KeInsertByKeyDeviceQueue(&q, &e[0], 50));
    assert_true(KeInsertByKeyDeviceQueue(&q, &e[1], 30));
    assert_true(KeInsertByKeyDeviceQueue(&q, &e[2], 10));
    assert_true(KeInsertByKeyDeviceQueue(&q, &e[3], 20));
    assert_true(KeInsertByKeyDeviceQueue(&q, &e[4], 20));
    assert_ptr_equal(KeRemoveByKeyDeviceQueue(&q, 15), &e[3]);   /* 20, first of equals */
    assert_ptr_equal(KeRemoveByKeyDeviceQueue(&q, 99), &e[2]);   /* none >= 99: wraps */
    KeLowerIrql(old);
    assert_true(KeRemoveEntryDeviceQueue(&q, &e[1]));
    assert_false(KeRemoveEntryDeviceQueue(&q, &e[1]));
    old = KeRaiseIrqlToDpcLevel();
    assert_ptr_equal(KeRemoveDeviceQueue(&q), &e[4]);
    assert_null(KeRemoveDeviceQueue(&q));
    KeLowerIrql(old);
}

struct isr_ctx {
    KIRQL isr_irql;
    LONG isr_runs;
    LONG shared;
    BOOLEAN locked_seen;
    PKDPC dpc;
};

static BOOLEAN NTAPI isr(PKINTERRUPT i, PVOID p)
{
    struct isr_ctx *c = p;
    (void)i;
    c->isr_irql = KeGetCurrentIrql();
    c->isr_runs++;
    c->shared++;
    KeInsertQueueDpc(c->dpc, NULL, NULL); /* what IoRequestDpc does */
    return TRUE;
}

static BOOLEAN NTAPI sync_routine(PVOID p)
{
    struct isr_ctx *c = p;
    c->locked_seen = KeGetCurrentIrql() == 7;
    c->shared += 100;
    return TRUE;
}

static void NTAPI count_dpc(PKDPC d, PVOID ctx, PVOID a, PVOID b)
{
    (void)d; (void)a; (void)b;
    __atomic_add_fetch((LONG *)ctx, 1, __ATOMIC_SEQ_CST);
}

static void test_interrupt_object(void **state)
{
    struct isr_ctx c = { 0 };
    PKINTERRUPT intr;
    KDPC dpc;
    LONG dpcs = 0;
    (void)state;

    KeInitializeDpc(&dpc, count_dpc, &dpcs);
    c.dpc = &dpc;
    assert_int_equal(ke_interrupt_create(isr, &c, NULL, 0x51, 5, 7, LevelSensitive, &intr),
                     STATUS_SUCCESS);
    assert_int_equal(ke_interrupt_create(isr, &c, NULL, 0, DISPATCH_LEVEL, 7, Latched, &intr),
                     STATUS_INVALID_PARAMETER);
    assert_true(ke_interrupt_deliver(intr));
    assert_int_equal(c.isr_irql, 7);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_true(KeSynchronizeExecution(intr, sync_routine, &c));
    assert_true(c.locked_seen);
    KIRQL old = KeAcquireInterruptSpinLock(intr);
    assert_int_equal(KeGetCurrentIrql(), 7);
    c.shared++;
    KeReleaseInterruptSpinLock(intr, old);
    assert_int_equal(old, PASSIVE_LEVEL);
    assert_int_equal(c.shared, 102);
    KeFlushQueuedDpcs();
    assert_int_equal(dpcs, 1);
    ke_interrupt_delete(intr);
}

static void test_affinity_fp_attach(void **state)
{
    KFLOATING_SAVE fs;
    KAPC_STATE as;
    GROUP_AFFINITY ga = { .Mask = 1, .Group = 0 }, prev;
    (void)state;

    KAFFINITY all = KeQueryActiveProcessors();
    KAFFINITY before = KeSetSystemAffinityThreadEx(1);
    assert_int_equal(before & ~all, 0);
    if (before & 1) /* processor 0 is ours to use */
        assert_int_equal(KeGetCurrentProcessorNumber(), 0);
    KeRevertToUserAffinityThreadEx(before);
    KeSetSystemGroupAffinityThread(&ga, &prev);
    if (before & 1)
        assert_int_equal(KeGetCurrentProcessorNumber(), 0);
    KeRevertToUserGroupAffinityThread(&prev);
    assert_int_equal(KeGetCurrentNodeNumber(), 0);
    assert_int_equal(KeSaveFloatingPointState(&fs), STATUS_SUCCESS);
    double x = 1.5;
    x *= 2;
    assert_true(x == 3.0);
    assert_int_equal(KeRestoreFloatingPointState(&fs), STATUS_SUCCESS);
    KeStackAttachProcess((PRKPROCESS)PsGetCurrentProcess(), &as);
    assert_ptr_equal(as.Process, (PRKPROCESS)PsGetCurrentProcess());
    KeUnstackDetachProcess(&as);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_device_queue),
        cmocka_unit_test(test_interrupt_object),
        cmocka_unit_test(test_affinity_fp_attach),
    };
    char root[] = "/tmp/ke-test-XXXXXX";
    krnl_init(mkdtemp(root));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
