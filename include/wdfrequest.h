/*
 * wdfrequest.h - WDF request objects (KMDF / UMDF 2). Written for OpenDDK
 * from the documented interface.
 *
 * A WDFREQUEST wraps an I/O request (an IRP in kernel mode). The framework
 * creates one for every IRP a queue receives and presents it to the driver,
 * which then owns it until it completes it, forwards it to another queue,
 * requeues it or sends it to an I/O target. Requests the driver creates
 * itself (WdfRequestCreate) are sent to I/O targets and reused.
 */
#ifndef _WDFREQUEST_H_
#define _WDFREQUEST_H_

#ifndef _WDF_REQUEST_TYPE_DEFINED
#define _WDF_REQUEST_TYPE_DEFINED
/* The request types are the IRP major function codes. */
typedef enum _WDF_REQUEST_TYPE {
    WdfRequestTypeCreate = 0x0,
    WdfRequestTypeCreateNamedPipe = 0x1,
    WdfRequestTypeClose = 0x2,
    WdfRequestTypeRead = 0x3,
    WdfRequestTypeWrite = 0x4,
    WdfRequestTypeQueryInformation = 0x5,
    WdfRequestTypeSetInformation = 0x6,
    WdfRequestTypeQueryEA = 0x7,
    WdfRequestTypeSetEA = 0x8,
    WdfRequestTypeFlushBuffers = 0x9,
    WdfRequestTypeQueryVolumeInformation = 0xa,
    WdfRequestTypeSetVolumeInformation = 0xb,
    WdfRequestTypeDirectoryControl = 0xc,
    WdfRequestTypeFileSystemControl = 0xd,
    WdfRequestTypeDeviceControl = 0xe,
    WdfRequestTypeDeviceControlInternal = 0xf,
    WdfRequestTypeShutdown = 0x10,
    WdfRequestTypeLockControl = 0x11,
    WdfRequestTypeCleanup = 0x12,
    WdfRequestTypeCreateMailSlot = 0x13,
    WdfRequestTypeQuerySecurity = 0x14,
    WdfRequestTypeSetSecurity = 0x15,
    WdfRequestTypePower = 0x16,
    WdfRequestTypeSystemControl = 0x17,
    WdfRequestTypeDeviceChange = 0x18,
    WdfRequestTypeQueryQuota = 0x19,
    WdfRequestTypeSetQuota = 0x1A,
    WdfRequestTypePnp = 0x1B,
    WdfRequestTypeOther = 0x1C,
    WdfRequestTypeUsb = 0x40,
    WdfRequestTypeNoFormat = 0xFF,
    WdfRequestTypeMax,
} WDF_REQUEST_TYPE;
#endif

typedef enum _WDF_REQUEST_REUSE_FLAGS {
    WDF_REQUEST_REUSE_NO_FLAGS = 0x00000000,
    WDF_REQUEST_REUSE_SET_NEW_IRP = 0x00000001,
} WDF_REQUEST_REUSE_FLAGS;

/* ActionFlags of EvtIoStop. */
typedef enum _WDF_REQUEST_STOP_ACTION_FLAGS {
    WdfRequestStopActionInvalid = 0,
    WdfRequestStopActionSuspend = 0x01,
    WdfRequestStopActionPurge = 0x2,
    WdfRequestStopRequestCancelable = 0x10000000,
} WDF_REQUEST_STOP_ACTION_FLAGS;

typedef enum _WDF_REQUEST_SEND_OPTIONS_FLAGS {
    WDF_REQUEST_SEND_OPTION_TIMEOUT = 0x00000001,
    WDF_REQUEST_SEND_OPTION_SYNCHRONOUS = 0x00000002,
    WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE = 0x00000004,
    WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET = 0x00000008,
    WDF_REQUEST_SEND_OPTION_IMPERSONATE_CLIENT = 0x00010000,
    WDF_REQUEST_SEND_OPTION_IMPERSONATION_IGNORE_FAILURE = 0x00020000,
} WDF_REQUEST_SEND_OPTIONS_FLAGS;

typedef enum _WDF_REQUEST_FORWARD_OPTIONS_FLAGS {
    WDF_REQUEST_FORWARD_OPTION_SEND_AND_FORGET = 0x00000001,
} WDF_REQUEST_FORWARD_OPTIONS_FLAGS;

/* What WdfRequestGetParameters reports: the request's stack location. */
typedef struct _WDF_REQUEST_PARAMETERS {
    USHORT Size;
    UCHAR MinorFunction;
    WDF_REQUEST_TYPE Type;
    union {
        struct {
            PIO_SECURITY_CONTEXT SecurityContext;
            ULONG POINTER_ALIGNMENT Options;
            USHORT POINTER_ALIGNMENT FileAttributes;
            USHORT ShareAccess;
            ULONG POINTER_ALIGNMENT EaLength;
        } Create;
        struct {
            size_t Length;
            ULONG POINTER_ALIGNMENT Key;
            LONGLONG DeviceOffset;
        } Read;
        struct {
            size_t Length;
            ULONG POINTER_ALIGNMENT Key;
            LONGLONG DeviceOffset;
        } Write;
        struct {
            size_t OutputBufferLength;
            size_t POINTER_ALIGNMENT InputBufferLength;
            ULONG POINTER_ALIGNMENT IoControlCode;
            PVOID Type3InputBuffer;
        } DeviceIoControl;
        struct {
            PVOID Arg1;
            PVOID Arg2;
            ULONG POINTER_ALIGNMENT IoControlCode;
            PVOID Arg4;
        } Others;
    } Parameters;
} WDF_REQUEST_PARAMETERS, *PWDF_REQUEST_PARAMETERS;

FORCEINLINE VOID WDF_REQUEST_PARAMETERS_INIT(PWDF_REQUEST_PARAMETERS Parameters)
{
    RtlZeroMemory(Parameters, sizeof(WDF_REQUEST_PARAMETERS));
    Parameters->Size = sizeof(WDF_REQUEST_PARAMETERS);
}

struct _WDF_USB_REQUEST_COMPLETION_PARAMS;

typedef struct _WDF_REQUEST_COMPLETION_PARAMS {
    ULONG Size;
    WDF_REQUEST_TYPE Type;
    IO_STATUS_BLOCK IoStatus;
    union {
        struct {
            WDFMEMORY Buffer;
            size_t Length;
            size_t Offset;
        } Write;
        struct {
            WDFMEMORY Buffer;
            size_t Length;
            size_t Offset;
        } Read;
        struct {
            ULONG IoControlCode;
            struct {
                WDFMEMORY Buffer;
                size_t Offset;
            } Input;
            struct {
                WDFMEMORY Buffer;
                size_t Offset;
                size_t Length;
            } Output;
        } Ioctl;
        struct {
            union {
                PVOID Ptr;
                ULONG_PTR Value;
            } Argument1;
            union {
                PVOID Ptr;
                ULONG_PTR Value;
            } Argument2;
            union {
                PVOID Ptr;
                ULONG_PTR Value;
            } Argument3;
            union {
                PVOID Ptr;
                ULONG_PTR Value;
            } Argument4;
        } Others;
        struct {
            struct _WDF_USB_REQUEST_COMPLETION_PARAMS *Completion;
        } Usb;
    } Parameters;
} WDF_REQUEST_COMPLETION_PARAMS, *PWDF_REQUEST_COMPLETION_PARAMS;

FORCEINLINE VOID WDF_REQUEST_COMPLETION_PARAMS_INIT(PWDF_REQUEST_COMPLETION_PARAMS Params)
{
    RtlZeroMemory(Params, sizeof(WDF_REQUEST_COMPLETION_PARAMS));
    Params->Size = sizeof(WDF_REQUEST_COMPLETION_PARAMS);
    Params->Type = WdfRequestTypeNoFormat;
}

typedef VOID (NTAPI EVT_WDF_REQUEST_CANCEL)(WDFREQUEST Request);
typedef EVT_WDF_REQUEST_CANCEL *PFN_WDF_REQUEST_CANCEL;

typedef VOID (NTAPI EVT_WDF_REQUEST_COMPLETION_ROUTINE)(WDFREQUEST Request, WDFIOTARGET Target,
                                                PWDF_REQUEST_COMPLETION_PARAMS Params,
                                                WDFCONTEXT Context);
typedef EVT_WDF_REQUEST_COMPLETION_ROUTINE *PFN_WDF_REQUEST_COMPLETION_ROUTINE;

typedef struct _WDF_REQUEST_REUSE_PARAMS {
    ULONG Size;
    ULONG Flags;
    NTSTATUS Status;
    PIRP NewIrp;
} WDF_REQUEST_REUSE_PARAMS, *PWDF_REQUEST_REUSE_PARAMS;

FORCEINLINE VOID WDF_REQUEST_REUSE_PARAMS_INIT(PWDF_REQUEST_REUSE_PARAMS Params, ULONG Flags,
                                               NTSTATUS Status)
{
    RtlZeroMemory(Params, sizeof(WDF_REQUEST_REUSE_PARAMS));
    Params->Size = sizeof(WDF_REQUEST_REUSE_PARAMS);
    Params->Flags = Flags;
    Params->Status = Status;
}

FORCEINLINE VOID WDF_REQUEST_REUSE_PARAMS_SET_NEW_IRP(PWDF_REQUEST_REUSE_PARAMS Params, PIRP NewIrp)
{
    Params->Flags |= WDF_REQUEST_REUSE_SET_NEW_IRP;
    Params->NewIrp = NewIrp;
}

typedef struct _WDF_REQUEST_SEND_OPTIONS {
    ULONG Size;
    ULONG Flags;
    LONGLONG Timeout;   /* 100 ns units; negative = relative (WDF_REL_TIMEOUT_IN_MS) */
} WDF_REQUEST_SEND_OPTIONS, *PWDF_REQUEST_SEND_OPTIONS;

FORCEINLINE VOID WDF_REQUEST_SEND_OPTIONS_INIT(PWDF_REQUEST_SEND_OPTIONS Options, ULONG Flags)
{
    RtlZeroMemory(Options, sizeof(WDF_REQUEST_SEND_OPTIONS));
    Options->Size = sizeof(WDF_REQUEST_SEND_OPTIONS);
    Options->Flags = Flags;
}

FORCEINLINE VOID WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(PWDF_REQUEST_SEND_OPTIONS Options,
                                                      LONGLONG Timeout)
{
    Options->Flags |= WDF_REQUEST_SEND_OPTION_TIMEOUT;
    Options->Timeout = Timeout;
}

typedef struct _WDF_REQUEST_FORWARD_OPTIONS {
    ULONG Size;
    ULONG Flags;
} WDF_REQUEST_FORWARD_OPTIONS, *PWDF_REQUEST_FORWARD_OPTIONS;

FORCEINLINE VOID WDF_REQUEST_FORWARD_OPTIONS_INIT(PWDF_REQUEST_FORWARD_OPTIONS Options)
{
    RtlZeroMemory(Options, sizeof(WDF_REQUEST_FORWARD_OPTIONS));
    Options->Size = sizeof(WDF_REQUEST_FORWARD_OPTIONS);
    Options->Flags = WDF_REQUEST_FORWARD_OPTION_SEND_AND_FORGET;
}

WDF_DDI(NTSTATUS, WdfRequestCreate, PFN_WDFREQUESTCREATE,
    (PWDF_OBJECT_ATTRIBUTES RequestAttributes, WDFIOTARGET IoTarget, WDFREQUEST *Request),
    (RequestAttributes, IoTarget, Request))

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfRequestCreateFromIrp, PFN_WDFREQUESTCREATEFROMIRP,
    (PWDF_OBJECT_ATTRIBUTES RequestAttributes, PIRP Irp, BOOLEAN RequestFreesIrp, WDFREQUEST *Request),
    (RequestAttributes, Irp, RequestFreesIrp, Request))
#endif

WDF_DDI(NTSTATUS, WdfRequestReuse, PFN_WDFREQUESTREUSE,
    (WDFREQUEST Request, PWDF_REQUEST_REUSE_PARAMS ReuseParams),
    (Request, ReuseParams))

WDF_DDI(NTSTATUS, WdfRequestChangeTarget, PFN_WDFREQUESTCHANGETARGET,
    (WDFREQUEST Request, WDFIOTARGET IoTarget),
    (Request, IoTarget))

WDF_DDI_VOID(WdfRequestFormatRequestUsingCurrentType, PFN_WDFREQUESTFORMATREQUESTUSINGCURRENTTYPE,
    (WDFREQUEST Request),
    (Request))

#if !defined(DDK_MODEL_UMDF)
WDF_DDI_VOID(WdfRequestWdmFormatUsingStackLocation, PFN_WDFREQUESTWDMFORMATUSINGSTACKLOCATION,
    (WDFREQUEST Request, PIO_STACK_LOCATION Stack),
    (Request, Stack))
#endif

WDF_DDI(BOOLEAN, WdfRequestSend, PFN_WDFREQUESTSEND,
    (WDFREQUEST Request, WDFIOTARGET Target, PWDF_REQUEST_SEND_OPTIONS Options),
    (Request, Target, Options))

WDF_DDI(NTSTATUS, WdfRequestGetStatus, PFN_WDFREQUESTGETSTATUS,
    (WDFREQUEST Request),
    (Request))

WDF_DDI_VOID(WdfRequestMarkCancelable, PFN_WDFREQUESTMARKCANCELABLE,
    (WDFREQUEST Request, PFN_WDF_REQUEST_CANCEL EvtRequestCancel),
    (Request, EvtRequestCancel))

WDF_DDI(NTSTATUS, WdfRequestMarkCancelableEx, PFN_WDFREQUESTMARKCANCELABLEEX,
    (WDFREQUEST Request, PFN_WDF_REQUEST_CANCEL EvtRequestCancel),
    (Request, EvtRequestCancel))

WDF_DDI(NTSTATUS, WdfRequestUnmarkCancelable, PFN_WDFREQUESTUNMARKCANCELABLE,
    (WDFREQUEST Request),
    (Request))

WDF_DDI(BOOLEAN, WdfRequestIsCanceled, PFN_WDFREQUESTISCANCELED,
    (WDFREQUEST Request),
    (Request))

WDF_DDI(BOOLEAN, WdfRequestCancelSentRequest, PFN_WDFREQUESTCANCELSENTREQUEST,
    (WDFREQUEST Request),
    (Request))

WDF_DDI(BOOLEAN, WdfRequestIsFrom32BitProcess, PFN_WDFREQUESTISFROM32BITPROCESS,
    (WDFREQUEST Request),
    (Request))

WDF_DDI_VOID(WdfRequestSetCompletionRoutine, PFN_WDFREQUESTSETCOMPLETIONROUTINE,
    (WDFREQUEST Request, PFN_WDF_REQUEST_COMPLETION_ROUTINE CompletionRoutine, WDFCONTEXT CompletionContext),
    (Request, CompletionRoutine, CompletionContext))

WDF_DDI_VOID(WdfRequestGetCompletionParams, PFN_WDFREQUESTGETCOMPLETIONPARAMS,
    (WDFREQUEST Request, PWDF_REQUEST_COMPLETION_PARAMS Params),
    (Request, Params))

WDF_DDI(NTSTATUS, WdfRequestAllocateTimer, PFN_WDFREQUESTALLOCATETIMER,
    (WDFREQUEST Request),
    (Request))

WDF_DDI_VOID(WdfRequestComplete, PFN_WDFREQUESTCOMPLETE,
    (WDFREQUEST Request, NTSTATUS Status),
    (Request, Status))

#if !defined(DDK_MODEL_UMDF)
WDF_DDI_VOID(WdfRequestCompleteWithPriorityBoost, PFN_WDFREQUESTCOMPLETEWITHPRIORITYBOOST,
    (WDFREQUEST Request, NTSTATUS Status, CCHAR PriorityBoost),
    (Request, Status, PriorityBoost))
#endif

WDF_DDI_VOID(WdfRequestCompleteWithInformation, PFN_WDFREQUESTCOMPLETEWITHINFORMATION,
    (WDFREQUEST Request, NTSTATUS Status, ULONG_PTR Information),
    (Request, Status, Information))

WDF_DDI_VOID(WdfRequestGetParameters, PFN_WDFREQUESTGETPARAMETERS,
    (WDFREQUEST Request, PWDF_REQUEST_PARAMETERS Parameters),
    (Request, Parameters))

WDF_DDI(NTSTATUS, WdfRequestRetrieveInputMemory, PFN_WDFREQUESTRETRIEVEINPUTMEMORY,
    (WDFREQUEST Request, WDFMEMORY *Memory),
    (Request, Memory))

WDF_DDI(NTSTATUS, WdfRequestRetrieveOutputMemory, PFN_WDFREQUESTRETRIEVEOUTPUTMEMORY,
    (WDFREQUEST Request, WDFMEMORY *Memory),
    (Request, Memory))

WDF_DDI(NTSTATUS, WdfRequestRetrieveInputBuffer, PFN_WDFREQUESTRETRIEVEINPUTBUFFER,
    (WDFREQUEST Request, size_t MinimumRequiredLength, PVOID *Buffer, size_t *Length),
    (Request, MinimumRequiredLength, Buffer, Length))

WDF_DDI(NTSTATUS, WdfRequestRetrieveOutputBuffer, PFN_WDFREQUESTRETRIEVEOUTPUTBUFFER,
    (WDFREQUEST Request, size_t MinimumRequiredSize, PVOID *Buffer, size_t *Length),
    (Request, MinimumRequiredSize, Buffer, Length))

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfRequestRetrieveInputWdmMdl, PFN_WDFREQUESTRETRIEVEINPUTWDMMDL,
    (WDFREQUEST Request, PMDL *Mdl),
    (Request, Mdl))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfRequestRetrieveOutputWdmMdl, PFN_WDFREQUESTRETRIEVEOUTPUTWDMMDL,
    (WDFREQUEST Request, PMDL *Mdl),
    (Request, Mdl))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfRequestRetrieveUnsafeUserInputBuffer, PFN_WDFREQUESTRETRIEVEUNSAFEUSERINPUTBUFFER,
    (WDFREQUEST Request, size_t MinimumRequiredLength, PVOID *InputBuffer, size_t *Length),
    (Request, MinimumRequiredLength, InputBuffer, Length))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfRequestRetrieveUnsafeUserOutputBuffer, PFN_WDFREQUESTRETRIEVEUNSAFEUSEROUTPUTBUFFER,
    (WDFREQUEST Request, size_t MinimumRequiredLength, PVOID *OutputBuffer, size_t *Length),
    (Request, MinimumRequiredLength, OutputBuffer, Length))
#endif

WDF_DDI_VOID(WdfRequestSetInformation, PFN_WDFREQUESTSETINFORMATION,
    (WDFREQUEST Request, ULONG_PTR Information),
    (Request, Information))

WDF_DDI(ULONG_PTR, WdfRequestGetInformation, PFN_WDFREQUESTGETINFORMATION,
    (WDFREQUEST Request),
    (Request))

WDF_DDI(WDFFILEOBJECT, WdfRequestGetFileObject, PFN_WDFREQUESTGETFILEOBJECT,
    (WDFREQUEST Request),
    (Request))

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfRequestProbeAndLockUserBufferForRead, PFN_WDFREQUESTPROBEANDLOCKUSERBUFFERFORREAD,
    (WDFREQUEST Request, PVOID Buffer, size_t Length, WDFMEMORY *MemoryObject),
    (Request, Buffer, Length, MemoryObject))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfRequestProbeAndLockUserBufferForWrite, PFN_WDFREQUESTPROBEANDLOCKUSERBUFFERFORWRITE,
    (WDFREQUEST Request, PVOID Buffer, size_t Length, WDFMEMORY *MemoryObject),
    (Request, Buffer, Length, MemoryObject))
#endif

WDF_DDI(KPROCESSOR_MODE, WdfRequestGetRequestorMode, PFN_WDFREQUESTGETREQUESTORMODE,
    (WDFREQUEST Request),
    (Request))

WDF_DDI(NTSTATUS, WdfRequestForwardToIoQueue, PFN_WDFREQUESTFORWARDTOIOQUEUE,
    (WDFREQUEST Request, WDFQUEUE DestinationQueue),
    (Request, DestinationQueue))

WDF_DDI(WDFQUEUE, WdfRequestGetIoQueue, PFN_WDFREQUESTGETIOQUEUE,
    (WDFREQUEST Request),
    (Request))

WDF_DDI(NTSTATUS, WdfRequestRequeue, PFN_WDFREQUESTREQUEUE,
    (WDFREQUEST Request),
    (Request))

WDF_DDI_VOID(WdfRequestStopAcknowledge, PFN_WDFREQUESTSTOPACKNOWLEDGE,
    (WDFREQUEST Request, BOOLEAN Requeue),
    (Request, Requeue))

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(PIRP, WdfRequestWdmGetIrp, PFN_WDFREQUESTWDMGETIRP,
    (WDFREQUEST Request),
    (Request))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(BOOLEAN, WdfRequestIsReserved, PFN_WDFREQUESTISRESERVED,
    (WDFREQUEST Request),
    (Request))
#endif

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfRequestForwardToParentDeviceIoQueue, PFN_WDFREQUESTFORWARDTOPARENTDEVICEIOQUEUE,
    (WDFREQUEST Request, WDFQUEUE ParentDeviceQueue, PWDF_REQUEST_FORWARD_OPTIONS ForwardOptions),
    (Request, ParentDeviceQueue, ForwardOptions))
#endif

WDF_DDI(ULONG, WdfRequestGetRequestorProcessId, PFN_WDFREQUESTGETREQUESTORPROCESSID,
    (WDFREQUEST Request),
    (Request))

#if defined(DDK_MODEL_UMDF) || !defined(DDK_DRIVER)
WDF_DDI(BOOLEAN, WdfRequestIsFromUserModeDriver, PFN_WDFREQUESTISFROMUSERMODEDRIVER,
    (WDFREQUEST Request),
    (Request))
#endif

#endif /* _WDFREQUEST_H_ */
