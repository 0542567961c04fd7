/*
 * wdfdriver.h - Windows Driver Frameworks: the driver object.
 */
#ifndef _WDFDRIVER_H_
#define _WDFDRIVER_H_

typedef enum _WDF_DRIVER_INIT_FLAGS {
    WdfDriverInitNonPnpDriver = 0x00000001,
    WdfDriverInitNoDispatchOverride = 0x00000002,
    WdfVerifyOn = 0x00000004,
    WdfVerifierOn = 0x00000008,
    WdfDriverInitCompanion = 0x00000010,
} WDF_DRIVER_INIT_FLAGS;

#define WDF_TRACE_ID ('TRAC')
#define WDF_DRIVER_VERSION_STRING_NAME L"KMDF"

typedef NTSTATUS (NTAPI EVT_WDF_DRIVER_DEVICE_ADD)(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit);
typedef EVT_WDF_DRIVER_DEVICE_ADD *PFN_WDF_DRIVER_DEVICE_ADD;
typedef VOID (NTAPI EVT_WDF_DRIVER_UNLOAD)(WDFDRIVER Driver);
typedef EVT_WDF_DRIVER_UNLOAD *PFN_WDF_DRIVER_UNLOAD;
typedef VOID (NTAPI EVT_WDF_TRACE_CALLBACK)(UCHAR Type, const GUID *TraceGuid, ULONG Len, PVOID Data);
typedef EVT_WDF_TRACE_CALLBACK *PFN_WDF_TRACE_CALLBACK;

typedef struct _WDF_DRIVER_CONFIG {
    ULONG Size;
    PFN_WDF_DRIVER_DEVICE_ADD EvtDriverDeviceAdd;
    PFN_WDF_DRIVER_UNLOAD EvtDriverUnload;
    ULONG DriverInitFlags;     /* WDF_DRIVER_INIT_FLAGS */
    ULONG DriverPoolTag;
} WDF_DRIVER_CONFIG, *PWDF_DRIVER_CONFIG;

FORCEINLINE VOID WDF_DRIVER_CONFIG_INIT(PWDF_DRIVER_CONFIG Config,
                                        PFN_WDF_DRIVER_DEVICE_ADD EvtDriverDeviceAdd)
{
    RtlZeroMemory(Config, sizeof(WDF_DRIVER_CONFIG));
    Config->Size = sizeof(WDF_DRIVER_CONFIG);
    Config->EvtDriverDeviceAdd = EvtDriverDeviceAdd;
}

typedef struct _WDF_DRIVER_VERSION_AVAILABLE_PARAMS {
    ULONG Size;
    ULONG MajorVersion;
    ULONG MinorVersion;
} WDF_DRIVER_VERSION_AVAILABLE_PARAMS, *PWDF_DRIVER_VERSION_AVAILABLE_PARAMS;

FORCEINLINE VOID WDF_DRIVER_VERSION_AVAILABLE_PARAMS_INIT(
    PWDF_DRIVER_VERSION_AVAILABLE_PARAMS Params, ULONG MajorVersion, ULONG MinorVersion)
{
    RtlZeroMemory(Params, sizeof(WDF_DRIVER_VERSION_AVAILABLE_PARAMS));
    Params->Size = sizeof(WDF_DRIVER_VERSION_AVAILABLE_PARAMS);
    Params->MajorVersion = MajorVersion;
    Params->MinorVersion = MinorVersion;
}

WDF_DDI(NTSTATUS, WdfDriverCreate, PFN_WDFDRIVERCREATE,
        (PDRIVER_OBJECT DriverObject, PCUNICODE_STRING RegistryPath,
         PWDF_OBJECT_ATTRIBUTES DriverAttributes, PWDF_DRIVER_CONFIG DriverConfig,
         WDFDRIVER *Driver),
        (DriverObject, RegistryPath, DriverAttributes, DriverConfig, Driver))
WDF_DDI(PWSTR, WdfDriverGetRegistryPath, PFN_WDFDRIVERGETREGISTRYPATH,
        (WDFDRIVER Driver), (Driver))
WDF_DDI(PDRIVER_OBJECT, WdfDriverWdmGetDriverObject, PFN_WDFDRIVERWDMGETDRIVEROBJECT,
        (WDFDRIVER Driver), (Driver))
WDF_DDI(NTSTATUS, WdfDriverOpenParametersRegistryKey, PFN_WDFDRIVEROPENPARAMETERSREGISTRYKEY,
        (WDFDRIVER Driver, ACCESS_MASK DesiredAccess, PWDF_OBJECT_ATTRIBUTES KeyAttributes,
         WDFKEY *Key),
        (Driver, DesiredAccess, KeyAttributes, Key))
WDF_DDI(WDFDRIVER, WdfWdmDriverGetWdfDriverHandle, PFN_WDFWDMDRIVERGETWDFDRIVERHANDLE,
        (PDRIVER_OBJECT DriverObject), (DriverObject))
WDF_DDI(NTSTATUS, WdfDriverRegisterTraceInfo, PFN_WDFDRIVERREGISTERTRACEINFO,
        (PDRIVER_OBJECT DriverObject, PFN_WDF_TRACE_CALLBACK EvtTraceCallback,
         PVOID ControlBlock),
        (DriverObject, EvtTraceCallback, ControlBlock))
WDF_DDI(NTSTATUS, WdfDriverRetrieveVersionString, PFN_WDFDRIVERRETRIEVEVERSIONSTRING,
        (WDFDRIVER Driver, WDFSTRING String), (Driver, String))
WDF_DDI(BOOLEAN, WdfDriverIsVersionAvailable, PFN_WDFDRIVERISVERSIONAVAILABLE,
        (WDFDRIVER Driver, PWDF_DRIVER_VERSION_AVAILABLE_PARAMS VersionAvailableParams),
        (Driver, VersionAvailableParams))

#ifdef DDK_DRIVER
/* Not a table call in Windows either: the globals carry the handle. */
FORCEINLINE WDFDRIVER WdfGetDriver(VOID)
{
    return WdfDriverGlobals->Driver;
}
#endif

#endif /* _WDFDRIVER_H_ */
