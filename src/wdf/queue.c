/*
 * wdf/queue.c - WDFQUEUE: I/O queues, their state machine and request
 * presentation (the design is in fxio.h).
 *
 * What must hold:
 *  - a request is in exactly one place: a queue's CSQ (pending), a
 *    queue's owned list (with the driver), an I/O target, or nowhere
 *    (new, in EvtIoInCallerContext, completed);
 *  - a sequential queue has at most one presented request outstanding, a
 *    parallel one at most NumberOfPresentedRequests;
 *  - q->lock is never held across a driver callback or an IRP completion;
 *  - every request that belongs to a queue holds a reference on it, so a
 *    deleted queue lives until its last request is done.
 */
#include "wdf/fxio.h"
#include "ke/ke.h"

#include <string.h>

/* The queue this thread is presenting from (innermost), see fxio.h. */
static __thread struct fx_queue *fx_presenting;

static void fx_queue_present(struct fx_queue *q);
static void fx_queue_check_op(struct fx_queue *q);

static inline struct fx_queue *fx_queue_of_csq(PIO_CSQ csq)
{
    return CONTAINING_RECORD(csq, struct fx_queue, csq);
}

static inline struct fx_request *fx_req_of_irp(PIRP irp)
{
    return irp->Tail.Overlay.DriverContext[0];
}

/* ---- per-device state -------------------------------------------------- */

struct fx_io_device *fx_io_device_get(struct fx_device *dev)
{
    struct fx_io_device *io = __atomic_load_n((struct fx_io_device **)&dev->io, __ATOMIC_ACQUIRE);
    if (io)
        return io;
    struct fx_io_device *n = fx_alloc(dev->obj.globals, sizeof(*n));
    if (!n)
        return NULL;
    memset(n, 0, sizeof(*n));
    n->device = dev;
    KeInitializeSpinLock(&n->lock);
    InitializeListHead(&n->queues);
    InitializeListHead(&n->files);
    void *expected = NULL;
    if (!__atomic_compare_exchange_n(&dev->io, &expected, n, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        fx_free(n);
        return expected;
    }
    return n;
}

void fx_io_device_deleting(struct fx_device *dev)
{
    struct fx_io_device *io = dev->io;
    if (!io)
        return;
    /* Queues and file objects are children of the device: gone by now. */
    dev->io = NULL;
    fx_free(io);
}

/* ---- the cancel-safe queue callbacks (q->lock held) --------------------- */

static NTSTATUS NTAPI fx_csq_insert(PIO_CSQ csq, PIRP irp, PVOID front)
{
    struct fx_queue *q = fx_queue_of_csq(csq);
    struct fx_request *r = fx_req_of_irp(irp);
    if (!q->accepting || q->deleting)
        return STATUS_WDF_BUSY;
    if (front)
        InsertHeadList(&q->pending, &r->link);
    else
        InsertTailList(&q->pending, &r->link);
    q->pending_count++;
    r->state = FX_REQ_QUEUED;
    return STATUS_SUCCESS;
}

static VOID NTAPI fx_csq_remove(PIO_CSQ csq, PIRP irp)
{
    struct fx_queue *q = fx_queue_of_csq(csq);
    struct fx_request *r = fx_req_of_irp(irp);
    RemoveEntryList(&r->link);
    InitializeListHead(&r->link);
    q->pending_count--;
    r->state = FX_REQ_NEW;
}

/* PeekContext: NULL for any request, else the fx_fileobject to match. */
static PIRP NTAPI fx_csq_peek(PIO_CSQ csq, PIRP irp, PVOID peek)
{
    struct fx_queue *q = fx_queue_of_csq(csq);
    PLIST_ENTRY e = irp ? fx_req_of_irp(irp)->link.Flink : q->pending.Flink;
    for (; e != &q->pending; e = e->Flink) {
        struct fx_request *r = CONTAINING_RECORD(e, struct fx_request, link);
        if (!peek || r->file == peek)
            return r->irp;
    }
    return NULL;
}

static VOID NTAPI fx_csq_acquire(PIO_CSQ csq, PKIRQL irql)
{
    KeAcquireSpinLock(&fx_queue_of_csq(csq)->lock, irql);
}

static VOID NTAPI fx_csq_release(PIO_CSQ csq, KIRQL irql)
{
    KeReleaseSpinLock(&fx_queue_of_csq(csq)->lock, irql);
}

/* Gives a request to the driver: on the owned list, counted. */
static void fx_queue_own(struct fx_queue *q, struct fx_request *r, bool presented)
{
    KIRQL irql;
    KeAcquireSpinLock(&q->lock, &irql);
    r->state = FX_REQ_DRIVER;
    r->presented = presented;
    InsertTailList(&q->owned, &r->link);
    q->owned_count++;
    KeReleaseSpinLock(&q->lock, irql);
}

static void fx_queue_call(struct fx_queue *q, void (*fn)(struct fx_queue *, struct fx_request *, void *),
                          struct fx_request *r, void *arg)
{
    struct fx_queue *prev = fx_presenting;
    fx_presenting = q;
    if (q->sync_lock)
        fx_sync_lock_acquire(q->sync_lock);
    fn(q, r, arg);
    if (q->sync_lock)
        fx_sync_lock_release(q->sync_lock);
    fx_presenting = prev;
}

static void fx_call_canceled(struct fx_queue *q, struct fx_request *r, void *arg)
{
    (void)arg;
    q->config.EvtIoCanceledOnQueue((WDFQUEUE)fx_to_handle(&q->obj),
                                   (WDFREQUEST)fx_to_handle(&r->obj));
}

/* A queued request was cancelled (IRP cancel or purge): the driver gets
 * it through EvtIoCanceledOnQueue, or it is completed here. */
static VOID NTAPI fx_csq_complete_canceled(PIO_CSQ csq, PIRP irp)
{
    struct fx_queue *q = fx_queue_of_csq(csq);
    struct fx_request *r = fx_req_of_irp(irp);
    fx_object_get(&q->obj);
    if (q->config.EvtIoCanceledOnQueue && !q->deleting) {
        fx_queue_own(q, r, false);
        fx_queue_call(q, fx_call_canceled, r, NULL);
    } else {
        fx_request_complete(r, STATUS_CANCELLED, 0, IO_NO_INCREMENT);
    }
    fx_queue_check_op(q);
    fx_object_put(&q->obj);
}

/* ---- insertion, presentation, accounting ------------------------------ */

NTSTATUS fx_queue_insert(struct fx_queue *q, struct fx_request *r, bool front)
{
    bool notify = false;
    PFN_WDF_IO_QUEUE_STATE ready = NULL;
    WDFCONTEXT ready_ctx = NULL;
    KIRQL irql;

    if (r->queue != q) {
        fx_object_get(&q->obj);          /* the request's reference on its queue */
        if (r->queue)
            fx_object_put(&r->queue->obj);
        r->queue = q;
    }
    KeAcquireSpinLock(&q->lock, &irql);
    bool was_empty = q->pending_count == 0;
    KeReleaseSpinLock(&q->lock, irql);

    NTSTATUS st = IoCsqInsertIrpEx(&q->csq, r->irp, &r->csq_ctx, front ? (PVOID)1 : NULL);
    if (!NT_SUCCESS(st))
        return st;

    KeAcquireSpinLock(&q->lock, &irql);
    if (was_empty && q->ready_cb && q->pending_count > 0) {
        notify = true;
        ready = q->ready_cb;
        ready_ctx = q->ready_ctx;
    }
    KeReleaseSpinLock(&q->lock, irql);
    if (notify)
        ready((WDFQUEUE)fx_to_handle(&q->obj), ready_ctx);
    fx_queue_present(q);
    return STATUS_SUCCESS;
}

static VOID NTAPI fx_queue_work(PVOID ctx)
{
    struct fx_queue *q = ctx;
    KIRQL irql;
    KeAcquireSpinLock(&q->lock, &irql);
    q->work_queued = false;
    KeReleaseSpinLock(&q->lock, irql);
    fx_queue_present(q);
    fx_object_put(&q->obj);
}

/* Presents later on a worker thread (one pending at a time). */
static void fx_queue_defer(struct fx_queue *q)
{
    KIRQL irql;
    KeAcquireSpinLock(&q->lock, &irql);
    bool queue_it = !q->work_queued;
    q->work_queued = true;
    KeReleaseSpinLock(&q->lock, irql);
    if (!queue_it)
        return;
    fx_object_get(&q->obj);
    ExInitializeWorkItem(&q->work, fx_queue_work, q);
    ExQueueWorkItem(&q->work, DelayedWorkQueue);
}

void fx_queue_detach(struct fx_queue *q, struct fx_request *r)
{
    KIRQL irql;
    KeAcquireSpinLock(&q->lock, &irql);
    if (r->state == FX_REQ_DRIVER) {
        RemoveEntryList(&r->link);
        InitializeListHead(&r->link);
        q->owned_count--;
        if (r->presented)
            q->presented--;
        r->presented = false;
    }
    r->state = FX_REQ_NEW;
    if (fx_presenting == q)
        q->more = true;
    KeReleaseSpinLock(&q->lock, irql);
}

void fx_queue_kick(struct fx_queue *q)
{
    fx_queue_check_op(q);
    if (fx_presenting == q)
        return;                 /* the loop on this thread goes on (q->more) */
    /* The thread may hold the queue's presentation lock (a timer or DPC
     * synchronized with the queue): present elsewhere. */
    if (q->sync_lock || (q->obj.exec_level == WdfExecutionLevelPassive &&
                         KeGetCurrentIrql() > PASSIVE_LEVEL))
        fx_queue_defer(q);
    else
        fx_queue_present(q);
}

void fx_queue_request_done(struct fx_queue *q, struct fx_request *r)
{
    fx_queue_detach(q, r);
    fx_queue_kick(q);
}

static bool fx_queue_can_present(struct fx_queue *q)
{
    if (!q->dispatching || q->deleting || q->pending_count == 0 ||
        q->config.DispatchType == WdfIoQueueDispatchManual)
        return false;
    if (q->config.DispatchType == WdfIoQueueDispatchSequential)
        return q->presented == 0;
    return q->presented < q->config.Settings.Parallel.NumberOfPresentedRequests;
}

struct fx_present_args {
    UCHAR major;
    ULONG length_out, length_in, code;
};

static void fx_call_io(struct fx_queue *q, struct fx_request *r, void *arg)
{
    struct fx_present_args *a = arg;
    WDFQUEUE hq = (WDFQUEUE)fx_to_handle(&q->obj);
    WDFREQUEST hr = (WDFREQUEST)fx_to_handle(&r->obj);
    const WDF_IO_QUEUE_CONFIG *c = &q->config;
    switch (a->major) {
    case IRP_MJ_READ:
        if (c->EvtIoRead) {
            c->EvtIoRead(hq, hr, a->length_out);
            return;
        }
        break;
    case IRP_MJ_WRITE:
        if (c->EvtIoWrite) {
            c->EvtIoWrite(hq, hr, a->length_in);
            return;
        }
        break;
    case IRP_MJ_DEVICE_CONTROL:
        if (c->EvtIoDeviceControl) {
            c->EvtIoDeviceControl(hq, hr, a->length_out, a->length_in, a->code);
            return;
        }
        break;
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        if (c->EvtIoInternalDeviceControl) {
            c->EvtIoInternalDeviceControl(hq, hr, a->length_out, a->length_in, a->code);
            return;
        }
        break;
    }
    c->EvtIoDefault(hq, hr);
}

static bool fx_queue_has_handler(struct fx_queue *q, UCHAR major)
{
    const WDF_IO_QUEUE_CONFIG *c = &q->config;
    if (c->EvtIoDefault)
        return true;
    switch (major) {
    case IRP_MJ_READ: return c->EvtIoRead != NULL;
    case IRP_MJ_WRITE: return c->EvtIoWrite != NULL;
    case IRP_MJ_DEVICE_CONTROL: return c->EvtIoDeviceControl != NULL;
    case IRP_MJ_INTERNAL_DEVICE_CONTROL: return c->EvtIoInternalDeviceControl != NULL;
    }
    return false;
}

/* The presentation loop: takes requests out of the CSQ while the
 * dispatch type allows and hands each to its callback. */
static void fx_queue_present(struct fx_queue *q)
{
    KIRQL irql;
    if (fx_presenting == q && q->sync_lock) {
        /* Inside one of q's callbacks, holding its lock: the loop below
         * that callback goes on when it returns. */
        KeAcquireSpinLock(&q->lock, &irql);
        q->more = true;
        KeReleaseSpinLock(&q->lock, irql);
        return;
    }
    /* Without a lock, a request the driver sent to its own queue from
     * one of q's callbacks (a synchronous send to itself) is presented
     * now, nested: the caller may be waiting for it. */
    if (q->obj.exec_level == WdfExecutionLevelPassive && KeGetCurrentIrql() > PASSIVE_LEVEL) {
        fx_queue_defer(q);
        return;
    }
    fx_object_get(&q->obj);
    for (;;) {
        KeAcquireSpinLock(&q->lock, &irql);
        q->more = false;
        if (!fx_queue_can_present(q)) {
            KeReleaseSpinLock(&q->lock, irql);
            break;
        }
        q->presented++;                 /* reserve the slot before taking */
        KeReleaseSpinLock(&q->lock, irql);

        PIRP irp = IoCsqRemoveNextIrp(&q->csq, NULL);
        if (!irp) {
            KeAcquireSpinLock(&q->lock, &irql);
            q->presented--;
            bool again = q->more;
            KeReleaseSpinLock(&q->lock, irql);
            if (again)
                continue;
            break;
        }
        struct fx_request *r = fx_req_of_irp(irp);
        KeAcquireSpinLock(&q->lock, &irql);
        r->state = FX_REQ_DRIVER;
        r->presented = true;
        InsertTailList(&q->owned, &r->link);
        q->owned_count++;
        KeReleaseSpinLock(&q->lock, irql);

        PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(irp);
        struct fx_present_args a = { .major = s->MajorFunction };
        switch (a.major) {
        case IRP_MJ_READ:
            a.length_out = s->Parameters.Read.Length;
            break;
        case IRP_MJ_WRITE:
            a.length_in = s->Parameters.Write.Length;
            break;
        case IRP_MJ_DEVICE_CONTROL:
        case IRP_MJ_INTERNAL_DEVICE_CONTROL:
            a.length_out = s->Parameters.DeviceIoControl.OutputBufferLength;
            a.length_in = s->Parameters.DeviceIoControl.InputBufferLength;
            a.code = s->Parameters.DeviceIoControl.IoControlCode;
            break;
        }
        if (!fx_queue_has_handler(q, a.major)) {
            fx_request_complete(r, STATUS_INVALID_DEVICE_REQUEST, 0, IO_NO_INCREMENT);
            continue;
        }
        fx_queue_call(q, fx_call_io, r, &a);
    }
    fx_object_put(&q->obj);
    fx_queue_check_op(q);
}

/* ---- state operations ------------------------------------------------- */

/* Finishes a stop/purge/drain whose condition now holds. */
static void fx_queue_check_op(struct fx_queue *q)
{
    KIRQL irql;
    PFN_WDF_IO_QUEUE_STATE cb = NULL;
    WDFCONTEXT ctx = NULL;
    bool done = false;
    KeAcquireSpinLock(&q->lock, &irql);
    switch (q->op) {
    case FX_QOP_STOP:
        done = q->owned_count == 0;
        break;
    case FX_QOP_PURGE:
    case FX_QOP_DRAIN:
        done = q->owned_count == 0 && q->pending_count == 0;
        break;
    case FX_QOP_NONE:
        break;
    }
    if (done) {
        cb = q->op_cb;
        ctx = q->op_ctx;
        q->op = FX_QOP_NONE;
        q->op_cb = NULL;
    }
    KeReleaseSpinLock(&q->lock, irql);
    if (done) {
        KeSetEvent(&q->op_done, IO_NO_INCREMENT, FALSE);
        if (cb)
            cb((WDFQUEUE)fx_to_handle(&q->obj), ctx);
    }
}

static void fx_queue_begin_op(struct fx_queue *q, enum fx_queue_op op, PFN_WDF_IO_QUEUE_STATE cb,
                              WDFCONTEXT ctx)
{
    KIRQL irql;
    KeClearEvent(&q->op_done);
    KeAcquireSpinLock(&q->lock, &irql);
    q->op = op;
    q->op_cb = cb;
    q->op_ctx = ctx;
    if (op == FX_QOP_STOP)
        q->dispatching = false;
    else
        q->accepting = false;
    KeReleaseSpinLock(&q->lock, irql);
}

/* Purge: cancel every queued request, and the driver's cancelable ones. */
static void fx_queue_cancel_all(struct fx_queue *q, bool owned_too)
{
    PIRP irp;
    while ((irp = IoCsqRemoveNextIrp(&q->csq, NULL)) != NULL)
        fx_csq_complete_canceled(&q->csq, irp);
    if (!owned_too)
        return;
    /* Driver-owned requests: only those marked cancelable, through their
     * cancel routine (IoCancelIrp does the protocol). Snapshot under the
     * lock, with a reference each, then cancel outside it. */
    for (;;) {
        KIRQL irql;
        struct fx_request *victim = NULL;
        KeAcquireSpinLock(&q->lock, &irql);
        for (PLIST_ENTRY e = q->owned.Flink; e != &q->owned; e = e->Flink) {
            struct fx_request *r = CONTAINING_RECORD(e, struct fx_request, link);
            if (r->irp && r->irp->CancelRoutine && !r->irp->Cancel) {
                victim = r;
                fx_object_get(&r->obj);
                break;
            }
        }
        KeReleaseSpinLock(&q->lock, irql);
        if (!victim)
            break;
        IoCancelIrp(victim->irp);
        fx_object_put(&victim->obj);
    }
}

static struct fx_queue *fx_queue_handle(struct fx_globals *g, WDFQUEUE h, const char *ddi)
{
    return (struct fx_queue *)fx_handle(g, (WDFOBJECT)h, FX_TYPE_QUEUE, ddi);
}

VOID WDFAPI imp_WdfIoQueueStart(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue)
{
    struct fx_queue *q = fx_queue_handle(fx_globals(DriverGlobals), Queue, __func__);
    KIRQL irql;
    KeAcquireSpinLock(&q->lock, &irql);
    q->accepting = true;
    q->dispatching = true;
    KeReleaseSpinLock(&q->lock, irql);
    fx_queue_present(q);
}

VOID WDFAPI imp_WdfIoQueueStop(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue,
                               PFN_WDF_IO_QUEUE_STATE StopComplete, WDFCONTEXT Context)
{
    struct fx_queue *q = fx_queue_handle(fx_globals(DriverGlobals), Queue, __func__);
    fx_queue_begin_op(q, FX_QOP_STOP, StopComplete, Context);
    fx_queue_check_op(q);
}

VOID WDFAPI imp_WdfIoQueueStopSynchronously(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue)
{
    struct fx_queue *q = fx_queue_handle(fx_globals(DriverGlobals), Queue, __func__);
    ke_check_irql_max(PASSIVE_LEVEL, "WdfIoQueueStopSynchronously");
    fx_queue_begin_op(q, FX_QOP_STOP, NULL, NULL);
    fx_queue_check_op(q);
    KeWaitForSingleObject(&q->op_done, Executive, KernelMode, FALSE, NULL);
}

VOID WDFAPI imp_WdfIoQueuePurge(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue,
                                PFN_WDF_IO_QUEUE_STATE PurgeComplete, WDFCONTEXT Context)
{
    struct fx_queue *q = fx_queue_handle(fx_globals(DriverGlobals), Queue, __func__);
    fx_queue_begin_op(q, FX_QOP_PURGE, PurgeComplete, Context);
    fx_queue_cancel_all(q, true);
    fx_queue_check_op(q);
}

VOID WDFAPI imp_WdfIoQueuePurgeSynchronously(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue)
{
    struct fx_queue *q = fx_queue_handle(fx_globals(DriverGlobals), Queue, __func__);
    ke_check_irql_max(PASSIVE_LEVEL, "WdfIoQueuePurgeSynchronously");
    fx_queue_begin_op(q, FX_QOP_PURGE, NULL, NULL);
    fx_queue_cancel_all(q, true);
    fx_queue_check_op(q);
    KeWaitForSingleObject(&q->op_done, Executive, KernelMode, FALSE, NULL);
}

VOID WDFAPI imp_WdfIoQueueStopAndPurge(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue,
                                       PFN_WDF_IO_QUEUE_STATE StopAndPurgeComplete,
                                       WDFCONTEXT Context)
{
    struct fx_queue *q = fx_queue_handle(fx_globals(DriverGlobals), Queue, __func__);
    KIRQL irql;
    KeAcquireSpinLock(&q->lock, &irql);
    q->dispatching = false;
    KeReleaseSpinLock(&q->lock, irql);
    fx_queue_begin_op(q, FX_QOP_PURGE, StopAndPurgeComplete, Context);
    fx_queue_cancel_all(q, true);
    fx_queue_check_op(q);
}

VOID WDFAPI imp_WdfIoQueueStopAndPurgeSynchronously(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                    WDFQUEUE Queue)
{
    struct fx_queue *q = fx_queue_handle(fx_globals(DriverGlobals), Queue, __func__);
    ke_check_irql_max(PASSIVE_LEVEL, "WdfIoQueueStopAndPurgeSynchronously");
    imp_WdfIoQueueStopAndPurge(DriverGlobals, Queue, NULL, NULL);
    KeWaitForSingleObject(&q->op_done, Executive, KernelMode, FALSE, NULL);
}

VOID WDFAPI imp_WdfIoQueueDrain(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue,
                                PFN_WDF_IO_QUEUE_STATE DrainComplete, WDFCONTEXT Context)
{
    struct fx_queue *q = fx_queue_handle(fx_globals(DriverGlobals), Queue, __func__);
    fx_queue_begin_op(q, FX_QOP_DRAIN, DrainComplete, Context);
    fx_queue_check_op(q);
}

VOID WDFAPI imp_WdfIoQueueDrainSynchronously(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue)
{
    struct fx_queue *q = fx_queue_handle(fx_globals(DriverGlobals), Queue, __func__);
    ke_check_irql_max(PASSIVE_LEVEL, "WdfIoQueueDrainSynchronously");
    fx_queue_begin_op(q, FX_QOP_DRAIN, NULL, NULL);
    fx_queue_check_op(q);
    KeWaitForSingleObject(&q->op_done, Executive, KernelMode, FALSE, NULL);
}

WDF_IO_QUEUE_STATE WDFAPI imp_WdfIoQueueGetState(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                 WDFQUEUE Queue, PULONG QueueRequests,
                                                 PULONG DriverRequests)
{
    struct fx_queue *q = fx_queue_handle(fx_globals(DriverGlobals), Queue, __func__);
    KIRQL irql;
    ULONG st = 0;
    KeAcquireSpinLock(&q->lock, &irql);
    if (q->accepting)
        st |= WdfIoQueueAcceptRequests;
    if (q->dispatching)
        st |= WdfIoQueueDispatchRequests;
    if (q->pending_count == 0)
        st |= WdfIoQueueNoRequests;
    if (q->owned_count == 0)
        st |= WdfIoQueueDriverNoRequests;
    if (QueueRequests)
        *QueueRequests = q->pending_count;
    if (DriverRequests)
        *DriverRequests = q->owned_count;
    KeReleaseSpinLock(&q->lock, irql);
    return (WDF_IO_QUEUE_STATE)st;
}

WDFDEVICE WDFAPI imp_WdfIoQueueGetDevice(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue)
{
    struct fx_queue *q = fx_queue_handle(fx_globals(DriverGlobals), Queue, __func__);
    return (WDFDEVICE)fx_to_handle(&q->device->obj);
}

NTSTATUS WDFAPI imp_WdfIoQueueReadyNotify(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue,
                                          PFN_WDF_IO_QUEUE_STATE QueueReady, WDFCONTEXT Context)
{
    struct fx_queue *q = fx_queue_handle(fx_globals(DriverGlobals), Queue, __func__);
    KIRQL irql;
    NTSTATUS st = STATUS_SUCCESS;
    if (q->config.DispatchType != WdfIoQueueDispatchManual)
        return STATUS_INVALID_DEVICE_REQUEST;
    KeAcquireSpinLock(&q->lock, &irql);
    if (QueueReady && q->ready_cb) {
        st = STATUS_INVALID_DEVICE_STATE;   /* unregister (NULL) first */
    } else {
        q->ready_cb = QueueReady;
        q->ready_ctx = Context;
    }
    bool now = NT_SUCCESS(st) && QueueReady && q->pending_count > 0;
    KeReleaseSpinLock(&q->lock, irql);
    /* Requests already waiting: tell the driver at once. */
    if (now)
        QueueReady(Queue, Context);
    return st;
}

/* ---- retrieval -------------------------------------------------------- */

static NTSTATUS fx_queue_retrieve(struct fx_queue *q, struct fx_fileobject *file,
                                  WDFREQUEST *out)
{
    KIRQL irql;
    *out = NULL;
    if (q->config.DispatchType != WdfIoQueueDispatchManual)
        return STATUS_INVALID_DEVICE_REQUEST;
    KeAcquireSpinLock(&q->lock, &irql);
    bool paused = !q->dispatching;
    KeReleaseSpinLock(&q->lock, irql);
    if (paused)
        return STATUS_WDF_PAUSED;
    PIRP irp = IoCsqRemoveNextIrp(&q->csq, file);
    if (!irp)
        return STATUS_NO_MORE_ENTRIES;
    struct fx_request *r = fx_req_of_irp(irp);
    fx_queue_own(q, r, false);
    *out = (WDFREQUEST)fx_to_handle(&r->obj);
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfIoQueueRetrieveNextRequest(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                  WDFQUEUE Queue, WDFREQUEST *OutRequest)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_queue *q = fx_queue_handle(g, Queue, __func__);
    FX_REQUIRE(g, OutRequest);
    return fx_queue_retrieve(q, NULL, OutRequest);
}

NTSTATUS WDFAPI imp_WdfIoQueueRetrieveRequestByFileObject(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                          WDFQUEUE Queue,
                                                          WDFFILEOBJECT FileObject,
                                                          WDFREQUEST *OutRequest)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_queue *q = fx_queue_handle(g, Queue, __func__);
    struct fx_fileobject *f = FX_HANDLE(g, FileObject, FX_TYPE_FILEOBJECT, struct fx_fileobject);
    FX_REQUIRE(g, OutRequest);
    return fx_queue_retrieve(q, f, OutRequest);
}

NTSTATUS WDFAPI imp_WdfIoQueueFindRequest(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue,
                                          WDFREQUEST FoundRequest, WDFFILEOBJECT FileObject,
                                          PWDF_REQUEST_PARAMETERS Parameters,
                                          WDFREQUEST *OutRequest)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_queue *q = fx_queue_handle(g, Queue, __func__);
    struct fx_request *after = FoundRequest ?
        FX_HANDLE(g, FoundRequest, FX_TYPE_REQUEST, struct fx_request) : NULL;
    struct fx_fileobject *f = FileObject ?
        FX_HANDLE(g, FileObject, FX_TYPE_FILEOBJECT, struct fx_fileobject) : NULL;
    FX_REQUIRE(g, OutRequest);
    *OutRequest = NULL;
    struct fx_request *hit = NULL;
    NTSTATUS st = STATUS_NO_MORE_ENTRIES;
    KIRQL irql;
    KeAcquireSpinLock(&q->lock, &irql);
    PLIST_ENTRY e = q->pending.Flink;
    if (after) {
        if (after->state != FX_REQ_QUEUED || after->queue != q) {
            st = STATUS_NOT_FOUND;
            e = &q->pending;
        } else {
            e = after->link.Flink;
        }
    }
    for (; e != &q->pending; e = e->Flink) {
        struct fx_request *r = CONTAINING_RECORD(e, struct fx_request, link);
        if (!f || r->file == f) {
            hit = r;
            fx_object_get(&r->obj);     /* the driver releases it (WdfObjectDereference) */
            st = STATUS_SUCCESS;
            break;
        }
    }
    KeReleaseSpinLock(&q->lock, irql);
    if (hit) {
        if (Parameters) {
            extern VOID WDFAPI imp_WdfRequestGetParameters(PWDF_DRIVER_GLOBALS, WDFREQUEST,
                                                           PWDF_REQUEST_PARAMETERS);
            imp_WdfRequestGetParameters(DriverGlobals, (WDFREQUEST)fx_to_handle(&hit->obj),
                                        Parameters);
        }
        *OutRequest = (WDFREQUEST)fx_to_handle(&hit->obj);
    }
    return st;
}

NTSTATUS WDFAPI imp_WdfIoQueueRetrieveFoundRequest(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                   WDFQUEUE Queue, WDFREQUEST FoundRequest,
                                                   WDFREQUEST *OutRequest)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_queue *q = fx_queue_handle(g, Queue, __func__);
    struct fx_request *r = FX_HANDLE(g, FoundRequest, FX_TYPE_REQUEST, struct fx_request);
    FX_REQUIRE(g, OutRequest);
    *OutRequest = NULL;
    if (r->queue != q)
        return STATUS_NOT_FOUND;
    KIRQL irql;
    KeAcquireSpinLock(&q->lock, &irql);
    bool paused = !q->dispatching;
    KeReleaseSpinLock(&q->lock, irql);
    if (paused)
        return STATUS_WDF_PAUSED;
    PIRP irp = IoCsqRemoveIrp(&q->csq, &r->csq_ctx);
    if (!irp)
        return STATUS_NOT_FOUND;
    fx_queue_own(q, r, false);
    *OutRequest = FoundRequest;
    return STATUS_SUCCESS;
}

/* ---- creation, deletion, routing ------------------------------------- */

static void fx_queue_dispose(struct fx_object *o)
{
    struct fx_queue *q = (struct fx_queue *)o;
    struct fx_io_device *io = q->device->io;
    KIRQL irql;
    KeAcquireSpinLock(&q->lock, &irql);
    q->accepting = false;
    KeReleaseSpinLock(&q->lock, irql);
    fx_queue_cancel_all(q, false);
    KeAcquireSpinLock(&q->lock, &irql);
    q->deleting = true;
    KeReleaseSpinLock(&q->lock, irql);
    if (io) {
        KeAcquireSpinLock(&io->lock, &irql);
        RemoveEntryList(&q->dev_link);
        if (io->default_queue == q)
            io->default_queue = NULL;
        for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
            if (io->by_type[i] == q)
                io->by_type[i] = NULL;
        KeReleaseSpinLock(&io->lock, irql);
    }
    if (q->device->default_queue == (WDFQUEUE)fx_to_handle(&q->obj))
        fx_device_set_default_queue(q->device, NULL);
}

static const struct fx_object_ops fx_queue_ops = {
    .type = FX_TYPE_QUEUE,
    .dispose = fx_queue_dispose,
};

struct fx_sync_lock *fx_queue_sync_lock(struct fx_object *queue)
{
    if (!queue || queue->type != FX_TYPE_QUEUE)
        return NULL;
    return &((struct fx_queue *)queue)->sync;
}

NTSTATUS WDFAPI imp_WdfIoQueueCreate(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDEVICE Device,
                                     PWDF_IO_QUEUE_CONFIG Config,
                                     PWDF_OBJECT_ATTRIBUTES QueueAttributes, WDFQUEUE *Queue)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_device *dev = FX_HANDLE(g, Device, FX_TYPE_DEVICE, struct fx_device);
    FX_REQUIRE(g, Config);
    if (Queue)
        *Queue = NULL;
    if (Config->Size != sizeof(WDF_IO_QUEUE_CONFIG))
        return STATUS_INFO_LENGTH_MISMATCH;
    if (Config->DispatchType <= WdfIoQueueDispatchInvalid ||
        Config->DispatchType >= WdfIoQueueDispatchMax)
        return STATUS_INVALID_PARAMETER;
    if (Config->DispatchType == WdfIoQueueDispatchParallel &&
        Config->Settings.Parallel.NumberOfPresentedRequests == 0)
        return STATUS_INVALID_PARAMETER;
    bool any = Config->EvtIoDefault || Config->EvtIoRead || Config->EvtIoWrite ||
               Config->EvtIoDeviceControl || Config->EvtIoInternalDeviceControl;
    if (Config->DispatchType != WdfIoQueueDispatchManual && !any)
        return STATUS_WDF_NO_CALLBACK;
    /* The default queue of a device presents every type: it must be able
     * to take what has no handler of its own (documented: EvtIoDefault or
     * a manual queue), else configuration fails. */
    struct fx_io_device *io = fx_io_device_get(dev);
    if (!io)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (Config->DefaultQueue && io->default_queue)
        return STATUS_INVALID_DEVICE_STATE;   /* one default queue per device */

    struct fx_queue *q;
    NTSTATUS st = fx_object_create(g, &fx_queue_ops, sizeof(*q), QueueAttributes, &dev->obj,
                                   (void **)&q);
    if (!NT_SUCCESS(st))
        return st;
    q->device = dev;
    q->config = *Config;
    if (q->config.DispatchType == WdfIoQueueDispatchSequential)
        q->config.Settings.Parallel.NumberOfPresentedRequests = 1;
    q->power_managed = Config->PowerManaged != WdfFalse && !dev->control;
    fx_sync_lock_init(&q->sync, q->obj.exec_level == WdfExecutionLevelPassive);
    if (q->obj.sync_scope == WdfSynchronizationScopeQueue)
        q->sync_lock = &q->sync;
    else
        q->sync_lock = fx_sync_lock_of(&q->obj);
    KeInitializeSpinLock(&q->lock);
    InitializeListHead(&q->pending);
    InitializeListHead(&q->owned);
    KeInitializeEvent(&q->op_done, NotificationEvent, FALSE);
    q->accepting = true;
    q->dispatching = true;
    IoCsqInitializeEx(&q->csq, fx_csq_insert, fx_csq_remove, fx_csq_peek, fx_csq_acquire,
                      fx_csq_release, fx_csq_complete_canceled);

    KIRQL irql;
    KeAcquireSpinLock(&io->lock, &irql);
    InsertTailList(&io->queues, &q->dev_link);
    if (Config->DefaultQueue)
        io->default_queue = q;
    KeReleaseSpinLock(&io->lock, irql);
    if (Config->DefaultQueue)
        fx_device_set_default_queue(dev, (WDFQUEUE)fx_to_handle(&q->obj));
    if (Queue)
        *Queue = (WDFQUEUE)fx_to_handle(&q->obj);
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfDeviceConfigureRequestDispatching(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                         WDFDEVICE Device, WDFQUEUE Queue,
                                                         WDF_REQUEST_TYPE RequestType)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_device *dev = FX_HANDLE(g, Device, FX_TYPE_DEVICE, struct fx_device);
    struct fx_queue *q = fx_queue_handle(g, Queue, __func__);
    if (q->device != dev)
        return STATUS_INVALID_DEVICE_REQUEST;
    switch (RequestType) {
    case WdfRequestTypeRead:
    case WdfRequestTypeWrite:
    case WdfRequestTypeDeviceControl:
    case WdfRequestTypeDeviceControlInternal:
        break;
    default:
        return STATUS_INVALID_PARAMETER;
    }
    struct fx_io_device *io = fx_io_device_get(dev);
    if (!io)
        return STATUS_INSUFFICIENT_RESOURCES;
    KIRQL irql;
    NTSTATUS st = STATUS_SUCCESS;
    KeAcquireSpinLock(&io->lock, &irql);
    if (io->by_type[RequestType] && io->by_type[RequestType] != q)
        st = STATUS_WDF_BUSY;       /* one queue per type */
    else
        io->by_type[RequestType] = q;
    KeReleaseSpinLock(&io->lock, irql);
    return st;
}

/* Where a request of this major function goes on this device. */
static struct fx_queue *fx_queue_for(struct fx_device *dev, UCHAR major)
{
    struct fx_io_device *io = dev->io;
    if (!io)
        return NULL;
    KIRQL irql;
    KeAcquireSpinLock(&io->lock, &irql);
    struct fx_queue *q = io->by_type[major] ? io->by_type[major] : io->default_queue;
    if (q)
        fx_object_get(&q->obj);
    KeReleaseSpinLock(&io->lock, irql);
    return q;
}

/* A new request reaches queue q (from the device or the driver's
 * WdfDeviceEnqueueRequest): zero-length reads and writes are completed
 * here unless the queue asked for them. Returns what queueing answered;
 * on failure the request is untouched. */
static NTSTATUS fx_queue_arrive(struct fx_queue *q, struct fx_request *r)
{
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(r->irp);
    if (!q->config.AllowZeroLengthRequests &&
        ((s->MajorFunction == IRP_MJ_READ && s->Parameters.Read.Length == 0) ||
         (s->MajorFunction == IRP_MJ_WRITE && s->Parameters.Write.Length == 0))) {
        fx_request_complete(r, STATUS_SUCCESS, 0, IO_NO_INCREMENT);
        return STATUS_SUCCESS;
    }
    return fx_queue_insert(q, r, false);
}

void fx_queue_route(struct fx_device *dev, struct fx_request *r)
{
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(r->irp);
    struct fx_queue *q = fx_queue_for(dev, s->MajorFunction);
    if (!q) {
        fx_request_complete(r, STATUS_INVALID_DEVICE_REQUEST, 0, IO_NO_INCREMENT);
        return;
    }
    NTSTATUS st = fx_queue_arrive(q, r);
    fx_object_put(&q->obj);
    if (!NT_SUCCESS(st))
        fx_request_complete(r, STATUS_CANCELLED, 0, IO_NO_INCREMENT);
}

NTSTATUS WDFAPI imp_WdfDeviceEnqueueRequest(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDEVICE Device,
                                            WDFREQUEST Request)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_device *dev = FX_HANDLE(g, Device, FX_TYPE_DEVICE, struct fx_device);
    struct fx_request *r = FX_HANDLE(g, Request, FX_TYPE_REQUEST, struct fx_request);
    if (r->state != FX_REQ_CALLER)
        return STATUS_INVALID_DEVICE_REQUEST;
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(r->irp);
    struct fx_queue *q = fx_queue_for(dev, s->MajorFunction);
    if (!q)
        return STATUS_INVALID_DEVICE_REQUEST;
    r->state = FX_REQ_NEW;
    NTSTATUS st = fx_queue_arrive(q, r);
    fx_object_put(&q->obj);
    if (!NT_SUCCESS(st))
        r->state = FX_REQ_CALLER;   /* still the driver's to complete */
    return st;
}

/* Cleanup of a file: what the queues hold for it is cancelled. */
void fx_queues_flush_file(struct fx_io_device *io, struct fx_fileobject *f)
{
    enum { MAXQ = 64 };
    struct fx_queue *qs[MAXQ];
    ULONG n = 0;
    KIRQL irql;
    KeAcquireSpinLock(&io->lock, &irql);
    for (PLIST_ENTRY e = io->queues.Flink; e != &io->queues && n < MAXQ; e = e->Flink) {
        qs[n] = CONTAINING_RECORD(e, struct fx_queue, dev_link);
        fx_object_get(&qs[n]->obj);
        n++;
    }
    KeReleaseSpinLock(&io->lock, irql);
    for (ULONG i = 0; i < n; i++) {
        PIRP irp;
        while ((irp = IoCsqRemoveNextIrp(&qs[i]->csq, f)) != NULL)
            fx_csq_complete_canceled(&qs[i]->csq, irp);
        fx_object_put(&qs[i]->obj);
    }
}
