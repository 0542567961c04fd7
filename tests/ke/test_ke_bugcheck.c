/*
 * test_ke_bugcheck.c - driver misuse of the kernel core stops the system
 * with the Windows bug-check code: each case runs in a forked child and
 * the test asserts the child died with a report naming the code.
 */
#include "ke_test.h"
#include <ddk/driver_abi.h>
#include <dlfcn.h>

static void raise_to_lower(void)
{
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeRaiseIrql(APC_LEVEL, &old);
}

static void lower_to_higher(void)
{
    KeLowerIrql(DISPATCH_LEVEL);
}

static void spin_recursion(void)
{
    KSPIN_LOCK l;
    KIRQL a, b;
    KeInitializeSpinLock(&l);
    KeAcquireSpinLock(&l, &a);
    KeAcquireSpinLock(&l, &b);
}

static void spin_release_free(void)
{
    KSPIN_LOCK l;
    KIRQL a;
    KeInitializeSpinLock(&l);
    a = KeRaiseIrqlToDpcLevel();
    KeReleaseSpinLock(&l, a);
}

static KSPIN_LOCK shared_lock;
static void take_lock(PVOID p)
{
    KIRQL old;
    (void)p;
    KeAcquireSpinLock(&shared_lock, &old);
    KeLowerIrql(old); /* leaves it held by a thread that is gone */
}

static void spin_release_other_owner(void)
{
    KIRQL a;
    KeInitializeSpinLock(&shared_lock);
    PKTHREAD t = start_thread(take_lock, NULL);
    KeWaitForSingleObject(t, Executive, KernelMode, FALSE, NULL);
    a = KeRaiseIrqlToDpcLevel();
    KeReleaseSpinLock(&shared_lock, a);
}

static void spin_at_dpc_from_passive(void)
{
    KSPIN_LOCK l;
    KeInitializeSpinLock(&l);
    KeAcquireSpinLockAtDpcLevel(&l);
}

static void spin_release_at_passive(void)
{
    KSPIN_LOCK l;
    KIRQL a;
    KeInitializeSpinLock(&l);
    KeAcquireSpinLock(&l, &a);
    KeLowerIrql(PASSIVE_LEVEL);
    KeReleaseSpinLock(&l, a);
}

static void spin_above_dispatch(void)
{
    KSPIN_LOCK l;
    KIRQL a;
    KeInitializeSpinLock(&l);
    KeRaiseIrql(HIGH_LEVEL, &a);
    KeAcquireSpinLock(&l, &a);
}

static void wait_at_dispatch(void)
{
    KEVENT e;
    LARGE_INTEGER to = ms_rel(10);
    KIRQL old;
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    /* a zero timeout is allowed at DISPATCH_LEVEL ... */
    LARGE_INTEGER zero = { .QuadPart = 0 };
    old = KeRaiseIrqlToDpcLevel();
    if (KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero) != STATUS_TIMEOUT)
        _exit(0);
    /* ... a non-zero one is not */
    KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &to);
    (void)old;
}

static void paged_code_at_dispatch(void)
{
    KeRaiseIrqlToDpcLevel();
    PAGED_CODE();
}

static void internal_irql_check(void)
{
    KeRaiseIrqlToDpcLevel();
    ke_check_irql_max(PASSIVE_LEVEL, "IoSomethingPassive");
}

static void mutex_not_owner(void)
{
    KMUTEX m;
    KeInitializeMutex(&m, 0);
    KeReleaseMutex(&m, FALSE);
}

static void semaphore_limit(void)
{
    KSEMAPHORE s;
    KeInitializeSemaphore(&s, 1, 1);
    KeReleaseSemaphore(&s, 0, 1, FALSE);
}

static void fast_mutex_recursion(void)
{
    FAST_MUTEX m;
    ExInitializeFastMutex(&m);
    ExAcquireFastMutex(&m);
    ExAcquireFastMutex(&m);
}

static void fast_mutex_not_owner(void)
{
    FAST_MUTEX m;
    ExInitializeFastMutex(&m);
    KeRaiseIrql(APC_LEVEL, &(KIRQL){ 0 });
    ExReleaseFastMutex(&m);
}

static void too_many_objects(void)
{
    KEVENT e[4];
    PVOID o[4];
    for (int i = 0; i < 4; i++) {
        KeInitializeEvent(&e[i], NotificationEvent, TRUE);
        o[i] = &e[i];
    }
    KeWaitForMultipleObjects(4, o, WaitAny, Executive, KernelMode, FALSE, NULL, NULL);
}

static void leave_critical_unbalanced(void)
{
    KeLeaveCriticalRegion();
}

static void thread_exit_in_critical(PVOID p)
{
    (void)p;
    KeEnterCriticalRegion();
}

static void system_thread_exits_in_region(void)
{
    PKTHREAD t = start_thread(thread_exit_in_critical, NULL);
    KeWaitForSingleObject(t, Executive, KernelMode, FALSE, NULL);
}

static void NTAPI dpc_raises(PKDPC d, PVOID c, PVOID a, PVOID b)
{
    KIRQL old;
    (void)d; (void)c; (void)a; (void)b;
    KeRaiseIrql(HIGH_LEVEL, &old);
}

static void dpc_returns_at_wrong_irql(void)
{
    KDPC dpc;
    KeInitializeDpc(&dpc, dpc_raises, NULL);
    KeInsertQueueDpc(&dpc, NULL, NULL);
    KeFlushQueuedDpcs();
}

static void NTAPI dpc_waits(PKDPC d, PVOID c, PVOID a, PVOID b)
{
    (void)d; (void)a; (void)b;
    KeWaitForSingleObject(c, Executive, KernelMode, FALSE, NULL);
}

static void wait_in_dpc(void)
{
    KDPC dpc;
    KEVENT e;
    KeInitializeEvent(&e, NotificationEvent, FALSE);
    KeInitializeDpc(&dpc, dpc_waits, &e);
    KeInsertQueueDpc(&dpc, NULL, NULL);
    KeFlushQueuedDpcs();
}

static void NTAPI work_raises(PVOID p)
{
    (void)p;
    KeRaiseIrqlToDpcLevel();
}

static void work_returns_at_dispatch(void)
{
    WORK_QUEUE_ITEM w;
    ExInitializeWorkItem(&w, work_raises, NULL);
    ExQueueWorkItem(&w, DelayedWorkQueue);
    ke_flush_work();
}

static KMUTEX work_mutex;
static void NTAPI work_takes_mutex(PVOID p)
{
    (void)p;
    KeWaitForSingleObject(&work_mutex, Executive, KernelMode, FALSE, NULL);
}

static void work_returns_owning_mutex(void)
{
    WORK_QUEUE_ITEM w;
    KeInitializeMutex(&work_mutex, 0);
    ExInitializeWorkItem(&w, work_takes_mutex, NULL);
    ExQueueWorkItem(&w, DelayedWorkQueue);
    ke_flush_work();
}

static void resource_not_owned(void)
{
    static ERESOURCE r;
    ExInitializeResourceLite(&r);
    KeEnterCriticalRegion();
    ExReleaseResourceLite(&r);
}

static void device_queue_not_busy(void)
{
    KDEVICE_QUEUE q;
    KeInitializeDeviceQueue(&q);
    KeRaiseIrqlToDpcLevel();
    KeRemoveDeviceQueue(&q);
}

static void device_queue_at_passive(void)
{
    KDEVICE_QUEUE q;
    KDEVICE_QUEUE_ENTRY e;
    KeInitializeDeviceQueue(&q);
    KeInsertDeviceQueue(&q, &e);
}

static void driver_misuse(void)
{
    void *m = dlopen(DDK_TEST_DRIVER_DIR "/irqlmisuse_drv.so", RTLD_NOW | RTLD_LOCAL);
    if (!m)
        _exit(0);
    const struct ddk_driver_info *info = dlsym(m, DDK_DRIVER_INFO_SYMBOL);
    if (!info)
        _exit(0);
    info->driver_entry(NULL, NULL);
}

static void test_report_names_the_driver(void **state)
{
    (void)state;
    expect_bugcheck_text(IRQL_NOT_LESS_OR_EQUAL, "\"driver\": \"irqlmisuse_drv\"",
                         driver_misuse);
}

#define CASE(name, code) \
    static void test_##name(void **state) { (void)state; expect_bugcheck(code, name); }

CASE(raise_to_lower, IRQL_NOT_GREATER_OR_EQUAL)
CASE(lower_to_higher, IRQL_NOT_LESS_OR_EQUAL)
CASE(spin_recursion, SPIN_LOCK_ALREADY_OWNED)
CASE(spin_release_free, SPIN_LOCK_NOT_OWNED)
CASE(spin_release_other_owner, SPIN_LOCK_NOT_OWNED)
CASE(spin_at_dpc_from_passive, IRQL_NOT_GREATER_OR_EQUAL)
CASE(spin_release_at_passive, IRQL_NOT_GREATER_OR_EQUAL)
CASE(spin_above_dispatch, IRQL_NOT_LESS_OR_EQUAL)
CASE(wait_at_dispatch, IRQL_NOT_LESS_OR_EQUAL)
CASE(paged_code_at_dispatch, IRQL_NOT_LESS_OR_EQUAL)
CASE(internal_irql_check, IRQL_NOT_LESS_OR_EQUAL)
CASE(mutex_not_owner, THREAD_NOT_MUTEX_OWNER)
CASE(semaphore_limit, KMODE_EXCEPTION_NOT_HANDLED)
CASE(fast_mutex_recursion, MUTEX_ALREADY_OWNED)
CASE(fast_mutex_not_owner, THREAD_NOT_MUTEX_OWNER)
CASE(too_many_objects, MAXIMUM_WAIT_OBJECTS_EXCEEDED)
CASE(leave_critical_unbalanced, APC_INDEX_MISMATCH)
CASE(system_thread_exits_in_region, KERNEL_APC_PENDING_DURING_EXIT)
CASE(dpc_returns_at_wrong_irql, IRQL_UNEXPECTED_VALUE)
CASE(wait_in_dpc, ATTEMPTED_SWITCH_FROM_DPC)
CASE(work_returns_at_dispatch, WORKER_THREAD_RETURNED_AT_BAD_IRQL)
CASE(work_returns_owning_mutex, SYSTEM_EXIT_OWNED_MUTEX)
CASE(resource_not_owned, RESOURCE_NOT_OWNED)
CASE(device_queue_not_busy, 0x2 /* DEVICE_QUEUE_NOT_BUSY */)
CASE(device_queue_at_passive, IRQL_NOT_GREATER_OR_EQUAL)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raise_to_lower),
        cmocka_unit_test(test_lower_to_higher),
        cmocka_unit_test(test_spin_recursion),
        cmocka_unit_test(test_spin_release_free),
        cmocka_unit_test(test_spin_release_other_owner),
        cmocka_unit_test(test_spin_at_dpc_from_passive),
        cmocka_unit_test(test_spin_release_at_passive),
        cmocka_unit_test(test_spin_above_dispatch),
        cmocka_unit_test(test_wait_at_dispatch),
        cmocka_unit_test(test_paged_code_at_dispatch),
        cmocka_unit_test(test_internal_irql_check),
        cmocka_unit_test(test_mutex_not_owner),
        cmocka_unit_test(test_semaphore_limit),
        cmocka_unit_test(test_fast_mutex_recursion),
        cmocka_unit_test(test_fast_mutex_not_owner),
        cmocka_unit_test(test_too_many_objects),
        cmocka_unit_test(test_leave_critical_unbalanced),
        cmocka_unit_test(test_system_thread_exits_in_region),
        cmocka_unit_test(test_dpc_returns_at_wrong_irql),
        cmocka_unit_test(test_wait_in_dpc),
        cmocka_unit_test(test_work_returns_at_dispatch),
        cmocka_unit_test(test_work_returns_owning_mutex),
        cmocka_unit_test(test_resource_not_owned),
        cmocka_unit_test(test_report_names_the_driver),
        cmocka_unit_test(test_device_queue_not_busy),
        cmocka_unit_test(test_device_queue_at_passive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
