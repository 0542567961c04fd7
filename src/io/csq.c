/*
 * io/csq.c - cancel-safe IRP queues (IO_CSQ).
 *
 * The driver owns the queue and its lock (the Csq* callbacks); this file
 * owns the protocol that makes cancellation safe. An IRP in the queue has
 * io_csq_cancel as its cancel routine and Tail.Overlay.DriverContext[3]
 * pointing at its IO_CSQ_IRP_CONTEXT (or, without one, at the IO_CSQ: the
 * two are told apart by their Type field). Whoever clears the cancel
 * routine with the atomic exchange owns the IRP: a remover that gets NULL
 * back skips the IRP, because the cancel routine is already on its way to
 * take it out of the queue (under the queue lock) and complete it.
 * DriverContext[3] and the context's Irp field are only changed under the
 * driver's queue lock.
 */
#include "io/iop.h"

static PIO_CSQ io_csq_of(PVOID ctx3, PIO_CSQ_IRP_CONTEXT *context)
{
    PIO_CSQ_IRP_CONTEXT c = ctx3;
    if (c && c->Type == IO_TYPE_CSQ_IRP_CONTEXT) {
        *context = c;
        return c->Csq;
    }
    *context = NULL;
    return ctx3;
}

static void NTAPI io_csq_cancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_CSQ_IRP_CONTEXT context;
    KIRQL irql;

    UNREFERENCED_PARAMETER(DeviceObject);
    IoReleaseCancelSpinLock(Irp->CancelIrql);

    PIO_CSQ csq = io_csq_of(Irp->Tail.Overlay.DriverContext[3], &context);
    csq->CsqAcquireLock(csq, &irql);
    csq->CsqRemoveIrp(csq, Irp);
    if (context)
        context->Irp = NULL;
    Irp->Tail.Overlay.DriverContext[3] = NULL;
    csq->CsqReleaseLock(csq, irql);
    csq->CsqCompleteCanceledIrp(csq, Irp);
}

static NTSTATUS io_csq_init(PIO_CSQ Csq, ULONG type, PVOID insert, PIO_CSQ_REMOVE_IRP remove,
                            PIO_CSQ_PEEK_NEXT_IRP peek, PIO_CSQ_ACQUIRE_LOCK acquire,
                            PIO_CSQ_RELEASE_LOCK release, PIO_CSQ_COMPLETE_CANCELED_IRP complete)
{
    if (!Csq || !insert || !remove || !peek || !acquire || !release || !complete)
        return STATUS_INVALID_PARAMETER;
    Csq->Type = type;
    Csq->CsqInsertIrp = (PIO_CSQ_INSERT_IRP)insert;
    Csq->CsqRemoveIrp = remove;
    Csq->CsqPeekNextIrp = peek;
    Csq->CsqAcquireLock = acquire;
    Csq->CsqReleaseLock = release;
    Csq->CsqCompleteCanceledIrp = complete;
    Csq->ReservePointer = NULL;
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS NTAPI IoCsqInitialize(
    PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
    PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
    PIO_CSQ_RELEASE_LOCK CsqReleaseLock, PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
    return io_csq_init(Csq, IO_TYPE_CSQ, (PVOID)CsqInsertIrp, CsqRemoveIrp, CsqPeekNextIrp,
                       CsqAcquireLock, CsqReleaseLock, CsqCompleteCanceledIrp);
}

NTKERNELAPI NTSTATUS NTAPI IoCsqInitializeEx(
    PIO_CSQ Csq, PIO_CSQ_INSERT_IRP_EX CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
    PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
    PIO_CSQ_RELEASE_LOCK CsqReleaseLock, PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
    return io_csq_init(Csq, IO_TYPE_CSQ_EX, (PVOID)CsqInsertIrp, CsqRemoveIrp, CsqPeekNextIrp,
                       CsqAcquireLock, CsqReleaseLock, CsqCompleteCanceledIrp);
}

NTKERNELAPI NTSTATUS NTAPI IoCsqInsertIrpEx(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context,
                                            PVOID InsertContext)
{
    NTSTATUS status = STATUS_SUCCESS;
    KIRQL irql;

    Csq->CsqAcquireLock(Csq, &irql);
    if (Csq->Type == IO_TYPE_CSQ_EX) {
        status = ((PIO_CSQ_INSERT_IRP_EX)(PVOID)Csq->CsqInsertIrp)(Csq, Irp, InsertContext);
        if (!NT_SUCCESS(status)) {
            Csq->CsqReleaseLock(Csq, irql);
            return status;
        }
    } else {
        Csq->CsqInsertIrp(Csq, Irp);
    }

    IoMarkIrpPending(Irp);
    if (Context) {
        Context->Type = IO_TYPE_CSQ_IRP_CONTEXT;
        Context->Irp = Irp;
        Context->Csq = Csq;
        Irp->Tail.Overlay.DriverContext[3] = Context;
    } else {
        Irp->Tail.Overlay.DriverContext[3] = Csq;
    }

    IoSetCancelRoutine(Irp, io_csq_cancel);
    if (__atomic_load_n(&Irp->Cancel, __ATOMIC_SEQ_CST) && IoSetCancelRoutine(Irp, NULL)) {
        /* Cancelled before the routine was in place, and IoCancelIrp did
         * not take it: cancel it here. */
        Csq->CsqRemoveIrp(Csq, Irp);
        if (Context)
            Context->Irp = NULL;
        Irp->Tail.Overlay.DriverContext[3] = NULL;
        Csq->CsqReleaseLock(Csq, irql);
        Csq->CsqCompleteCanceledIrp(Csq, Irp);
        return status;
    }
    Csq->CsqReleaseLock(Csq, irql);
    return status;
}

NTKERNELAPI void NTAPI IoCsqInsertIrp(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context)
{
    IoCsqInsertIrpEx(Csq, Irp, Context, NULL);
}

NTKERNELAPI PIRP NTAPI IoCsqRemoveIrp(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context)
{
    KIRQL irql;
    PIRP irp;

    Csq->CsqAcquireLock(Csq, &irql);
    irp = Context->Irp;
    if (irp) {
        if (IoSetCancelRoutine(irp, NULL)) {
            Csq->CsqRemoveIrp(Csq, irp);
            irp->Tail.Overlay.DriverContext[3] = NULL;
            Context->Irp = NULL;
        } else {
            irp = NULL;         /* the cancel routine owns it */
        }
    }
    Csq->CsqReleaseLock(Csq, irql);
    return irp;
}

NTKERNELAPI PIRP NTAPI IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext)
{
    KIRQL irql;
    PIRP irp;
    PIO_CSQ_IRP_CONTEXT context;

    Csq->CsqAcquireLock(Csq, &irql);
    for (irp = Csq->CsqPeekNextIrp(Csq, NULL, PeekContext); irp;
         irp = Csq->CsqPeekNextIrp(Csq, irp, PeekContext)) {
        if (!IoSetCancelRoutine(irp, NULL))
            continue;           /* being cancelled: not ours to take */
        Csq->CsqRemoveIrp(Csq, irp);
        io_csq_of(irp->Tail.Overlay.DriverContext[3], &context);
        if (context)
            context->Irp = NULL;
        irp->Tail.Overlay.DriverContext[3] = NULL;
        break;
    }
    Csq->CsqReleaseLock(Csq, irql);
    return irp;
}
