/*
 * interrupt.c - interrupt objects: the lock and IRQL an ISR runs under.
 *
 * There is no hardware: io creates the object (IoConnectInterrupt) with
 * ke_interrupt_create, and whatever emulates the device delivers an
 * interrupt with ke_interrupt_deliver, which runs the ISR on the calling
 * thread at the object's synchronize IRQL holding its spin lock, exactly
 * the context KeSynchronizeExecution and KeAcquireInterruptSpinLock
 * reproduce for the driver's other code. The object is private to ke
 * (PKINTERRUPT is opaque to drivers).
 */
#define _GNU_SOURCE
#include "ke/ke.h"
#include "krnl/krnl.h"

#include <stdlib.h>

#define KE_INTERRUPT_MAGIC 0x544e494bu /* "KINT" */

struct _KINTERRUPT {
    CSHORT Type;                /* InterruptObject */
    CSHORT Size;
    ULONG magic;
    PKSERVICE_ROUTINE service_routine;
    PVOID service_context;
    PKSPIN_LOCK lock;           /* actual lock: the caller's or own_lock */
    KSPIN_LOCK own_lock;
    ULONG vector;
    KIRQL irql;
    KIRQL synchronize_irql;
    KINTERRUPT_MODE mode;
};

static void ke_check_interrupt(PKINTERRUPT i, const char *ddi, void *caller)
{
    if (!i || i->magic != KE_INTERRUPT_MAGIC)
        krnl_bugcheck(KMODE_EXCEPTION_NOT_HANDLED, (ULONG_PTR)(ULONG)STATUS_INVALID_HANDLE,
                      (ULONG_PTR)caller, (ULONG_PTR)i, 0, ke_module_of(caller),
                      "%s: %p is not an interrupt object", ddi, (void *)i);
}

NTSTATUS ke_interrupt_create(PKSERVICE_ROUTINE service_routine, PVOID service_context,
                             PKSPIN_LOCK lock, ULONG vector, KIRQL irql,
                             KIRQL synchronize_irql, KINTERRUPT_MODE mode,
                             PKINTERRUPT *interrupt)
{
    struct _KINTERRUPT *i;

    if (!interrupt || !service_routine || irql <= DISPATCH_LEVEL || irql > HIGH_LEVEL ||
        synchronize_irql < irql || synchronize_irql > HIGH_LEVEL)
        return STATUS_INVALID_PARAMETER;
    i = calloc(1, sizeof(*i));
    if (!i)
        return STATUS_INSUFFICIENT_RESOURCES;
    i->Type = InterruptObject;
    i->Size = sizeof(*i);
    i->magic = KE_INTERRUPT_MAGIC;
    i->service_routine = service_routine;
    i->service_context = service_context;
    i->lock = lock ? lock : &i->own_lock;
    i->vector = vector;
    i->irql = irql;
    i->synchronize_irql = synchronize_irql;
    i->mode = mode;
    *interrupt = i;
    return STATUS_SUCCESS;
}

void ke_interrupt_delete(PKINTERRUPT interrupt)
{
    if (!interrupt)
        return;
    interrupt->magic = 0;
    free(interrupt);
}

BOOLEAN ke_interrupt_deliver(PKINTERRUPT interrupt)
{
    KIRQL old;
    BOOLEAN handled;

    ke_check_interrupt(interrupt, "interrupt delivery", __builtin_return_address(0));
    old = KfRaiseIrql(interrupt->synchronize_irql);
    ke_spin_lock_raw(interrupt->lock);
    handled = interrupt->service_routine(interrupt, interrupt->service_context);
    ke_spin_unlock_raw(interrupt->lock);
    if (ke_tls.irql != interrupt->synchronize_irql)
        krnl_bugcheck(IRQL_UNEXPECTED_VALUE,
                      ((ULONG_PTR)ke_tls.irql << 16) | ((ULONG_PTR)interrupt->synchronize_irql << 8),
                      (ULONG_PTR)interrupt->service_routine, (ULONG_PTR)interrupt, 0,
                      ke_module_of((const void *)interrupt->service_routine),
                      "ISR %p returned at IRQL %u (entered at %u)",
                      (void *)interrupt->service_routine, (unsigned)ke_tls.irql,
                      (unsigned)interrupt->synchronize_irql);
    KeLowerIrql(old);
    return handled;
}

NTKERNELAPI BOOLEAN NTAPI KeSynchronizeExecution(PKINTERRUPT Interrupt,
                                                 PKSYNCHRONIZE_ROUTINE SynchronizeRoutine,
                                                 PVOID SynchronizeContext)
{
    void *caller = __builtin_return_address(0);
    KIRQL old;
    BOOLEAN r;

    ke_check_interrupt(Interrupt, "KeSynchronizeExecution", caller);
    ke_check_irql_max(Interrupt->synchronize_irql, "KeSynchronizeExecution");
    old = KfRaiseIrql(Interrupt->synchronize_irql);
    ke_spin_lock_raw(Interrupt->lock);
    r = SynchronizeRoutine(SynchronizeContext);
    ke_spin_unlock_raw(Interrupt->lock);
    KeLowerIrql(old);
    return r;
}

NTKERNELAPI KIRQL NTAPI KeAcquireInterruptSpinLock(PKINTERRUPT Interrupt)
{
    void *caller = __builtin_return_address(0);
    KIRQL old;

    ke_check_interrupt(Interrupt, "KeAcquireInterruptSpinLock", caller);
    ke_check_irql_max(Interrupt->synchronize_irql, "KeAcquireInterruptSpinLock");
    old = KfRaiseIrql(Interrupt->synchronize_irql);
    ke_spin_lock_raw(Interrupt->lock);
    return old;
}

NTKERNELAPI void NTAPI KeReleaseInterruptSpinLock(PKINTERRUPT Interrupt, KIRQL OldIrql)
{
    ke_check_interrupt(Interrupt, "KeReleaseInterruptSpinLock", __builtin_return_address(0));
    ke_spin_unlock_raw(Interrupt->lock);
    KeLowerIrql(OldIrql);
}
