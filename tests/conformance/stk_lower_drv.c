/*
 * stk_lower_drv.c - bottom of the 3-deep stack: a named device with a DOS
 * name; answers create/cleanup/close and IOCTL_STK_PING itself.
 */
#include <wdm.h>
#include "conf.h"

static PDEVICE_OBJECT lower_dev;
static ULONG pings;

static NTSTATUS NTAPI lower_dispatch(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    NTSTATUS status = STATUS_SUCCESS;
    ULONG_PTR info = 0;

    UNREFERENCED_PARAMETER(dev);
    if (sl->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        if (sl->Parameters.DeviceIoControl.IoControlCode == IOCTL_STK_PING &&
            sl->Parameters.DeviceIoControl.OutputBufferLength >= sizeof(struct stk_ping)) {
            struct stk_ping *p = irp->AssociatedIrp.SystemBuffer;
            p->lower_pings = ++pings;
            p->stack_size_seen = (ULONG)irp->StackCount;
            p->current_location = (ULONG)irp->CurrentLocation;
            info = sizeof(*p);
        } else {
            status = STATUS_INVALID_DEVICE_REQUEST;
        }
    }
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

static VOID NTAPI lower_unload(PDRIVER_OBJECT drv)
{
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\DosDevices\\OddkStk");
    UNREFERENCED_PARAMETER(drv);
    IoDeleteSymbolicLink(&link);
    IoDeleteDevice(lower_dev);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\OddkStkLower");
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\DosDevices\\OddkStk");
    NTSTATUS status;

    UNREFERENCED_PARAMETER(regpath);
    status = IoCreateDevice(drv, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &lower_dev);
    if (!NT_SUCCESS(status))
        return status;
    lower_dev->Flags |= DO_BUFFERED_IO;
    lower_dev->AlignmentRequirement = FILE_QUAD_ALIGNMENT;
    status = IoCreateSymbolicLink(&link, &name);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(lower_dev);
        return status;
    }
    drv->MajorFunction[IRP_MJ_CREATE] = lower_dispatch;
    drv->MajorFunction[IRP_MJ_CLEANUP] = lower_dispatch;
    drv->MajorFunction[IRP_MJ_CLOSE] = lower_dispatch;
    drv->MajorFunction[IRP_MJ_DEVICE_CONTROL] = lower_dispatch;
    drv->DriverUnload = lower_unload;
    return STATUS_SUCCESS;
}
