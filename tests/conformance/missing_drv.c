/*
 * missing_drv.c - imports a DDI the executive does not have: the loader
 * must refuse it with STATUS_DRIVER_ENTRYPOINT_NOT_FOUND before any of
 * its code runs.
 */
#include <wdm.h>

NTKERNELAPI NTSTATUS NTAPI OddkNoSuchDdi(PVOID p);

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    UNREFERENCED_PARAMETER(regpath);
    return OddkNoSuchDdi(drv);
}
