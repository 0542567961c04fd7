/*
 * io/irp_user.c - the I/O manager's user-request path (io_user_request):
 * what NtReadFile / NtWriteFile / NtDeviceIoControlFile do on Windows.
 *
 * Design. The IRP is built for the top of the file's device stack the way
 * Windows builds it for the transfer type:
 *   METHOD_BUFFERED   SystemBuffer = max(in, out); input copied in; the
 *                     first Information bytes copied out on success.
 *   METHOD_IN_DIRECT  input in SystemBuffer; output described by an MDL
 *   METHOD_OUT_DIRECT (probed for read resp. write access).
 *   METHOD_NEITHER    Parameters.DeviceIoControl.Type3InputBuffer = input,
 *                     Irp->UserBuffer = output, both registered for
 *                     ProbeForRead/ProbeForWrite while dispatch runs.
 *   read/write        by the device's DO_BUFFERED_IO / DO_DIRECT_IO, else
 *                     neither (UserBuffer).
 * The request state (struct io_user_req) lives on the caller's stack for
 * a synchronous request and in pool for an asynchronous one; the IRP
 * header points at it. Completion (io_user_finish) clamps Information to
 * the caller's buffer (a larger value is a driver bug, logged), copies
 * out, frees the IRP and then either calls the caller back or hands the
 * result to the waiting caller. The hand-over is one atomic state word:
 * RUNNING -> DONE by completion, RUNNING -> WAITING by a caller about to
 * sleep; completion signals the event only when it finds WAITING, so a
 * request completed inline costs no event at all.
 */
#include "io/iop.h"

#include <sched.h>
#include <string.h>

enum { IO_REQ_RUNNING = 0, IO_REQ_WAITING = 1, IO_REQ_DONE = 2 };

struct io_user_req {
    PVOID out;               /* where buffered output goes */
    ULONG limit;             /* Information may not exceed this */
    BOOLEAN async;           /* pool-allocated; freed after done() */
    io_user_done_fn done;
    void *ctx;
    NTSTATUS status;         /* written by completion before DONE */
    ULONG_PTR information;
    volatile LONG state;     /* IO_REQ_*, atomic */
    KEVENT event;            /* initialized by the caller before WAITING */
};

/* ---- outstanding requests of a file object (file->IrpListLock) ----
 *
 * IrpListLock is used as a plain test-and-set lock, not through
 * KeAcquireSpinLock: it is private to the I/O manager, held for a few
 * list operations only, never across a call out, and taken twice per
 * request on the hot path, where the IRQL bookkeeping of a KSPIN_LOCK
 * would double the cost of a null request. */

static void io_list_lock(PKSPIN_LOCK lock)
{
    unsigned spins = 0;
    while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(lock, __ATOMIC_RELAXED)) {
            if (++spins % 128 == 0)
                sched_yield();      /* the holder may be preempted */
            else
                __builtin_ia32_pause();
        }
    }
}

static void io_list_unlock(PKSPIN_LOCK lock)
{
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

static void io_file_list_insert(PFILE_OBJECT file, PIRP irp)
{
    io_list_lock(&file->IrpListLock);
    if (!file->IrpList.Flink)
        InitializeListHead(&file->IrpList);
    InsertTailList(&file->IrpList, &irp->ThreadListEntry);
    io_list_unlock(&file->IrpListLock);
}

static void io_file_list_remove(PFILE_OBJECT file, PIRP irp)
{
    io_list_lock(&file->IrpListLock);
    RemoveEntryList(&irp->ThreadListEntry);
    InitializeListHead(&irp->ThreadListEntry);
    io_list_unlock(&file->IrpListLock);
}

/* Drops one reference on a user IRP; the last one frees it (and with it
 * the IRP's reference on the file object). */
static void io_user_irp_put(PIRP irp)
{
    if (__atomic_sub_fetch(&io_irp_hdr(irp)->refs, 1, __ATOMIC_ACQ_REL) == 0)
        IoFreeIrp(irp);
}

ULONG io_user_cancel(PFILE_OBJECT file, void *ctx)
{
    enum { BATCH = 32 };
    PIRP batch[BATCH];
    ULONG total = 0;
    int n;

    ke_check_irql_max(DISPATCH_LEVEL, "io_user_cancel");
    do {
        n = 0;
        io_list_lock(&file->IrpListLock);
        if (file->IrpList.Flink) {
            for (PLIST_ENTRY e = file->IrpList.Flink; e != &file->IrpList && n < BATCH;
                 e = e->Flink) {
                PIRP irp = CONTAINING_RECORD(e, IRP, ThreadListEntry);
                struct io_irp_hdr *hdr = io_irp_hdr(irp);
                if (hdr->cancel_requested || (ctx && hdr->req->ctx != ctx))
                    continue;
                hdr->cancel_requested = 1;
                __atomic_add_fetch(&hdr->refs, 1, __ATOMIC_ACQ_REL);
                batch[n++] = irp;
            }
        }
        io_list_unlock(&file->IrpListLock);
        /* outside the list lock: cancel routines complete inline */
        for (int i = 0; i < n; i++) {
            IoCancelIrp(batch[i]);
            io_user_irp_put(batch[i]);
        }
        total += (ULONG)n;
    } while (n == BATCH);
    return total;
}

static NTSTATUS io_user_mdl(PIRP irp, PVOID buf, ULONG len, LOCK_OPERATION op)
{
    if (!buf || !len)
        return STATUS_SUCCESS;
    PMDL mdl = IoAllocateMdl(buf, len, FALSE, FALSE, irp);
    if (!mdl)
        return STATUS_INSUFFICIENT_RESOURCES;
    /* The caller's buffers were handed to us by the client path, which
     * owns their validity: lock without the user-range probe. */
    MmProbeAndLockPages(mdl, KernelMode, op);
    return STATUS_SUCCESS;
}

static NTSTATUS io_user_sysbuf(PIRP irp, ULONG len, const void *in, ULONG in_len, BOOLEAN out)
{
    if (!len)
        return STATUS_SUCCESS;
    PUCHAR sb = io_pool_alloc(len, IO_TAG_BUFFER);
    if (!sb)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (in_len)
        memcpy(sb, in, in_len);
    if (len > in_len)
        memset(sb + in_len, 0, len - in_len);   /* never show stale pool to a driver */
    irp->AssociatedIrp.SystemBuffer = sb;
    irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
    if (out)
        irp->Flags |= IRP_INPUT_OPERATION;
    return STATUS_SUCCESS;
}

/* Fills the first stack location and the buffers; on failure the caller
 * releases what was attached. */
static NTSTATUS io_user_build(PIRP irp, PDEVICE_OBJECT dev, const struct io_user_params *p,
                              struct io_user_req *req)
{
    PIO_STACK_LOCATION sp = IoGetNextIrpStackLocation(irp);
    sp->MajorFunction = p->major;
    sp->MinorFunction = p->minor;

    switch (p->major) {
    case IRP_MJ_DEVICE_CONTROL:
    case IRP_MJ_INTERNAL_DEVICE_CONTROL: {
        ULONG method = METHOD_FROM_CTL_CODE(p->ioctl);
        sp->Parameters.DeviceIoControl.IoControlCode = p->ioctl;
        sp->Parameters.DeviceIoControl.InputBufferLength = p->in_len;
        sp->Parameters.DeviceIoControl.OutputBufferLength = p->out_len;
        req->limit = p->out_len;
        irp->UserBuffer = p->out;
        if (method == METHOD_BUFFERED) {
            req->out = p->out;
            return io_user_sysbuf(irp, p->in_len > p->out_len ? p->in_len : p->out_len,
                                  p->in, p->in_len, p->out_len != 0);
        }
        if (method == METHOD_NEITHER) {
            sp->Parameters.DeviceIoControl.Type3InputBuffer = p->in;
            return STATUS_SUCCESS;
        }
        NTSTATUS st = io_user_sysbuf(irp, p->in_len, p->in, p->in_len, FALSE);
        if (!NT_SUCCESS(st))
            return st;
        return io_user_mdl(irp, p->out, p->out_len,
                           method == METHOD_IN_DIRECT ? IoReadAccess : IoWriteAccess);
    }

    case IRP_MJ_READ:
    case IRP_MJ_WRITE: {
        BOOLEAN read = p->major == IRP_MJ_READ;
        PVOID buf = read ? p->out : p->in;
        ULONG len = read ? p->out_len : p->in_len;
        sp->Parameters.Read.Length = len;
        sp->Parameters.Read.ByteOffset = p->offset;
        sp->Parameters.Read.Key = p->key;
        irp->Flags |= read ? IRP_READ_OPERATION : IRP_WRITE_OPERATION;
        req->limit = len;
        if (dev->Flags & DO_BUFFERED_IO) {
            irp->UserBuffer = buf;
            if (read)
                req->out = buf;
            return io_user_sysbuf(irp, len, read ? NULL : buf, read ? 0 : len, read);
        }
        if (dev->Flags & DO_DIRECT_IO)
            return io_user_mdl(irp, buf, len, read ? IoWriteAccess : IoReadAccess);
        irp->UserBuffer = buf;
        return STATUS_SUCCESS;
    }

    default:
        return STATUS_INVALID_PARAMETER;
    }
}

NTSTATUS io_user_request(PFILE_OBJECT file, const struct io_user_params *params,
                         io_user_done_fn done, void *ctx, PIO_STATUS_BLOCK iosb)
{
    struct io_user_req local, *req = &local;
    struct io_probe_frame frame;
    volatile NTSTATUS st;

    if (!file || !params || !file->DeviceObject)
        return STATUS_INVALID_PARAMETER;
    if ((params->in_len && !params->in) || (params->out_len && !params->out))
        return STATUS_INVALID_USER_BUFFER;

    PDEVICE_OBJECT dev = io_stack_top(file->DeviceObject);
    PIRP irp = io_irp_alloc(dev->StackSize);
    if (!irp)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (done) {
        req = io_pool_alloc(sizeof(*req), IO_TAG_REQ);
        if (!req) {
            IoFreeIrp(irp);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    req->out = NULL;
    req->limit = 0;
    req->async = done != NULL;
    req->done = done;
    req->ctx = ctx;
    req->status = STATUS_PENDING;
    req->information = 0;
    req->state = IO_REQ_RUNNING;

    struct io_irp_hdr *hdr = io_irp_hdr(irp);
    hdr->kind = IO_IRP_USER;
    hdr->req = req;
    hdr->refs = 1;
    irp->RequestorMode = params->mode;
    irp->Tail.Overlay.Thread = PsGetCurrentThread();
    irp->Tail.Overlay.OriginalFileObject = file;
    ObfReferenceObject(file);
    hdr->file_referenced = 1;
    if (!done)
        irp->Flags |= IRP_SYNCHRONOUS_API;

    st = io_user_build(irp, dev, params, req);
    if (!NT_SUCCESS(st)) {
        io_irp_release_buffers(irp);
        IoFreeIrp(irp);
        if (done)
            io_pool_free(req, IO_TAG_REQ);
        return st;
    }
    IoGetNextIrpStackLocation(irp)->FileObject = file;
    io_file_list_insert(file, irp);

    frame.base[0] = params->in;
    frame.len[0] = params->in_len;
    frame.base[1] = params->out;
    frame.len[1] = params->out_len;
    frame.writable[0] = frame.writable[1] = TRUE;   /* as user memory on Windows */
    io_probe_push(&frame);
    /* An exception a dispatch routine leaves unhandled may be caught
     * further out: the frame must not stay registered past this call. */
    __try {
        st = IofCallDriver(dev, irp);
    } __finally {
        io_probe_pop(&frame);
    }

    if (done)
        return st;      /* req now belongs to completion */

    if (__atomic_load_n(&req->state, __ATOMIC_ACQUIRE) != IO_REQ_DONE) {
        LONG expected = IO_REQ_RUNNING;
        KeInitializeEvent(&req->event, NotificationEvent, FALSE);
        if (__atomic_compare_exchange_n(&req->state, &expected, IO_REQ_WAITING, FALSE,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            KeWaitForSingleObject(&req->event, Executive, KernelMode, FALSE, NULL);
    }
    if (iosb) {
        iosb->Status = req->status;
        iosb->Information = req->information;
    }
    return req->status;
}

void io_user_finish(PIRP irp, CCHAR boost)
{
    struct io_irp_hdr *hdr = io_irp_hdr(irp);
    struct io_user_req *req = hdr->req;
    NTSTATUS status = irp->IoStatus.Status;
    ULONG_PTR info = irp->IoStatus.Information;

    if (info > req->limit && !NT_ERROR(status)) {
        char name[64];
        PFILE_OBJECT fo = irp->Tail.Overlay.OriginalFileObject;
        krnl_log(KRNL_LOG_ERROR,
                 "driver %s completed a request with Information %lu beyond the caller's "
                 "%lu-byte buffer; clamped",
                 io_driver_name(fo ? io_stack_top(fo->DeviceObject) : NULL, name, sizeof(name))
                     ?: "?",
                 (unsigned long)info, (unsigned long)req->limit);
        info = req->limit;
    }
    if (NT_ERROR(status))
        info = 0;
    if (req->out && info && irp->AssociatedIrp.SystemBuffer &&
        (irp->Flags & IRP_INPUT_OPERATION))
        memcpy(req->out, irp->AssociatedIrp.SystemBuffer, info);

    io_irp_release_buffers(irp);
    io_file_list_remove(irp->Tail.Overlay.OriginalFileObject, irp);
    io_user_irp_put(irp);

    req->status = status;
    req->information = info;
    if (req->async) {
        req->done(req->ctx, status, info);
        io_pool_free(req, IO_TAG_REQ);
        return;
    }
    if (__atomic_exchange_n(&req->state, IO_REQ_DONE, __ATOMIC_SEQ_CST) == IO_REQ_WAITING)
        KeSetEvent(&req->event, boost, FALSE);
}
