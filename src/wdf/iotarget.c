/*
 * wdf/iotarget.c - WDFIOTARGET: remote I/O targets and synchronous sends.
 *
 * A remote target is a device opened by name (IoGetDeviceObjectPointer:
 * a referenced file object on the target, whose cleanup and close the
 * target's driver sees when the WDF target closes) or handed in as an
 * existing device object. Synchronous sends build an IRP the way the I/O
 * manager does for a kernel caller (IoBuildDeviceIoControlRequest /
 * IoBuildSynchronousFsdRequest: the buffer method of the code, or the
 * target device's DO_BUFFERED_IO / DO_DIRECT_IO), send it to the target
 * with its file object in the next stack location, and wait, cancelling
 * it when the send options' timeout expires.
 *
 * Not yet here: sending an existing WDFREQUEST (the Request argument of
 * the Send*Synchronously DDIs, WdfRequestSend and the Format* DDIs), the
 * default target of a device stack, query-remove notifications. Those
 * answer STATUS_NOT_IMPLEMENTED (logged once) rather than pretend.
 *
 * Locks: t->lock (spin lock) guards state and the sent-request count.
 */
#include "wdf/fxio.h"
#include "ke/ke.h"
#include "krnl/krnl.h"


static void fx_iotarget_close(struct fx_iotarget *t)
{
    KIRQL irql;
    KeAcquireSpinLock(&t->lock, &irql);
    PFILE_OBJECT file = t->file;
    PDEVICE_OBJECT dev = t->target;
    bool ours = t->file_is_ours;
    t->file = NULL;
    t->target = NULL;
    t->state = WdfIoTargetClosed;
    ULONG busy = t->sending;
    KeReleaseSpinLock(&t->lock, irql);
    if (busy)
        KeWaitForSingleObject(&t->idle, Executive, KernelMode, FALSE, NULL);
    if (file && ours)
        ObDereferenceObject(file);      /* cleanup + close reach the target */
    else if (dev)
        ObDereferenceObject(dev);
}

static void fx_iotarget_dispose(struct fx_object *o)
{
    fx_iotarget_close((struct fx_iotarget *)o);
}

static const struct fx_object_ops fx_iotarget_ops = {
    .type = FX_TYPE_IOTARGET,
    .dispose = fx_iotarget_dispose,
};

static struct fx_iotarget *fx_target(struct fx_globals *g, WDFIOTARGET h, const char *ddi)
{
    return (struct fx_iotarget *)fx_handle(g, (WDFOBJECT)h, FX_TYPE_IOTARGET, ddi);
}

NTSTATUS WDFAPI imp_WdfIoTargetCreate(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDEVICE Device,
                                      PWDF_OBJECT_ATTRIBUTES IoTargetAttributes,
                                      WDFIOTARGET *IoTarget)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_device *dev = FX_HANDLE(g, Device, FX_TYPE_DEVICE, struct fx_device);
    FX_REQUIRE(g, IoTarget);
    *IoTarget = NULL;
    ke_check_irql_max(PASSIVE_LEVEL, "WdfIoTargetCreate");
    struct fx_iotarget *t;
    NTSTATUS st = fx_object_create(g, &fx_iotarget_ops, sizeof(*t), IoTargetAttributes, &dev->obj,
                                   (void **)&t);
    if (!NT_SUCCESS(st))
        return st;
    t->device = dev;
    KeInitializeSpinLock(&t->lock);
    KeInitializeEvent(&t->idle, NotificationEvent, TRUE);
    t->state = WdfIoTargetClosed;
    *IoTarget = (WDFIOTARGET)fx_to_handle(&t->obj);
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfIoTargetOpen(PWDF_DRIVER_GLOBALS DriverGlobals, WDFIOTARGET IoTarget,
                                    PWDF_IO_TARGET_OPEN_PARAMS OpenParams)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_iotarget *t = fx_target(g, IoTarget, "WdfIoTargetOpen");
    FX_REQUIRE(g, OpenParams);
    ke_check_irql_max(PASSIVE_LEVEL, "WdfIoTargetOpen");
    if (OpenParams->Size != sizeof(WDF_IO_TARGET_OPEN_PARAMS))
        return STATUS_INFO_LENGTH_MISMATCH;
    if (t->target)
        return STATUS_INVALID_DEVICE_STATE;       /* close it first */
    PDEVICE_OBJECT dev = NULL;
    PFILE_OBJECT file = NULL;
    bool ours = false;
    switch (OpenParams->Type) {
    case WdfIoTargetOpenByName: {
        ACCESS_MASK access = OpenParams->DesiredAccess ? OpenParams->DesiredAccess : FILE_READ_DATA;
        NTSTATUS st = IoGetDeviceObjectPointer(&OpenParams->TargetDeviceName, access, &file, &dev);
        if (!NT_SUCCESS(st))
            return st;
        ours = true;                /* the file's reference keeps dev alive */
        OpenParams->FileInformation = FILE_OPENED;
        break;
    }
    case WdfIoTargetOpenUseExistingDevice:
        if (!OpenParams->TargetDeviceObject)
            return STATUS_INVALID_PARAMETER;
        dev = OpenParams->TargetDeviceObject;
        file = OpenParams->TargetFileObject;
        ObReferenceObject(dev);
        break;
    default:
        krnl_log_once(KRNL_LOG_WARN, "wdf: WdfIoTargetOpen type %d is not implemented", (int)OpenParams->Type);
        return STATUS_NOT_IMPLEMENTED;
    }
    KIRQL irql;
    KeAcquireSpinLock(&t->lock, &irql);
    t->target = dev;
    t->file = file;
    t->file_is_ours = ours;
    t->state = WdfIoTargetStarted;
    KeReleaseSpinLock(&t->lock, irql);
    return STATUS_SUCCESS;
}

VOID WDFAPI imp_WdfIoTargetClose(PWDF_DRIVER_GLOBALS DriverGlobals, WDFIOTARGET IoTarget)
{
    struct fx_iotarget *t = fx_target(fx_globals(DriverGlobals), IoTarget, "WdfIoTargetClose");
    ke_check_irql_max(PASSIVE_LEVEL, "WdfIoTargetClose");
    fx_iotarget_close(t);
}

VOID WDFAPI imp_WdfIoTargetCloseForQueryRemove(PWDF_DRIVER_GLOBALS DriverGlobals,
                                               WDFIOTARGET IoTarget)
{
    struct fx_iotarget *t = fx_target(fx_globals(DriverGlobals), IoTarget, __func__);
    fx_iotarget_close(t);
    t->state = WdfIoTargetClosedForQueryRemove;
}

NTSTATUS WDFAPI imp_WdfIoTargetStart(PWDF_DRIVER_GLOBALS DriverGlobals, WDFIOTARGET IoTarget)
{
    struct fx_iotarget *t = fx_target(fx_globals(DriverGlobals), IoTarget, "WdfIoTargetStart");
    KIRQL irql;
    NTSTATUS st = STATUS_SUCCESS;
    KeAcquireSpinLock(&t->lock, &irql);
    if (t->state == WdfIoTargetStopped || t->state == WdfIoTargetStarted)
        t->state = WdfIoTargetStarted;
    else
        st = STATUS_INVALID_DEVICE_STATE;
    KeReleaseSpinLock(&t->lock, irql);
    return st;
}

/* Stop: new sends fail (unless they ignore the target state); what was
 * sent is waited for, or left alone, as the action says. Cancelling sent
 * I/O waits for it too: synchronous sends own their IRPs. */
VOID WDFAPI imp_WdfIoTargetStop(PWDF_DRIVER_GLOBALS DriverGlobals, WDFIOTARGET IoTarget,
                                WDF_IO_TARGET_SENT_IO_ACTION Action)
{
    struct fx_iotarget *t = fx_target(fx_globals(DriverGlobals), IoTarget, "WdfIoTargetStop");
    KIRQL irql;
    KeAcquireSpinLock(&t->lock, &irql);
    if (t->state == WdfIoTargetStarted)
        t->state = WdfIoTargetStopped;
    KeReleaseSpinLock(&t->lock, irql);
    if (Action != WdfIoTargetLeaveSentIoPending) {
        ke_check_irql_max(PASSIVE_LEVEL, "WdfIoTargetStop");
        KeWaitForSingleObject(&t->idle, Executive, KernelMode, FALSE, NULL);
    }
}

VOID WDFAPI imp_WdfIoTargetPurge(PWDF_DRIVER_GLOBALS DriverGlobals, WDFIOTARGET IoTarget,
                                 WDF_IO_TARGET_PURGE_IO_ACTION Action)
{
    struct fx_iotarget *t = fx_target(fx_globals(DriverGlobals), IoTarget, "WdfIoTargetPurge");
    KIRQL irql;
    KeAcquireSpinLock(&t->lock, &irql);
    if (t->state == WdfIoTargetStarted || t->state == WdfIoTargetStopped)
        t->state = WdfIoTargetStopped;   /* purged targets refuse sends until started */
    KeReleaseSpinLock(&t->lock, irql);
    if (Action == WdfIoTargetPurgeIoAndWait) {
        ke_check_irql_max(PASSIVE_LEVEL, "WdfIoTargetPurge");
        KeWaitForSingleObject(&t->idle, Executive, KernelMode, FALSE, NULL);
    }
}

WDF_IO_TARGET_STATE WDFAPI imp_WdfIoTargetGetState(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                   WDFIOTARGET IoTarget)
{
    struct fx_iotarget *t = fx_target(fx_globals(DriverGlobals), IoTarget, __func__);
    return t->state;
}

WDFDEVICE WDFAPI imp_WdfIoTargetGetDevice(PWDF_DRIVER_GLOBALS DriverGlobals, WDFIOTARGET IoTarget)
{
    struct fx_iotarget *t = fx_target(fx_globals(DriverGlobals), IoTarget, __func__);
    return (WDFDEVICE)fx_to_handle(&t->device->obj);
}

PDEVICE_OBJECT WDFAPI imp_WdfIoTargetWdmGetTargetDeviceObject(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                              WDFIOTARGET IoTarget)
{
    return fx_target(fx_globals(DriverGlobals), IoTarget, __func__)->target;
}

PFILE_OBJECT WDFAPI imp_WdfIoTargetWdmGetTargetFileObject(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                          WDFIOTARGET IoTarget)
{
    return fx_target(fx_globals(DriverGlobals), IoTarget, __func__)->file;
}

/* ---- sends ------------------------------------------------------------ */

bool fx_iotarget_send_begin(struct fx_iotarget *t, ULONG flags)
{
    KIRQL irql;
    KeAcquireSpinLock(&t->lock, &irql);
    bool ok = t->target && (t->state == WdfIoTargetStarted ||
                            ((flags & WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE) &&
                             t->state == WdfIoTargetStopped));
    if (ok && t->sending++ == 0)
        KeClearEvent(&t->idle);
    KeReleaseSpinLock(&t->lock, irql);
    return ok;
}

void fx_iotarget_send_end(struct fx_iotarget *t)
{
    KIRQL irql;
    KeAcquireSpinLock(&t->lock, &irql);
    if (--t->sending == 0)
        KeSetEvent(&t->idle, IO_NO_INCREMENT, FALSE);
    KeReleaseSpinLock(&t->lock, irql);
}

/* (buffer, length) a memory descriptor names; NULL descriptor: none. */
static NTSTATUS fx_descriptor(struct fx_globals *g, PWDF_MEMORY_DESCRIPTOR d, PVOID *buf,
                              ULONG *len)
{
    *buf = NULL;
    *len = 0;
    if (!d)
        return STATUS_SUCCESS;
    switch (d->Type) {
    case WdfMemoryDescriptorTypeBuffer:
        *buf = d->u.BufferType.Buffer;
        *len = d->u.BufferType.Length;
        return STATUS_SUCCESS;
    case WdfMemoryDescriptorTypeMdl:
        *buf = d->u.MdlType.Mdl ? MmGetSystemAddressForMdlSafe(d->u.MdlType.Mdl, NormalPagePriority)
                                : NULL;
        *len = d->u.MdlType.BufferLength;
        return STATUS_SUCCESS;
    case WdfMemoryDescriptorTypeHandle: {
        struct fx_memory *m = FX_HANDLE(g, d->u.HandleType.Memory, FX_TYPE_MEMORY, struct fx_memory);
        size_t off = 0, n = m->size;
        if (d->u.HandleType.Offsets) {
            off = d->u.HandleType.Offsets->BufferOffset;
            n = d->u.HandleType.Offsets->BufferLength;
            if (off > m->size || n > m->size - off)
                return STATUS_INVALID_PARAMETER;
            if (n == 0)
                n = m->size - off;
        }
        if (n > MAXULONG)
            return STATUS_INVALID_PARAMETER;
        *buf = (PUCHAR)m->buffer + off;
        *len = (ULONG)n;
        return STATUS_SUCCESS;
    }
    default:
        return STATUS_INVALID_PARAMETER;
    }
}

struct fx_send {
    UCHAR major;
    ULONG code;
    PWDF_MEMORY_DESCRIPTOR in, out;
    PLONGLONG offset;
};

static NTSTATUS fx_send_sync(PWDF_DRIVER_GLOBALS DriverGlobals, WDFIOTARGET IoTarget,
                             WDFREQUEST Request, const struct fx_send *s,
                             PWDF_REQUEST_SEND_OPTIONS options, PULONG_PTR info, const char *ddi)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_iotarget *t = fx_target(g, IoTarget, ddi);
    if (info)
        *info = 0;
    ke_check_irql_max(PASSIVE_LEVEL, ddi);
    if (Request) {
        krnl_log_once(KRNL_LOG_WARN, "wdf: %s with a WDFREQUEST is not implemented", ddi);
        return STATUS_NOT_IMPLEMENTED;
    }
    if (options && options->Size != sizeof(WDF_REQUEST_SEND_OPTIONS))
        return STATUS_INFO_LENGTH_MISMATCH;
    ULONG flags = options ? options->Flags : 0;

    PVOID in, out;
    ULONG in_len, out_len;
    NTSTATUS st = fx_descriptor(g, s->in, &in, &in_len);
    if (NT_SUCCESS(st))
        st = fx_descriptor(g, s->out, &out, &out_len);
    if (!NT_SUCCESS(st))
        return st;

    if (!fx_iotarget_send_begin(t, flags))
        return STATUS_INVALID_DEVICE_STATE;
    PDEVICE_OBJECT dev = t->target;
    PFILE_OBJECT file = t->file;

    KEVENT done;
    IO_STATUS_BLOCK iosb = { 0 };
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    PIRP irp;
    if (s->major == IRP_MJ_DEVICE_CONTROL || s->major == IRP_MJ_INTERNAL_DEVICE_CONTROL) {
        irp = IoBuildDeviceIoControlRequest(s->code, dev, in, in_len, out, out_len,
                                            s->major == IRP_MJ_INTERNAL_DEVICE_CONTROL, &done, &iosb);
    } else {
        LARGE_INTEGER off = { .QuadPart = s->offset ? *s->offset : 0 };
        PVOID b = s->major == IRP_MJ_READ ? out : in;
        ULONG l = s->major == IRP_MJ_READ ? out_len : in_len;
        irp = IoBuildSynchronousFsdRequest(s->major, dev, b, l, &off, &done, &iosb);
    }
    if (!irp) {
        st = STATUS_INSUFFICIENT_RESOURCES;
        goto out;
    }
    IoGetNextIrpStackLocation(irp)->FileObject = file;
    st = IoCallDriver(dev, irp);
    if (st == STATUS_PENDING) {
        LARGE_INTEGER to;
        PLARGE_INTEGER pto = NULL;
        if ((flags & WDF_REQUEST_SEND_OPTION_TIMEOUT) && options->Timeout != 0) {
            to.QuadPart = options->Timeout;
            pto = &to;
        }
        /* The IRP is the I/O manager's (freed at completion): a completion
         * racing the timeout and the cancel below is the window Windows
         * closes with its own completion routine; not closed yet. */
        if (KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, pto) == STATUS_TIMEOUT) {
            IoCancelIrp(irp);
            KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
            if (iosb.Status == STATUS_CANCELLED)
                iosb.Status = STATUS_IO_TIMEOUT;
        }
        st = iosb.Status;
    } else {
        st = iosb.Status;
    }
    if (info)
        *info = iosb.Information;
out:
    fx_iotarget_send_end(t);
    return st;
}

NTSTATUS WDFAPI imp_WdfIoTargetSendIoctlSynchronously(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                      WDFIOTARGET IoTarget, WDFREQUEST Request,
                                                      ULONG IoctlCode,
                                                      PWDF_MEMORY_DESCRIPTOR InputBuffer,
                                                      PWDF_MEMORY_DESCRIPTOR OutputBuffer,
                                                      PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                                      PULONG_PTR BytesReturned)
{
    struct fx_send s = { IRP_MJ_DEVICE_CONTROL, IoctlCode, InputBuffer, OutputBuffer, NULL };
    return fx_send_sync(DriverGlobals, IoTarget, Request, &s, RequestOptions, BytesReturned,
                        "WdfIoTargetSendIoctlSynchronously");
}

NTSTATUS WDFAPI imp_WdfIoTargetSendInternalIoctlSynchronously(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode,
    PWDF_MEMORY_DESCRIPTOR InputBuffer, PWDF_MEMORY_DESCRIPTOR OutputBuffer,
    PWDF_REQUEST_SEND_OPTIONS RequestOptions, PULONG_PTR BytesReturned)
{
    struct fx_send s = { IRP_MJ_INTERNAL_DEVICE_CONTROL, IoctlCode, InputBuffer, OutputBuffer, NULL };
    return fx_send_sync(DriverGlobals, IoTarget, Request, &s, RequestOptions, BytesReturned,
                        "WdfIoTargetSendInternalIoctlSynchronously");
}

NTSTATUS WDFAPI imp_WdfIoTargetSendReadSynchronously(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                     WDFIOTARGET IoTarget, WDFREQUEST Request,
                                                     PWDF_MEMORY_DESCRIPTOR OutputBuffer,
                                                     PLONGLONG DeviceOffset,
                                                     PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                                     PULONG_PTR BytesRead)
{
    struct fx_send s = { IRP_MJ_READ, 0, NULL, OutputBuffer, DeviceOffset };
    return fx_send_sync(DriverGlobals, IoTarget, Request, &s, RequestOptions, BytesRead,
                        "WdfIoTargetSendReadSynchronously");
}

NTSTATUS WDFAPI imp_WdfIoTargetSendWriteSynchronously(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                      WDFIOTARGET IoTarget, WDFREQUEST Request,
                                                      PWDF_MEMORY_DESCRIPTOR InputBuffer,
                                                      PLONGLONG DeviceOffset,
                                                      PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                                      PULONG_PTR BytesWritten)
{
    struct fx_send s = { IRP_MJ_WRITE, 0, InputBuffer, NULL, DeviceOffset };
    return fx_send_sync(DriverGlobals, IoTarget, Request, &s, RequestOptions, BytesWritten,
                        "WdfIoTargetSendWriteSynchronously");
}
