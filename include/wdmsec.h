/*
 * wdmsec.h - OpenDDK: secure device creation (the WDK's wdmsec library).
 *
 * The predefined SDDL strings for device objects, and
 * IoCreateDeviceSecure. Drivers include it after wdm.h. On Windows the
 * code lives in a static library (wdmsec.lib) and the header renames
 * IoCreateDeviceSecure to WdmlibIoCreateDeviceSecure; here the executive
 * exports IoCreateDeviceSecure and both names reach it.
 */
#ifndef _WDMSEC_H_
#define _WDMSEC_H_

#include <wdm.h>

struct _DRIVER_OBJECT;
struct _DEVICE_OBJECT;

extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_KERNEL_ONLY;
#define SDDL_DEVOBJ_INF_SUPPLIED SDDL_DEVOBJ_KERNEL_ONLY
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_SYS_ALL;
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_SYS_ALL_ADM_ALL;
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_SYS_ALL_ADM_RX;
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R;
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R;
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R;
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX;

/* Like IoCreateDevice, with the device's security from
 * DefaultSDDLString (the device-object SDDL subset: "D:P" followed by
 * "(A;;rights;;;SID)" ACEs) unless the registry has an override for
 * DeviceClassGuid. struct names so that this header does not depend on
 * the order of the io headers (they are the same types as PDRIVER_OBJECT
 * and PDEVICE_OBJECT; DEVICE_TYPE is a ULONG). */
NTKERNELAPI NTSTATUS NTAPI IoCreateDeviceSecure(struct _DRIVER_OBJECT *DriverObject,
                                                ULONG DeviceExtensionSize,
                                                PUNICODE_STRING DeviceName,
                                                ULONG DeviceType,
                                                ULONG DeviceCharacteristics,
                                                BOOLEAN Exclusive,
                                                PCUNICODE_STRING DefaultSDDLString,
                                                LPCGUID DeviceClassGuid,
                                                struct _DEVICE_OBJECT **DeviceObject);
#define WdmlibIoCreateDeviceSecure IoCreateDeviceSecure

#endif /* _WDMSEC_H_ */
