/*
 * spinlock.c - executive spin locks.
 *
 * The KSPIN_LOCK word holds its owner: 0 when free, else the address of the
 * owning thread's ke_tls block (unique among live threads, never 0). That
 * makes recursion (SPIN_LOCK_ALREADY_OWNED, 0xF) and release by another
 * thread or of a free lock (SPIN_LOCK_NOT_OWNED, 0x10) detectable without
 * any side table. The IRQL rules are Windows': the raising forms need
 * IRQL <= DISPATCH_LEVEL, the AtDpcLevel forms need exactly DISPATCH_LEVEL
 * or above (0x9 otherwise), and a release must happen at DISPATCH_LEVEL.
 *
 * The owner is a preemptible user thread, so a waiter spins with pause for
 * a bounded count and then yields the CPU instead of burning its slice
 * against a descheduled owner.
 *
 * In-stack queued spin locks use the same word (the handle remembers the
 * lock and the old IRQL); fairness of a real queued lock is not emulated.
 */
#define _GNU_SOURCE
#include "ke/ke.h"
#include "krnl/krnl.h"

#include <sched.h>

#define KE_SPIN_BEFORE_YIELD 256

static inline ULONG_PTR ke_self_word(void)
{
    return (ULONG_PTR)&ke_tls;
}

static void ke_spin_acquire(PKSPIN_LOCK lock, const char *ddi, void *caller)
{
    ULONG_PTR self = ke_self_word();
    unsigned spins = 0;

    if (__atomic_load_n(lock, __ATOMIC_RELAXED) == self)
        krnl_bugcheck(SPIN_LOCK_ALREADY_OWNED, (ULONG_PTR)lock, self, 0, (ULONG_PTR)caller,
                      ke_module_of(caller), "%s on spin lock %p already held by "
                      "this thread", ddi, (void *)lock);
    for (;;) {
        ULONG_PTR expected = 0;
        if (__atomic_load_n(lock, __ATOMIC_RELAXED) == 0 &&
            __atomic_compare_exchange_n(lock, &expected, self, 0, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            break;
        if (++spins < KE_SPIN_BEFORE_YIELD) {
            __builtin_ia32_pause();
        } else {
            spins = 0;
            sched_yield();
        }
    }
    ke_tls.spinlocks_held++;
}

static void ke_spin_release(PKSPIN_LOCK lock, const char *ddi, void *caller)
{
    ULONG_PTR self = ke_self_word();
    ULONG_PTR owner = __atomic_load_n(lock, __ATOMIC_RELAXED);

    if (owner != self)
        krnl_bugcheck(SPIN_LOCK_NOT_OWNED, (ULONG_PTR)lock, owner, self, (ULONG_PTR)caller,
                      ke_module_of(caller), "%s on spin lock %p %s", ddi, (void *)lock,
                      owner ? "owned by another thread" : "that is not held");
    ke_tls.spinlocks_held--;
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

static void ke_check_at_dispatch(const char *ddi, void *caller)
{
    KIRQL irql = ke_tls.irql;
    if (irql < DISPATCH_LEVEL)
        krnl_bugcheck(IRQL_NOT_GREATER_OR_EQUAL, irql, DISPATCH_LEVEL, 0, (ULONG_PTR)caller,
                      ke_module_of(caller), "%s called at IRQL %u (needs "
                      "DISPATCH_LEVEL)", ddi, (unsigned)irql);
}

static void ke_check_at_most_dispatch(const char *ddi, void *caller)
{
    KIRQL irql = ke_tls.irql;
    if (irql > DISPATCH_LEVEL)
        krnl_bugcheck(IRQL_NOT_LESS_OR_EQUAL, 0, irql, 0, (ULONG_PTR)caller, ke_module_of(caller),
                      "%s called at IRQL %u (maximum DISPATCH_LEVEL)",
                      ddi, (unsigned)irql);
}

/* Releasing with a raising form: the lock was taken at DISPATCH_LEVEL, so
 * the IRQL must still be DISPATCH_LEVEL and the new IRQL must not be above. */
static void ke_check_release_irql(KIRQL new_irql, const char *ddi, void *caller)
{
    KIRQL irql = ke_tls.irql;
    if (irql != DISPATCH_LEVEL)
        krnl_bugcheck(irql < DISPATCH_LEVEL ? IRQL_NOT_GREATER_OR_EQUAL : IRQL_NOT_LESS_OR_EQUAL,
                      0, irql, DISPATCH_LEVEL, (ULONG_PTR)caller, ke_module_of(caller),
                      "%s called at IRQL %u (a raising spin lock is released at "
                      "DISPATCH_LEVEL)", ddi, (unsigned)irql);
    if (new_irql > DISPATCH_LEVEL)
        krnl_bugcheck(IRQL_NOT_LESS_OR_EQUAL, 0, irql, new_irql, (ULONG_PTR)caller, ke_module_of(caller),
                      "%s would lower IRQL %u to %u", ddi,
                      (unsigned)irql, (unsigned)new_irql);
}

void ke_spin_lock_raw(PKSPIN_LOCK lock)
{
    ke_spin_acquire(lock, "spin lock", __builtin_return_address(0));
}

void ke_spin_unlock_raw(PKSPIN_LOCK lock)
{
    ke_spin_release(lock, "spin lock", __builtin_return_address(0));
}

NTKERNELAPI void NTAPI KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
    *SpinLock = 0;
}

NTKERNELAPI KIRQL NTAPI KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
    void *caller = __builtin_return_address(0);
    KIRQL old;

    ke_check_at_most_dispatch("KeAcquireSpinLock", caller);
    old = KfRaiseIrql(DISPATCH_LEVEL);
    ke_spin_acquire(SpinLock, "KeAcquireSpinLock", caller);
    return old;
}

NTKERNELAPI void NTAPI KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    void *caller = __builtin_return_address(0);

    ke_check_release_irql(NewIrql, "KeReleaseSpinLock", caller);
    ke_spin_release(SpinLock, "KeReleaseSpinLock", caller);
    KeLowerIrql(NewIrql);
}

NTKERNELAPI void NTAPI KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    void *caller = __builtin_return_address(0);

    ke_check_at_dispatch("KeAcquireSpinLockAtDpcLevel", caller);
    ke_spin_acquire(SpinLock, "KeAcquireSpinLockAtDpcLevel", caller);
}

NTKERNELAPI void NTAPI KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    void *caller = __builtin_return_address(0);

    ke_check_at_dispatch("KeReleaseSpinLockFromDpcLevel", caller);
    ke_spin_release(SpinLock, "KeReleaseSpinLockFromDpcLevel", caller);
}

NTKERNELAPI BOOLEAN FASTCALL KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    void *caller = __builtin_return_address(0);
    ULONG_PTR expected = 0, self = ke_self_word();

    ke_check_at_dispatch("KeTryToAcquireSpinLockAtDpcLevel", caller);
    if (__atomic_load_n(SpinLock, __ATOMIC_RELAXED) == self)
        krnl_bugcheck(SPIN_LOCK_ALREADY_OWNED, (ULONG_PTR)SpinLock, self, 0, (ULONG_PTR)caller,
                      ke_module_of(caller), "KeTryToAcquireSpinLockAtDpcLevel on "
                      "spin lock %p already held by this thread", (void *)SpinLock);
    if (!__atomic_compare_exchange_n(SpinLock, &expected, self, 0, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED))
        return FALSE;
    ke_tls.spinlocks_held++;
    return TRUE;
}

NTKERNELAPI BOOLEAN FASTCALL KeTestSpinLock(PKSPIN_LOCK SpinLock)
{
    /* TRUE when the lock is available (a hint only, as on Windows). */
    if (__atomic_load_n(SpinLock, __ATOMIC_RELAXED) != 0) {
        __builtin_ia32_pause();
        return FALSE;
    }
    return TRUE;
}

/* The ForDpc forms: from a threaded DPC (PASSIVE) they raise, from a normal
 * DPC (DISPATCH) they only take the lock. */
NTKERNELAPI KIRQL NTAPI KeAcquireSpinLockForDpc(PKSPIN_LOCK SpinLock)
{
    void *caller = __builtin_return_address(0);
    KIRQL old;

    ke_check_at_most_dispatch("KeAcquireSpinLockForDpc", caller);
    old = KfRaiseIrql(DISPATCH_LEVEL);
    ke_spin_acquire(SpinLock, "KeAcquireSpinLockForDpc", caller);
    return old;
}

NTKERNELAPI void NTAPI KeReleaseSpinLockForDpc(PKSPIN_LOCK SpinLock, KIRQL OldIrql)
{
    void *caller = __builtin_return_address(0);

    ke_check_release_irql(OldIrql, "KeReleaseSpinLockForDpc", caller);
    ke_spin_release(SpinLock, "KeReleaseSpinLockForDpc", caller);
    KeLowerIrql(OldIrql);
}

NTKERNELAPI void FASTCALL KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock,
                                                         PKLOCK_QUEUE_HANDLE LockHandle)
{
    void *caller = __builtin_return_address(0);

    ke_check_at_most_dispatch("KeAcquireInStackQueuedSpinLock", caller);
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = KfRaiseIrql(DISPATCH_LEVEL);
    ke_spin_acquire(SpinLock, "KeAcquireInStackQueuedSpinLock", caller);
}

NTKERNELAPI void FASTCALL KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
    void *caller = __builtin_return_address(0);

    ke_check_release_irql(LockHandle->OldIrql, "KeReleaseInStackQueuedSpinLock", caller);
    ke_spin_release(LockHandle->LockQueue.Lock, "KeReleaseInStackQueuedSpinLock", caller);
    KeLowerIrql(LockHandle->OldIrql);
}

NTKERNELAPI void FASTCALL KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock,
                                                                   PKLOCK_QUEUE_HANDLE LockHandle)
{
    void *caller = __builtin_return_address(0);

    ke_check_at_dispatch("KeAcquireInStackQueuedSpinLockAtDpcLevel", caller);
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = DISPATCH_LEVEL;
    ke_spin_acquire(SpinLock, "KeAcquireInStackQueuedSpinLockAtDpcLevel", caller);
}

NTKERNELAPI void FASTCALL KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle)
{
    void *caller = __builtin_return_address(0);

    ke_check_at_dispatch("KeReleaseInStackQueuedSpinLockFromDpcLevel", caller);
    ke_spin_release(LockHandle->LockQueue.Lock, "KeReleaseInStackQueuedSpinLockFromDpcLevel",
                    caller);
}

NTKERNELAPI void FASTCALL KeAcquireInStackQueuedSpinLockForDpc(PKSPIN_LOCK SpinLock,
                                                               PKLOCK_QUEUE_HANDLE LockHandle)
{
    void *caller = __builtin_return_address(0);

    ke_check_at_most_dispatch("KeAcquireInStackQueuedSpinLockForDpc", caller);
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = KfRaiseIrql(DISPATCH_LEVEL);
    ke_spin_acquire(SpinLock, "KeAcquireInStackQueuedSpinLockForDpc", caller);
}

NTKERNELAPI void FASTCALL KeReleaseInStackQueuedSpinLockForDpc(PKLOCK_QUEUE_HANDLE LockHandle)
{
    KeReleaseInStackQueuedSpinLock(LockHandle);
}
