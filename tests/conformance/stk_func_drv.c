/*
 * stk_func_drv.c - middle of the 3-deep stack: the function driver. It
 * attaches to \Device\OddkStkLower by name, completes reads itself from a
 * DPC (the IRP is pended first), and passes everything else down.
 */
#include <wdm.h>
#include "conf.h"

struct func_ext {
    PDEVICE_OBJECT lower;
    KTIMER timer;
    KDPC dpc;
    PIRP pending;              /* the read waiting for the DPC */
};

static PDEVICE_OBJECT func_dev;

static VOID NTAPI func_dpc(PKDPC dpc, PVOID context, PVOID a1, PVOID a2)
{
    struct func_ext *x = context;
    PIRP irp = x->pending;
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    ULONG len = sl->Parameters.Read.Length;

    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    x->pending = NULL;
    RtlFillMemory(irp->AssociatedIrp.SystemBuffer, len, 'F');
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = len;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

static NTSTATUS NTAPI func_read(PDEVICE_OBJECT dev, PIRP irp)
{
    struct func_ext *x = dev->DeviceExtension;
    LARGE_INTEGER due = { .QuadPart = -10 * 1000 * 5 };   /* 5 ms */

    if (x->pending) {
        irp->IoStatus.Status = STATUS_DEVICE_BUSY;
        irp->IoStatus.Information = 0;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
        return STATUS_DEVICE_BUSY;
    }
    IoMarkIrpPending(irp);
    x->pending = irp;
    KeSetTimer(&x->timer, due, &x->dpc);
    return STATUS_PENDING;
}

static NTSTATUS NTAPI func_pass(PDEVICE_OBJECT dev, PIRP irp)
{
    struct func_ext *x = dev->DeviceExtension;
    IoSkipCurrentIrpStackLocation(irp);
    return IoCallDriver(x->lower, irp);
}

static VOID NTAPI func_unload(PDRIVER_OBJECT drv)
{
    struct func_ext *x = func_dev->DeviceExtension;
    UNREFERENCED_PARAMETER(drv);
    KeCancelTimer(&x->timer);
    /* The DPC that completed the last read may still be returning into
     * this module: wait for it before the module goes away. */
    KeFlushQueuedDpcs();
    IoDetachDevice(x->lower);
    IoDeleteDevice(func_dev);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    UNICODE_STRING target = RTL_CONSTANT_STRING(L"\\Device\\OddkStkLower");
    struct func_ext *x;
    ULONG i;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(regpath);
    status = IoCreateDevice(drv, sizeof(*x), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &func_dev);
    if (!NT_SUCCESS(status))
        return status;
    x = func_dev->DeviceExtension;
    KeInitializeTimer(&x->timer);
    KeInitializeDpc(&x->dpc, func_dpc, x);
    status = IoAttachDevice(func_dev, &target, &x->lower);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(func_dev);
        return status;
    }
    func_dev->Flags |= DO_BUFFERED_IO;
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        drv->MajorFunction[i] = func_pass;
    drv->MajorFunction[IRP_MJ_READ] = func_read;
    drv->DriverUnload = func_unload;
    return STATUS_SUCCESS;
}
