/*
 * driver_entry.c - the entry stub linked into every driver module.
 *
 * ddk-cc (and ddk_add_driver in cmake/ddk.cmake) compile this file into
 * each driver with the same model define as the driver's own sources
 * (DDK_MODEL_WDM, DDK_MODEL_KMDF or DDK_MODEL_UMDF). It is the whole
 * binary contract between a module and the loader (ddk/driver_abi.h):
 * one exported data symbol, ddk_driver_info, that names the model and the
 * driver's DriverEntry. Everything else in the module, DriverEntry
 * included, is hidden (-fvisibility=hidden), so any number of drivers can
 * be loaded RTLD_LOCAL into one process without their symbols colliding
 * or interposing on the executive's.
 *
 * For KMDF and UMDF the entry is a wrapper, ddk_wdf_entry, that binds the
 * framework (wdf_bind: version and function-table check) and fills the
 * driver's own WdfDriverGlobals and WdfFunctions (hidden, so every driver
 * module has its own) before calling the driver's DriverEntry; if
 * DriverEntry fails it unbinds again. Unbinding at unload is the
 * framework's DriverUnload's job (WdfDriverCreate installs it).
 */
#if defined(DDK_MODEL_KMDF) || defined(DDK_MODEL_UMDF)
#include <wdf.h>
#else
#include <ntdef.h>
#endif
#include <ddk/driver_abi.h>

#if defined(DDK_MODEL_KMDF)
#define DDK_STUB_MODEL DDK_MODEL_KMDF_
#elif defined(DDK_MODEL_UMDF)
#define DDK_STUB_MODEL DDK_MODEL_UMDF_
#else
#define DDK_STUB_MODEL DDK_MODEL_WDM_
#endif

#ifndef DDK_CC_VERSION
#define DDK_CC_VERSION "OpenDDK ddk-cc"
#endif

/* The driver's own entry point. Hidden: the loader reaches it only through
 * ddk_driver_info, never by name. */
__attribute__((visibility("hidden")))
NTSTATUS NTAPI DriverEntry(struct _DRIVER_OBJECT *DriverObject,
                           PUNICODE_STRING RegistryPath);

#if defined(DDK_MODEL_KMDF) || defined(DDK_MODEL_UMDF)
__attribute__((visibility("hidden"))) PWDF_DRIVER_GLOBALS WdfDriverGlobals;
__attribute__((visibility("hidden"))) const WDFFUNC *WdfFunctions;

static NTSTATUS NTAPI ddk_wdf_entry(struct _DRIVER_OBJECT *DriverObject,
                                    PUNICODE_STRING RegistryPath)
{
#if defined(DDK_MODEL_KMDF)
    NTSTATUS st = wdf_bind(1, KMDF_VERSION_MAJOR, KMDF_VERSION_MINOR, WdfFunctionTableNumEntries,
                           DriverObject, &WdfDriverGlobals, &WdfFunctions);
#else
    NTSTATUS st = wdf_bind(2, UMDF_VERSION_MAJOR, UMDF_VERSION_MINOR, WdfFunctionTableNumEntries,
                           DriverObject, &WdfDriverGlobals, &WdfFunctions);
#endif
    if (!NT_SUCCESS(st))
        return st;
    st = DriverEntry(DriverObject, RegistryPath);
    if (!NT_SUCCESS(st)) {
        wdf_unbind(WdfDriverGlobals);
        WdfDriverGlobals = NULL;
        WdfFunctions = NULL;
    }
    return st;
}
#define DDK_STUB_ENTRY ddk_wdf_entry
#else
#define DDK_STUB_ENTRY DriverEntry
#endif

__attribute__((visibility("default"), used))
const struct ddk_driver_info ddk_driver_info = {
    .magic = DDK_DRIVER_INFO_MAGIC,
    .abi_version = DDK_DRIVER_ABI_VERSION,
    .model = DDK_STUB_MODEL,
    .reserved = 0,
    .driver_entry = DDK_STUB_ENTRY,
    .built_with = DDK_CC_VERSION,
};
