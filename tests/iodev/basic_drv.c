/*
 * basic_drv.c - a plain legacy WDM driver for test_driver.c: one named
 * device with a DOS name, create/close/ioctl, reinitialization and a
 * driver object extension. It handles no IRP_MJ_WRITE on purpose.
 */
#include <wdm.h>
#include "basic_drv.h"

static struct basic_info info;
static PDEVICE_OBJECT basic_dev;
static int ext_id;

static void copy_us(WCHAR *dst, ULONG cch, PCUNICODE_STRING s)
{
    ULONG n = s->Length / sizeof(WCHAR);
    if (n >= cch)
        n = cch - 1;
    RtlCopyMemory(dst, s->Buffer, n * sizeof(WCHAR));
    dst[n] = 0;
}

static NTSTATUS NTAPI basic_create_close(PDEVICE_OBJECT dev, PIRP irp)
{
    UNREFERENCED_PARAMETER(dev);
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI basic_ioctl(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    NTSTATUS status = STATUS_INVALID_DEVICE_REQUEST;
    ULONG_PTR n = 0;

    if (sl->Parameters.DeviceIoControl.IoControlCode == IOCTL_BASIC_INFO) {
        if (sl->Parameters.DeviceIoControl.OutputBufferLength < sizeof(info)) {
            status = STATUS_BUFFER_TOO_SMALL;
        } else {
            info.flags_now = dev->Flags;
            info.ext_ok = IoGetDriverObjectExtension(dev->DriverObject, &ext_id) != NULL;
            RtlCopyMemory(irp->AssociatedIrp.SystemBuffer, &info, sizeof(info));
            n = sizeof(info);
            status = STATUS_SUCCESS;
        }
    }
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = n;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

static VOID NTAPI basic_reinit(PDRIVER_OBJECT drv, PVOID context, ULONG count)
{
    UNREFERENCED_PARAMETER(drv);
    UNREFERENCED_PARAMETER(context);
    info.reinit_calls++;
    info.reinit_count = count;
}

static VOID NTAPI basic_unload(PDRIVER_OBJECT drv)
{
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\DosDevices\\IodevBasic");
    UNREFERENCED_PARAMETER(drv);
    IoDeleteSymbolicLink(&link);
    IoDeleteDevice(basic_dev);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\IodevBasic");
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\DosDevices\\IodevBasic");
    PVOID ext = NULL, ext2 = NULL;
    NTSTATUS status;

    copy_us(info.regpath, 128, regpath);
    copy_us(info.driver_name, 64, &drv->DriverName);
    copy_us(info.service_key, 64, &drv->DriverExtension->ServiceKeyName);
    if (drv->HardwareDatabase)
        copy_us(info.hw_database, 64, drv->HardwareDatabase);

    status = IoAllocateDriverObjectExtension(drv, &ext_id, 64, &ext);
    if (!NT_SUCCESS(status))
        return status;
    info.ext_dup_status = (ULONG)IoAllocateDriverObjectExtension(drv, &ext_id, 64, &ext2);

    status = IoCreateDevice(drv, 0, &name, FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN, FALSE,
                            &basic_dev);
    if (!NT_SUCCESS(status))
        return status;
    basic_dev->Flags |= DO_BUFFERED_IO;
    info.flags_in_entry = basic_dev->Flags;
    status = IoCreateSymbolicLink(&link, &name);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(basic_dev);
        return status;
    }
    drv->MajorFunction[IRP_MJ_CREATE] = basic_create_close;
    drv->MajorFunction[IRP_MJ_CLOSE] = basic_create_close;
    drv->MajorFunction[IRP_MJ_DEVICE_CONTROL] = basic_ioctl;
    drv->DriverUnload = basic_unload;
    IoRegisterDriverReinitialization(drv, basic_reinit, NULL);
    return STATUS_SUCCESS;
}
