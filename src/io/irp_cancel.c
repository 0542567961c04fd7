/*
 * io/irp_cancel.c - IRP cancellation: the system cancel spin lock and
 * IoCancelIrp.
 *
 * Ownership of a cancellable IRP is decided by one atomic exchange of
 * Irp->CancelRoutine (IoSetCancelRoutine, inline in io.h): whoever swaps
 * a non-NULL routine out owns the IRP. IoCancelIrp sets Irp->Cancel first,
 * then swaps; a driver that dequeues swaps NULL in and, on getting NULL
 * back, knows the cancel routine has (or will) run and must leave the IRP
 * alone. The cancel routine is called with the cancel spin lock held at
 * DISPATCH_LEVEL and Irp->CancelIrql holding the IRQL to restore; it must
 * release the lock with IoReleaseCancelSpinLock(Irp->CancelIrql).
 */
#include "io/iop.h"

/* The system-wide cancel spin lock. Guards nothing of the I/O manager's
 * own (the exchange above is the real synchronisation); drivers that use
 * the legacy cancel pattern rely on it to order their queues with
 * cancellation. */
static KSPIN_LOCK io_cancel_lock;

NTKERNELAPI void NTAPI IoAcquireCancelSpinLock(PKIRQL Irql)
{
    *Irql = KeAcquireSpinLockRaiseToDpc(&io_cancel_lock);
}

NTKERNELAPI void NTAPI IoReleaseCancelSpinLock(KIRQL Irql)
{
    KeReleaseSpinLock(&io_cancel_lock, Irql);
}

NTKERNELAPI BOOLEAN NTAPI IoCancelIrp(PIRP Irp)
{
    KIRQL irql;

    ke_check_irql_max(DISPATCH_LEVEL, "IoCancelIrp");
    IoAcquireCancelSpinLock(&irql);
    __atomic_store_n(&Irp->Cancel, TRUE, __ATOMIC_SEQ_CST);
    PDRIVER_CANCEL routine = IoSetCancelRoutine(Irp, NULL);
    if (!routine) {
        IoReleaseCancelSpinLock(irql);
        return FALSE;
    }
    Irp->CancelIrql = irql;
    PDEVICE_OBJECT dev = Irp->CurrentLocation <= Irp->StackCount
        ? IoGetCurrentIrpStackLocation(Irp)->DeviceObject : NULL;
    routine(dev, Irp);      /* releases the cancel spin lock */
    return TRUE;
}
