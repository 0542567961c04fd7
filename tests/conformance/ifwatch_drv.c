/*
 * ifwatch_drv.c - a client of device interfaces, written the way Windows
 * drivers do it: IoRegisterPlugPlayNotification for the interface class
 * (existing interfaces included); an arrival is opened from a work item
 * (never inside the callback) with IoGetDeviceObjectPointer.
 */
#include <wdm.h>
#include <wdmguid.h>
#include "conf.h"

static const GUID iface_guid = ODDK_IFACE_GUID_INIT;
static PDEVICE_OBJECT watch_dev;
static PVOID watch_entry;
static KSPIN_LOCK watch_lock;
static struct watch_stats stats;   /* watch_lock */

struct open_job {
    PIO_WORKITEM item;
    UNICODE_STRING name;
    WCHAR buf[128];
};

static VOID NTAPI open_arrival(PDEVICE_OBJECT dev, PVOID context)
{
    struct open_job *job = context;
    PFILE_OBJECT fo;
    PDEVICE_OBJECT target;
    KIRQL irql;

    UNREFERENCED_PARAMETER(dev);
    if (NT_SUCCESS(IoGetDeviceObjectPointer(&job->name, FILE_READ_DATA, &fo, &target))) {
        KeAcquireSpinLock(&watch_lock, &irql);
        stats.opened++;
        KeReleaseSpinLock(&watch_lock, irql);
        ObDereferenceObject(fo);
    }
    IoFreeWorkItem(job->item);
    ExFreePoolWithTag(job, 'hcWO');
}

static NTSTATUS NTAPI on_change(PVOID structure, PVOID context)
{
    PDEVICE_INTERFACE_CHANGE_NOTIFICATION n = structure;
    USHORT len = min(n->SymbolicLinkName->Length, (USHORT)(127 * sizeof(WCHAR)));
    KIRQL irql;

    UNREFERENCED_PARAMETER(context);
    KeAcquireSpinLock(&watch_lock, &irql);
    if (KeGetCurrentIrql() != DISPATCH_LEVEL || irql != PASSIVE_LEVEL)
        stats.bad_irql++;
    if (IsEqualGUID(&n->Event, &GUID_DEVICE_INTERFACE_ARRIVAL))
        stats.arrivals++;
    else if (IsEqualGUID(&n->Event, &GUID_DEVICE_INTERFACE_REMOVAL))
        stats.removals++;
    RtlCopyMemory(stats.last, n->SymbolicLinkName->Buffer, len);
    stats.last[len / sizeof(WCHAR)] = 0;
    KeReleaseSpinLock(&watch_lock, irql);

    if (IsEqualGUID(&n->Event, &GUID_DEVICE_INTERFACE_ARRIVAL)) {
        struct open_job *job = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*job), 'hcWO');
        if (!job)
            return STATUS_SUCCESS;
        job->item = IoAllocateWorkItem(watch_dev);
        if (!job->item) {
            ExFreePoolWithTag(job, 'hcWO');
            return STATUS_SUCCESS;
        }
        RtlCopyMemory(job->buf, n->SymbolicLinkName->Buffer, len);
        job->buf[len / sizeof(WCHAR)] = 0;
        RtlInitUnicodeString(&job->name, job->buf);
        IoQueueWorkItem(job->item, open_arrival, DelayedWorkQueue, job);
    }
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI watch_dispatch(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    NTSTATUS status = STATUS_SUCCESS;
    ULONG_PTR info = 0;
    KIRQL irql;

    UNREFERENCED_PARAMETER(dev);
    if (sl->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        if (sl->Parameters.DeviceIoControl.IoControlCode == IOCTL_WATCH_STATS &&
            sl->Parameters.DeviceIoControl.OutputBufferLength >= sizeof(stats)) {
            KeAcquireSpinLock(&watch_lock, &irql);
            RtlCopyMemory(irp->AssociatedIrp.SystemBuffer, &stats, sizeof(stats));
            KeReleaseSpinLock(&watch_lock, irql);
            info = sizeof(stats);
        } else {
            status = STATUS_INVALID_DEVICE_REQUEST;
        }
    }
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

static VOID NTAPI watch_unload(PDRIVER_OBJECT drv)
{
    UNREFERENCED_PARAMETER(drv);
    IoUnregisterPlugPlayNotificationEx(watch_entry);
    IoDeleteDevice(watch_dev);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\OddkIfWatch");
    ULONG i;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(regpath);
    KeInitializeSpinLock(&watch_lock);
    status = IoCreateDevice(drv, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &watch_dev);
    if (!NT_SUCCESS(status))
        return status;
    watch_dev->Flags |= DO_BUFFERED_IO;
    status = IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange,
                                            PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES,
                                            (PVOID)&iface_guid, drv, on_change, NULL, &watch_entry);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(watch_dev);
        return status;
    }
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        drv->MajorFunction[i] = watch_dispatch;
    drv->DriverUnload = watch_unload;
    return STATUS_SUCCESS;
}
