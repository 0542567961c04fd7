/*
 * devleak_drv.c - a DriverUnload that forgets its device object: the
 * unload must name the device, and the module must stay mapped because
 * the device can still reach its dispatch routines.
 */
#include <wdm.h>

static VOID NTAPI devleak_unload(PDRIVER_OBJECT drv)
{
    UNREFERENCED_PARAMETER(drv);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\OddkDevLeak");
    PDEVICE_OBJECT dev;

    UNREFERENCED_PARAMETER(regpath);
    drv->DriverUnload = devleak_unload;
    return IoCreateDevice(drv, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &dev);
}
