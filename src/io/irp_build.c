/*
 * io/irp_build.c - IRPs the I/O manager builds for drivers:
 * IoBuildDeviceIoControlRequest, IoBuildSynchronousFsdRequest,
 * IoBuildAsynchronousFsdRequest.
 *
 * The buffers are set up as Windows does for the target device: for
 * IOCTLs by the transfer method in the control code, for reads and writes
 * by the device's DO_BUFFERED_IO / DO_DIRECT_IO flags. The first two
 * builders return "threaded" IRPs: when completion reaches the top, the
 * I/O manager copies buffered output back, stores the IOSB, sets the
 * event and frees the IRP (io_irp_finish). The asynchronous one is the
 * caller's: its completion routine normally frees it and returns
 * STATUS_MORE_PROCESSING_REQUIRED; if it lets completion run to the top
 * anyway, the I/O manager releases it the same way, minus the event.
 */
#include "io/iop.h"

#include <string.h>

/* Buffered: one system buffer big enough for both directions. */
static NTSTATUS io_build_buffered(PIRP irp, PVOID in, ULONG in_len, PVOID out, ULONG out_len)
{
    ULONG len = in_len > out_len ? in_len : out_len;
    struct io_irp_hdr *hdr = io_irp_hdr(irp);
    if (!len)
        return STATUS_SUCCESS;
    PVOID sb = io_pool_alloc(len, IO_TAG_BUFFER);
    if (!sb)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (in && in_len)
        memcpy(sb, in, in_len);
    irp->AssociatedIrp.SystemBuffer = sb;
    irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
    if (out && out_len) {
        irp->Flags |= IRP_INPUT_OPERATION;
        irp->UserBuffer = out;
        hdr->user_out = out;
        hdr->user_out_len = out_len;
    }
    return STATUS_SUCCESS;
}

/* Direct: an MDL for the buffer, its pages "locked". */
static NTSTATUS io_build_mdl(PIRP irp, PVOID buf, ULONG len, LOCK_OPERATION op)
{
    if (!buf || !len)
        return STATUS_SUCCESS;
    PMDL mdl = IoAllocateMdl(buf, len, FALSE, FALSE, irp);
    if (!mdl)
        return STATUS_INSUFFICIENT_RESOURCES;
    MmProbeAndLockPages(mdl, KernelMode, op);
    return STATUS_SUCCESS;
}

static PIRP io_build_fail(PIRP irp)
{
    io_irp_release_buffers(irp);
    IoFreeIrp(irp);
    return NULL;
}

NTKERNELAPI PIRP NTAPI IoBuildDeviceIoControlRequest(
    ULONG IoControlCode, PDEVICE_OBJECT DeviceObject,
    PVOID InputBuffer, ULONG InputBufferLength,
    PVOID OutputBuffer, ULONG OutputBufferLength,
    BOOLEAN InternalDeviceIoControl, PKEVENT Event, PIO_STATUS_BLOCK IoStatusBlock)
{
    if (!DeviceObject)
        return NULL;
    PIRP irp = io_irp_alloc(DeviceObject->StackSize);
    if (!irp)
        return NULL;
    io_irp_hdr(irp)->kind = IO_IRP_THREADED;
    irp->RequestorMode = KernelMode;
    irp->Tail.Overlay.Thread = PsGetCurrentThread();
    irp->UserIosb = IoStatusBlock;
    irp->UserEvent = Event;
    irp->Flags |= IRP_SYNCHRONOUS_API;

    PIO_STACK_LOCATION sp = IoGetNextIrpStackLocation(irp);
    sp->MajorFunction = InternalDeviceIoControl ? IRP_MJ_INTERNAL_DEVICE_CONTROL
                                                : IRP_MJ_DEVICE_CONTROL;
    sp->Parameters.DeviceIoControl.IoControlCode = IoControlCode;
    sp->Parameters.DeviceIoControl.InputBufferLength = InputBufferLength;
    sp->Parameters.DeviceIoControl.OutputBufferLength = OutputBufferLength;

    NTSTATUS st = STATUS_SUCCESS;
    switch (METHOD_FROM_CTL_CODE(IoControlCode)) {
    case METHOD_BUFFERED:
        st = io_build_buffered(irp, InputBuffer, InputBufferLength, OutputBuffer,
                               OutputBufferLength);
        break;
    case METHOD_IN_DIRECT:
    case METHOD_OUT_DIRECT:
        st = io_build_buffered(irp, InputBuffer, InputBufferLength, NULL, 0);
        if (NT_SUCCESS(st))
            st = io_build_mdl(irp, OutputBuffer, OutputBufferLength,
                              METHOD_FROM_CTL_CODE(IoControlCode) == METHOD_IN_DIRECT
                                  ? IoReadAccess : IoWriteAccess);
        irp->UserBuffer = OutputBuffer;
        break;
    case METHOD_NEITHER:
        sp->Parameters.DeviceIoControl.Type3InputBuffer = InputBuffer;
        irp->UserBuffer = OutputBuffer;
        break;
    }
    if (!NT_SUCCESS(st))
        return io_build_fail(irp);
    return irp;
}

static PIRP io_build_fsd(ULONG major, PDEVICE_OBJECT dev, PVOID buf, ULONG len,
                         PLARGE_INTEGER offset, PIO_STATUS_BLOCK iosb, enum io_irp_kind kind)
{
    if (!dev)
        return NULL;
    PIRP irp = io_irp_alloc(dev->StackSize);
    if (!irp)
        return NULL;
    io_irp_hdr(irp)->kind = (UCHAR)kind;
    irp->RequestorMode = KernelMode;
    if (kind == IO_IRP_THREADED)
        irp->Tail.Overlay.Thread = PsGetCurrentThread();
    irp->UserIosb = iosb;

    PIO_STACK_LOCATION sp = IoGetNextIrpStackLocation(irp);
    sp->MajorFunction = (UCHAR)major;
    if (major != IRP_MJ_READ && major != IRP_MJ_WRITE)
        return irp;      /* flush, shutdown, PnP, power: no buffer */

    NTSTATUS st = STATUS_SUCCESS;
    BOOLEAN read = major == IRP_MJ_READ;
    if (dev->Flags & DO_BUFFERED_IO)
        st = read ? io_build_buffered(irp, NULL, 0, buf, len)
                  : io_build_buffered(irp, buf, len, NULL, 0);
    else if (dev->Flags & DO_DIRECT_IO)
        st = io_build_mdl(irp, buf, len, read ? IoWriteAccess : IoReadAccess);
    else
        irp->UserBuffer = buf;
    if (!NT_SUCCESS(st))
        return io_build_fail(irp);
    if (!(dev->Flags & DO_BUFFERED_IO))
        irp->UserBuffer = buf;
    irp->Flags |= read ? IRP_READ_OPERATION : IRP_WRITE_OPERATION;

    /* Read and Write have the same layout. */
    sp->Parameters.Read.Length = len;
    if (offset)
        sp->Parameters.Read.ByteOffset = *offset;
    return irp;
}

NTKERNELAPI PIRP NTAPI IoBuildSynchronousFsdRequest(
    ULONG MajorFunction, PDEVICE_OBJECT DeviceObject, PVOID Buffer, ULONG Length,
    PLARGE_INTEGER StartingOffset, PKEVENT Event, PIO_STATUS_BLOCK IoStatusBlock)
{
    PIRP irp = io_build_fsd(MajorFunction, DeviceObject, Buffer, Length, StartingOffset,
                            IoStatusBlock, IO_IRP_THREADED);
    if (irp) {
        irp->UserEvent = Event;
        irp->Flags |= IRP_SYNCHRONOUS_API;
    }
    return irp;
}

NTKERNELAPI PIRP NTAPI IoBuildAsynchronousFsdRequest(
    ULONG MajorFunction, PDEVICE_OBJECT DeviceObject, PVOID Buffer, ULONG Length,
    PLARGE_INTEGER StartingOffset, PIO_STATUS_BLOCK IoStatusBlock)
{
    return io_build_fsd(MajorFunction, DeviceObject, Buffer, Length, StartingOffset,
                        IoStatusBlock, IO_IRP_ASYNC);
}
