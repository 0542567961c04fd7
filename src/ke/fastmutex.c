/*
 * fastmutex.c - FAST_MUTEX and KGUARDED_MUTEX.
 *
 * Both use the FAST_MUTEX layout: Count is 1 when free and is decremented
 * by every acquirer, so a result other than 0 means contention and the
 * acquirer sleeps on the embedded synchronization Event; a releaser that
 * finds waiters (Count did not return to 1) sets the Event, which hands
 * the mutex to exactly one of them. Owner is the owning thread object.
 *
 * A fast mutex raises to APC_LEVEL (saved in OldIrql); a guarded mutex
 * enters a guarded region instead. Neither is recursive: acquiring one
 * already owned is bug check MUTEX_ALREADY_OWNED (0xBF), and releasing one
 * the caller does not own is THREAD_NOT_MUTEX_OWNER (0x11); Windows would
 * deadlock or corrupt the mutex instead.
 */
#define _GNU_SOURCE
#include "ke/ke.h"
#include "krnl/krnl.h"

static void ke_fm_init(PFAST_MUTEX m)
{
    m->Count = 1;
    m->Owner = NULL;
    m->Contention = 0;
    m->OldIrql = 0;
    KeInitializeEvent(&m->Event, SynchronizationEvent, FALSE);
}

static void ke_fm_check_recursion(PFAST_MUTEX m, struct _KTHREAD *self, const char *ddi)
{
    if (__atomic_load_n(&m->Owner, __ATOMIC_RELAXED) == self)
        krnl_bugcheck(MUTEX_ALREADY_OWNED, (ULONG_PTR)m, (ULONG_PTR)self, 0, 0, NULL,
                      "%s on mutex %p already owned by this thread",
                      ddi, (void *)m);
}

static void ke_fm_lock(PFAST_MUTEX m, struct _KTHREAD *self, const char *ddi)
{
    ke_fm_check_recursion(m, self, ddi);
    if (__atomic_sub_fetch(&m->Count, 1, __ATOMIC_ACQUIRE) != 0) {
        __atomic_add_fetch(&m->Contention, 1, __ATOMIC_RELAXED);
        KeWaitForSingleObject(&m->Event, WrFastMutex, KernelMode, FALSE, NULL);
    }
    __atomic_store_n(&m->Owner, self, __ATOMIC_RELAXED);
}

static BOOLEAN ke_fm_trylock(PFAST_MUTEX m, struct _KTHREAD *self)
{
    LONG expected = 1;
    if (!__atomic_compare_exchange_n(&m->Count, &expected, 0, 0, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED))
        return FALSE;
    __atomic_store_n(&m->Owner, self, __ATOMIC_RELAXED);
    return TRUE;
}

static void ke_fm_unlock(PFAST_MUTEX m, struct _KTHREAD *self, const char *ddi)
{
    PVOID owner = __atomic_load_n(&m->Owner, __ATOMIC_RELAXED);
    if (owner != self)
        krnl_bugcheck(THREAD_NOT_MUTEX_OWNER, (ULONG_PTR)self, (ULONG_PTR)m, (ULONG_PTR)owner,
                      0, NULL, "%s on mutex %p %s", ddi, (void *)m,
                      owner ? "owned by another thread" : "that is not owned");
    __atomic_store_n(&m->Owner, NULL, __ATOMIC_RELAXED);
    if (__atomic_add_fetch(&m->Count, 1, __ATOMIC_RELEASE) != 1)
        KeSetEvent(&m->Event, 0, FALSE);
}

/* ---------------------------------------------------------- FAST_MUTEX */

NTKERNELAPI void FASTCALL ExInitializeFastMutex(PFAST_MUTEX FastMutex)
{
    ke_fm_init(FastMutex);
}

NTKERNELAPI void FASTCALL ExAcquireFastMutex(PFAST_MUTEX FastMutex)
{
    struct _KTHREAD *self = ke_thread_current();
    KIRQL old;

    ke_check_irql_max(APC_LEVEL, "ExAcquireFastMutex");
    old = KfRaiseIrql(APC_LEVEL);
    ke_fm_lock(FastMutex, self, "ExAcquireFastMutex");
    FastMutex->OldIrql = old;
}

NTKERNELAPI BOOLEAN FASTCALL ExTryToAcquireFastMutex(PFAST_MUTEX FastMutex)
{
    struct _KTHREAD *self = ke_thread_current();
    KIRQL old;

    ke_check_irql_max(APC_LEVEL, "ExTryToAcquireFastMutex");
    old = KfRaiseIrql(APC_LEVEL);
    if (!ke_fm_trylock(FastMutex, self)) {
        KeLowerIrql(old);
        return FALSE;
    }
    FastMutex->OldIrql = old;
    return TRUE;
}

NTKERNELAPI void FASTCALL ExReleaseFastMutex(PFAST_MUTEX FastMutex)
{
    KIRQL old = (KIRQL)FastMutex->OldIrql;

    if (ke_tls.irql != APC_LEVEL)
        krnl_bugcheck(ke_tls.irql < APC_LEVEL ? IRQL_NOT_GREATER_OR_EQUAL
                                              : IRQL_NOT_LESS_OR_EQUAL,
                      0, ke_tls.irql, APC_LEVEL, (ULONG_PTR)__builtin_return_address(0), ke_module_of(__builtin_return_address(0)),
                      "ExReleaseFastMutex called at IRQL %u (must be APC_LEVEL)",
                      (unsigned)ke_tls.irql);
    ke_fm_unlock(FastMutex, ke_thread_current(), "ExReleaseFastMutex");
    KeLowerIrql(old);
}

NTKERNELAPI void FASTCALL ExAcquireFastMutexUnsafe(PFAST_MUTEX FastMutex)
{
    ke_check_irql_max(APC_LEVEL, "ExAcquireFastMutexUnsafe");
    ke_fm_lock(FastMutex, ke_thread_current(), "ExAcquireFastMutexUnsafe");
}

NTKERNELAPI void FASTCALL ExReleaseFastMutexUnsafe(PFAST_MUTEX FastMutex)
{
    ke_check_irql_max(APC_LEVEL, "ExReleaseFastMutexUnsafe");
    ke_fm_unlock(FastMutex, ke_thread_current(), "ExReleaseFastMutexUnsafe");
}

/* ------------------------------------------------------ KGUARDED_MUTEX */

NTKERNELAPI void FASTCALL KeInitializeGuardedMutex(PKGUARDED_MUTEX Mutex)
{
    ke_fm_init(Mutex);
}

NTKERNELAPI void FASTCALL KeAcquireGuardedMutex(PKGUARDED_MUTEX Mutex)
{
    ke_check_irql_max(APC_LEVEL, "KeAcquireGuardedMutex");
    KeEnterGuardedRegion();
    ke_fm_lock(Mutex, ke_thread_current(), "KeAcquireGuardedMutex");
}

NTKERNELAPI BOOLEAN FASTCALL KeTryToAcquireGuardedMutex(PKGUARDED_MUTEX Mutex)
{
    ke_check_irql_max(APC_LEVEL, "KeTryToAcquireGuardedMutex");
    KeEnterGuardedRegion();
    if (!ke_fm_trylock(Mutex, ke_thread_current())) {
        KeLeaveGuardedRegion();
        return FALSE;
    }
    return TRUE;
}

NTKERNELAPI void FASTCALL KeReleaseGuardedMutex(PKGUARDED_MUTEX Mutex)
{
    ke_check_irql_max(APC_LEVEL, "KeReleaseGuardedMutex");
    ke_fm_unlock(Mutex, ke_thread_current(), "KeReleaseGuardedMutex");
    KeLeaveGuardedRegion();
}

NTKERNELAPI void FASTCALL KeAcquireGuardedMutexUnsafe(PKGUARDED_MUTEX Mutex)
{
    ke_check_irql_max(APC_LEVEL, "KeAcquireGuardedMutexUnsafe");
    ke_fm_lock(Mutex, ke_thread_current(), "KeAcquireGuardedMutexUnsafe");
}

NTKERNELAPI void FASTCALL KeReleaseGuardedMutexUnsafe(PKGUARDED_MUTEX Mutex)
{
    ke_check_irql_max(APC_LEVEL, "KeReleaseGuardedMutexUnsafe");
    ke_fm_unlock(Mutex, ke_thread_current(), "KeReleaseGuardedMutexUnsafe");
}
