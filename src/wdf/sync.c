/*
 * wdf/sync.c - WDFSPINLOCK, WDFWAITLOCK and WdfObjectAcquireLock.
 *
 * A spin lock raises to DISPATCH_LEVEL (KSPIN_LOCK); a wait lock is a
 * PASSIVE_LEVEL lock with an optional timeout (a pthread mutex: the
 * executive's threads are host threads). WdfObjectAcquireLock takes the
 * object's synchronization lock: the device's (or driver's) presentation
 * lock; queues bring their own (wdfio).
 */
#include "wdf/fx.h"
#include "krnl/krnl.h"
#include <errno.h>
#include <string.h>
#include <time.h>

struct fx_spinlock {
    struct fx_object obj;
    KSPIN_LOCK lock;
    KIRQL old_irql;           /* valid while held */
};

struct fx_waitlock {
    struct fx_object obj;
    pthread_mutex_t mutex;
};

static void fx_waitlock_destroy(struct fx_object *o)
{
    pthread_mutex_destroy(&((struct fx_waitlock *)o)->mutex);
}

static const struct fx_object_ops fx_spinlock_ops = { .type = FX_TYPE_SPINLOCK };
static const struct fx_object_ops fx_waitlock_ops = {
    .type = FX_TYPE_WAITLOCK, .destroy = fx_waitlock_destroy,
};

NTSTATUS WDFAPI imp_WdfSpinLockCreate(PWDF_DRIVER_GLOBALS DriverGlobals,
                                      PWDF_OBJECT_ATTRIBUTES SpinLockAttributes,
                                      WDFSPINLOCK *SpinLock)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, SpinLock);
    struct fx_spinlock *l;
    *SpinLock = NULL;
    NTSTATUS st = fx_object_create(g, &fx_spinlock_ops, sizeof(*l), SpinLockAttributes, NULL,
                                   (void **)&l);
    if (!NT_SUCCESS(st))
        return st;
    KeInitializeSpinLock(&l->lock);
    *SpinLock = (WDFSPINLOCK)fx_to_handle(&l->obj);
    return STATUS_SUCCESS;
}

VOID WDFAPI imp_WdfSpinLockAcquire(PWDF_DRIVER_GLOBALS DriverGlobals, WDFSPINLOCK SpinLock)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_spinlock *l = FX_HANDLE(g, SpinLock, FX_TYPE_SPINLOCK, struct fx_spinlock);
    KIRQL old;
    KeAcquireSpinLock(&l->lock, &old);
    l->old_irql = old;
}

VOID WDFAPI imp_WdfSpinLockRelease(PWDF_DRIVER_GLOBALS DriverGlobals, WDFSPINLOCK SpinLock)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_spinlock *l = FX_HANDLE(g, SpinLock, FX_TYPE_SPINLOCK, struct fx_spinlock);
    KeReleaseSpinLock(&l->lock, l->old_irql);
}

NTSTATUS WDFAPI imp_WdfWaitLockCreate(PWDF_DRIVER_GLOBALS DriverGlobals,
                                      PWDF_OBJECT_ATTRIBUTES LockAttributes, WDFWAITLOCK *Lock)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, Lock);
    struct fx_waitlock *l;
    *Lock = NULL;
    NTSTATUS st = fx_object_create(g, &fx_waitlock_ops, sizeof(*l), LockAttributes, NULL,
                                   (void **)&l);
    if (!NT_SUCCESS(st))
        return st;
    pthread_mutex_init(&l->mutex, NULL);
    *Lock = (WDFWAITLOCK)fx_to_handle(&l->obj);
    return STATUS_SUCCESS;
}

/* Timeout: NULL waits for ever; 0 only tries; negative is relative, in
 * 100 ns units (positive, absolute system time, is taken relative to the
 * interrupt time base, which is what our system time counts from). */
NTSTATUS WDFAPI imp_WdfWaitLockAcquire(PWDF_DRIVER_GLOBALS DriverGlobals, WDFWAITLOCK Lock,
                                       PLONGLONG Timeout)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_waitlock *l = FX_HANDLE(g, Lock, FX_TYPE_WAITLOCK, struct fx_waitlock);
    if (!Timeout || *Timeout != 0) {
        /* Documented: waiting needs PASSIVE_LEVEL. */
        if (KeGetCurrentIrql() > PASSIVE_LEVEL)
            fx_violation(g, WDF_INVALID_LOCK_OPERATION, (ULONG_PTR)Lock, KeGetCurrentIrql(),
                         "WdfWaitLockAcquire with a wait at IRQL %u", KeGetCurrentIrql());
    }
    if (!Timeout) {
        pthread_mutex_lock(&l->mutex);
        return STATUS_SUCCESS;
    }
    if (*Timeout == 0)
        return pthread_mutex_trylock(&l->mutex) == 0 ? STATUS_SUCCESS : STATUS_TIMEOUT;
    LONGLONG rel = *Timeout < 0 ? -*Timeout : 0;
    if (*Timeout > 0) {
        LONGLONG now = (LONGLONG)KeQueryInterruptTime();
        rel = *Timeout > now ? *Timeout - now : 0;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += rel / 10000000;
    ts.tv_nsec += (rel % 10000000) * 100;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return pthread_mutex_timedlock(&l->mutex, &ts) == 0 ? STATUS_SUCCESS : STATUS_TIMEOUT;
}

VOID WDFAPI imp_WdfWaitLockRelease(PWDF_DRIVER_GLOBALS DriverGlobals, WDFWAITLOCK Lock)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_waitlock *l = FX_HANDLE(g, Lock, FX_TYPE_WAITLOCK, struct fx_waitlock);
    if (pthread_mutex_unlock(&l->mutex) != 0)
        fx_violation(g, WDF_INVALID_LOCK_OPERATION, (ULONG_PTR)Lock, 0,
                     "WdfWaitLockRelease of a lock this thread does not hold");
}

static struct fx_sync_lock *fx_object_lock(struct fx_globals *g, WDFOBJECT Object,
                                           const char *ddi)
{
    struct fx_object *o = fx_handle(g, Object, FX_TYPE_NONE, ddi);
    if (o->type == FX_TYPE_DEVICE)
        return &((struct fx_device *)o)->lock;
    if (o->type == FX_TYPE_DRIVER)
        return &((struct fx_driver *)o)->lock;
    struct fx_sync_lock *l = fx_io_object_lock(o);
    if (!l)
        l = fx_sync_lock_of(o);
    if (!l)
        fx_violation(g, WDF_INVALID_LOCK_OPERATION, (ULONG_PTR)Object, 0,
                     "%s: a %s has no synchronization lock", ddi, fx_type_name(o->type));
    return l;
}

VOID WDFAPI imp_WdfObjectAcquireLock(PWDF_DRIVER_GLOBALS DriverGlobals, WDFOBJECT Object)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    fx_sync_lock_acquire(fx_object_lock(g, Object, "WdfObjectAcquireLock"));
}

VOID WDFAPI imp_WdfObjectReleaseLock(PWDF_DRIVER_GLOBALS DriverGlobals, WDFOBJECT Object)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    fx_sync_lock_release(fx_object_lock(g, Object, "WdfObjectReleaseLock"));
}
