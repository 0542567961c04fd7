/*
 * wdfio.h - WDF I/O queues (KMDF / UMDF 2). Written for OpenDDK from the
 * documented interface.
 *
 * A queue receives requests (from the device's dispatch, by request type
 * through WdfDeviceConfigureRequestDispatching, or from another queue) and
 * presents them to the driver's EvtIo* callbacks one at a time
 * (sequential), as they come (parallel), or not at all (manual: the driver
 * retrieves them). Queue state changes (stop, purge, drain) report their
 * end through EVT_WDF_IO_QUEUE_STATE callbacks or are waited for by the
 * ...Synchronously variants.
 */
#ifndef _WDFIO_H_
#define _WDFIO_H_

#include "wdfrequest.h"

typedef enum _WDF_IO_QUEUE_DISPATCH_TYPE {
    WdfIoQueueDispatchInvalid = 0,
    WdfIoQueueDispatchSequential,
    WdfIoQueueDispatchParallel,
    WdfIoQueueDispatchManual,
    WdfIoQueueDispatchMax,
} WDF_IO_QUEUE_DISPATCH_TYPE;

/* Bits of WdfIoQueueGetState's answer. */
typedef enum _WDF_IO_QUEUE_STATE {
    WdfIoQueueAcceptRequests = 0x01,
    WdfIoQueueDispatchRequests = 0x02,
    WdfIoQueueNoRequests = 0x04,
    WdfIoQueueDriverNoRequests = 0x08,
    WdfIoQueuePnpHeld = 0x10,
} WDF_IO_QUEUE_STATE;

/* Nothing queued and nothing with the driver. */
FORCEINLINE BOOLEAN WDF_IO_QUEUE_IDLE(WDF_IO_QUEUE_STATE State)
{
    return ((State & WdfIoQueueNoRequests) && (State & WdfIoQueueDriverNoRequests)) ? TRUE : FALSE;
}

/* Accepting and dispatching, not held by PnP. */
FORCEINLINE BOOLEAN WDF_IO_QUEUE_READY(WDF_IO_QUEUE_STATE State)
{
    return ((State & WdfIoQueueDispatchRequests) && (State & WdfIoQueueAcceptRequests) &&
            !(State & WdfIoQueuePnpHeld)) ? TRUE : FALSE;
}

/* Accepting but not dispatching, and the driver holds none. */
FORCEINLINE BOOLEAN WDF_IO_QUEUE_STOPPED(WDF_IO_QUEUE_STATE State)
{
    return (!(State & WdfIoQueueDispatchRequests) && (State & WdfIoQueueAcceptRequests) &&
            (State & WdfIoQueueDriverNoRequests)) ? TRUE : FALSE;
}

/* Not accepting, dispatching, and empty everywhere. */
FORCEINLINE BOOLEAN WDF_IO_QUEUE_DRAINED(WDF_IO_QUEUE_STATE State)
{
    return (!(State & WdfIoQueueAcceptRequests) && (State & WdfIoQueueDispatchRequests) &&
            (State & WdfIoQueueNoRequests) && (State & WdfIoQueueDriverNoRequests)) ? TRUE : FALSE;
}

/* Not accepting, and empty everywhere. */
FORCEINLINE BOOLEAN WDF_IO_QUEUE_PURGED(WDF_IO_QUEUE_STATE State)
{
    return (!(State & WdfIoQueueAcceptRequests) && (State & WdfIoQueueNoRequests) &&
            (State & WdfIoQueueDriverNoRequests)) ? TRUE : FALSE;
}

typedef VOID (NTAPI EVT_WDF_IO_QUEUE_IO_DEFAULT)(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_DEFAULT *PFN_WDF_IO_QUEUE_IO_DEFAULT;
typedef VOID (NTAPI EVT_WDF_IO_QUEUE_IO_STOP)(WDFQUEUE Queue, WDFREQUEST Request, ULONG ActionFlags);
typedef EVT_WDF_IO_QUEUE_IO_STOP *PFN_WDF_IO_QUEUE_IO_STOP;
typedef VOID (NTAPI EVT_WDF_IO_QUEUE_IO_RESUME)(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_RESUME *PFN_WDF_IO_QUEUE_IO_RESUME;
typedef VOID (NTAPI EVT_WDF_IO_QUEUE_IO_READ)(WDFQUEUE Queue, WDFREQUEST Request, size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_READ *PFN_WDF_IO_QUEUE_IO_READ;
typedef VOID (NTAPI EVT_WDF_IO_QUEUE_IO_WRITE)(WDFQUEUE Queue, WDFREQUEST Request, size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_WRITE *PFN_WDF_IO_QUEUE_IO_WRITE;
typedef VOID (NTAPI EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL)(WDFQUEUE Queue, WDFREQUEST Request,
                                                size_t OutputBufferLength,
                                                size_t InputBufferLength, ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL *PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL;
typedef VOID (NTAPI EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL)(WDFQUEUE Queue, WDFREQUEST Request,
                                                         size_t OutputBufferLength,
                                                         size_t InputBufferLength,
                                                         ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL *PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL;
typedef VOID (NTAPI EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE)(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE *PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE;
typedef VOID (NTAPI EVT_WDF_IO_QUEUE_STATE)(WDFQUEUE Queue, WDFCONTEXT Context);
typedef EVT_WDF_IO_QUEUE_STATE *PFN_WDF_IO_QUEUE_STATE;

typedef struct _WDF_IO_QUEUE_CONFIG {
    ULONG Size;
    WDF_IO_QUEUE_DISPATCH_TYPE DispatchType;
    WDF_TRI_STATE PowerManaged;
    BOOLEAN AllowZeroLengthRequests;
    BOOLEAN DefaultQueue;
    PFN_WDF_IO_QUEUE_IO_DEFAULT EvtIoDefault;
    PFN_WDF_IO_QUEUE_IO_READ EvtIoRead;
    PFN_WDF_IO_QUEUE_IO_WRITE EvtIoWrite;
    PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;
    PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL EvtIoInternalDeviceControl;
    PFN_WDF_IO_QUEUE_IO_STOP EvtIoStop;
    PFN_WDF_IO_QUEUE_IO_RESUME EvtIoResume;
    PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE EvtIoCanceledOnQueue;
    union {
        struct {
            ULONG NumberOfPresentedRequests;   /* (ULONG)-1: no limit */
        } Parallel;
    } Settings;
    WDFDRIVER Driver;
} WDF_IO_QUEUE_CONFIG, *PWDF_IO_QUEUE_CONFIG;

FORCEINLINE VOID WDF_IO_QUEUE_CONFIG_INIT(PWDF_IO_QUEUE_CONFIG Config,
                                          WDF_IO_QUEUE_DISPATCH_TYPE DispatchType)
{
    RtlZeroMemory(Config, sizeof(WDF_IO_QUEUE_CONFIG));
    Config->Size = sizeof(WDF_IO_QUEUE_CONFIG);
    Config->PowerManaged = WdfUseDefault;
    Config->DispatchType = DispatchType;
    if (DispatchType == WdfIoQueueDispatchParallel)
        Config->Settings.Parallel.NumberOfPresentedRequests = (ULONG)-1;
}

FORCEINLINE VOID WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(PWDF_IO_QUEUE_CONFIG Config,
                                                        WDF_IO_QUEUE_DISPATCH_TYPE DispatchType)
{
    WDF_IO_QUEUE_CONFIG_INIT(Config, DispatchType);
    Config->DefaultQueue = TRUE;
}

typedef enum _WDF_IO_FORWARD_PROGRESS_ACTION {
    WdfIoForwardProgressActionInvalid = 0x0,
    WdfIoForwardProgressActionFailRequest,
    WdfIoForwardProgressActionUseReservedRequest,
} WDF_IO_FORWARD_PROGRESS_ACTION;

typedef enum _WDF_IO_FORWARD_PROGRESS_RESERVED_POLICY {
    WdfIoForwardProgressInvalidPolicy = 0x0,
    WdfIoForwardProgressReservedPolicyAlwaysUseReservedRequest,
    WdfIoForwardProgressReservedPolicyUseExamine,
    WdfIoForwardProgressReservedPolicyPagingIO,
} WDF_IO_FORWARD_PROGRESS_RESERVED_POLICY;

typedef NTSTATUS (NTAPI EVT_WDF_IO_ALLOCATE_RESOURCES_FOR_RESERVED_REQUEST)(WDFQUEUE Queue,
                                                                    WDFREQUEST Request);
typedef EVT_WDF_IO_ALLOCATE_RESOURCES_FOR_RESERVED_REQUEST
    *PFN_WDF_IO_ALLOCATE_RESOURCES_FOR_RESERVED_REQUEST;
typedef NTSTATUS (NTAPI EVT_WDF_IO_ALLOCATE_REQUEST_RESOURCES)(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_ALLOCATE_REQUEST_RESOURCES *PFN_WDF_IO_ALLOCATE_REQUEST_RESOURCES;
typedef WDF_IO_FORWARD_PROGRESS_ACTION (NTAPI EVT_WDF_IO_WDM_IRP_FOR_FORWARD_PROGRESS)(WDFQUEUE Queue,
                                                                              PIRP Irp);
typedef EVT_WDF_IO_WDM_IRP_FOR_FORWARD_PROGRESS *PFN_WDF_IO_WDM_IRP_FOR_FORWARD_PROGRESS;

typedef struct _WDF_IO_FORWARD_PROGRESS_RESERVED_POLICY_SETTINGS {
    union {
        struct {
            PFN_WDF_IO_WDM_IRP_FOR_FORWARD_PROGRESS EvtIoWdmIrpForForwardProgress;
        } ExaminePolicy;
    } Policy;
} WDF_IO_FORWARD_PROGRESS_RESERVED_POLICY_SETTINGS;

typedef struct _WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY {
    ULONG Size;
    ULONG TotalForwardProgressRequests;
    WDF_IO_FORWARD_PROGRESS_RESERVED_POLICY ForwardProgressReservedPolicy;
    WDF_IO_FORWARD_PROGRESS_RESERVED_POLICY_SETTINGS ForwardProgressReservePolicySettings;
    PFN_WDF_IO_ALLOCATE_RESOURCES_FOR_RESERVED_REQUEST EvtIoAllocateResourcesForReservedRequest;
    PFN_WDF_IO_ALLOCATE_REQUEST_RESOURCES EvtIoAllocateRequestResources;
} WDF_IO_QUEUE_FORWARD_PROGRESS_POLICY, *PWDF_IO_QUEUE_FORWARD_PROGRESS_POLICY;

WDF_DDI(NTSTATUS, WdfIoQueueCreate, PFN_WDFIOQUEUECREATE,
    (WDFDEVICE Device, PWDF_IO_QUEUE_CONFIG Config, PWDF_OBJECT_ATTRIBUTES QueueAttributes, WDFQUEUE *Queue),
    (Device, Config, QueueAttributes, Queue))

WDF_DDI(WDF_IO_QUEUE_STATE, WdfIoQueueGetState, PFN_WDFIOQUEUEGETSTATE,
    (WDFQUEUE Queue, PULONG QueueRequests, PULONG DriverRequests),
    (Queue, QueueRequests, DriverRequests))

WDF_DDI_VOID(WdfIoQueueStart, PFN_WDFIOQUEUESTART,
    (WDFQUEUE Queue),
    (Queue))

WDF_DDI_VOID(WdfIoQueueStop, PFN_WDFIOQUEUESTOP,
    (WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE StopComplete, WDFCONTEXT Context),
    (Queue, StopComplete, Context))

WDF_DDI_VOID(WdfIoQueueStopSynchronously, PFN_WDFIOQUEUESTOPSYNCHRONOUSLY,
    (WDFQUEUE Queue),
    (Queue))

WDF_DDI(WDFDEVICE, WdfIoQueueGetDevice, PFN_WDFIOQUEUEGETDEVICE,
    (WDFQUEUE Queue),
    (Queue))

WDF_DDI(NTSTATUS, WdfIoQueueRetrieveNextRequest, PFN_WDFIOQUEUERETRIEVENEXTREQUEST,
    (WDFQUEUE Queue, WDFREQUEST *OutRequest),
    (Queue, OutRequest))

WDF_DDI(NTSTATUS, WdfIoQueueRetrieveRequestByFileObject, PFN_WDFIOQUEUERETRIEVEREQUESTBYFILEOBJECT,
    (WDFQUEUE Queue, WDFFILEOBJECT FileObject, WDFREQUEST *OutRequest),
    (Queue, FileObject, OutRequest))

WDF_DDI(NTSTATUS, WdfIoQueueFindRequest, PFN_WDFIOQUEUEFINDREQUEST,
    (WDFQUEUE Queue, WDFREQUEST FoundRequest, WDFFILEOBJECT FileObject, PWDF_REQUEST_PARAMETERS Parameters, WDFREQUEST *OutRequest),
    (Queue, FoundRequest, FileObject, Parameters, OutRequest))

WDF_DDI(NTSTATUS, WdfIoQueueRetrieveFoundRequest, PFN_WDFIOQUEUERETRIEVEFOUNDREQUEST,
    (WDFQUEUE Queue, WDFREQUEST FoundRequest, WDFREQUEST *OutRequest),
    (Queue, FoundRequest, OutRequest))

WDF_DDI_VOID(WdfIoQueueDrainSynchronously, PFN_WDFIOQUEUEDRAINSYNCHRONOUSLY,
    (WDFQUEUE Queue),
    (Queue))

WDF_DDI_VOID(WdfIoQueueDrain, PFN_WDFIOQUEUEDRAIN,
    (WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE DrainComplete, WDFCONTEXT Context),
    (Queue, DrainComplete, Context))

WDF_DDI_VOID(WdfIoQueuePurgeSynchronously, PFN_WDFIOQUEUEPURGESYNCHRONOUSLY,
    (WDFQUEUE Queue),
    (Queue))

WDF_DDI_VOID(WdfIoQueuePurge, PFN_WDFIOQUEUEPURGE,
    (WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE PurgeComplete, WDFCONTEXT Context),
    (Queue, PurgeComplete, Context))

WDF_DDI(NTSTATUS, WdfIoQueueReadyNotify, PFN_WDFIOQUEUEREADYNOTIFY,
    (WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE QueueReady, WDFCONTEXT Context),
    (Queue, QueueReady, Context))

#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfIoQueueAssignForwardProgressPolicy, PFN_WDFIOQUEUEASSIGNFORWARDPROGRESSPOLICY,
    (WDFQUEUE Queue, PWDF_IO_QUEUE_FORWARD_PROGRESS_POLICY ForwardProgressPolicy),
    (Queue, ForwardProgressPolicy))
#endif

WDF_DDI_VOID(WdfIoQueueStopAndPurge, PFN_WDFIOQUEUESTOPANDPURGE,
    (WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE StopAndPurgeComplete, WDFCONTEXT Context),
    (Queue, StopAndPurgeComplete, Context))

WDF_DDI_VOID(WdfIoQueueStopAndPurgeSynchronously, PFN_WDFIOQUEUESTOPANDPURGESYNCHRONOUSLY,
    (WDFQUEUE Queue),
    (Queue))

/* Request dispatching of a device. Windows declares these two in
 * wdfdevice.h; they are implemented with the queues (src/wdf/queue.c), so
 * they are declared here, once (_WDF_DEVICE_QUEUE_DDIS_ marks it). */
#ifndef _WDF_DEVICE_QUEUE_DDIS_
#define _WDF_DEVICE_QUEUE_DDIS_
WDF_DDI(NTSTATUS, WdfDeviceConfigureRequestDispatching, PFN_WDFDEVICECONFIGUREREQUESTDISPATCHING,
    (WDFDEVICE Device, WDFQUEUE Queue, WDF_REQUEST_TYPE RequestType),
    (Device, Queue, RequestType))
#if !defined(DDK_MODEL_UMDF)
WDF_DDI(NTSTATUS, WdfDeviceEnqueueRequest, PFN_WDFDEVICEENQUEUEREQUEST,
    (WDFDEVICE Device, WDFREQUEST Request),
    (Device, Request))
#endif
#endif

#endif /* _WDFIO_H_ */
