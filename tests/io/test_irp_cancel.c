/*
 * test_irp_cancel.c - cancellation: IoCancelIrp and the cancel spin lock,
 * the cancel-safe queue (IoCsq*), and a race of cancellation against
 * completion over 100,000 IRPs from several threads in which every IRP
 * must complete exactly once.
 */
#include "io_test.h"
#include <pthread.h>
#include <sched.h>

/* ---- a cancel-safe queue, the way a driver writes one -------------------- */

struct test_queue {
    IO_CSQ csq;              /* first: the callbacks get &csq */
    KSPIN_LOCK lock;
    LIST_ENTRY head;         /* IRPs via Tail.Overlay.ListEntry; lock */
    volatile LONG cancelled; /* CompleteCanceledIrp calls */
    BOOLEAN refuse;          /* InsertIrpEx fails */
};

static void NTAPI q_insert(PIO_CSQ csq, PIRP irp)
{
    struct test_queue *q = CONTAINING_RECORD(csq, struct test_queue, csq);
    InsertTailList(&q->head, &irp->Tail.Overlay.ListEntry);
}

static NTSTATUS NTAPI q_insert_ex(PIO_CSQ csq, PIRP irp, PVOID ctx)
{
    struct test_queue *q = CONTAINING_RECORD(csq, struct test_queue, csq);
    if (q->refuse)
        return STATUS_DEVICE_BUSY;
    if (ctx)
        InsertHeadList(&q->head, &irp->Tail.Overlay.ListEntry);
    else
        InsertTailList(&q->head, &irp->Tail.Overlay.ListEntry);
    return STATUS_SUCCESS;
}

static void NTAPI q_remove(PIO_CSQ csq, PIRP irp)
{
    (void)csq;
    RemoveEntryList(&irp->Tail.Overlay.ListEntry);
}

/* PeekContext, when set, is the major function wanted. */
static PIRP NTAPI q_peek(PIO_CSQ csq, PIRP irp, PVOID peek)
{
    struct test_queue *q = CONTAINING_RECORD(csq, struct test_queue, csq);
    PLIST_ENTRY e = irp ? irp->Tail.Overlay.ListEntry.Flink : q->head.Flink;
    for (; e != &q->head; e = e->Flink) {
        PIRP i = CONTAINING_RECORD(e, IRP, Tail.Overlay.ListEntry);
        if (!peek || IoGetCurrentIrpStackLocation(i)->MajorFunction == (UCHAR)(ULONG_PTR)peek)
            return i;
    }
    return NULL;
}

static void NTAPI q_acquire(PIO_CSQ csq, PKIRQL irql)
{
    struct test_queue *q = CONTAINING_RECORD(csq, struct test_queue, csq);
    KeAcquireSpinLock(&q->lock, irql);
}

static void NTAPI q_release(PIO_CSQ csq, KIRQL irql)
{
    struct test_queue *q = CONTAINING_RECORD(csq, struct test_queue, csq);
    KeReleaseSpinLock(&q->lock, irql);
}

static void NTAPI q_complete_canceled(PIO_CSQ csq, PIRP irp)
{
    struct test_queue *q = CONTAINING_RECORD(csq, struct test_queue, csq);
    __atomic_add_fetch(&q->cancelled, 1, __ATOMIC_RELAXED);
    irp->IoStatus.Status = STATUS_CANCELLED;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

static struct test_queue queue;
static struct test_dev qdev;

static void queue_init(BOOLEAN ex)
{
    memset(&queue, 0, sizeof(queue));
    KeInitializeSpinLock(&queue.lock);
    InitializeListHead(&queue.head);
    NTSTATUS st = ex ? IoCsqInitializeEx(&queue.csq, q_insert_ex, q_remove, q_peek, q_acquire,
                                         q_release, q_complete_canceled)
                     : IoCsqInitialize(&queue.csq, q_insert, q_remove, q_peek, q_acquire,
                                       q_release, q_complete_canceled);
    assert_int_equal(st, STATUS_SUCCESS);
    assert_int_equal(queue.csq.Type, ex ? IO_TYPE_CSQ_EX : IO_TYPE_CSQ);
}

static NTSTATUS NTAPI queue_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    IoCsqInsertIrp(&queue.csq, irp, NULL);
    return STATUS_PENDING;
}

/* Per-IRP completion count, kept by the originator's completion routine. */
static NTSTATUS NTAPI count_completion(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    (void)d; (void)irp;
    __atomic_add_fetch((volatile LONG *)ctx, 1, __ATOMIC_RELAXED);
    return STATUS_CONTINUE_COMPLETION;
}

static PIRP new_irp(UCHAR major, volatile LONG *counter)
{
    PIRP irp = IoAllocateIrp(1, FALSE);
    assert_non_null(irp);
    IoGetNextIrpStackLocation(irp)->MajorFunction = major;
    IoSetCompletionRoutine(irp, count_completion, (PVOID)counter, TRUE, TRUE, TRUE);
    return irp;
}

static int list_length(void)
{
    int n = 0;
    for (PLIST_ENTRY e = queue.head.Flink; e != &queue.head; e = e->Flink)
        n++;
    return n;
}

/* ---- IoCancelIrp, legacy cancel routines ------------------------------------ */

static PDEVICE_OBJECT cancel_seen_dev;
static KIRQL cancel_seen_irql;
static int cancel_calls;

static void NTAPI legacy_cancel(PDEVICE_OBJECT d, PIRP irp)
{
    cancel_seen_dev = d;
    cancel_seen_irql = KeGetCurrentIrql();
    cancel_calls++;
    assert_true(irp->Cancel);
    assert_null(irp->CancelRoutine);
    IoReleaseCancelSpinLock(irp->CancelIrql);
    irp->IoStatus.Status = STATUS_CANCELLED;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

static NTSTATUS NTAPI legacy_dispatch(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    IoMarkIrpPending(irp);
    IoSetCancelRoutine(irp, legacy_cancel);
    return STATUS_PENDING;
}

static void test_cancel_irp(void **state)
{
    (void)state;
    volatile LONG count = 0;
    struct test_dev ldev;
    test_dev_init(&ldev, 0, 1, legacy_dispatch);

    /* no cancel routine: FALSE, but Cancel is set */
    PIRP irp = new_irp(IRP_MJ_READ, &count);
    assert_false(IoCancelIrp(irp));
    assert_true(irp->Cancel);
    IoFreeIrp(irp);

    irp = new_irp(IRP_MJ_READ, &count);
    assert_int_equal(IoCallDriver(&ldev.dev, irp), STATUS_PENDING);
    cancel_calls = 0;
    assert_true(IoCancelIrp(irp));
    assert_int_equal(cancel_calls, 1);
    assert_ptr_equal(cancel_seen_dev, &ldev.dev);
    assert_int_equal(cancel_seen_irql, DISPATCH_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_int_equal(count, 1);
    assert_int_equal(irp->IoStatus.Status, STATUS_CANCELLED);
    /* a second cancel finds no routine */
    assert_false(IoCancelIrp(irp));
    assert_int_equal(cancel_calls, 1);
    IoFreeIrp(irp);
}

static int on_cancel_calls;
static NTSTATUS NTAPI on_cancel_only(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    (void)d; (void)ctx;
    assert_true(irp->Cancel);
    on_cancel_calls++;
    return STATUS_CONTINUE_COMPLETION;
}

static void test_invoke_on_cancel(void **state)
{
    (void)state;
    struct test_dev ldev;
    test_dev_init(&ldev, 0, 1, legacy_dispatch);
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_READ;
    /* only on cancel: the cancelled (error) completion still reaches it */
    IoSetCompletionRoutine(irp, on_cancel_only, NULL, FALSE, FALSE, TRUE);
    on_cancel_calls = 0;
    IoCallDriver(&ldev.dev, irp);
    IoCancelIrp(irp);
    assert_int_equal(on_cancel_calls, 1);
    IoFreeIrp(irp);
}

/* ---- the cancel-safe queue ------------------------------------------------ */

static void test_csq_basic(void **state)
{
    (void)state;
    volatile LONG c[4] = { 0 };
    IO_CSQ_IRP_CONTEXT ctx;
    PIRP irps[4];

    queue_init(FALSE);
    test_dev_init(&qdev, 0, 1, queue_dispatch);
    for (int i = 0; i < 4; i++)
        irps[i] = new_irp(i == 2 ? IRP_MJ_WRITE : IRP_MJ_READ, &c[i]);

    /* insert with a context, then take it back by that context */
    IoSetNextIrpStackLocation(irps[0]);
    IoCsqInsertIrp(&queue.csq, irps[0], &ctx);
    assert_true(IoGetCurrentIrpStackLocation(irps[0])->Control & SL_PENDING_RETURNED);
    assert_non_null(irps[0]->CancelRoutine);
    assert_ptr_equal(IoCsqRemoveIrp(&queue.csq, &ctx), irps[0]);
    assert_null(irps[0]->CancelRoutine);
    assert_null(IoCsqRemoveIrp(&queue.csq, &ctx));     /* already taken */
    assert_int_equal(list_length(), 0);
    IoSkipCurrentIrpStackLocation(irps[0]);

    /* three through the device; take the WRITE by peek context */
    for (int i = 1; i < 4; i++)
        assert_int_equal(IoCallDriver(&qdev.dev, irps[i]), STATUS_PENDING);
    assert_int_equal(list_length(), 3);
    PIRP w = IoCsqRemoveNextIrp(&queue.csq, (PVOID)(ULONG_PTR)IRP_MJ_WRITE);
    assert_ptr_equal(w, irps[2]);
    assert_null(IoCsqRemoveNextIrp(&queue.csq, (PVOID)(ULONG_PTR)IRP_MJ_WRITE));

    /* cancel a queued one: the queue's CompleteCanceledIrp completes it */
    assert_true(IoCancelIrp(irps[1]));
    assert_int_equal(queue.cancelled, 1);
    assert_int_equal(c[1], 1);
    assert_int_equal(irps[1]->IoStatus.Status, STATUS_CANCELLED);
    assert_int_equal(list_length(), 1);
    assert_ptr_equal(IoCsqRemoveNextIrp(&queue.csq, NULL), irps[3]);
    assert_null(IoCsqRemoveNextIrp(&queue.csq, NULL));

    for (int i = 2; i < 4; i += 1) {
        irps[i]->IoStatus.Status = STATUS_SUCCESS;
        IoCompleteRequest(irps[i], IO_NO_INCREMENT);
        assert_int_equal(c[i], 1);
    }
    for (int i = 0; i < 4; i++)
        IoFreeIrp(irps[i]);
}

static void test_csq_insert_cancelled_and_ex(void **state)
{
    (void)state;
    volatile LONG c = 0;
    queue_init(TRUE);
    test_dev_init(&qdev, 0, 1, queue_dispatch);

    /* an IRP cancelled before it is queued is completed at insert */
    PIRP irp = new_irp(IRP_MJ_READ, &c);
    IoCancelIrp(irp);
    IoSetNextIrpStackLocation(irp);
    assert_int_equal(IoCsqInsertIrpEx(&queue.csq, irp, NULL, NULL), STATUS_SUCCESS);
    assert_int_equal(queue.cancelled, 1);
    assert_int_equal(c, 1);
    assert_int_equal(list_length(), 0);
    IoFreeIrp(irp);

    /* InsertIrpEx refusing: status returned, nothing queued, no routine */
    irp = new_irp(IRP_MJ_READ, &c);
    IoSetNextIrpStackLocation(irp);
    queue.refuse = TRUE;
    assert_int_equal(IoCsqInsertIrpEx(&queue.csq, irp, NULL, NULL), STATUS_DEVICE_BUSY);
    assert_null(irp->CancelRoutine);
    assert_int_equal(list_length(), 0);
    queue.refuse = FALSE;

    /* the insert context reaches InsertIrpEx (non-NULL = at the head) */
    PIRP irp2 = new_irp(IRP_MJ_READ, &c);
    IoSetNextIrpStackLocation(irp2);
    IoCsqInsertIrpEx(&queue.csq, irp2, NULL, NULL);
    IoCsqInsertIrpEx(&queue.csq, irp, NULL, (PVOID)1);
    assert_ptr_equal(IoCsqRemoveNextIrp(&queue.csq, NULL), irp);
    assert_ptr_equal(IoCsqRemoveNextIrp(&queue.csq, NULL), irp2);
    IoFreeIrp(irp);
    IoFreeIrp(irp2);
}

/* ---- the race ------------------------------------------------------------- */

#define RACE_ROUNDS 10
#define RACE_BATCH  10000
static PIRP race_irps[RACE_BATCH];
static volatile LONG race_count[RACE_BATCH];
static volatile LONG race_submitted, race_done, race_succeeded;
static pthread_barrier_t race_start;   /* all five threads run together */

static void *race_submitter(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&race_start);
    for (int i = 0; i < RACE_BATCH; i++) {
        IoCallDriver(&qdev.dev, race_irps[i]);
        __atomic_store_n(&race_submitted, i + 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

static void *race_completer(void *arg)
{
    (void)arg;
    unsigned iter = 0;
    pthread_barrier_wait(&race_start);
    /* let a queue build up for the cancellers to race against */
    while (__atomic_load_n(&race_submitted, __ATOMIC_ACQUIRE) < RACE_BATCH / 2)
        ;
    while (__atomic_load_n(&race_done, __ATOMIC_ACQUIRE) < RACE_BATCH) {
        /* a little work per request, so that a queue builds up for the
         * cancellers to race against */
        for (volatile int k = 0; k < 100; k++)
            ;
        if ((++iter & 63) == 0)
            sched_yield();      /* two cores, five threads: let cancellers run */
        PIRP irp = IoCsqRemoveNextIrp(&queue.csq, NULL);
        if (!irp)
            continue;
        irp->IoStatus.Status = STATUS_SUCCESS;
        __atomic_add_fetch(&race_succeeded, 1, __ATOMIC_RELAXED);
        IoCompleteRequest(irp, IO_NO_INCREMENT);
    }
    return NULL;
}

static void *race_canceller(void *arg)
{
    unsigned seed = (unsigned)(ULONG_PTR)arg;
    pthread_barrier_wait(&race_start);
    while (__atomic_load_n(&race_done, __ATOMIC_ACQUIRE) < RACE_BATCH) {
        LONG n = __atomic_load_n(&race_submitted, __ATOMIC_ACQUIRE);
        if (!n)
            continue;
        /* half anywhere in the queue, half right where the completers
         * are taking IRPs out (the same IRP raced from both sides) */
        unsigned r = rand_r(&seed);
        LONG i = (r & 1) ? (LONG)(r % (unsigned)n)
                         : __atomic_load_n(&race_done, __ATOMIC_RELAXED) + (LONG)(r % 16);
        if (i < n)
            IoCancelIrp(race_irps[i]);
    }
    return NULL;
}

static NTSTATUS NTAPI race_completion(PDEVICE_OBJECT d, PIRP irp, PVOID ctx)
{
    (void)d; (void)irp;
    __atomic_add_fetch((volatile LONG *)ctx, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&race_done, 1, __ATOMIC_RELEASE);
    return STATUS_CONTINUE_COMPLETION;
}

static void test_cancel_completion_race(void **state)
{
    (void)state;
    pthread_t th[5];
    LONG total_cancelled = 0, total_succeeded = 0;

    queue_init(FALSE);
    test_dev_init(&qdev, 0, 1, queue_dispatch);
    for (int i = 0; i < RACE_BATCH; i++) {
        race_irps[i] = IoAllocateIrp(1, FALSE);
        assert_non_null(race_irps[i]);
    }
    for (int round = 0; round < RACE_ROUNDS; round++) {
        for (int i = 0; i < RACE_BATCH; i++) {
            if (round)
                IoReuseIrp(race_irps[i], STATUS_SUCCESS);
            race_count[i] = 0;
            IoGetNextIrpStackLocation(race_irps[i])->MajorFunction = IRP_MJ_READ;
            IoSetCompletionRoutine(race_irps[i], race_completion, (PVOID)&race_count[i], TRUE,
                                   TRUE, TRUE);
        }
        race_submitted = race_done = race_succeeded = 0;
        queue.cancelled = 0;
        pthread_barrier_init(&race_start, NULL, 5);
        pthread_create(&th[0], NULL, race_submitter, NULL);
        pthread_create(&th[1], NULL, race_completer, NULL);
        pthread_create(&th[2], NULL, race_completer, NULL);
        pthread_create(&th[3], NULL, race_canceller, (void *)(ULONG_PTR)(round * 2 + 1));
        pthread_create(&th[4], NULL, race_canceller, (void *)(ULONG_PTR)(round * 2 + 2));
        for (int t = 0; t < 5; t++)
            pthread_join(th[t], NULL);
        pthread_barrier_destroy(&race_start);
        for (int i = 0; i < RACE_BATCH; i++)
            if (race_count[i] != 1)
                fail_msg("round %d: IRP %d completed %d times", round, i, (int)race_count[i]);
        assert_int_equal(race_succeeded + queue.cancelled, RACE_BATCH);
        assert_int_equal(list_length(), 0);
        total_cancelled += queue.cancelled;
        total_succeeded += race_succeeded;
    }
    print_message("race: %d IRPs, %ld cancelled, %ld completed normally\n",
                  RACE_ROUNDS * RACE_BATCH, (long)total_cancelled, (long)total_succeeded);
    /* both outcomes occurred, or the race tested nothing */
    assert_true(total_cancelled > 0);
    assert_true(total_succeeded > 0);
    for (int i = 0; i < RACE_BATCH; i++)
        IoFreeIrp(race_irps[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cancel_irp),
        cmocka_unit_test(test_invoke_on_cancel),
        cmocka_unit_test(test_csq_basic),
        cmocka_unit_test(test_csq_insert_cancelled_and_ex),
        cmocka_unit_test(test_cancel_completion_race),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
