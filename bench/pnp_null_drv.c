/*
 * pnp_null_drv.c - the null PnP function driver of ddk-pnp-bench: AddDevice
 * creates and attaches an FDO, every PnP IRP goes down, REMOVE detaches
 * and deletes it.
 */
#include <wdm.h>

struct null_ext {
    PDEVICE_OBJECT lower;
};

static NTSTATUS NTAPI null_add(PDRIVER_OBJECT drv, PDEVICE_OBJECT pdo)
{
    PDEVICE_OBJECT fdo;
    struct null_ext *x;
    NTSTATUS st = IoCreateDevice(drv, sizeof(*x), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &fdo);
    if (!NT_SUCCESS(st))
        return st;
    x = fdo->DeviceExtension;
    x->lower = IoAttachDeviceToDeviceStack(fdo, pdo);
    if (!x->lower) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI null_pnp(PDEVICE_OBJECT dev, PIRP irp)
{
    struct null_ext *x = dev->DeviceExtension;
    PDEVICE_OBJECT lower = x->lower;
    UCHAR minor = IoGetCurrentIrpStackLocation(irp)->MinorFunction;
    NTSTATUS st;

    if (minor == IRP_MN_START_DEVICE || minor == IRP_MN_QUERY_REMOVE_DEVICE ||
        minor == IRP_MN_REMOVE_DEVICE || minor == IRP_MN_SURPRISE_REMOVAL)
        irp->IoStatus.Status = STATUS_SUCCESS;
    IoSkipCurrentIrpStackLocation(irp);
    st = IoCallDriver(lower, irp);
    if (minor == IRP_MN_REMOVE_DEVICE) {
        IoDetachDevice(lower);
        IoDeleteDevice(dev);
    }
    return st;
}

static VOID NTAPI null_unload(PDRIVER_OBJECT drv)
{
    UNREFERENCED_PARAMETER(drv);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    UNREFERENCED_PARAMETER(regpath);
    drv->DriverExtension->AddDevice = null_add;
    drv->MajorFunction[IRP_MJ_PNP] = null_pnp;
    drv->DriverUnload = null_unload;
    return STATUS_SUCCESS;
}
