/*
 * cleanup_drv.c - cleanup before close with I/O pending. Reads are held
 * (cancelable) until the file's IRP_MJ_CLEANUP, which cancels the held
 * reads of that file; IRP_MJ_CLOSE can only come after they are gone.
 * Every event is appended to a log the test reads with IOCTL_CLN_LOG
 * (U = cleanup, X = a held read completed as cancelled, L = close,
 * C = cancel routine ran, E = a close arrived while a read was held).
 */
#include <wdm.h>
#include "conf.h"

static PDEVICE_OBJECT cln_dev;
static KSPIN_LOCK cln_lock;
static LIST_ENTRY cln_held;       /* cln_lock */
static ULONG cln_count;           /* cln_lock */
static char cln_log[64];          /* cln_lock */

static void log_event(char c)
{
    KIRQL irql;
    ULONG n = 0;

    KeAcquireSpinLock(&cln_lock, &irql);
    while (n < sizeof(cln_log) - 1 && cln_log[n])
        n++;
    if (n < sizeof(cln_log) - 1)
        cln_log[n] = c;
    KeReleaseSpinLock(&cln_lock, irql);
}

static void complete(PIRP irp, NTSTATUS status, ULONG_PTR info)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

static VOID NTAPI cln_cancel(PDEVICE_OBJECT dev, PIRP irp)
{
    KIRQL irql;

    UNREFERENCED_PARAMETER(dev);
    IoReleaseCancelSpinLock(irp->CancelIrql);
    KeAcquireSpinLock(&cln_lock, &irql);
    RemoveEntryList(&irp->Tail.Overlay.ListEntry);
    cln_count--;
    KeReleaseSpinLock(&cln_lock, irql);
    log_event('C');
    complete(irp, STATUS_CANCELLED, 0);
}

static NTSTATUS NTAPI cln_dispatch(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    LIST_ENTRY mine;
    KIRQL irql;

    UNREFERENCED_PARAMETER(dev);
    switch (sl->MajorFunction) {
    case IRP_MJ_READ:
        KeAcquireSpinLock(&cln_lock, &irql);
        IoSetCancelRoutine(irp, cln_cancel);
        if (irp->Cancel && IoSetCancelRoutine(irp, NULL)) {
            KeReleaseSpinLock(&cln_lock, irql);
            complete(irp, STATUS_CANCELLED, 0);
            return STATUS_CANCELLED;
        }
        IoMarkIrpPending(irp);
        InsertTailList(&cln_held, &irp->Tail.Overlay.ListEntry);
        cln_count++;
        KeReleaseSpinLock(&cln_lock, irql);
        return STATUS_PENDING;

    case IRP_MJ_CLEANUP:
        log_event('U');
        /* Cancel what this file still has held. */
        InitializeListHead(&mine);
        KeAcquireSpinLock(&cln_lock, &irql);
        for (PLIST_ENTRY e = cln_held.Flink; e != &cln_held;) {
            PIRP held = CONTAINING_RECORD(e, IRP, Tail.Overlay.ListEntry);
            e = e->Flink;
            if (IoGetCurrentIrpStackLocation(held)->FileObject == sl->FileObject &&
                IoSetCancelRoutine(held, NULL)) {
                RemoveEntryList(&held->Tail.Overlay.ListEntry);
                cln_count--;
                InsertTailList(&mine, &held->Tail.Overlay.ListEntry);
            }
        }
        KeReleaseSpinLock(&cln_lock, irql);
        while (!IsListEmpty(&mine)) {
            PIRP held = CONTAINING_RECORD(RemoveHeadList(&mine), IRP, Tail.Overlay.ListEntry);
            log_event('X');
            complete(held, STATUS_CANCELLED, 0);
        }
        complete(irp, STATUS_SUCCESS, 0);
        return STATUS_SUCCESS;

    case IRP_MJ_CLOSE: {
        ULONG held = 0;
        KeAcquireSpinLock(&cln_lock, &irql);
        for (PLIST_ENTRY e = cln_held.Flink; e != &cln_held; e = e->Flink)
            if (IoGetCurrentIrpStackLocation(CONTAINING_RECORD(e, IRP, Tail.Overlay.ListEntry))
                    ->FileObject == sl->FileObject)
                held++;
        KeReleaseSpinLock(&cln_lock, irql);
        log_event(held ? 'E' : 'L');
        complete(irp, STATUS_SUCCESS, 0);
        return STATUS_SUCCESS;
    }

    case IRP_MJ_DEVICE_CONTROL: {
        ULONG code = sl->Parameters.DeviceIoControl.IoControlCode;
        ULONG out = sl->Parameters.DeviceIoControl.OutputBufferLength;
        if (code == IOCTL_CLN_LOG && out >= sizeof(cln_log)) {
            KeAcquireSpinLock(&cln_lock, &irql);
            RtlCopyMemory(irp->AssociatedIrp.SystemBuffer, cln_log, sizeof(cln_log));
            KeReleaseSpinLock(&cln_lock, irql);
            complete(irp, STATUS_SUCCESS, sizeof(cln_log));
            return STATUS_SUCCESS;
        }
        if (code == IOCTL_CLN_PENDING && out >= sizeof(ULONG)) {
            KeAcquireSpinLock(&cln_lock, &irql);
            *(ULONG *)irp->AssociatedIrp.SystemBuffer = cln_count;
            KeReleaseSpinLock(&cln_lock, irql);
            complete(irp, STATUS_SUCCESS, sizeof(ULONG));
            return STATUS_SUCCESS;
        }
        complete(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
        return STATUS_INVALID_DEVICE_REQUEST;
    }

    default: /* IRP_MJ_CREATE */
        complete(irp, STATUS_SUCCESS, 0);
        return STATUS_SUCCESS;
    }
}

static VOID NTAPI cln_unload(PDRIVER_OBJECT drv)
{
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\DosDevices\\OddkCleanup");
    UNREFERENCED_PARAMETER(drv);
    IoDeleteSymbolicLink(&link);
    IoDeleteDevice(cln_dev);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\OddkCleanup");
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\DosDevices\\OddkCleanup");
    NTSTATUS status;

    UNREFERENCED_PARAMETER(regpath);
    KeInitializeSpinLock(&cln_lock);
    InitializeListHead(&cln_held);
    status = IoCreateDevice(drv, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &cln_dev);
    if (!NT_SUCCESS(status))
        return status;
    cln_dev->Flags |= DO_BUFFERED_IO;
    status = IoCreateSymbolicLink(&link, &name);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(cln_dev);
        return status;
    }
    drv->MajorFunction[IRP_MJ_CREATE] = cln_dispatch;
    drv->MajorFunction[IRP_MJ_CLEANUP] = cln_dispatch;
    drv->MajorFunction[IRP_MJ_CLOSE] = cln_dispatch;
    drv->MajorFunction[IRP_MJ_READ] = cln_dispatch;
    drv->MajorFunction[IRP_MJ_DEVICE_CONTROL] = cln_dispatch;
    drv->DriverUnload = cln_unload;
    return STATUS_SUCCESS;
}
