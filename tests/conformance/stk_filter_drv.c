/*
 * stk_filter_drv.c - top of the 3-deep stack: an upper filter that passes
 * every IRP down, watches reads complete through a completion routine
 * (marking the first byte so the test sees it ran) and answers
 * IOCTL_STK_FILTER_STATS itself.
 */
#include <wdm.h>
#include "conf.h"

static PDEVICE_OBJECT filter_dev;
static PDEVICE_OBJECT filter_lower;
static struct stk_filter_stats stats;

static NTSTATUS NTAPI filter_read_done(PDEVICE_OBJECT dev, PIRP irp, PVOID context)
{
    UNREFERENCED_PARAMETER(dev);
    UNREFERENCED_PARAMETER(context);
    if (irp->PendingReturned) {
        IoMarkIrpPending(irp);
        stats.pending_returned++;
    }
    stats.read_completions++;
    stats.completion_irql = KeGetCurrentIrql();
    if (NT_SUCCESS(irp->IoStatus.Status) && irp->IoStatus.Information)
        ((UCHAR *)irp->AssociatedIrp.SystemBuffer)[0] = 'X';
    return STATUS_CONTINUE_COMPLETION;
}

static NTSTATUS NTAPI filter_dispatch(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);

    UNREFERENCED_PARAMETER(dev);
    switch (sl->MajorFunction) {
    case IRP_MJ_READ:
        IoCopyCurrentIrpStackLocationToNext(irp);
        IoSetCompletionRoutine(irp, filter_read_done, NULL, TRUE, TRUE, TRUE);
        return IoCallDriver(filter_lower, irp);
    case IRP_MJ_DEVICE_CONTROL:
        if (sl->Parameters.DeviceIoControl.IoControlCode == IOCTL_STK_FILTER_STATS) {
            NTSTATUS status = STATUS_BUFFER_TOO_SMALL;
            ULONG_PTR info = 0;
            if (sl->Parameters.DeviceIoControl.OutputBufferLength >= sizeof(stats)) {
                RtlCopyMemory(irp->AssociatedIrp.SystemBuffer, &stats, sizeof(stats));
                info = sizeof(stats);
                status = STATUS_SUCCESS;
            }
            irp->IoStatus.Status = status;
            irp->IoStatus.Information = info;
            IoCompleteRequest(irp, IO_NO_INCREMENT);
            return status;
        }
        break;
    case IRP_MJ_CREATE:
        stats.creates_seen++;
        break;
    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(irp);
    return IoCallDriver(filter_lower, irp);
}

static VOID NTAPI filter_unload(PDRIVER_OBJECT drv)
{
    UNREFERENCED_PARAMETER(drv);
    IoDetachDevice(filter_lower);
    IoDeleteDevice(filter_dev);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    UNICODE_STRING target = RTL_CONSTANT_STRING(L"\\Device\\OddkStkLower");
    ULONG i;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(regpath);
    status = IoCreateDevice(drv, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &filter_dev);
    if (!NT_SUCCESS(status))
        return status;
    /* IoAttachDevice lands on top of whatever is attached already. */
    status = IoAttachDevice(filter_dev, &target, &filter_lower);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(filter_dev);
        return status;
    }
    filter_dev->Flags |= filter_lower->Flags & (DO_BUFFERED_IO | DO_DIRECT_IO);
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        drv->MajorFunction[i] = filter_dispatch;
    drv->DriverUnload = filter_unload;
    return STATUS_SUCCESS;
}
