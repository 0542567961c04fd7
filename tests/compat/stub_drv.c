/*
 * stub_drv.c - the smallest WDM driver: its DriverEntry must be reachable
 * only through the entry stub's ddk_driver_info (test_stub.c).
 */
#include <wdm.h>

/* Visible to the test through DriverEntry's return value only. */
static int stub_drv_calls;

/* Spelled with the struct tag so this driver does not depend on when the
 * io layer's DRIVER_INITIALIZE typedef lands. */
struct _DRIVER_OBJECT;
NTSTATUS DriverEntry(_In_ struct _DRIVER_OBJECT *DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return (NTSTATUS)(0x1234 + stub_drv_calls++);
}
