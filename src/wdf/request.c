/*
 * wdf/request.c - WDFREQUEST: the framework's wrapping of IRPs, request
 * buffers, completion, cancellation, forwarding; and fx_io_dispatch, the
 * door through which every IRP of a framework device comes in.
 *
 * A framework request is created for an IRP when it arrives, as a child
 * of the device, with the device's request attributes (context and
 * callbacks); Tail.Overlay.DriverContext[0] of the IRP points back at it
 * (the framework is the IRP's current owner, so the slot is ours). It is
 * deleted when it is completed: its handle then dies, unless the driver
 * took a reference, in which case the object stays for reference and
 * context access only, and a second completion is the verifier bug check
 * 0x10D (WDF_REQUEST_FATAL_ERROR, NULL IRP).
 *
 * Cancellation while the driver owns a request follows the documented
 * contract: WdfRequestMarkCancelable(Ex) installs an IRP cancel routine
 * (holding a reference on the request while it is installed) that calls
 * the driver's EvtRequestCancel under the queue's synchronization lock;
 * WdfRequestUnmarkCancelable answers STATUS_CANCELLED when that routine
 * already owns the request (the driver must then not complete it).
 */
#include "wdf/fxio.h"
#include "io/iop.h"

#include <string.h>

static void fx_request_dispose(struct fx_object *o)
{
    struct fx_request *r = (struct fx_request *)o;
    if (r->own_mdl_in)
        IoFreeMdl(r->own_mdl_in);
    if (r->own_mdl_out)
        IoFreeMdl(r->own_mdl_out);
    r->own_mdl_in = r->own_mdl_out = NULL;
    if (r->file) {
        fx_object_put(&r->file->obj);
        r->file = NULL;
    }
}

/* Framework requests are deleted by completion, never by the driver. */
const struct fx_object_ops fx_request_ops = {
    .type = FX_TYPE_REQUEST,
    .dispose = fx_request_dispose,
    .no_driver_delete = true,
};

static struct fx_request *fx_req(struct fx_globals *g, WDFREQUEST h, const char *ddi)
{
    return (struct fx_request *)fx_handle(g, (WDFOBJECT)h, FX_TYPE_REQUEST, ddi);
}

NTSTATUS fx_request_from_irp(struct fx_device *dev, PIRP irp, struct fx_request **out)
{
    struct fx_globals *g = dev->obj.globals;
    WDF_OBJECT_ATTRIBUTES attr;
    if (dev->has_request_attributes) {
        attr = dev->request_attributes;
        attr.ParentObject = NULL;       /* requests belong to their device */
    } else {
        WDF_OBJECT_ATTRIBUTES_INIT(&attr);
    }
    struct fx_request *r;
    NTSTATUS st = fx_object_create(g, &fx_request_ops, sizeof(*r), &attr, &dev->obj, (void **)&r);
    if (!NT_SUCCESS(st))
        return st;
    r->device = dev;
    r->irp = irp;
    r->framework_owned = true;
    r->status = STATUS_PENDING;
    InitializeListHead(&r->link);
    irp->Tail.Overlay.DriverContext[0] = r;
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(irp);
    if (dev->io && s->FileObject) {
        r->file = fx_fileobject_find(dev->io, s->FileObject);   /* referenced */
    }
    *out = r;
    return STATUS_SUCCESS;
}

/* ---- completion ------------------------------------------------------- */

void fx_request_complete(struct fx_request *r, NTSTATUS status, ULONG_PTR info, CCHAR boost)
{
    PIRP irp = r->irp;
    struct fx_queue *q = r->queue;

    /* A request still marked cancelable: take the cancel routine back
     * (and the reference it held) if it has not started. */
    if (r->cancel) {
        if (IoSetCancelRoutine(irp, NULL)) {
            r->cancel = NULL;
            fx_object_put(&r->obj);
        }
    }
    if (q)
        fx_queue_detach(q, r);
    r->state = FX_REQ_COMPLETED;
    r->status = status;
    r->queue = NULL;
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = info;
    irp->Tail.Overlay.DriverContext[0] = NULL;
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(irp);
    if (s->MajorFunction == IRP_MJ_CREATE)
        fx_file_create_done(r, status);
    r->irp = NULL;
    IoCompleteRequest(irp, boost);
    if (r->framework_owned)
        fx_object_delete(&r->obj);
    if (q) {
        fx_queue_kick(q);
        fx_object_put(&q->obj);        /* the request's reference on its queue */
    }
}

static void fx_request_verify_complete(struct fx_globals *g, struct fx_request *r)
{
    /* WDF_QUEUE_FATAL_ERROR_DATA's layout (wdfbugcodes.h), parameter 2 of
     * sub-code 0xA; static because the report outlives this frame. */
    static struct {
        WDFQUEUE Queue;
        WDFREQUEST Request;
        NTSTATUS Status;
    } data;
    switch (r->state) {
    case FX_REQ_COMPLETED:
        fx_violation(g, WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR_NULL_IRP,
                     (ULONG_PTR)fx_to_handle(&r->obj),
                     "WdfRequestComplete: request %p was already completed", (void *)r);
    case FX_REQ_QUEUED:
        data.Queue = (WDFQUEUE)fx_to_handle(&r->queue->obj);
        data.Request = (WDFREQUEST)fx_to_handle(&r->obj);
        data.Status = STATUS_SUCCESS;
        fx_violation(g, WDF_QUEUE_FATAL_ERROR, (ULONG_PTR)&data, 0,
                     "WdfRequestComplete: request %p is in queue %p, the driver does not own it",
                     (void *)r, (void *)r->queue);
    case FX_REQ_SENT:
        fx_violation(g, WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR_REQUEST_ALREADY_SENT,
                     (ULONG_PTR)fx_to_handle(&r->obj),
                     "WdfRequestComplete: request %p was sent to an I/O target", (void *)r);
    default:
        break;
    }
    if (!r->irp)
        fx_violation(g, WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR_NULL_IRP,
                     (ULONG_PTR)fx_to_handle(&r->obj), "WdfRequestComplete: request %p has no IRP",
                     (void *)r);
}

VOID WDFAPI imp_WdfRequestCompleteWithPriorityBoost(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                    WDFREQUEST Request, NTSTATUS Status,
                                                    CCHAR PriorityBoost)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, "WdfRequestComplete");
    fx_request_verify_complete(g, r);
    fx_request_complete(r, Status, r->irp->IoStatus.Information, PriorityBoost);
}

VOID WDFAPI imp_WdfRequestComplete(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request,
                                   NTSTATUS Status)
{
    imp_WdfRequestCompleteWithPriorityBoost(DriverGlobals, Request, Status, IO_NO_INCREMENT);
}

VOID WDFAPI imp_WdfRequestCompleteWithInformation(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                  WDFREQUEST Request, NTSTATUS Status,
                                                  ULONG_PTR Information)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, "WdfRequestCompleteWithInformation");
    fx_request_verify_complete(g, r);
    fx_request_complete(r, Status, Information, IO_NO_INCREMENT);
}

VOID WDFAPI imp_WdfRequestSetInformation(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request,
                                         ULONG_PTR Information)
{
    struct fx_request *r = fx_req(fx_globals(DriverGlobals), Request, __func__);
    r->information = Information;
    if (r->irp)
        r->irp->IoStatus.Information = Information;
}

ULONG_PTR WDFAPI imp_WdfRequestGetInformation(PWDF_DRIVER_GLOBALS DriverGlobals,
                                              WDFREQUEST Request)
{
    struct fx_request *r = fx_req(fx_globals(DriverGlobals), Request, __func__);
    return r->irp ? r->irp->IoStatus.Information : r->information;
}

NTSTATUS WDFAPI imp_WdfRequestGetStatus(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request)
{
    struct fx_request *r = fx_req(fx_globals(DriverGlobals), Request, __func__);
    return r->status;
}

/* ---- parameters and identity ------------------------------------------ */

VOID WDFAPI imp_WdfRequestGetParameters(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request,
                                        PWDF_REQUEST_PARAMETERS Parameters)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, "WdfRequestGetParameters");
    FX_REQUIRE(g, Parameters);
    RtlZeroMemory(Parameters, sizeof(*Parameters));
    Parameters->Size = sizeof(*Parameters);
    if (!r->irp)
        return;
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(r->irp);
    Parameters->Type = (WDF_REQUEST_TYPE)s->MajorFunction;
    Parameters->MinorFunction = s->MinorFunction;
    switch (s->MajorFunction) {
    case IRP_MJ_CREATE:
        Parameters->Parameters.Create.SecurityContext = s->Parameters.Create.SecurityContext;
        Parameters->Parameters.Create.Options = s->Parameters.Create.Options;
        Parameters->Parameters.Create.FileAttributes = s->Parameters.Create.FileAttributes;
        Parameters->Parameters.Create.ShareAccess = s->Parameters.Create.ShareAccess;
        Parameters->Parameters.Create.EaLength = s->Parameters.Create.EaLength;
        break;
    case IRP_MJ_READ:
        Parameters->Parameters.Read.Length = s->Parameters.Read.Length;
        Parameters->Parameters.Read.Key = s->Parameters.Read.Key;
        Parameters->Parameters.Read.DeviceOffset = s->Parameters.Read.ByteOffset.QuadPart;
        break;
    case IRP_MJ_WRITE:
        Parameters->Parameters.Write.Length = s->Parameters.Write.Length;
        Parameters->Parameters.Write.Key = s->Parameters.Write.Key;
        Parameters->Parameters.Write.DeviceOffset = s->Parameters.Write.ByteOffset.QuadPart;
        break;
    case IRP_MJ_DEVICE_CONTROL:
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        Parameters->Parameters.DeviceIoControl.OutputBufferLength =
            s->Parameters.DeviceIoControl.OutputBufferLength;
        Parameters->Parameters.DeviceIoControl.InputBufferLength =
            s->Parameters.DeviceIoControl.InputBufferLength;
        Parameters->Parameters.DeviceIoControl.IoControlCode =
            s->Parameters.DeviceIoControl.IoControlCode;
        Parameters->Parameters.DeviceIoControl.Type3InputBuffer =
            s->Parameters.DeviceIoControl.Type3InputBuffer;
        break;
    default:
        Parameters->Parameters.Others.Arg1 = s->Parameters.Others.Argument1;
        Parameters->Parameters.Others.Arg2 = s->Parameters.Others.Argument2;
        Parameters->Parameters.Others.Arg4 = s->Parameters.Others.Argument4;
        break;
    }
}

WDFFILEOBJECT WDFAPI imp_WdfRequestGetFileObject(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                 WDFREQUEST Request)
{
    struct fx_request *r = fx_req(fx_globals(DriverGlobals), Request, __func__);
    return r->file ? (WDFFILEOBJECT)fx_to_handle(&r->file->obj) : NULL;
}

WDFQUEUE WDFAPI imp_WdfRequestGetIoQueue(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request)
{
    struct fx_request *r = fx_req(fx_globals(DriverGlobals), Request, __func__);
    return r->queue ? (WDFQUEUE)fx_to_handle(&r->queue->obj) : NULL;
}

KPROCESSOR_MODE WDFAPI imp_WdfRequestGetRequestorMode(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                      WDFREQUEST Request)
{
    struct fx_request *r = fx_req(fx_globals(DriverGlobals), Request, __func__);
    return r->irp ? r->irp->RequestorMode : KernelMode;
}

/* No user-mode driver host exists yet: no request comes from one. */
BOOLEAN WDFAPI imp_WdfRequestIsFromUserModeDriver(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                  WDFREQUEST Request)
{
    (void)fx_req(fx_globals(DriverGlobals), Request, __func__);
    return FALSE;
}

PIRP WDFAPI imp_WdfRequestWdmGetIrp(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, __func__);
    if (!r->irp)
        fx_violation(g, WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR_NULL_IRP,
                     (ULONG_PTR)Request, "WdfRequestWdmGetIrp: request %p has no IRP", (void *)r);
    return r->irp;
}

/* ---- buffers ---------------------------------------------------------- */

/* Where the request's input (or output) buffer is, for its transfer type.
 * neither: the address is the caller's, unprobed. STATUS_INVALID_DEVICE_REQUEST
 * when the request has no such buffer (a read's input, a write's output). */
static NTSTATUS fx_request_buffer(struct fx_request *r, bool input, PVOID *buf, size_t *len,
                                  PMDL *mdl, bool *neither)
{
    PIRP irp = r->irp;
    if (!irp)
        return STATUS_INVALID_DEVICE_REQUEST;
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(irp);
    ULONG flags = r->device->wdm ? r->device->wdm->Flags : DO_BUFFERED_IO;
    *buf = NULL;
    *len = 0;
    *mdl = NULL;
    *neither = false;
    switch (s->MajorFunction) {
    case IRP_MJ_READ:
    case IRP_MJ_WRITE:
        if (input != (s->MajorFunction == IRP_MJ_WRITE))
            return STATUS_INVALID_DEVICE_REQUEST;
        *len = s->MajorFunction == IRP_MJ_READ ? s->Parameters.Read.Length
                                               : s->Parameters.Write.Length;
        if (flags & DO_BUFFERED_IO) {
            *buf = irp->AssociatedIrp.SystemBuffer;
        } else if (flags & DO_DIRECT_IO) {
            *mdl = irp->MdlAddress;
            if (*mdl)
                *buf = MmGetSystemAddressForMdlSafe(*mdl, NormalPagePriority);
        } else {
            *buf = irp->UserBuffer;
            *neither = true;
        }
        return STATUS_SUCCESS;
    case IRP_MJ_DEVICE_CONTROL:
    case IRP_MJ_INTERNAL_DEVICE_CONTROL: {
        ULONG method = s->Parameters.DeviceIoControl.IoControlCode & 3;
        if (input) {
            *len = s->Parameters.DeviceIoControl.InputBufferLength;
            if (method == METHOD_NEITHER) {
                *buf = s->Parameters.DeviceIoControl.Type3InputBuffer;
                *neither = true;
            } else {
                *buf = irp->AssociatedIrp.SystemBuffer;
            }
        } else {
            *len = s->Parameters.DeviceIoControl.OutputBufferLength;
            if (method == METHOD_BUFFERED) {
                *buf = irp->AssociatedIrp.SystemBuffer;
            } else if (method == METHOD_NEITHER) {
                *buf = irp->UserBuffer;
                *neither = true;
            } else {
                *mdl = irp->MdlAddress;
                if (*mdl)
                    *buf = MmGetSystemAddressForMdlSafe(*mdl, NormalPagePriority);
            }
        }
        return STATUS_SUCCESS;
    }
    default:
        return STATUS_INVALID_DEVICE_REQUEST;
    }
}

/* The safe retrieval rules: a neither-I/O buffer of a user-mode caller
 * is only reachable through the unsafe DDIs in EvtIoInCallerContext. */
static NTSTATUS fx_request_safe_buffer(struct fx_request *r, bool input, size_t min, PVOID *buf,
                                       size_t *len, PMDL *mdl)
{
    bool neither;
    NTSTATUS st = fx_request_buffer(r, input, buf, len, mdl, &neither);
    if (!NT_SUCCESS(st))
        return st;
    if (neither && r->irp->RequestorMode != KernelMode)
        return STATUS_INVALID_DEVICE_REQUEST;
    if (*len == 0 || *len < min)
        return STATUS_BUFFER_TOO_SMALL;
    if (!*buf)
        return STATUS_INVALID_DEVICE_REQUEST;
    return STATUS_SUCCESS;
}

static NTSTATUS fx_retrieve_buffer(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request,
                                   bool input, size_t min, PVOID *Buffer, size_t *Length,
                                   const char *ddi)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, ddi);
    FX_REQUIRE(g, Buffer);
    *Buffer = NULL;
    if (Length)
        *Length = 0;
    PVOID buf;
    size_t len;
    PMDL mdl;
    NTSTATUS st = fx_request_safe_buffer(r, input, min, &buf, &len, &mdl);
    if (!NT_SUCCESS(st))
        return st;
    *Buffer = buf;
    if (Length)
        *Length = len;
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfRequestRetrieveInputBuffer(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                  WDFREQUEST Request, size_t MinimumRequiredLength,
                                                  PVOID *Buffer, size_t *Length)
{
    return fx_retrieve_buffer(DriverGlobals, Request, true, MinimumRequiredLength, Buffer, Length,
                              "WdfRequestRetrieveInputBuffer");
}

NTSTATUS WDFAPI imp_WdfRequestRetrieveOutputBuffer(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                   WDFREQUEST Request, size_t MinimumRequiredSize,
                                                   PVOID *Buffer, size_t *Length)
{
    return fx_retrieve_buffer(DriverGlobals, Request, false, MinimumRequiredSize, Buffer, Length,
                              "WdfRequestRetrieveOutputBuffer");
}

static NTSTATUS fx_retrieve_memory(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request,
                                   bool input, WDFMEMORY *Memory, const char *ddi)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, ddi);
    FX_REQUIRE(g, Memory);
    *Memory = NULL;
    PVOID buf;
    size_t len;
    PMDL mdl;
    NTSTATUS st = fx_request_safe_buffer(r, input, 0, &buf, &len, &mdl);
    if (!NT_SUCCESS(st))
        return st;
    struct fx_memory **slot = input ? &r->in_mem : &r->out_mem;
    if (!*slot) {
        bool read_only = input && IoGetCurrentIrpStackLocation(r->irp)->MajorFunction == IRP_MJ_WRITE;
        st = fx_memory_wrap(g, &r->obj, buf, len, read_only, slot);
        if (!NT_SUCCESS(st))
            return st;
    }
    *Memory = (WDFMEMORY)fx_to_handle(&(*slot)->obj);
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfRequestRetrieveInputMemory(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                  WDFREQUEST Request, WDFMEMORY *Memory)
{
    return fx_retrieve_memory(DriverGlobals, Request, true, Memory, "WdfRequestRetrieveInputMemory");
}

NTSTATUS WDFAPI imp_WdfRequestRetrieveOutputMemory(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                   WDFREQUEST Request, WDFMEMORY *Memory)
{
    return fx_retrieve_memory(DriverGlobals, Request, false, Memory,
                              "WdfRequestRetrieveOutputMemory");
}

static NTSTATUS fx_retrieve_mdl(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request, bool input,
                                PMDL *Mdl, const char *ddi)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, ddi);
    FX_REQUIRE(g, Mdl);
    *Mdl = NULL;
    PVOID buf;
    size_t len;
    PMDL mdl;
    NTSTATUS st = fx_request_safe_buffer(r, input, 0, &buf, &len, &mdl);
    if (!NT_SUCCESS(st))
        return st;
    if (!mdl) {
        /* A buffered request: describe its system buffer (kept until the
         * request goes). */
        PMDL *own = input ? &r->own_mdl_in : &r->own_mdl_out;
        if (!*own) {
            *own = IoAllocateMdl(buf, (ULONG)len, FALSE, FALSE, NULL);
            if (!*own)
                return STATUS_INSUFFICIENT_RESOURCES;
            MmBuildMdlForNonPagedPool(*own);
        }
        mdl = *own;
    }
    *Mdl = mdl;
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfRequestRetrieveInputWdmMdl(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                  WDFREQUEST Request, PMDL *Mdl)
{
    return fx_retrieve_mdl(DriverGlobals, Request, true, Mdl, "WdfRequestRetrieveInputWdmMdl");
}

NTSTATUS WDFAPI imp_WdfRequestRetrieveOutputWdmMdl(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                   WDFREQUEST Request, PMDL *Mdl)
{
    return fx_retrieve_mdl(DriverGlobals, Request, false, Mdl, "WdfRequestRetrieveOutputWdmMdl");
}

/* Unsafe (caller's) buffers: only in EvtIoInCallerContext, as documented. */
static NTSTATUS fx_retrieve_unsafe(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request,
                                   bool input, size_t min, PVOID *Buffer, size_t *Length,
                                   const char *ddi)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, ddi);
    FX_REQUIRE(g, Buffer);
    *Buffer = NULL;
    if (Length)
        *Length = 0;
    if (r->state != FX_REQ_CALLER)
        return STATUS_INVALID_DEVICE_REQUEST;
    PVOID buf;
    size_t len;
    PMDL mdl;
    bool neither;
    NTSTATUS st = fx_request_buffer(r, input, &buf, &len, &mdl, &neither);
    if (!NT_SUCCESS(st))
        return st;
    if (len == 0 || len < min)
        return STATUS_BUFFER_TOO_SMALL;
    *Buffer = buf;
    if (Length)
        *Length = len;
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfRequestRetrieveUnsafeUserInputBuffer(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                            WDFREQUEST Request,
                                                            size_t MinimumRequiredLength,
                                                            PVOID *InputBuffer, size_t *Length)
{
    return fx_retrieve_unsafe(DriverGlobals, Request, true, MinimumRequiredLength, InputBuffer,
                              Length, "WdfRequestRetrieveUnsafeUserInputBuffer");
}

NTSTATUS WDFAPI imp_WdfRequestRetrieveUnsafeUserOutputBuffer(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                             WDFREQUEST Request,
                                                             size_t MinimumRequiredLength,
                                                             PVOID *OutputBuffer, size_t *Length)
{
    return fx_retrieve_unsafe(DriverGlobals, Request, false, MinimumRequiredLength, OutputBuffer,
                              Length, "WdfRequestRetrieveUnsafeUserOutputBuffer");
}

static NTSTATUS fx_probe_and_lock(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request,
                                  PVOID Buffer, size_t Length, bool write, WDFMEMORY *MemoryObject,
                                  const char *ddi)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, ddi);
    FX_REQUIRE(g, MemoryObject);
    *MemoryObject = NULL;
    if (r->state != FX_REQ_CALLER)
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!Buffer || Length == 0)
        return STATUS_INVALID_PARAMETER;
    if (r->irp->RequestorMode != KernelMode) {
        NTSTATUS st = io_probe(Buffer, Length, 1, write);
        if (!NT_SUCCESS(st))
            return st;
    }
    struct fx_memory *m;
    NTSTATUS st = fx_memory_wrap(g, &r->obj, Buffer, Length, !write, &m);
    if (!NT_SUCCESS(st))
        return st;
    *MemoryObject = (WDFMEMORY)fx_to_handle(&m->obj);
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfRequestProbeAndLockUserBufferForRead(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                            WDFREQUEST Request, PVOID Buffer,
                                                            size_t Length,
                                                            WDFMEMORY *MemoryObject)
{
    return fx_probe_and_lock(DriverGlobals, Request, Buffer, Length, false, MemoryObject,
                             "WdfRequestProbeAndLockUserBufferForRead");
}

NTSTATUS WDFAPI imp_WdfRequestProbeAndLockUserBufferForWrite(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                             WDFREQUEST Request, PVOID Buffer,
                                                             size_t Length,
                                                             WDFMEMORY *MemoryObject)
{
    return fx_probe_and_lock(DriverGlobals, Request, Buffer, Length, true, MemoryObject,
                             "WdfRequestProbeAndLockUserBufferForWrite");
}

/* ---- cancellation ----------------------------------------------------- */

void fx_request_call_cancel(struct fx_request *r)
{
    PFN_WDF_REQUEST_CANCEL fn = r->cancel;
    r->cancel = NULL;
    if (!fn)
        return;
    struct fx_queue *q = r->queue;
    struct fx_sync_lock *lock = q ? q->sync_lock : NULL;
    if (lock)
        fx_sync_lock_acquire(lock);
    fn((WDFREQUEST)fx_to_handle(&r->obj));
    if (lock)
        fx_sync_lock_release(lock);
}

static VOID NTAPI fx_request_irp_cancel(PDEVICE_OBJECT dev, PIRP irp)
{
    (void)dev;
    struct fx_request *r = irp->Tail.Overlay.DriverContext[0];
    IoReleaseCancelSpinLock(irp->CancelIrql);
    fx_request_call_cancel(r);
    fx_object_put(&r->obj);         /* the reference the marking held */
}

static NTSTATUS fx_mark_cancelable(struct fx_globals *g, struct fx_request *r,
                                   PFN_WDF_REQUEST_CANCEL fn, const char *ddi)
{
    FX_REQUIRE(g, fn);
    if (!r->irp || r->state == FX_REQ_COMPLETED)
        fx_violation(g, WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR_NULL_IRP,
                     (ULONG_PTR)fx_to_handle(&r->obj), "%s: request %p was completed", ddi,
                     (void *)r);
    fx_object_get(&r->obj);
    r->cancel = fn;
    IoSetCancelRoutine(r->irp, fx_request_irp_cancel);
    if (r->irp->Cancel && IoSetCancelRoutine(r->irp, NULL)) {
        /* Cancelled before the routine was in place: it will not run. */
        r->cancel = NULL;
        fx_object_put(&r->obj);
        return STATUS_CANCELLED;
    }
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfRequestMarkCancelableEx(PWDF_DRIVER_GLOBALS DriverGlobals,
                                               WDFREQUEST Request,
                                               PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, "WdfRequestMarkCancelableEx");
    return fx_mark_cancelable(g, r, EvtRequestCancel, "WdfRequestMarkCancelableEx");
}

/* The older form: a request already cancelled gets its cancel routine
 * called at once (on this thread, which already runs in the driver). */
VOID WDFAPI imp_WdfRequestMarkCancelable(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request,
                                         PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, "WdfRequestMarkCancelable");
    if (fx_mark_cancelable(g, r, EvtRequestCancel, "WdfRequestMarkCancelable") == STATUS_CANCELLED)
        EvtRequestCancel(Request);
}

NTSTATUS WDFAPI imp_WdfRequestUnmarkCancelable(PWDF_DRIVER_GLOBALS DriverGlobals,
                                               WDFREQUEST Request)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, "WdfRequestUnmarkCancelable");
    if (!r->irp || !r->cancel)
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!IoSetCancelRoutine(r->irp, NULL))
        return STATUS_CANCELLED;      /* EvtRequestCancel runs or ran: it completes */
    r->cancel = NULL;
    fx_object_put(&r->obj);
    return STATUS_SUCCESS;
}

BOOLEAN WDFAPI imp_WdfRequestIsCanceled(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request)
{
    struct fx_request *r = fx_req(fx_globals(DriverGlobals), Request, __func__);
    return r->irp && r->irp->Cancel ? TRUE : FALSE;
}

/* ---- moving between queues -------------------------------------------- */

static void fx_request_verify_owned(struct fx_globals *g, struct fx_request *r, const char *ddi)
{
    if (r->state == FX_REQ_DRIVER)
        return;
    fx_request_verify_complete(g, r);   /* completed/queued/sent: named there */
    fx_violation(g, WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR_NULL_IRP,
                 (ULONG_PTR)fx_to_handle(&r->obj), "%s: the driver does not own request %p", ddi,
                 (void *)r);
}

NTSTATUS WDFAPI imp_WdfRequestForwardToIoQueue(PWDF_DRIVER_GLOBALS DriverGlobals,
                                               WDFREQUEST Request, WDFQUEUE DestinationQueue)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, "WdfRequestForwardToIoQueue");
    struct fx_queue *dst = FX_HANDLE(g, DestinationQueue, FX_TYPE_QUEUE, struct fx_queue);
    if (r->state != FX_REQ_DRIVER || !r->queue)
        return STATUS_INVALID_DEVICE_REQUEST;
    struct fx_queue *src = r->queue;
    if (dst == src || dst->device != r->device)
        return STATUS_INVALID_DEVICE_REQUEST;
    if (r->cancel)
        return STATUS_INVALID_DEVICE_REQUEST;   /* unmark it first */
    fx_object_get(&src->obj);
    fx_queue_request_done(src, r);
    NTSTATUS st = fx_queue_insert(dst, r, false);
    if (!NT_SUCCESS(st)) {
        /* Still the driver's: back on its old queue's owned list. */
        if (r->queue != src) {
            fx_object_get(&src->obj);
            fx_object_put(&r->queue->obj);
            r->queue = src;
        }
        KIRQL irql;
        KeAcquireSpinLock(&src->lock, &irql);
        r->state = FX_REQ_DRIVER;
        r->presented = false;
        InsertTailList(&src->owned, &r->link);
        src->owned_count++;
        KeReleaseSpinLock(&src->lock, irql);
    }
    fx_object_put(&src->obj);
    return st;
}

NTSTATUS WDFAPI imp_WdfRequestRequeue(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, "WdfRequestRequeue");
    fx_request_verify_owned(g, r, "WdfRequestRequeue");
    struct fx_queue *q = r->queue;
    if (!q || r->cancel)
        return STATUS_INVALID_DEVICE_REQUEST;
    fx_object_get(&q->obj);
    fx_queue_request_done(q, r);
    NTSTATUS st = fx_queue_insert(q, r, true);
    if (!NT_SUCCESS(st)) {
        KIRQL irql;
        KeAcquireSpinLock(&q->lock, &irql);
        r->state = FX_REQ_DRIVER;
        InsertTailList(&q->owned, &r->link);
        q->owned_count++;
        KeReleaseSpinLock(&q->lock, irql);
    }
    fx_object_put(&q->obj);
    return st;
}

VOID WDFAPI imp_WdfRequestStopAcknowledge(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request,
                                          BOOLEAN Requeue)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_req(g, Request, "WdfRequestStopAcknowledge");
    fx_request_verify_owned(g, r, "WdfRequestStopAcknowledge");
    if (Requeue)
        (void)imp_WdfRequestRequeue(DriverGlobals, Request);
}

/* ---- the door --------------------------------------------------------- */

NTSTATUS fx_io_dispatch(struct fx_device *dev, PIRP irp)
{
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(irp);
    UCHAR major = s->MajorFunction;
    if (major == IRP_MJ_CREATE || major == IRP_MJ_CLEANUP || major == IRP_MJ_CLOSE)
        return fx_file_dispatch(dev, irp);

    struct fx_request *r;
    NTSTATUS st = fx_request_from_irp(dev, irp, &r);
    if (!NT_SUCCESS(st)) {
        irp->IoStatus.Status = st;
        irp->IoStatus.Information = 0;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
        return st;
    }
    IoMarkIrpPending(irp);
    bool caller = dev->io_in_caller_context &&
                  (major == IRP_MJ_READ || major == IRP_MJ_WRITE ||
                   major == IRP_MJ_DEVICE_CONTROL || major == IRP_MJ_INTERNAL_DEVICE_CONTROL);
    if (caller) {
        /* On the caller's thread, unsynchronized, as documented; the
         * driver enqueues (WdfDeviceEnqueueRequest) or completes. */
        r->state = FX_REQ_CALLER;
        fx_object_get(&r->obj);
        dev->io_in_caller_context((WDFDEVICE)fx_to_handle(&dev->obj),
                                  (WDFREQUEST)fx_to_handle(&r->obj));
        if (r->state == FX_REQ_CALLER)
            r->state = FX_REQ_NEW;      /* kept by the driver: unsafe DDIs no longer apply */
        fx_object_put(&r->obj);
    } else {
        fx_queue_route(dev, r);
    }
    return STATUS_PENDING;
}
