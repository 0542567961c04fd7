/*
 * wdf/deferred.c - WDFTIMER, WDFDPC and WDFWORKITEM: driver callbacks the
 * framework runs later, at the execution level of the object and, with
 * AutomaticSerialization, under the synchronization lock of its parent
 * (device or queue scope).
 *
 * A timer is a KTIMER whose KDPC runs the callback at DISPATCH_LEVEL, or,
 * for a passive-level timer (ExecutionLevel Passive, own or inherited),
 * queues a system work item that runs it at PASSIVE_LEVEL. A work item is
 * an executive work item. Each object counts its callbacks in flight
 * (busy, under its spin lock) so Stop/Cancel/Flush(Wait) and deletion can
 * wait for them; a callback that deletes or stops its own object does not
 * wait for itself (running_thread).
 */
#include "wdf/fx.h"
#include "krnl/krnl.h"
#include <string.h>

struct fx_deferred {
    struct fx_object obj;
    KSPIN_LOCK lock;
    LONG busy;                     /* lock: queued or running callbacks */
    bool queued;                   /* lock: work item or DPC queued */
    pthread_t running_thread;      /* lock: valid while running */
    bool running;
    bool passive;                  /* callback at PASSIVE_LEVEL */
    bool serialize;                /* AutomaticSerialization */
    struct fx_sync_lock *sync;     /* the lock taken around the callback */
    KTIMER timer;
    KDPC dpc;
    WORK_QUEUE_ITEM work;
    ULONG period;
    union {
        PFN_WDF_TIMER timer_fn;
        PFN_WDF_DPC dpc_fn;
        PFN_WDF_WORKITEM work_fn;
    } u;
    KEVENT idle;                   /* signalled when busy drops to 0 */
};

static void fx_def_begin(struct fx_deferred *d)
{
    KIRQL old;
    KeAcquireSpinLock(&d->lock, &old);
    d->busy++;
    KeClearEvent(&d->idle);
    KeReleaseSpinLock(&d->lock, old);
}

static void fx_def_end(struct fx_deferred *d)
{
    KIRQL old;
    KeAcquireSpinLock(&d->lock, &old);
    if (--d->busy == 0)
        KeSetEvent(&d->idle, IO_NO_INCREMENT, FALSE);
    KeReleaseSpinLock(&d->lock, old);
}

/* Waits until no callback is queued or running, unless called from the
 * callback itself. PASSIVE_LEVEL. */
static void fx_def_wait_idle(struct fx_deferred *d)
{
    KIRQL old;
    KeAcquireSpinLock(&d->lock, &old);
    bool self = d->running && pthread_equal(d->running_thread, pthread_self());
    bool busy = d->busy > (self ? 1 : 0);
    KeReleaseSpinLock(&d->lock, old);
    if (busy && !self)
        KeWaitForSingleObject(&d->idle, Executive, KernelMode, FALSE, NULL);
}

static void fx_def_call(struct fx_deferred *d)
{
    KIRQL old;
    KeAcquireSpinLock(&d->lock, &old);
    d->running = true;
    d->running_thread = pthread_self();
    KeReleaseSpinLock(&d->lock, old);
    if (d->serialize && d->sync)
        fx_sync_lock_acquire(d->sync);
    WDFOBJECT h = fx_to_handle(&d->obj);
    switch (d->obj.type) {
    case FX_TYPE_TIMER: d->u.timer_fn((WDFTIMER)h); break;
    case FX_TYPE_DPC: d->u.dpc_fn((WDFDPC)h); break;
    default: d->u.work_fn((WDFWORKITEM)h); break;
    }
    if (d->serialize && d->sync)
        fx_sync_lock_release(d->sync);
    KeAcquireSpinLock(&d->lock, &old);
    d->running = false;
    KeReleaseSpinLock(&d->lock, old);
}

static VOID NTAPI fx_def_work(PVOID ctx)
{
    struct fx_deferred *d = ctx;
    KIRQL old;
    KeAcquireSpinLock(&d->lock, &old);
    d->queued = false;
    KeReleaseSpinLock(&d->lock, old);
    fx_def_call(d);
    fx_def_end(d);
    fx_object_put(&d->obj);
}

static VOID NTAPI fx_def_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    struct fx_deferred *d = ctx;
    (void)dpc; (void)a1; (void)a2;
    if (d->passive) {
        /* A passive-level timer: on to a work item. */
        KIRQL old;
        KeAcquireSpinLock(&d->lock, &old);
        bool already = d->queued;
        d->queued = true;
        KeReleaseSpinLock(&d->lock, old);
        if (already)
            return;
        fx_def_begin(d);
        fx_object_get(&d->obj);
        ExQueueWorkItem(&d->work, DelayedWorkQueue);
        return;
    }
    fx_def_begin(d);
    if (d->obj.type == FX_TYPE_DPC) {
        KIRQL old;
        KeAcquireSpinLock(&d->lock, &old);
        d->queued = false;
        KeReleaseSpinLock(&d->lock, old);
        fx_def_end(d);          /* the enqueue's count */
    }
    fx_def_call(d);
    fx_def_end(d);
}

static void fx_def_dispose(struct fx_object *o)
{
    struct fx_deferred *d = (struct fx_deferred *)o;
    if (o->type == FX_TYPE_TIMER)
        KeCancelTimer(&d->timer);
    if (o->type != FX_TYPE_WORKITEM && KeRemoveQueueDpc(&d->dpc) && o->type == FX_TYPE_DPC)
        fx_def_end(d);
    if (o->type != FX_TYPE_WORKITEM)
        KeFlushQueuedDpcs();
    fx_def_wait_idle(d);
}

static const struct fx_object_ops fx_timer_ops = { .type = FX_TYPE_TIMER, .dispose = fx_def_dispose };
static const struct fx_object_ops fx_dpc_ops = { .type = FX_TYPE_DPC, .dispose = fx_def_dispose };
static const struct fx_object_ops fx_work_ops = { .type = FX_TYPE_WORKITEM, .dispose = fx_def_dispose };

/* Common creation: the parent is required and must lead to a device (as
 * documented for timers, DPCs and work items); passive execution level
 * and the serialization lock come from the object and its ancestors. */
static NTSTATUS fx_def_create(struct fx_globals *g, const struct fx_object_ops *ops,
                              PWDF_OBJECT_ATTRIBUTES a, BOOLEAN serialize,
                              struct fx_deferred **out)
{
    *out = NULL;
    if (!a || !a->ParentObject)
        return STATUS_INVALID_PARAMETER;     /* Windows: STATUS_WDF_PARENT_NOT_SPECIFIED */
    struct fx_object *parent = fx_handle(g, a->ParentObject, FX_TYPE_NONE, "ParentObject");
    if (!fx_ancestor(parent, FX_TYPE_DEVICE) && parent->type != FX_TYPE_QUEUE &&
        !fx_ancestor(parent, FX_TYPE_QUEUE))
        return STATUS_INVALID_PARAMETER;     /* Windows: STATUS_WDF_OBJECT_PARENT... */
    struct fx_deferred *d;
    NTSTATUS st = fx_object_create(g, ops, sizeof(*d), a, parent, (void **)&d);
    if (!NT_SUCCESS(st))
        return st;
    KeInitializeSpinLock(&d->lock);
    KeInitializeEvent(&d->idle, NotificationEvent, TRUE);
    d->passive = d->obj.exec_level == WdfExecutionLevelPassive;
    d->serialize = serialize != FALSE;
    if (d->serialize) {
        struct fx_object *p = parent;
        d->sync = fx_io_object_lock(p);
        if (!d->sync)
            d->sync = fx_sync_lock_of(p);
        if (!d->sync && p->type == FX_TYPE_DEVICE)
            d->sync = &((struct fx_device *)p)->lock;
        /* The callback's level and the lock's must agree: a passive lock
         * cannot be taken in a DPC, and a callback promised PASSIVE_LEVEL
         * (passive timer, work item) cannot run under a spin lock. Windows
         * fails these with STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL. */
        bool cb_passive = d->passive || ops->type == FX_TYPE_WORKITEM;
        if (d->sync && d->sync->passive != cb_passive) {
            fx_object_delete(&d->obj);
            return STATUS_INVALID_DEVICE_STATE;
        }
    }
    ExInitializeWorkItem(&d->work, fx_def_work, d);
    if (ops->type != FX_TYPE_WORKITEM)
        KeInitializeDpc(&d->dpc, fx_def_dpc, d);
    if (ops->type == FX_TYPE_WORKITEM)
        d->passive = true;
    *out = d;
    return STATUS_SUCCESS;
}

/* ---- timers ---------------------------------------------------------- */

NTSTATUS WDFAPI imp_WdfTimerCreate(PWDF_DRIVER_GLOBALS DriverGlobals, PWDF_TIMER_CONFIG Config,
                                   PWDF_OBJECT_ATTRIBUTES Attributes, WDFTIMER *Timer)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, Config);
    FX_REQUIRE(g, Timer);
    *Timer = NULL;
    if (Config->Size != sizeof(WDF_TIMER_CONFIG))
        return STATUS_INFO_LENGTH_MISMATCH;
    FX_REQUIRE(g, Config->EvtTimerFunc);
    struct fx_deferred *d;
    NTSTATUS st = fx_def_create(g, &fx_timer_ops, Attributes, Config->AutomaticSerialization, &d);
    if (!NT_SUCCESS(st))
        return st;
    /* Documented: a passive-level timer cannot be periodic... only with a
     * tolerable delay; we allow both. */
    d->u.timer_fn = Config->EvtTimerFunc;
    d->period = Config->Period;
    KeInitializeTimerEx(&d->timer, NotificationTimer);
    *Timer = (WDFTIMER)fx_to_handle(&d->obj);
    return STATUS_SUCCESS;
}

BOOLEAN WDFAPI imp_WdfTimerStart(PWDF_DRIVER_GLOBALS DriverGlobals, WDFTIMER Timer,
                                 LONGLONG DueTime)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_deferred *d = FX_HANDLE(g, Timer, FX_TYPE_TIMER, struct fx_deferred);
    LARGE_INTEGER due;
    due.QuadPart = DueTime;
    return KeSetTimerEx(&d->timer, due, (LONG)d->period, &d->dpc);
}

BOOLEAN WDFAPI imp_WdfTimerStop(PWDF_DRIVER_GLOBALS DriverGlobals, WDFTIMER Timer, BOOLEAN Wait)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_deferred *d = FX_HANDLE(g, Timer, FX_TYPE_TIMER, struct fx_deferred);
    BOOLEAN was = KeCancelTimer(&d->timer);
    if (Wait) {
        if (KeGetCurrentIrql() > PASSIVE_LEVEL)
            fx_violation(g, WDF_INVALID_LOCK_OPERATION, (ULONG_PTR)Timer, KeGetCurrentIrql(),
                         "WdfTimerStop(Wait=TRUE) above PASSIVE_LEVEL");
        KeFlushQueuedDpcs();
        fx_def_wait_idle(d);
    }
    return was;
}

WDFOBJECT WDFAPI imp_WdfTimerGetParentObject(PWDF_DRIVER_GLOBALS DriverGlobals, WDFTIMER Timer)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    return fx_to_handle(fx_handle(g, Timer, FX_TYPE_TIMER, "WdfTimerGetParentObject")->parent);
}

/* ---- DPCs ------------------------------------------------------------------ */

NTSTATUS WDFAPI imp_WdfDpcCreate(PWDF_DRIVER_GLOBALS DriverGlobals, PWDF_DPC_CONFIG Config,
                                 PWDF_OBJECT_ATTRIBUTES Attributes, WDFDPC *Dpc)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, Config);
    FX_REQUIRE(g, Dpc);
    *Dpc = NULL;
    if (Config->Size != sizeof(WDF_DPC_CONFIG))
        return STATUS_INFO_LENGTH_MISMATCH;
    FX_REQUIRE(g, Config->EvtDpcFunc);
    if (Attributes && Attributes->ExecutionLevel == WdfExecutionLevelPassive)
        return STATUS_INVALID_PARAMETER;     /* a DPC runs at DISPATCH_LEVEL */
    struct fx_deferred *d;
    NTSTATUS st = fx_def_create(g, &fx_dpc_ops, Attributes, Config->AutomaticSerialization, &d);
    if (!NT_SUCCESS(st))
        return st;
    d->passive = false;
    d->u.dpc_fn = Config->EvtDpcFunc;
    *Dpc = (WDFDPC)fx_to_handle(&d->obj);
    return STATUS_SUCCESS;
}

BOOLEAN WDFAPI imp_WdfDpcEnqueue(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDPC Dpc)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_deferred *d = FX_HANDLE(g, Dpc, FX_TYPE_DPC, struct fx_deferred);
    KIRQL old;
    KeAcquireSpinLock(&d->lock, &old);
    bool already = d->queued;
    d->queued = true;
    if (!already) {
        d->busy++;
        KeClearEvent(&d->idle);
    }
    KeReleaseSpinLock(&d->lock, old);
    if (already)
        return FALSE;
    KeInsertQueueDpc(&d->dpc, NULL, NULL);
    return TRUE;
}

BOOLEAN WDFAPI imp_WdfDpcCancel(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDPC Dpc, BOOLEAN Wait)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_deferred *d = FX_HANDLE(g, Dpc, FX_TYPE_DPC, struct fx_deferred);
    BOOLEAN removed = KeRemoveQueueDpc(&d->dpc);
    if (removed) {
        KIRQL old;
        KeAcquireSpinLock(&d->lock, &old);
        d->queued = false;
        KeReleaseSpinLock(&d->lock, old);
        fx_def_end(d);
    }
    if (Wait) {
        KeFlushQueuedDpcs();
        fx_def_wait_idle(d);
    }
    return removed;
}

WDFOBJECT WDFAPI imp_WdfDpcGetParentObject(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDPC Dpc)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    return fx_to_handle(fx_handle(g, Dpc, FX_TYPE_DPC, "WdfDpcGetParentObject")->parent);
}

PKDPC WDFAPI imp_WdfDpcWdmGetDpc(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDPC Dpc)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    return &FX_HANDLE(g, Dpc, FX_TYPE_DPC, struct fx_deferred)->dpc;
}

/* ---- work items ------------------------------------------------------- */

NTSTATUS WDFAPI imp_WdfWorkItemCreate(PWDF_DRIVER_GLOBALS DriverGlobals,
                                      PWDF_WORKITEM_CONFIG Config,
                                      PWDF_OBJECT_ATTRIBUTES Attributes, WDFWORKITEM *WorkItem)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, Config);
    FX_REQUIRE(g, WorkItem);
    *WorkItem = NULL;
    if (Config->Size != sizeof(WDF_WORKITEM_CONFIG))
        return STATUS_INFO_LENGTH_MISMATCH;
    FX_REQUIRE(g, Config->EvtWorkItemFunc);
    struct fx_deferred *d;
    NTSTATUS st = fx_def_create(g, &fx_work_ops, Attributes, Config->AutomaticSerialization, &d);
    if (!NT_SUCCESS(st))
        return st;
    d->u.work_fn = Config->EvtWorkItemFunc;
    *WorkItem = (WDFWORKITEM)fx_to_handle(&d->obj);
    return STATUS_SUCCESS;
}

VOID WDFAPI imp_WdfWorkItemEnqueue(PWDF_DRIVER_GLOBALS DriverGlobals, WDFWORKITEM WorkItem)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_deferred *d = FX_HANDLE(g, WorkItem, FX_TYPE_WORKITEM, struct fx_deferred);
    KIRQL old;
    KeAcquireSpinLock(&d->lock, &old);
    bool already = d->queued;     /* documented: enqueued once until it runs */
    d->queued = true;
    KeReleaseSpinLock(&d->lock, old);
    if (already)
        return;
    fx_def_begin(d);
    fx_object_get(&d->obj);
    ExQueueWorkItem(&d->work, DelayedWorkQueue);
}

VOID WDFAPI imp_WdfWorkItemFlush(PWDF_DRIVER_GLOBALS DriverGlobals, WDFWORKITEM WorkItem)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_deferred *d = FX_HANDLE(g, WorkItem, FX_TYPE_WORKITEM, struct fx_deferred);
    fx_def_wait_idle(d);
}

WDFOBJECT WDFAPI imp_WdfWorkItemGetParentObject(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                WDFWORKITEM WorkItem)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    return fx_to_handle(fx_handle(g, WorkItem, FX_TYPE_WORKITEM,
                                  "WdfWorkItemGetParentObject")->parent);
}
