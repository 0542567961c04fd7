/*
 * handle_drv.c - handle validation as a driver does it: a caller passes a
 * handle in an IOCTL buffer and the driver references it with
 * ObReferenceObjectByHandle in the caller's mode; and a kernel-mode open
 * of another device with ZwCreateFile.
 */
#include <wdm.h>
#include "conf.h"

static PDEVICE_OBJECT hnd_dev;
static ULONG hnd_creates;

static void complete(PIRP irp, NTSTATUS status, ULONG_PTR info)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

static NTSTATUS do_check(PIRP irp, struct hnd_check *c)
{
    PVOID obj = NULL;
    POBJECT_TYPE type = c->want_device_type ? *IoDeviceObjectType : *IoFileObjectType;

    c->status = ObReferenceObjectByHandle(c->handle, c->desired, type, irp->RequestorMode, &obj,
                                          NULL);
    c->same_device = 0;
    if (NT_SUCCESS(c->status)) {
        if (!c->want_device_type)
            c->same_device = ((PFILE_OBJECT)obj)->DeviceObject == hnd_dev;
        ObDereferenceObject(obj);
    }
    return STATUS_SUCCESS;
}

static NTSTATUS do_open(struct hnd_open *o)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES oa;
    IO_STATUS_BLOCK iosb = { 0 };
    HANDLE h = NULL;
    ULONG before = hnd_creates;

    o->path[63] = 0;
    RtlInitUnicodeString(&name, o->path);
    InitializeObjectAttributes(&oa, &name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    o->status = ZwCreateFile(&h, GENERIC_READ, &oa, &iosb, NULL, FILE_ATTRIBUTE_NORMAL,
                             FILE_SHARE_READ, FILE_OPEN, FILE_NON_DIRECTORY_FILE, NULL, 0);
    o->information = iosb.Information;
    o->target_creates = hnd_creates - before;
    if (NT_SUCCESS(o->status))
        ZwClose(h);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI hnd_dispatch(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    ULONG in = sl->Parameters.DeviceIoControl.InputBufferLength;
    ULONG out = sl->Parameters.DeviceIoControl.OutputBufferLength;
    PVOID buf = irp->AssociatedIrp.SystemBuffer;

    UNREFERENCED_PARAMETER(dev);
    if (sl->MajorFunction == IRP_MJ_CREATE)
        hnd_creates++;
    if (sl->MajorFunction != IRP_MJ_DEVICE_CONTROL) {
        complete(irp, STATUS_SUCCESS, 0);
        return STATUS_SUCCESS;
    }
    switch (sl->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_HND_CHECK:
        if (in < sizeof(struct hnd_check) || out < sizeof(struct hnd_check))
            break;
        do_check(irp, buf);
        complete(irp, STATUS_SUCCESS, sizeof(struct hnd_check));
        return STATUS_SUCCESS;
    case IOCTL_HND_OPEN:
        if (in < sizeof(struct hnd_open) || out < sizeof(struct hnd_open))
            break;
        do_open(buf);
        complete(irp, STATUS_SUCCESS, sizeof(struct hnd_open));
        return STATUS_SUCCESS;
    }
    complete(irp, STATUS_INVALID_PARAMETER, 0);
    return STATUS_INVALID_PARAMETER;
}

static VOID NTAPI hnd_unload(PDRIVER_OBJECT drv)
{
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\DosDevices\\OddkHandle");
    UNREFERENCED_PARAMETER(drv);
    IoDeleteSymbolicLink(&link);
    IoDeleteDevice(hnd_dev);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\OddkHandle");
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\DosDevices\\OddkHandle");
    ULONG i;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(regpath);
    status = IoCreateDevice(drv, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &hnd_dev);
    if (!NT_SUCCESS(status))
        return status;
    hnd_dev->Flags |= DO_BUFFERED_IO;
    status = IoCreateSymbolicLink(&link, &name);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(hnd_dev);
        return status;
    }
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        drv->MajorFunction[i] = hnd_dispatch;
    drv->DriverUnload = hnd_unload;
    return STATUS_SUCCESS;
}
