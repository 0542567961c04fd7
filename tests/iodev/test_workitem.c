/*
 * test_workitem.c - IO_WORKITEMs: they run at PASSIVE_LEVEL on a worker,
 * keep their device object alive while queued, may free or requeue
 * themselves, and misuse is a bug check.
 */
#include "recdrv.h"
#include "ob/ob.h"

static PDRIVER_OBJECT drv;

static int setup(void **state)
{
    (void)state;
    if (!drv)
        drv = rec_driver(L"IodevWiTest");
    return 0;
}

struct wi_ctx {
    KEVENT go;            /* the routine waits for it */
    KEVENT done;
    int runs;
    KIRQL irql;
    pthread_t thread;
    PVOID object;
    PIO_WORKITEM item;
    int requeue;
    int free_self;
};

static VOID NTAPI wi_routine(PDEVICE_OBJECT dev, PVOID context)
{
    struct wi_ctx *c = context;

    KeWaitForSingleObject(&c->go, Executive, KernelMode, FALSE, NULL);
    c->runs++;
    c->irql = KeGetCurrentIrql();
    c->thread = pthread_self();
    c->object = dev;
    if (c->requeue > 0) {
        c->requeue--;
        IoQueueWorkItem(c->item, wi_routine, DelayedWorkQueue, c);
        return;
    }
    if (c->free_self)
        IoFreeWorkItem(c->item);
    KeSetEvent(&c->done, IO_NO_INCREMENT, FALSE);
}

static VOID NTAPI wi_routine_ex(PVOID obj, PVOID context, PIO_WORKITEM item)
{
    struct wi_ctx *c = context;

    c->runs++;
    c->object = obj;
    c->irql = KeGetCurrentIrql();
    assert_ptr_equal(item, c->item);
    KeSetEvent(&c->done, IO_NO_INCREMENT, FALSE);
}

static void ctx_init(struct wi_ctx *c)
{
    memset(c, 0, sizeof(*c));
    KeInitializeEvent(&c->go, NotificationEvent, FALSE);
    KeInitializeEvent(&c->done, NotificationEvent, FALSE);
}

static void test_queue_runs_on_worker(void **state)
{
    PDEVICE_OBJECT d = rec_device(drv, NULL, 0, 0, FALSE);
    struct wi_ctx c;
    LARGE_INTEGER timeout = { .QuadPart = -5 * 10000000LL };

    (void)state;
    ctx_init(&c);
    c.item = IoAllocateWorkItem(d);
    assert_non_null(c.item);
    IoQueueWorkItem(c.item, wi_routine, DelayedWorkQueue, &c);
    KeSetEvent(&c.go, IO_NO_INCREMENT, FALSE);
    assert_int_equal(KeWaitForSingleObject(&c.done, Executive, KernelMode, FALSE, &timeout),
                     STATUS_SUCCESS);
    assert_int_equal(c.runs, 1);
    assert_int_equal(c.irql, PASSIVE_LEVEL);
    assert_ptr_equal(c.object, d);
    assert_false(pthread_equal(c.thread, pthread_self()));
    IoFreeWorkItem(c.item);
    IoDeleteDevice(d);
}

static void test_reference_held_while_queued(void **state)
{
    PDEVICE_OBJECT d = rec_device(drv, NULL, 32, 0, FALSE);
    struct wi_ctx c;
    LONG_PTR before;
    LARGE_INTEGER timeout = { .QuadPart = -5 * 10000000LL };

    (void)state;
    ctx_init(&c);
    c.item = IoAllocateWorkItem(d);
    c.free_self = 1;
    before = ob_pointer_count(d);
    IoQueueWorkItem(c.item, wi_routine, DelayedWorkQueue, &c);
    assert_int_equal(ob_pointer_count(d), before + 1);
    /* The driver deletes its device while the item waits: the object
     * must outlive the routine. */
    ObReferenceObject(d);
    IoDeleteDevice(d);
    assert_int_equal(ob_pointer_count(d), 2);   /* ours + the work item's */
    KeSetEvent(&c.go, IO_NO_INCREMENT, FALSE);
    assert_int_equal(KeWaitForSingleObject(&c.done, Executive, KernelMode, FALSE, &timeout),
                     STATUS_SUCCESS);
    /* The item's reference goes right after the routine returns. */
    for (int i = 0; i < 200 && ob_pointer_count(d) != 1; i++)
        usleep(5000);
    assert_int_equal(ob_pointer_count(d), 1);
    ObDereferenceObject(d);
}

static void test_requeue_and_ex(void **state)
{
    PDEVICE_OBJECT d = rec_device(drv, NULL, 0, 0, FALSE);
    struct wi_ctx c;
    LARGE_INTEGER timeout = { .QuadPart = -5 * 10000000LL };
    PIO_WORKITEM item;

    (void)state;
    ctx_init(&c);
    c.item = IoAllocateWorkItem(d);
    c.requeue = 3;
    KeSetEvent(&c.go, IO_NO_INCREMENT, FALSE);
    IoQueueWorkItem(c.item, wi_routine, CriticalWorkQueue, &c);
    assert_int_equal(KeWaitForSingleObject(&c.done, Executive, KernelMode, FALSE, &timeout),
                     STATUS_SUCCESS);
    assert_int_equal(c.runs, 4);
    IoFreeWorkItem(c.item);

    /* Caller-allocated storage, on a driver object. */
    assert_true(IoSizeofWorkItem() >= sizeof(WORK_QUEUE_ITEM));
    item = ExAllocatePool2(POOL_FLAG_NON_PAGED, IoSizeofWorkItem(), 'tWoI');
    IoInitializeWorkItem(drv, item);
    ctx_init(&c);
    c.item = item;
    IoQueueWorkItemEx(item, wi_routine_ex, DelayedWorkQueue, &c);
    assert_int_equal(KeWaitForSingleObject(&c.done, Executive, KernelMode, FALSE, &timeout),
                     STATUS_SUCCESS);
    assert_int_equal(c.runs, 1);
    assert_ptr_equal(c.object, drv);
    assert_int_equal(c.irql, PASSIVE_LEVEL);
    IoUninitializeWorkItem(item);
    ExFreePoolWithTag(item, 'tWoI');
    IoDeleteDevice(d);
}

/* Queuing an item that is not (or no longer) initialized is caught every
 * time. (Queuing one twice is caught too, but only while the first run has
 * not started yet, which a test cannot pin down.) */
static void test_uninitialized_queue_bugchecks(void **state)
{
    pid_t pid;
    int status;

    (void)state;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        PDEVICE_OBJECT d = rec_device(drv, NULL, 0, 0, FALSE);
        PIO_WORKITEM item = ExAllocatePool2(POOL_FLAG_NON_PAGED, IoSizeofWorkItem(), 'tWoI');
        struct wi_ctx c;
        ctx_init(&c);
        IoInitializeWorkItem(d, item);
        IoUninitializeWorkItem(item);
        IoQueueWorkItem(item, wi_routine, DelayedWorkQueue, &c);   /* misuse */
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    {
        char cmd[512];
        snprintf(cmd, sizeof(cmd), "grep -l -r '0x000000E4' %s/crash >/dev/null 2>&1", iot_root);
        assert_int_equal(system(cmd), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_queue_runs_on_worker, setup),
        cmocka_unit_test_setup(test_reference_held_while_queued, setup),
        cmocka_unit_test_setup(test_requeue_and_ex, setup),
        cmocka_unit_test_setup(test_uninitialized_queue_bugchecks, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
