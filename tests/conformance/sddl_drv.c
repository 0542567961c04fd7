/*
 * sddl_drv.c - five devices made with IoCreateDeviceSecure, one per
 * predefined SDDL_DEVOBJ_* string, for the access matrix in sddl_test.c:
 *   \Device\OddkSddl0  SDDL_DEVOBJ_KERNEL_ONLY
 *   \Device\OddkSddl1  SDDL_DEVOBJ_SYS_ALL
 *   \Device\OddkSddl2  SDDL_DEVOBJ_SYS_ALL_ADM_ALL
 *   \Device\OddkSddl3  SDDL_DEVOBJ_SYS_ALL_ADM_RX
 *   \Device\OddkSddl4  SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R
 */
#include <wdm.h>
#include <wdmsec.h>

static const GUID sddl_class = { 0x5d1c0a4e, 0x7f3b, 0x4c2a,
                                 { 0x9e, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 } };
static PDEVICE_OBJECT sddl_devs[5];

static NTSTATUS NTAPI sddl_dispatch(PDEVICE_OBJECT dev, PIRP irp)
{
    UNREFERENCED_PARAMETER(dev);
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static VOID NTAPI sddl_unload(PDRIVER_OBJECT drv)
{
    ULONG i;
    UNREFERENCED_PARAMETER(drv);
    for (i = 0; i < 5; i++)
        if (sddl_devs[i])
            IoDeleteDevice(sddl_devs[i]);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    static const WCHAR *const names[5] = {
        L"\\Device\\OddkSddl0", L"\\Device\\OddkSddl1", L"\\Device\\OddkSddl2",
        L"\\Device\\OddkSddl3", L"\\Device\\OddkSddl4",
    };
    const UNICODE_STRING *sddl[5] = {
        &SDDL_DEVOBJ_KERNEL_ONLY, &SDDL_DEVOBJ_SYS_ALL, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL,
        &SDDL_DEVOBJ_SYS_ALL_ADM_RX, &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R,
    };
    UNICODE_STRING name;
    ULONG i;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(regpath);
    drv->DriverUnload = sddl_unload;
    for (i = 0; i < 5; i++) {
        RtlInitUnicodeString(&name, names[i]);
        status = IoCreateDeviceSecure(drv, 0, &name, FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN,
                                      FALSE, sddl[i], &sddl_class, &sddl_devs[i]);
        if (!NT_SUCCESS(status)) {
            sddl_unload(drv);
            return status;
        }
    }
    drv->MajorFunction[IRP_MJ_CREATE] = sddl_dispatch;
    drv->MajorFunction[IRP_MJ_CLEANUP] = sddl_dispatch;
    drv->MajorFunction[IRP_MJ_CLOSE] = sddl_dispatch;
    return STATUS_SUCCESS;
}
