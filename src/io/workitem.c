/*
 * workitem.c - IO_WORKITEMs: ExQueueWorkItem with the I/O manager's
 * guarantee that the device (or driver) object the item belongs to stays
 * alive while the item is queued or running. The queued item holds an
 * object reference, released after the routine returns; the routine may
 * free or requeue its own item (the reference was taken for this run and
 * is released by this run).
 *
 * Queuing an item that is already queued, or freeing/uninitializing one
 * that is queued, corrupts the work queue on Windows; here it is bug check
 * WORKER_INVALID (0xE4) naming the item.
 */
#include <wdm.h>
#include "io/iodev.h"
#include "ke/ke.h"
#include "krnl/krnl.h"

#include <string.h>

#define IO_BC_WORKER_INVALID 0x000000E4u
#define IO_WORKITEM_TAG 'iWoI'
#define IO_WORKITEM_MAGIC 0x4B524F57u   /* "WORK" */

struct _IO_WORKITEM {
    WORK_QUEUE_ITEM item;          /* ExQueueWorkItem's */
    ULONG magic;
    volatile LONG queued;          /* atomic: 1 from IoQueueWorkItem until the routine starts */
    BOOLEAN allocated;             /* IoAllocateWorkItem (vs IoInitializeWorkItem) */
    PVOID io_object;               /* device or driver object */
    PIO_WORKITEM_ROUTINE routine;
    PIO_WORKITEM_ROUTINE_EX routine_ex;
    PVOID context;
};

static void NTAPI io_workitem_worker(PVOID parameter)
{
    PIO_WORKITEM wi = parameter;
    PVOID obj = wi->io_object;
    PIO_WORKITEM_ROUTINE routine = wi->routine;
    PIO_WORKITEM_ROUTINE_EX routine_ex = wi->routine_ex;
    PVOID context = wi->context;

    __atomic_store_n(&wi->queued, 0, __ATOMIC_RELEASE);
    /* From here the routine owns the item: it may free or requeue it. */
    if (routine_ex)
        routine_ex(obj, context, wi);
    else
        routine((PDEVICE_OBJECT)obj, context);
    ObDereferenceObject(obj);
}

NTKERNELAPI ULONG NTAPI IoSizeofWorkItem(void)
{
    return (ULONG)sizeof(struct _IO_WORKITEM);
}

NTKERNELAPI VOID NTAPI IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem)
{
    if (!IoWorkItem)
        return;
    memset(IoWorkItem, 0, sizeof(*IoWorkItem));
    IoWorkItem->magic = IO_WORKITEM_MAGIC;
    IoWorkItem->io_object = IoObject;
}

NTKERNELAPI VOID NTAPI IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem)
{
    if (!IoWorkItem)
        return;
    if (__atomic_load_n(&IoWorkItem->queued, __ATOMIC_ACQUIRE))
        krnl_bugcheck(IO_BC_WORKER_INVALID, 0x1, (ULONG_PTR)IoWorkItem, 0, 0, NULL,
                      "IoUninitializeWorkItem on a queued work item %p", (void *)IoWorkItem);
    IoWorkItem->magic = 0;
}

NTKERNELAPI PIO_WORKITEM NTAPI IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject)
{
    PIO_WORKITEM wi;

    ke_check_irql_max(DISPATCH_LEVEL, "IoAllocateWorkItem");
    if (!DeviceObject)
        return NULL;
    wi = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*wi), IO_WORKITEM_TAG);
    if (!wi)
        return NULL;
    IoInitializeWorkItem(DeviceObject, wi);
    wi->allocated = TRUE;
    return wi;
}

NTKERNELAPI VOID NTAPI IoFreeWorkItem(PIO_WORKITEM IoWorkItem)
{
    ke_check_irql_max(DISPATCH_LEVEL, "IoFreeWorkItem");
    if (!IoWorkItem)
        return;
    if (IoWorkItem->magic != IO_WORKITEM_MAGIC || !IoWorkItem->allocated)
        krnl_bugcheck(IO_BC_WORKER_INVALID, 0x2, (ULONG_PTR)IoWorkItem, 0, 0, NULL,
                      "IoFreeWorkItem on %p, which IoAllocateWorkItem did not return",
                      (void *)IoWorkItem);
    if (__atomic_load_n(&IoWorkItem->queued, __ATOMIC_ACQUIRE))
        krnl_bugcheck(IO_BC_WORKER_INVALID, 0x1, (ULONG_PTR)IoWorkItem, 0, 0, NULL,
                      "IoFreeWorkItem on a queued work item %p", (void *)IoWorkItem);
    IoWorkItem->magic = 0;
    ExFreePoolWithTag(IoWorkItem, IO_WORKITEM_TAG);
}

static BOOLEAN io_workitem_queue(PIO_WORKITEM wi, PIO_WORKITEM_ROUTINE routine,
                                 PIO_WORKITEM_ROUTINE_EX routine_ex, WORK_QUEUE_TYPE type,
                                 PVOID context, BOOLEAN try_only)
{
    if (!wi || wi->magic != IO_WORKITEM_MAGIC)
        krnl_bugcheck(IO_BC_WORKER_INVALID, 0x3, (ULONG_PTR)wi, 0, 0, NULL,
                      "IoQueueWorkItem on an uninitialized work item %p", (void *)wi);
    if (__atomic_exchange_n(&wi->queued, 1, __ATOMIC_ACQ_REL)) {
        if (try_only)
            return FALSE;
        krnl_bugcheck(IO_BC_WORKER_INVALID, 0x0, (ULONG_PTR)wi, (ULONG_PTR)routine, 0, NULL,
                      "work item %p queued twice", (void *)wi);
    }
    wi->routine = routine;
    wi->routine_ex = routine_ex;
    wi->context = context;
    ObReferenceObject(wi->io_object);
    ExInitializeWorkItem(&wi->item, io_workitem_worker, wi);
    ExQueueWorkItem(&wi->item, type);
    return TRUE;
}

NTKERNELAPI VOID NTAPI IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                                       WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    ke_check_irql_max(DISPATCH_LEVEL, "IoQueueWorkItem");
    io_workitem_queue(IoWorkItem, WorkerRoutine, NULL, QueueType, Context, FALSE);
}

NTKERNELAPI VOID NTAPI IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem,
                                         PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
                                         WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    ke_check_irql_max(DISPATCH_LEVEL, "IoQueueWorkItemEx");
    io_workitem_queue(IoWorkItem, NULL, WorkerRoutine, QueueType, Context, FALSE);
}

NTKERNELAPI BOOLEAN NTAPI IoTryQueueWorkItem(PIO_WORKITEM IoWorkItem,
                                             PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
                                             WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    ke_check_irql_max(DISPATCH_LEVEL, "IoTryQueueWorkItem");
    return io_workitem_queue(IoWorkItem, NULL, WorkerRoutine, QueueType, Context, TRUE);
}
