/*
 * ddk/driver_abi.h - OpenDDK: the contract between a driver module and the
 * loader (an OpenDDK extension, not a Windows API).
 *
 * Every driver module built by ddk-cc contains the entry stub
 * (src/stub/driver_entry.c), which exports exactly one symbol,
 * DDK_DRIVER_INFO_SYMBOL, describing the module. Everything else in the
 * module is hidden (-fvisibility=hidden), so two drivers never collide.
 * The loader dlopen()s the module RTLD_LOCAL, checks magic and ABI version,
 * and calls driver_entry at PASSIVE_LEVEL.
 */
#ifndef _DDK_DRIVER_ABI_H_
#define _DDK_DRIVER_ABI_H_

#define DDK_DRIVER_INFO_SYMBOL "ddk_driver_info"
#define DDK_DRIVER_INFO_MAGIC  0x444B4444u   /* "DDKD" */
#define DDK_DRIVER_ABI_VERSION 1u

enum ddk_driver_model {
    DDK_MODEL_WDM_ = 0,
    DDK_MODEL_KMDF_ = 1,
    DDK_MODEL_UMDF_ = 2,
};

struct _DRIVER_OBJECT;
struct _UNICODE_STRING;

struct ddk_driver_info {
    uint32_t magic;          /* DDK_DRIVER_INFO_MAGIC */
    uint32_t abi_version;    /* DDK_DRIVER_ABI_VERSION */
    uint32_t model;          /* enum ddk_driver_model */
    uint32_t reserved;
    /* The driver's own DriverEntry (for KMDF/UMDF: the stub's wrapper that
     * binds the framework first). */
    NTSTATUS (NTAPI *driver_entry)(struct _DRIVER_OBJECT *DriverObject,
                                   struct _UNICODE_STRING *RegistryPath);
    const char *built_with;  /* ddk-cc version string */
};

#endif /* _DDK_DRIVER_ABI_H_ */
