/*
 * ddk/pnp.h - Plug and Play DDIs of the PnP manager (src/pnp): device
 * relations invalidation, device properties and device registry keys, plus
 * the problem codes and devnode status flags of cfg.h (Windows values).
 */
#ifndef _DDK_PNP_H_
#define _DDK_PNP_H_

/* Devnode problem codes (cfg.h). */
#define CM_PROB_NOT_CONFIGURED             0x00000001
#define CM_PROB_FAILED_START               0x0000000A
#define CM_PROB_NEED_RESTART               0x0000000E
#define CM_PROB_WILL_BE_REMOVED            0x00000015
#define CM_PROB_DISABLED                   0x00000016
#define CM_PROB_DEVICE_NOT_THERE           0x00000018
#define CM_PROB_FAILED_INSTALL             0x0000001C
#define CM_PROB_FAILED_ADD                 0x0000001F
#define CM_PROB_DISABLED_SERVICE           0x00000020
#define CM_PROB_FAILED_DRIVER_ENTRY        0x00000025
#define CM_PROB_DRIVER_FAILED_LOAD         0x00000027
#define CM_PROB_DRIVER_SERVICE_KEY_INVALID 0x00000028
#define CM_PROB_FAILED_POST_START          0x0000002B

/* Devnode status flags (cfg.h). */
#define DN_ROOT_ENUMERATED 0x00000001
#define DN_DRIVER_LOADED   0x00000002
#define DN_ENUM_LOADED     0x00000004
#define DN_STARTED         0x00000008
#define DN_MANUAL          0x00000010
#define DN_NEED_TO_ENUM    0x00000020
#define DN_HAS_PROBLEM     0x00000400
#define DN_DISABLEABLE     0x00002000
#define DN_REMOVABLE       0x00004000
#define DN_WILL_BE_REMOVED 0x00040000

/* Veto types (cfg.h PNP_VETO_TYPE). */
typedef enum _PNP_VETO_TYPE {
    PNP_VetoTypeUnknown, PNP_VetoLegacyDevice, PNP_VetoPendingClose, PNP_VetoWindowsApp,
    PNP_VetoWindowsService, PNP_VetoOutstandingOpen, PNP_VetoDevice, PNP_VetoDriver,
    PNP_VetoIllegalDeviceRequest, PNP_VetoInsufficientPower, PNP_VetoNonDisableable,
    PNP_VetoLegacyDriver, PNP_VetoInsufficientRights, PNP_VetoAlreadyRemoved
} PNP_VETO_TYPE, *PPNP_VETO_TYPE;

/* DEVICE_REGISTRY_PROPERTY is in ddk/iotypes.h. */

typedef enum _DEVICE_INSTALL_STATE {
    InstallStateInstalled,
    InstallStateNeedsReinstall,
    InstallStateFailedInstall,
    InstallStateFinishInstall
} DEVICE_INSTALL_STATE, *PDEVICE_INSTALL_STATE;

typedef enum _DEVICE_REMOVAL_POLICY {
    RemovalPolicyExpectNoRemoval = 1,
    RemovalPolicyExpectOrderlyRemoval = 2,
    RemovalPolicyExpectSurpriseRemoval = 3
} DEVICE_REMOVAL_POLICY, *PDEVICE_REMOVAL_POLICY;

#ifndef PLUGPLAY_REGKEY_DEVICE
#define PLUGPLAY_REGKEY_DEVICE            1
#define PLUGPLAY_REGKEY_DRIVER            2
#define PLUGPLAY_REGKEY_CURRENT_HWPROFILE 4
#endif

NTKERNELAPI VOID NTAPI IoInvalidateDeviceRelations(PDEVICE_OBJECT DeviceObject,
                                                   DEVICE_RELATION_TYPE Type);
NTKERNELAPI NTSTATUS NTAPI IoGetDeviceProperty(PDEVICE_OBJECT DeviceObject,
                                               DEVICE_REGISTRY_PROPERTY DeviceProperty,
                                               ULONG BufferLength, PVOID PropertyBuffer,
                                               PULONG ResultLength);
NTKERNELAPI NTSTATUS NTAPI IoOpenDeviceRegistryKey(PDEVICE_OBJECT DeviceObject,
                                                   ULONG DevInstKeyType,
                                                   ACCESS_MASK DesiredAccess,
                                                   PHANDLE DeviceRegKey);

/* What a EventCategoryTargetDeviceChange callback receives for the
 * GUID_TARGET_DEVICE_QUERY_REMOVE / REMOVE_CANCELLED / REMOVE_COMPLETE events. */
typedef struct _TARGET_DEVICE_REMOVAL_NOTIFICATION {
    USHORT Version;
    USHORT Size;
    GUID Event;
    PFILE_OBJECT FileObject;
} TARGET_DEVICE_REMOVAL_NOTIFICATION, *PTARGET_DEVICE_REMOVAL_NOTIFICATION;

#endif /* _DDK_PNP_H_ */
