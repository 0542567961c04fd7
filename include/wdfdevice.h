/*
 * wdfdevice.h - Windows Driver Frameworks: device init and device object
 * (the part that does not need the PnP manager yet; the PnP/power event
 * callbacks come with the PnP issue).
 */
#ifndef _WDFDEVICE_H_
#define _WDFDEVICE_H_

typedef enum _WDF_DEVICE_IO_TYPE {
    WdfDeviceIoUndefined = 0,
    WdfDeviceIoNeither,
    WdfDeviceIoBuffered,
    WdfDeviceIoDirect,
    WdfDeviceIoBufferedOrDirect = 4,
    WdfDeviceIoMaximum,
} WDF_DEVICE_IO_TYPE, *PWDF_DEVICE_IO_TYPE;

typedef enum _WDF_FILEOBJECT_CLASS {
    WdfFileObjectInvalid = 0,
    WdfFileObjectNotRequired = 1,
    WdfFileObjectWdfCanUseFsContext = 2,
    WdfFileObjectWdfCanUseFsContext2 = 3,
    WdfFileObjectWdfCannotUseFsContexts = 4,
    WdfFileObjectCanBeOptional = (int)0x80000000,
} WDF_FILEOBJECT_CLASS, *PWDF_FILEOBJECT_CLASS;

#define WdfFileObjectIsCanBeOptional(c) (((c) & WdfFileObjectCanBeOptional) ? TRUE : FALSE)
#define WdfFileObjectGetNormalizedFileObjClass(c) ((WDF_FILEOBJECT_CLASS)((c) & ~WdfFileObjectCanBeOptional))

typedef VOID (NTAPI EVT_WDF_DEVICE_FILE_CREATE)(WDFDEVICE Device, WDFREQUEST Request,
                                                WDFFILEOBJECT FileObject);
typedef EVT_WDF_DEVICE_FILE_CREATE *PFN_WDF_DEVICE_FILE_CREATE;
typedef VOID (NTAPI EVT_WDF_FILE_CLOSE)(WDFFILEOBJECT FileObject);
typedef EVT_WDF_FILE_CLOSE *PFN_WDF_FILE_CLOSE;
typedef VOID (NTAPI EVT_WDF_FILE_CLEANUP)(WDFFILEOBJECT FileObject);
typedef EVT_WDF_FILE_CLEANUP *PFN_WDF_FILE_CLEANUP;
typedef VOID (NTAPI EVT_WDF_IO_IN_CALLER_CONTEXT)(WDFDEVICE Device, WDFREQUEST Request);
typedef EVT_WDF_IO_IN_CALLER_CONTEXT *PFN_WDF_IO_IN_CALLER_CONTEXT;
typedef VOID (NTAPI EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION)(WDFDEVICE Device);
typedef EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION *PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION;

typedef struct _WDF_FILEOBJECT_CONFIG {
    ULONG Size;
    PFN_WDF_DEVICE_FILE_CREATE EvtDeviceFileCreate;
    PFN_WDF_FILE_CLOSE EvtFileClose;
    PFN_WDF_FILE_CLEANUP EvtFileCleanup;
    WDF_TRI_STATE AutoForwardCleanupClose;
    WDF_FILEOBJECT_CLASS FileObjectClass;
} WDF_FILEOBJECT_CONFIG, *PWDF_FILEOBJECT_CONFIG;

FORCEINLINE VOID WDF_FILEOBJECT_CONFIG_INIT(PWDF_FILEOBJECT_CONFIG FileEventCallbacks,
                                            PFN_WDF_DEVICE_FILE_CREATE EvtDeviceFileCreate,
                                            PFN_WDF_FILE_CLOSE EvtFileClose,
                                            PFN_WDF_FILE_CLEANUP EvtFileCleanup)
{
    FileEventCallbacks->Size = sizeof(WDF_FILEOBJECT_CONFIG);
    FileEventCallbacks->EvtDeviceFileCreate = EvtDeviceFileCreate;
    FileEventCallbacks->EvtFileClose = EvtFileClose;
    FileEventCallbacks->EvtFileCleanup = EvtFileCleanup;
    FileEventCallbacks->FileObjectClass = WdfFileObjectWdfCannotUseFsContexts;
    FileEventCallbacks->AutoForwardCleanupClose = WdfUseDefault;
}

typedef enum _WDF_DEVICE_SHUTDOWN_FLAGS {
    WdfDeviceShutdown = 0x01,
    WdfDeviceLastChanceShutdown = 0x02,
} WDF_DEVICE_SHUTDOWN_FLAGS;

#ifndef PLUGPLAY_REGKEY_DEVICE
#define PLUGPLAY_REGKEY_DEVICE 1
#define PLUGPLAY_REGKEY_DRIVER 2
#define PLUGPLAY_REGKEY_CURRENT_HWPROFILE 4
#endif
#define WDF_REGKEY_DEVICE_SUBKEY 0x00000008
#define WDF_REGKEY_DRIVER_SUBKEY 0x00000010

WDF_DDI_VOID(WdfDeviceInitFree, PFN_WDFDEVICEINITFREE, (PWDFDEVICE_INIT DeviceInit), (DeviceInit))
WDF_DDI_VOID(WdfDeviceInitSetIoType, PFN_WDFDEVICEINITSETIOTYPE,
             (PWDFDEVICE_INIT DeviceInit, WDF_DEVICE_IO_TYPE IoType), (DeviceInit, IoType))
WDF_DDI_VOID(WdfDeviceInitSetExclusive, PFN_WDFDEVICEINITSETEXCLUSIVE,
             (PWDFDEVICE_INIT DeviceInit, BOOLEAN IsExclusive), (DeviceInit, IsExclusive))
WDF_DDI_VOID(WdfDeviceInitSetDeviceType, PFN_WDFDEVICEINITSETDEVICETYPE,
             (PWDFDEVICE_INIT DeviceInit, DEVICE_TYPE DeviceType), (DeviceInit, DeviceType))
WDF_DDI(NTSTATUS, WdfDeviceInitAssignName, PFN_WDFDEVICEINITASSIGNNAME,
        (PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING DeviceName), (DeviceInit, DeviceName))
WDF_DDI(NTSTATUS, WdfDeviceInitAssignSDDLString, PFN_WDFDEVICEINITASSIGNSDDLSTRING,
        (PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING SDDLString), (DeviceInit, SDDLString))
WDF_DDI_VOID(WdfDeviceInitSetCharacteristics, PFN_WDFDEVICEINITSETCHARACTERISTICS,
             (PWDFDEVICE_INIT DeviceInit, ULONG DeviceCharacteristics, BOOLEAN OrInValues),
             (DeviceInit, DeviceCharacteristics, OrInValues))
WDF_DDI_VOID(WdfDeviceInitSetFileObjectConfig, PFN_WDFDEVICEINITSETFILEOBJECTCONFIG,
             (PWDFDEVICE_INIT DeviceInit, PWDF_FILEOBJECT_CONFIG FileObjectConfig,
              PWDF_OBJECT_ATTRIBUTES FileObjectAttributes),
             (DeviceInit, FileObjectConfig, FileObjectAttributes))
WDF_DDI_VOID(WdfDeviceInitSetRequestAttributes, PFN_WDFDEVICEINITSETREQUESTATTRIBUTES,
             (PWDFDEVICE_INIT DeviceInit, PWDF_OBJECT_ATTRIBUTES RequestAttributes),
             (DeviceInit, RequestAttributes))
WDF_DDI_VOID(WdfDeviceInitSetIoInCallerContextCallback,
             PFN_WDFDEVICEINITSETIOINCALLERCONTEXTCALLBACK,
             (PWDFDEVICE_INIT DeviceInit, PFN_WDF_IO_IN_CALLER_CONTEXT EvtIoInCallerContext),
             (DeviceInit, EvtIoInCallerContext))
WDF_DDI(NTSTATUS, WdfDeviceCreate, PFN_WDFDEVICECREATE,
        (PWDFDEVICE_INIT *DeviceInit, PWDF_OBJECT_ATTRIBUTES DeviceAttributes, WDFDEVICE *Device),
        (DeviceInit, DeviceAttributes, Device))
WDF_DDI(NTSTATUS, WdfDeviceCreateSymbolicLink, PFN_WDFDEVICECREATESYMBOLICLINK,
        (WDFDEVICE Device, PCUNICODE_STRING SymbolicLinkName), (Device, SymbolicLinkName))
WDF_DDI(NTSTATUS, WdfDeviceCreateDeviceInterface, PFN_WDFDEVICECREATEDEVICEINTERFACE,
        (WDFDEVICE Device, CONST GUID *InterfaceClassGUID, PCUNICODE_STRING ReferenceString),
        (Device, InterfaceClassGUID, ReferenceString))
WDF_DDI(PDEVICE_OBJECT, WdfDeviceWdmGetDeviceObject, PFN_WDFDEVICEWDMGETDEVICEOBJECT,
        (WDFDEVICE Device), (Device))
WDF_DDI(WDFDEVICE, WdfWdmDeviceGetWdfDeviceHandle, PFN_WDFWDMDEVICEGETWDFDEVICEHANDLE,
        (PDEVICE_OBJECT DeviceObject), (DeviceObject))
WDF_DDI(WDFDRIVER, WdfDeviceGetDriver, PFN_WDFDEVICEGETDRIVER, (WDFDEVICE Device), (Device))
WDF_DDI(WDFQUEUE, WdfDeviceGetDefaultQueue, PFN_WDFDEVICEGETDEFAULTQUEUE,
        (WDFDEVICE Device), (Device))
WDF_DDI(NTSTATUS, WdfDeviceOpenRegistryKey, PFN_WDFDEVICEOPENREGISTRYKEY,
        (WDFDEVICE Device, ULONG DeviceInstanceKeyType, ACCESS_MASK DesiredAccess,
         PWDF_OBJECT_ATTRIBUTES KeyAttributes, WDFKEY *Key),
        (Device, DeviceInstanceKeyType, DesiredAccess, KeyAttributes, Key))
WDF_DDI(ULONG, WdfDeviceGetCharacteristics, PFN_WDFDEVICEGETCHARACTERISTICS,
        (WDFDEVICE Device), (Device))
WDF_DDI_VOID(WdfDeviceSetCharacteristics, PFN_WDFDEVICESETCHARACTERISTICS,
             (WDFDEVICE Device, ULONG DeviceCharacteristics), (Device, DeviceCharacteristics))

#endif /* _WDFDEVICE_H_ */
