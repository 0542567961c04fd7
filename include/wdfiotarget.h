/*
 * wdfiotarget.h - WDF I/O targets (KMDF / UMDF 2). Written for OpenDDK
 * from the documented interface.
 *
 * An I/O target is where a driver sends requests: the next-lower driver
 * of its stack (the device's default target) or any device opened by
 * name or by device object (a remote target). Requests go synchronously
 * (WdfIoTargetSend*Synchronously) or are formatted for the target and
 * sent with WdfRequestSend.
 */
#ifndef _WDFIOTARGET_H_
#define _WDFIOTARGET_H_

#include "wdfrequest.h"

typedef enum _WDF_IO_TARGET_STATE {
    WdfIoTargetStateUndefined = 0,
    WdfIoTargetStarted,
    WdfIoTargetStopped,
    WdfIoTargetClosedForQueryRemove,
    WdfIoTargetClosed,
    WdfIoTargetDeleted,
} WDF_IO_TARGET_STATE, *PWDF_IO_TARGET_STATE;

typedef enum _WDF_IO_TARGET_OPEN_TYPE {
    WdfIoTargetOpenUndefined = 0,
    WdfIoTargetOpenUseExistingDevice = 1,
    WdfIoTargetOpenByName = 2,
    WdfIoTargetOpenReopen = 3,
    WdfIoTargetOpenLocalTargetByFile = 4,
} WDF_IO_TARGET_OPEN_TYPE;

typedef enum _WDF_IO_TARGET_SENT_IO_ACTION {
    WdfIoTargetSentIoUndefined = 0,
    WdfIoTargetCancelSentIo,
    WdfIoTargetWaitForSentIoToComplete,
    WdfIoTargetLeaveSentIoPending,
} WDF_IO_TARGET_SENT_IO_ACTION;

typedef enum _WDF_IO_TARGET_PURGE_IO_ACTION {
    WdfIoTargetPurgeIoUndefined = 0,
    WdfIoTargetPurgeIoAndWait = 1,
    WdfIoTargetPurgeIo = 2,
} WDF_IO_TARGET_PURGE_IO_ACTION;

typedef NTSTATUS (NTAPI EVT_WDF_IO_TARGET_QUERY_REMOVE)(WDFIOTARGET IoTarget);
typedef EVT_WDF_IO_TARGET_QUERY_REMOVE *PFN_WDF_IO_TARGET_QUERY_REMOVE;
typedef VOID (NTAPI EVT_WDF_IO_TARGET_REMOVE_CANCELED)(WDFIOTARGET IoTarget);
typedef EVT_WDF_IO_TARGET_REMOVE_CANCELED *PFN_WDF_IO_TARGET_REMOVE_CANCELED;
typedef VOID (NTAPI EVT_WDF_IO_TARGET_REMOVE_COMPLETE)(WDFIOTARGET IoTarget);
typedef EVT_WDF_IO_TARGET_REMOVE_COMPLETE *PFN_WDF_IO_TARGET_REMOVE_COMPLETE;

typedef struct _WDF_IO_TARGET_OPEN_PARAMS {
    ULONG Size;
    WDF_IO_TARGET_OPEN_TYPE Type;
    PFN_WDF_IO_TARGET_QUERY_REMOVE EvtIoTargetQueryRemove;
    PFN_WDF_IO_TARGET_REMOVE_CANCELED EvtIoTargetRemoveCanceled;
    PFN_WDF_IO_TARGET_REMOVE_COMPLETE EvtIoTargetRemoveComplete;
    /* WdfIoTargetOpenUseExistingDevice */
    PDEVICE_OBJECT TargetDeviceObject;
    PFILE_OBJECT TargetFileObject;
    /* WdfIoTargetOpenByName */
    UNICODE_STRING TargetDeviceName;
    ACCESS_MASK DesiredAccess;
    ULONG ShareAccess;
    ULONG FileAttributes;
    ULONG CreateDisposition;
    ULONG CreateOptions;
    PVOID EaBuffer;
    ULONG EaBufferLength;
    PLONGLONG AllocationSize;
    ULONG FileInformation;          /* out: FILE_OPENED, FILE_CREATED, ... */
    /* WdfIoTargetOpenLocalTargetByFile */
    UNICODE_STRING FileName;
} WDF_IO_TARGET_OPEN_PARAMS, *PWDF_IO_TARGET_OPEN_PARAMS;

FORCEINLINE VOID WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE(PWDF_IO_TARGET_OPEN_PARAMS Params,
                                                                PDEVICE_OBJECT DeviceObject)
{
    RtlZeroMemory(Params, sizeof(WDF_IO_TARGET_OPEN_PARAMS));
    Params->Size = sizeof(WDF_IO_TARGET_OPEN_PARAMS);
    Params->Type = WdfIoTargetOpenUseExistingDevice;
    Params->TargetDeviceObject = DeviceObject;
}

FORCEINLINE VOID WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME(PWDF_IO_TARGET_OPEN_PARAMS Params,
                                                               PCUNICODE_STRING TargetDeviceName,
                                                               ACCESS_MASK DesiredAccess)
{
    RtlZeroMemory(Params, sizeof(WDF_IO_TARGET_OPEN_PARAMS));
    Params->Size = sizeof(WDF_IO_TARGET_OPEN_PARAMS);
    Params->Type = WdfIoTargetOpenByName;
    Params->TargetDeviceName = *TargetDeviceName;
    Params->DesiredAccess = DesiredAccess;
    Params->CreateOptions = FILE_NON_DIRECTORY_FILE;
}

FORCEINLINE VOID WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(PWDF_IO_TARGET_OPEN_PARAMS Params,
                                                             PCUNICODE_STRING TargetDeviceName,
                                                             ACCESS_MASK DesiredAccess)
{
    WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME(Params, TargetDeviceName, DesiredAccess);
    Params->CreateDisposition = FILE_OPEN;
}

FORCEINLINE VOID WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(PWDF_IO_TARGET_OPEN_PARAMS Params)
{
    RtlZeroMemory(Params, sizeof(WDF_IO_TARGET_OPEN_PARAMS));
    Params->Size = sizeof(WDF_IO_TARGET_OPEN_PARAMS);
    Params->Type = WdfIoTargetOpenReopen;
}

WDF_DDI(NTSTATUS, WdfIoTargetCreate, PFN_WDFIOTARGETCREATE,
    (WDFDEVICE Device, PWDF_OBJECT_ATTRIBUTES IoTargetAttributes, WDFIOTARGET *IoTarget),
    (Device, IoTargetAttributes, IoTarget))

WDF_DDI(NTSTATUS, WdfIoTargetOpen, PFN_WDFIOTARGETOPEN,
    (WDFIOTARGET IoTarget, PWDF_IO_TARGET_OPEN_PARAMS OpenParams),
    (IoTarget, OpenParams))

WDF_DDI_VOID(WdfIoTargetCloseForQueryRemove, PFN_WDFIOTARGETCLOSEFORQUERYREMOVE,
    (WDFIOTARGET IoTarget),
    (IoTarget))

WDF_DDI_VOID(WdfIoTargetClose, PFN_WDFIOTARGETCLOSE,
    (WDFIOTARGET IoTarget),
    (IoTarget))

WDF_DDI(NTSTATUS, WdfIoTargetStart, PFN_WDFIOTARGETSTART,
    (WDFIOTARGET IoTarget),
    (IoTarget))

WDF_DDI_VOID(WdfIoTargetStop, PFN_WDFIOTARGETSTOP,
    (WDFIOTARGET IoTarget, WDF_IO_TARGET_SENT_IO_ACTION Action),
    (IoTarget, Action))

WDF_DDI_VOID(WdfIoTargetPurge, PFN_WDFIOTARGETPURGE,
    (WDFIOTARGET IoTarget, WDF_IO_TARGET_PURGE_IO_ACTION Action),
    (IoTarget, Action))

WDF_DDI(WDF_IO_TARGET_STATE, WdfIoTargetGetState, PFN_WDFIOTARGETGETSTATE,
    (WDFIOTARGET IoTarget),
    (IoTarget))

WDF_DDI(WDFDEVICE, WdfIoTargetGetDevice, PFN_WDFIOTARGETGETDEVICE,
    (WDFIOTARGET IoTarget),
    (IoTarget))

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfIoTargetQueryTargetProperty, PFN_WDFIOTARGETQUERYTARGETPROPERTY,
    (WDFIOTARGET IoTarget, DEVICE_REGISTRY_PROPERTY DeviceProperty, ULONG BufferLength, PVOID PropertyBuffer, PULONG ResultLength),
    (IoTarget, DeviceProperty, BufferLength, PropertyBuffer, ResultLength))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfIoTargetAllocAndQueryTargetProperty, PFN_WDFIOTARGETALLOCANDQUERYTARGETPROPERTY,
    (WDFIOTARGET IoTarget, DEVICE_REGISTRY_PROPERTY DeviceProperty, POOL_TYPE PoolType, PWDF_OBJECT_ATTRIBUTES PropertyMemoryAttributes, WDFMEMORY *PropertyMemory),
    (IoTarget, DeviceProperty, PoolType, PropertyMemoryAttributes, PropertyMemory))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfIoTargetQueryForInterface, PFN_WDFIOTARGETQUERYFORINTERFACE,
    (WDFIOTARGET IoTarget, LPCGUID InterfaceType, PINTERFACE Interface, USHORT Size, USHORT Version, PVOID InterfaceSpecificData),
    (IoTarget, InterfaceType, Interface, Size, Version, InterfaceSpecificData))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(PDEVICE_OBJECT, WdfIoTargetWdmGetTargetDeviceObject, PFN_WDFIOTARGETWDMGETTARGETDEVICEOBJECT,
    (WDFIOTARGET IoTarget),
    (IoTarget))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(PDEVICE_OBJECT, WdfIoTargetWdmGetTargetPhysicalDevice, PFN_WDFIOTARGETWDMGETTARGETPHYSICALDEVICE,
    (WDFIOTARGET IoTarget),
    (IoTarget))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(PFILE_OBJECT, WdfIoTargetWdmGetTargetFileObject, PFN_WDFIOTARGETWDMGETTARGETFILEOBJECT,
    (WDFIOTARGET IoTarget),
    (IoTarget))
#endif

WDF_DDI(HANDLE, WdfIoTargetWdmGetTargetFileHandle, PFN_WDFIOTARGETWDMGETTARGETFILEHANDLE,
    (WDFIOTARGET IoTarget),
    (IoTarget))

WDF_DDI(NTSTATUS, WdfIoTargetSendReadSynchronously, PFN_WDFIOTARGETSENDREADSYNCHRONOUSLY,
    (WDFIOTARGET IoTarget, WDFREQUEST Request, PWDF_MEMORY_DESCRIPTOR OutputBuffer, PLONGLONG DeviceOffset, PWDF_REQUEST_SEND_OPTIONS RequestOptions, PULONG_PTR BytesRead),
    (IoTarget, Request, OutputBuffer, DeviceOffset, RequestOptions, BytesRead))

WDF_DDI(NTSTATUS, WdfIoTargetFormatRequestForRead, PFN_WDFIOTARGETFORMATREQUESTFORREAD,
    (WDFIOTARGET IoTarget, WDFREQUEST Request, WDFMEMORY OutputBuffer, PWDFMEMORY_OFFSET OutputBufferOffset, PLONGLONG DeviceOffset),
    (IoTarget, Request, OutputBuffer, OutputBufferOffset, DeviceOffset))

WDF_DDI(NTSTATUS, WdfIoTargetSendWriteSynchronously, PFN_WDFIOTARGETSENDWRITESYNCHRONOUSLY,
    (WDFIOTARGET IoTarget, WDFREQUEST Request, PWDF_MEMORY_DESCRIPTOR InputBuffer, PLONGLONG DeviceOffset, PWDF_REQUEST_SEND_OPTIONS RequestOptions, PULONG_PTR BytesWritten),
    (IoTarget, Request, InputBuffer, DeviceOffset, RequestOptions, BytesWritten))

WDF_DDI(NTSTATUS, WdfIoTargetFormatRequestForWrite, PFN_WDFIOTARGETFORMATREQUESTFORWRITE,
    (WDFIOTARGET IoTarget, WDFREQUEST Request, WDFMEMORY InputBuffer, PWDFMEMORY_OFFSET InputBufferOffset, PLONGLONG DeviceOffset),
    (IoTarget, Request, InputBuffer, InputBufferOffset, DeviceOffset))

WDF_DDI(NTSTATUS, WdfIoTargetSendIoctlSynchronously, PFN_WDFIOTARGETSENDIOCTLSYNCHRONOUSLY,
    (WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode, PWDF_MEMORY_DESCRIPTOR InputBuffer, PWDF_MEMORY_DESCRIPTOR OutputBuffer, PWDF_REQUEST_SEND_OPTIONS RequestOptions, PULONG_PTR BytesReturned),
    (IoTarget, Request, IoctlCode, InputBuffer, OutputBuffer, RequestOptions, BytesReturned))

WDF_DDI(NTSTATUS, WdfIoTargetFormatRequestForIoctl, PFN_WDFIOTARGETFORMATREQUESTFORIOCTL,
    (WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode, WDFMEMORY InputBuffer, PWDFMEMORY_OFFSET InputBufferOffset, WDFMEMORY OutputBuffer, PWDFMEMORY_OFFSET OutputBufferOffset),
    (IoTarget, Request, IoctlCode, InputBuffer, InputBufferOffset, OutputBuffer, OutputBufferOffset))

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfIoTargetSendInternalIoctlSynchronously, PFN_WDFIOTARGETSENDINTERNALIOCTLSYNCHRONOUSLY,
    (WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode, PWDF_MEMORY_DESCRIPTOR InputBuffer, PWDF_MEMORY_DESCRIPTOR OutputBuffer, PWDF_REQUEST_SEND_OPTIONS RequestOptions, PULONG_PTR BytesReturned),
    (IoTarget, Request, IoctlCode, InputBuffer, OutputBuffer, RequestOptions, BytesReturned))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfIoTargetFormatRequestForInternalIoctl, PFN_WDFIOTARGETFORMATREQUESTFORINTERNALIOCTL,
    (WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode, WDFMEMORY InputBuffer, PWDFMEMORY_OFFSET InputBufferOffset, WDFMEMORY OutputBuffer, PWDFMEMORY_OFFSET OutputBufferOffset),
    (IoTarget, Request, IoctlCode, InputBuffer, InputBufferOffset, OutputBuffer, OutputBufferOffset))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfIoTargetSendInternalIoctlOthersSynchronously, PFN_WDFIOTARGETSENDINTERNALIOCTLOTHERSSYNCHRONOUSLY,
    (WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode, PWDF_MEMORY_DESCRIPTOR OtherArg1, PWDF_MEMORY_DESCRIPTOR OtherArg2, PWDF_MEMORY_DESCRIPTOR OtherArg4, PWDF_REQUEST_SEND_OPTIONS RequestOptions, PULONG_PTR BytesReturned),
    (IoTarget, Request, IoctlCode, OtherArg1, OtherArg2, OtherArg4, RequestOptions, BytesReturned))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfIoTargetFormatRequestForInternalIoctlOthers, PFN_WDFIOTARGETFORMATREQUESTFORINTERNALIOCTLOTHERS,
    (WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode, WDFMEMORY OtherArg1, PWDFMEMORY_OFFSET OtherArg1Offset, WDFMEMORY OtherArg2, PWDFMEMORY_OFFSET OtherArg2Offset, WDFMEMORY OtherArg4, PWDFMEMORY_OFFSET OtherArg4Offset),
    (IoTarget, Request, IoctlCode, OtherArg1, OtherArg1Offset, OtherArg2, OtherArg2Offset, OtherArg4, OtherArg4Offset))
#endif

WDF_DDI(NTSTATUS, WdfIoTargetSelfAssignDefaultIoQueue, PFN_WDFIOTARGETSELFASSIGNDEFAULTIOQUEUE,
    (WDFIOTARGET IoTarget, WDFQUEUE Queue),
    (IoTarget, Queue))

#endif /* _WDFIOTARGET_H_ */
