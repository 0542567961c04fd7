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
 * For KMDF and UMDF the entry will become a wrapper that binds the
 * framework (version and function-table check) before calling the
 * driver's DriverEntry; until the WDF layer exists it is DriverEntry
 * itself for every model, and the loader knows the model from this
 * record.
 */
#include <ntdef.h>
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

__attribute__((visibility("default"), used))
const struct ddk_driver_info ddk_driver_info = {
    .magic = DDK_DRIVER_INFO_MAGIC,
    .abi_version = DDK_DRIVER_ABI_VERSION,
    .model = DDK_STUB_MODEL,
    .reserved = 0,
    .driver_entry = DriverEntry,
    .built_with = DDK_CC_VERSION,
};
