/*
 * wdf/request_send.c - requests the driver creates and sends to remote
 * I/O targets: WdfRequestCreate, WdfIoTargetFormatRequestFor*,
 * WdfRequestSend (synchronous with a timeout, or asynchronous with the
 * driver's completion routine), WdfRequestGetCompletionParams,
 * WdfRequestReuse.
 *
 * The request owns its IRP (IoAllocateIrp with the target's stack size,
 * reallocated when a later target needs more); our completion routine
 * always answers STATUS_MORE_PROCESSING_REQUIRED so the IRP comes back to
 * the request, which reuses or frees it. Formatting builds the buffers
 * the target's transfer type wants: a METHOD_BUFFERED (or DO_BUFFERED_IO)
 * target gets a system buffer of our own, copied in before the send and
 * back out into the output memory at completion; direct I/O gets an MDL
 * over the memory object's buffer; neither I/O the buffers themselves.
 *
 * Not here yet: sending requests the framework created from incoming
 * IRPs (forwarding), WdfRequestFormatRequestUsingCurrentType, and
 * WDF_REQUEST_REUSE_SET_NEW_IRP: STATUS_NOT_IMPLEMENTED, logged once.
 */
#include "wdf/fxio.h"
#include "ke/ke.h"
#include "krnl/krnl.h"

#include <string.h>

static void fx_send_unformat(struct fx_send_state *s)
{
    if (s->sysbuf)
        ExFreePool(s->sysbuf);
    if (s->mdl)
        IoFreeMdl(s->mdl);
    if (s->in)
        fx_object_put(&s->in->obj);
    if (s->out)
        fx_object_put(&s->out->obj);
    if (s->target)
        fx_object_put(&s->target->obj);
    s->sysbuf = NULL;
    s->mdl = NULL;
    s->in = s->out = NULL;
    s->target = NULL;
}

/* At the last reference (a completion routine may delete the request:
 * its IRP must outlive the routine). */
static void fx_created_destroy(struct fx_object *o)
{
    struct fx_request *r = (struct fx_request *)o;
    if (r->send) {
        fx_send_unformat(r->send);
        fx_free(r->send);
        r->send = NULL;
    }
    if (r->irp) {
        IoFreeIrp(r->irp);
        r->irp = NULL;
    }
}

/* Driver-created requests: the driver deletes them. */
static const struct fx_object_ops fx_created_request_ops = {
    .type = FX_TYPE_REQUEST,
    .destroy = fx_created_destroy,
};

NTSTATUS WDFAPI imp_WdfRequestCreate(PWDF_DRIVER_GLOBALS DriverGlobals,
                                     PWDF_OBJECT_ATTRIBUTES RequestAttributes,
                                     WDFIOTARGET IoTarget, WDFREQUEST *Request)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_iotarget *t = IoTarget ?
        FX_HANDLE(g, IoTarget, FX_TYPE_IOTARGET, struct fx_iotarget) : NULL;
    FX_REQUIRE(g, Request);
    *Request = NULL;
    CCHAR stack = (CCHAR)(t && t->target ? t->target->StackSize + 1 : 2);
    struct fx_request *r;
    NTSTATUS st = fx_object_create(g, &fx_created_request_ops, sizeof(*r), RequestAttributes, NULL,
                                   (void **)&r);
    if (!NT_SUCCESS(st))
        return st;
    InitializeListHead(&r->link);
    r->send = fx_alloc(g, sizeof(*r->send));
    r->irp = IoAllocateIrp(stack, FALSE);
    if (!r->send || !r->irp) {
        fx_object_delete(&r->obj);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memset(r->send, 0, sizeof(*r->send));
    KeInitializeEvent(&r->send->done, NotificationEvent, FALSE);
    r->status = STATUS_SUCCESS;
    *Request = (WDFREQUEST)fx_to_handle(&r->obj);
    return STATUS_SUCCESS;
}

static struct fx_request *fx_created(struct fx_globals *g, WDFREQUEST h, const char *ddi)
{
    return (struct fx_request *)fx_handle(g, (WDFOBJECT)h, FX_TYPE_REQUEST, ddi);
}

/* Resolves (memory, offset) to a window; NULL memory: none. */
static NTSTATUS fx_window(struct fx_globals *g, WDFMEMORY h, PWDFMEMORY_OFFSET off,
                          struct fx_memory **m, size_t *o, size_t *len)
{
    *m = NULL;
    *o = *len = 0;
    if (!h)
        return STATUS_SUCCESS;
    *m = FX_HANDLE(g, h, FX_TYPE_MEMORY, struct fx_memory);
    *len = (*m)->size;
    if (off) {
        if (off->BufferOffset > (*m)->size || off->BufferLength > (*m)->size - off->BufferOffset)
            return STATUS_INVALID_PARAMETER;
        *o = off->BufferOffset;
        *len = off->BufferLength ? off->BufferLength : (*m)->size - off->BufferOffset;
    }
    if (*len > MAXULONG)
        return STATUS_INVALID_PARAMETER;
    fx_object_get(&(*m)->obj);
    return STATUS_SUCCESS;
}

static inline PVOID fx_win_ptr(struct fx_memory *m, size_t off)
{
    return m ? (PUCHAR)m->buffer + off : NULL;
}

static NTSTATUS fx_format(PWDF_DRIVER_GLOBALS DriverGlobals, WDFIOTARGET IoTarget,
                          WDFREQUEST Request, WDF_REQUEST_TYPE type, ULONG code,
                          WDFMEMORY in, PWDFMEMORY_OFFSET in_off, WDFMEMORY out,
                          PWDFMEMORY_OFFSET out_off, PLONGLONG offset, const char *ddi)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_iotarget *t = FX_HANDLE(g, IoTarget, FX_TYPE_IOTARGET, struct fx_iotarget);
    struct fx_request *r = fx_created(g, Request, ddi);
    if (!r->send) {
        krnl_log_once(KRNL_LOG_WARN, "wdf: %s of a framework request is not implemented", ddi);
        return STATUS_NOT_IMPLEMENTED;
    }
    if (r->state == FX_REQ_SENT)
        return STATUS_WDF_REQUEST_ALREADY_PENDING;
    if (!t->target)
        return STATUS_INVALID_DEVICE_STATE;
    struct fx_send_state *s = r->send;
    fx_send_unformat(s);

    /* A target deeper than the IRP: a bigger one (the request owns it). */
    if (r->irp->StackCount <= t->target->StackSize) {
        PIRP n = IoAllocateIrp((CCHAR)(t->target->StackSize + 1), FALSE);
        if (!n)
            return STATUS_INSUFFICIENT_RESOURCES;
        IoFreeIrp(r->irp);
        r->irp = n;
    } else {
        IoReuseIrp(r->irp, STATUS_SUCCESS);
    }
    NTSTATUS st = fx_window(g, in, in_off, &s->in, &s->in_off, &s->in_len);
    if (NT_SUCCESS(st))
        st = fx_window(g, out, out_off, &s->out, &s->out_off, &s->out_len);
    if (!NT_SUCCESS(st)) {
        fx_send_unformat(s);
        return st;
    }
    fx_object_get(&t->obj);
    s->target = t;
    s->type = type;
    s->code = code;

    PIRP irp = r->irp;
    PIO_STACK_LOCATION n = IoGetNextIrpStackLocation(irp);
    PVOID ib = fx_win_ptr(s->in, s->in_off), ob = fx_win_ptr(s->out, s->out_off);
    ULONG il = (ULONG)s->in_len, ol = (ULONG)s->out_len;
    n->MajorFunction = (UCHAR)type;
    n->FileObject = t->file;
    irp->RequestorMode = KernelMode;
    ULONG method;
    if (type == WdfRequestTypeRead || type == WdfRequestTypeWrite) {
        ULONG len = type == WdfRequestTypeRead ? ol : il;
        PVOID b = type == WdfRequestTypeRead ? ob : ib;
        n->Parameters.Read.Length = len;          /* same layout as Write */
        n->Parameters.Read.ByteOffset.QuadPart = offset ? *offset : 0;
        method = (t->target->Flags & DO_BUFFERED_IO) ? METHOD_BUFFERED :
                 (t->target->Flags & DO_DIRECT_IO) ? METHOD_OUT_DIRECT : METHOD_NEITHER;
        if (method == METHOD_BUFFERED) {
            irp->AssociatedIrp.SystemBuffer = b;  /* kernel memory: usable as is */
        } else if (method == METHOD_OUT_DIRECT) {
            if (len) {
                s->mdl = IoAllocateMdl(b, len, FALSE, FALSE, NULL);
                if (!s->mdl)
                    goto nomem;
                MmBuildMdlForNonPagedPool(s->mdl);
            }
            irp->MdlAddress = s->mdl;
        } else {
            irp->UserBuffer = b;
        }
    } else {
        n->Parameters.DeviceIoControl.IoControlCode = code;
        n->Parameters.DeviceIoControl.InputBufferLength = il;
        n->Parameters.DeviceIoControl.OutputBufferLength = ol;
        method = code & 3;
        if (method == METHOD_NEITHER) {
            n->Parameters.DeviceIoControl.Type3InputBuffer = ib;
            irp->UserBuffer = ob;
        } else {
            ULONG sl = method == METHOD_BUFFERED ? (il > ol ? il : ol) : il;
            if (sl) {
                s->sysbuf = ExAllocatePool2(POOL_FLAG_NON_PAGED, sl, 'sRxF');
                if (!s->sysbuf)
                    goto nomem;
                if (il)
                    memcpy(s->sysbuf, ib, il);
            }
            irp->AssociatedIrp.SystemBuffer = s->sysbuf;
            if (method != METHOD_BUFFERED && ol) {
                s->mdl = IoAllocateMdl(ob, ol, FALSE, FALSE, NULL);
                if (!s->mdl)
                    goto nomem;
                MmBuildMdlForNonPagedPool(s->mdl);
                irp->MdlAddress = s->mdl;
            }
        }
    }
    r->state = FX_REQ_NEW;
    return STATUS_SUCCESS;
nomem:
    fx_send_unformat(s);
    return STATUS_INSUFFICIENT_RESOURCES;
}

NTSTATUS WDFAPI imp_WdfIoTargetFormatRequestForIoctl(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                     WDFIOTARGET IoTarget, WDFREQUEST Request,
                                                     ULONG IoctlCode, WDFMEMORY InputBuffer,
                                                     PWDFMEMORY_OFFSET InputBufferOffset,
                                                     WDFMEMORY OutputBuffer,
                                                     PWDFMEMORY_OFFSET OutputBufferOffset)
{
    return fx_format(DriverGlobals, IoTarget, Request, WdfRequestTypeDeviceControl, IoctlCode,
                     InputBuffer, InputBufferOffset, OutputBuffer, OutputBufferOffset, NULL,
                     "WdfIoTargetFormatRequestForIoctl");
}

NTSTATUS WDFAPI imp_WdfIoTargetFormatRequestForInternalIoctl(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode,
    WDFMEMORY InputBuffer, PWDFMEMORY_OFFSET InputBufferOffset, WDFMEMORY OutputBuffer,
    PWDFMEMORY_OFFSET OutputBufferOffset)
{
    return fx_format(DriverGlobals, IoTarget, Request, WdfRequestTypeDeviceControlInternal,
                     IoctlCode, InputBuffer, InputBufferOffset, OutputBuffer, OutputBufferOffset,
                     NULL, "WdfIoTargetFormatRequestForInternalIoctl");
}

NTSTATUS WDFAPI imp_WdfIoTargetFormatRequestForRead(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                    WDFIOTARGET IoTarget, WDFREQUEST Request,
                                                    WDFMEMORY OutputBuffer,
                                                    PWDFMEMORY_OFFSET OutputBufferOffset,
                                                    PLONGLONG DeviceOffset)
{
    return fx_format(DriverGlobals, IoTarget, Request, WdfRequestTypeRead, 0, NULL, NULL,
                     OutputBuffer, OutputBufferOffset, DeviceOffset,
                     "WdfIoTargetFormatRequestForRead");
}

NTSTATUS WDFAPI imp_WdfIoTargetFormatRequestForWrite(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                     WDFIOTARGET IoTarget, WDFREQUEST Request,
                                                     WDFMEMORY InputBuffer,
                                                     PWDFMEMORY_OFFSET InputBufferOffset,
                                                     PLONGLONG DeviceOffset)
{
    return fx_format(DriverGlobals, IoTarget, Request, WdfRequestTypeWrite, 0, InputBuffer,
                     InputBufferOffset, NULL, NULL, DeviceOffset,
                     "WdfIoTargetFormatRequestForWrite");
}

VOID WDFAPI imp_WdfRequestSetCompletionRoutine(PWDF_DRIVER_GLOBALS DriverGlobals,
                                               WDFREQUEST Request,
                                               PFN_WDF_REQUEST_COMPLETION_ROUTINE CompletionRoutine,
                                               WDFCONTEXT CompletionContext)
{
    struct fx_request *r = fx_created(fx_globals(DriverGlobals), Request, __func__);
    if (!r->send) {
        krnl_log_once(KRNL_LOG_WARN,
                      "wdf: WdfRequestSetCompletionRoutine on a framework request is not implemented");
        return;
    }
    r->send->routine = CompletionRoutine;
    r->send->context = CompletionContext;
}

VOID WDFAPI imp_WdfRequestGetCompletionParams(PWDF_DRIVER_GLOBALS DriverGlobals,
                                              WDFREQUEST Request,
                                              PWDF_REQUEST_COMPLETION_PARAMS Params)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_created(g, Request, __func__);
    FX_REQUIRE(g, Params);
    if (r->send)
        *Params = r->send->params;
    else
        WDF_REQUEST_COMPLETION_PARAMS_INIT(Params);
}

/* The target is done with the IRP: copy out, record the parameters. */
static void fx_send_finish(struct fx_request *r)
{
    struct fx_send_state *s = r->send;
    PIRP irp = r->irp;
    WDF_REQUEST_COMPLETION_PARAMS *p = &s->params;
    WDF_REQUEST_COMPLETION_PARAMS_INIT(p);
    p->Type = s->type;
    p->IoStatus = irp->IoStatus;
    r->status = irp->IoStatus.Status;
    if (s->sysbuf && s->out && (s->code & 3) == METHOD_BUFFERED &&
        (s->type == WdfRequestTypeDeviceControl || s->type == WdfRequestTypeDeviceControlInternal)) {
        size_t n = irp->IoStatus.Information;
        if (n > s->out_len)
            n = s->out_len;
        if (NT_SUCCESS(r->status) || NT_WARNING(r->status))
            memcpy(fx_win_ptr(s->out, s->out_off), s->sysbuf, n);
    }
    switch (s->type) {
    case WdfRequestTypeRead:
        p->Parameters.Read.Buffer = s->out ? (WDFMEMORY)fx_to_handle(&s->out->obj) : NULL;
        p->Parameters.Read.Length = irp->IoStatus.Information;
        p->Parameters.Read.Offset = s->out_off;
        break;
    case WdfRequestTypeWrite:
        p->Parameters.Write.Buffer = s->in ? (WDFMEMORY)fx_to_handle(&s->in->obj) : NULL;
        p->Parameters.Write.Length = irp->IoStatus.Information;
        p->Parameters.Write.Offset = s->in_off;
        break;
    default:
        p->Parameters.Ioctl.IoControlCode = s->code;
        p->Parameters.Ioctl.Input.Buffer = s->in ? (WDFMEMORY)fx_to_handle(&s->in->obj) : NULL;
        p->Parameters.Ioctl.Input.Offset = s->in_off;
        p->Parameters.Ioctl.Output.Buffer = s->out ? (WDFMEMORY)fx_to_handle(&s->out->obj) : NULL;
        p->Parameters.Ioctl.Output.Offset = s->out_off;
        p->Parameters.Ioctl.Output.Length = irp->IoStatus.Information;
        break;
    }
    r->state = FX_REQ_NEW;
}

static NTSTATUS NTAPI fx_send_completion(PDEVICE_OBJECT dev, PIRP irp, PVOID ctx)
{
    struct fx_request *r = ctx;
    struct fx_send_state *s = r->send;
    struct fx_iotarget *t = s->target;
    (void)dev;
    (void)irp;
    fx_send_finish(r);
    if (s->sync) {
        KeSetEvent(&s->done, IO_NO_INCREMENT, FALSE);
    } else {
        fx_object_get(&t->obj);
        if (s->routine)
            s->routine((WDFREQUEST)fx_to_handle(&r->obj), (WDFIOTARGET)fx_to_handle(&t->obj),
                       &s->params, s->context);
        fx_iotarget_send_end(t);
        fx_object_put(&t->obj);
        fx_object_put(&r->obj);         /* the send's reference */
    }
    return STATUS_MORE_PROCESSING_REQUIRED;
}

BOOLEAN WDFAPI imp_WdfRequestSend(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request,
                                  WDFIOTARGET Target, PWDF_REQUEST_SEND_OPTIONS Options)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_created(g, Request, "WdfRequestSend");
    struct fx_iotarget *t = FX_HANDLE(g, Target, FX_TYPE_IOTARGET, struct fx_iotarget);
    if (!r->send) {
        krnl_log_once(KRNL_LOG_WARN, "wdf: WdfRequestSend of a framework request is not implemented");
        r->status = STATUS_NOT_IMPLEMENTED;
        return FALSE;
    }
    if (r->state == FX_REQ_SENT)
        fx_violation(g, WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR_REQUEST_ALREADY_SENT,
                     (ULONG_PTR)Request, "WdfRequestSend: request %p was already sent", (void *)r);
    struct fx_send_state *s = r->send;
    if (Options && Options->Size != sizeof(WDF_REQUEST_SEND_OPTIONS)) {
        r->status = STATUS_INFO_LENGTH_MISMATCH;
        return FALSE;
    }
    ULONG flags = Options ? Options->Flags : 0;
    if (!s->target || s->target != t) {
        r->status = STATUS_INVALID_DEVICE_REQUEST;   /* format it for this target first */
        return FALSE;
    }
    if (flags & WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET) {
        r->status = STATUS_INVALID_PARAMETER;        /* only for requests from a queue */
        return FALSE;
    }
    if (!fx_iotarget_send_begin(t, flags)) {
        r->status = STATUS_INVALID_DEVICE_STATE;
        return FALSE;
    }
    s->sync = (flags & WDF_REQUEST_SEND_OPTION_SYNCHRONOUS) != 0;
    if (s->sync)
        ke_check_irql_max(PASSIVE_LEVEL, "WdfRequestSend (synchronous)");
    KeClearEvent(&s->done);
    r->state = FX_REQ_SENT;
    r->status = STATUS_PENDING;
    fx_object_get(&r->obj);
    IoSetCompletionRoutine(r->irp, fx_send_completion, r, TRUE, TRUE, TRUE);
    PIRP irp = r->irp;
    IoCallDriver(t->target, irp);
    if (!s->sync)
        return TRUE;
    LARGE_INTEGER to;
    PLARGE_INTEGER pto = NULL;
    if ((flags & WDF_REQUEST_SEND_OPTION_TIMEOUT) && Options->Timeout != 0) {
        to.QuadPart = Options->Timeout;
        pto = &to;
    }
    if (KeWaitForSingleObject(&s->done, Executive, KernelMode, FALSE, pto) == STATUS_TIMEOUT) {
        /* The IRP stays ours (completion answers MORE_PROCESSING), so the
         * cancel cannot race a free. */
        IoCancelIrp(irp);
        KeWaitForSingleObject(&s->done, Executive, KernelMode, FALSE, NULL);
        if (r->status == STATUS_CANCELLED)
            r->status = STATUS_IO_TIMEOUT;
    }
    fx_iotarget_send_end(t);
    fx_object_put(&r->obj);
    return TRUE;
}

NTSTATUS WDFAPI imp_WdfRequestReuse(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request,
                                    PWDF_REQUEST_REUSE_PARAMS ReuseParams)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_request *r = fx_created(g, Request, "WdfRequestReuse");
    FX_REQUIRE(g, ReuseParams);
    if (ReuseParams->Size != sizeof(WDF_REQUEST_REUSE_PARAMS))
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!r->send || (ReuseParams->Flags & WDF_REQUEST_REUSE_SET_NEW_IRP)) {
        krnl_log_once(KRNL_LOG_WARN, "wdf: WdfRequestReuse of this kind is not implemented");
        return STATUS_NOT_IMPLEMENTED;
    }
    if (r->state == FX_REQ_SENT)
        return STATUS_WDF_REQUEST_ALREADY_PENDING;
    fx_send_unformat(r->send);
    IoReuseIrp(r->irp, ReuseParams->Status);
    r->status = ReuseParams->Status;
    WDF_REQUEST_COMPLETION_PARAMS_INIT(&r->send->params);
    return STATUS_SUCCESS;
}
