/*
 * entryfail_drv.c - a DriverEntry that fails after creating a device and
 * forgets to delete it: the loader must report the device by name, remove
 * it, and unload the module without calling DriverUnload.
 */
#include <wdm.h>

static VOID NTAPI entryfail_unload(PDRIVER_OBJECT drv)
{
    UNREFERENCED_PARAMETER(drv);
    /* Never called: Windows does not unload a driver whose entry failed. */
    KeBugCheckEx(0xDEAD, 0, 0, 0, 0);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\OddkEntryFail");
    PDEVICE_OBJECT dev;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(regpath);
    drv->DriverUnload = entryfail_unload;
    status = IoCreateDevice(drv, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev);
    if (!NT_SUCCESS(status))
        return status;
    return STATUS_INSUFFICIENT_RESOURCES;
}
