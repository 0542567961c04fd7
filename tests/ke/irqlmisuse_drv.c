/*
 * irqlmisuse_drv.c - a driver whose DriverEntry runs pageable code at
 * DISPATCH_LEVEL: the bug-check report must name this module.
 */
#include <wdm.h>

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PAGED_CODE();
    KeLowerIrql(old);
    return STATUS_SUCCESS;
}
