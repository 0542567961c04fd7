/*
 * leak_drv.c - allocates pool in DriverEntry under the tag 'Leak' and
 * never frees it: io_unload_driver must report the tag.
 */
#include <wdm.h>
#include "conf.h"

static PVOID leaked;

static VOID NTAPI leak_unload(PDRIVER_OBJECT drv)
{
    UNREFERENCED_PARAMETER(drv);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    UNREFERENCED_PARAMETER(regpath);
    leaked = ExAllocatePool2(POOL_FLAG_NON_PAGED, 123, LEAK_DRV_TAG);
    if (!leaked)
        return STATUS_INSUFFICIENT_RESOURCES;
    drv->DriverUnload = leak_unload;
    return STATUS_SUCCESS;
}
