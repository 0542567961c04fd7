/*
 * recdrv.h - a built-in driver for the unit tests: its dispatch routines
 * complete everything at once and record what reached them, in order.
 */
#ifndef RECDRV_H
#define RECDRV_H

#include "iodev_test.h"

#define REC_IOCTL_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)

struct rec_state {
    char log[256];                /* one letter per IRP: C create, U cleanup, L close, R, W, I */
    int creates, cleanups, closes;
    NTSTATUS create_status;       /* what IRP_MJ_CREATE completes with */
    WCHAR last_name[128];         /* FileName of the last create */
    ACCESS_MASK last_desired;     /* SecurityContext->DesiredAccess of the last create */
    PDEVICE_OBJECT last_device;   /* device the last IRP arrived at */
    PFILE_OBJECT last_file;
    const struct se_identity *last_identity;   /* the thread's identity in the create */
    pthread_mutex_t lock;
};

static __attribute__((unused)) struct rec_state rec = { .lock = PTHREAD_MUTEX_INITIALIZER };

static inline void rec_reset(void)
{
    pthread_mutex_lock(&rec.lock);
    memset(rec.log, 0, sizeof(rec.log));
    rec.creates = rec.cleanups = rec.closes = 0;
    rec.create_status = STATUS_SUCCESS;
    rec.last_name[0] = 0;
    rec.last_device = NULL;
    rec.last_file = NULL;
    pthread_mutex_unlock(&rec.lock);
}

static inline void rec_note(char c, PDEVICE_OBJECT dev, PFILE_OBJECT fo)
{
    size_t n;

    pthread_mutex_lock(&rec.lock);
    n = strlen(rec.log);
    if (n + 1 < sizeof(rec.log))
        rec.log[n] = c;
    rec.last_device = dev;
    rec.last_file = fo;
    pthread_mutex_unlock(&rec.lock);
}

static __attribute__((unused)) NTSTATUS NTAPI rec_dispatch(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    NTSTATUS status = STATUS_SUCCESS;
    ULONG_PTR info = 0;

    switch (sl->MajorFunction) {
    case IRP_MJ_CREATE: {
        size_t n = sl->FileObject->FileName.Length / sizeof(WCHAR);
        if (n >= 128)
            n = 127;
        pthread_mutex_lock(&rec.lock);
        memcpy(rec.last_name, sl->FileObject->FileName.Buffer ? sl->FileObject->FileName.Buffer
                                                             : L"", n * sizeof(WCHAR));
        rec.last_name[n] = 0;
        rec.last_desired = sl->Parameters.Create.SecurityContext->DesiredAccess;
        rec.last_identity = se_current_identity();
        rec.creates++;
        status = rec.create_status;
        pthread_mutex_unlock(&rec.lock);
        rec_note('C', dev, sl->FileObject);
        break;
    }
    case IRP_MJ_CLEANUP:
        rec.cleanups++;
        rec_note('U', dev, sl->FileObject);
        break;
    case IRP_MJ_CLOSE:
        rec.closes++;
        rec_note('L', dev, sl->FileObject);
        break;
    case IRP_MJ_READ: {
        ULONG len = sl->Parameters.Read.Length;
        PVOID buf = irp->AssociatedIrp.SystemBuffer ? irp->AssociatedIrp.SystemBuffer
                                                    : irp->UserBuffer;
        if (buf && len)
            memset(buf, 'r', len);
        info = len;
        rec_note('R', dev, sl->FileObject);
        break;
    }
    case IRP_MJ_WRITE:
        info = sl->Parameters.Write.Length;
        rec_note('W', dev, sl->FileObject);
        break;
    case IRP_MJ_DEVICE_CONTROL: {
        ULONG in = sl->Parameters.DeviceIoControl.InputBufferLength;
        ULONG out = sl->Parameters.DeviceIoControl.OutputBufferLength;
        if (sl->Parameters.DeviceIoControl.IoControlCode == REC_IOCTL_ECHO) {
            info = in < out ? in : out;   /* buffered: same buffer, already in place */
        } else {
            status = STATUS_INVALID_DEVICE_REQUEST;
        }
        rec_note('I', dev, sl->FileObject);
        break;
    }
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
    }
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

static __attribute__((unused)) VOID NTAPI rec_unload(PDRIVER_OBJECT drv)
{
    (void)drv;
}

static __attribute__((unused)) NTSTATUS NTAPI rec_entry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    (void)regpath;
    drv->MajorFunction[IRP_MJ_CREATE] = rec_dispatch;
    drv->MajorFunction[IRP_MJ_CLEANUP] = rec_dispatch;
    drv->MajorFunction[IRP_MJ_CLOSE] = rec_dispatch;
    drv->MajorFunction[IRP_MJ_READ] = rec_dispatch;
    drv->MajorFunction[IRP_MJ_WRITE] = rec_dispatch;
    drv->MajorFunction[IRP_MJ_DEVICE_CONTROL] = rec_dispatch;
    drv->DriverUnload = rec_unload;
    return STATUS_SUCCESS;
}

/* A ready device named name (DO_DEVICE_INITIALIZING cleared). */
static inline PDEVICE_OBJECT rec_device(PDRIVER_OBJECT drv, const WCHAR *name, ULONG ext,
                                        ULONG characteristics, BOOLEAN exclusive)
{
    UNICODE_STRING u;
    PDEVICE_OBJECT d = NULL;

    if (name)
        iot_us(&u, name);
    assert_int_equal(IoCreateDevice(drv, ext, name ? &u : NULL, FILE_DEVICE_UNKNOWN,
                                    characteristics, exclusive, &d), STATUS_SUCCESS);
    d->Flags |= DO_BUFFERED_IO;
    d->Flags &= ~DO_DEVICE_INITIALIZING;
    return d;
}

static inline PDRIVER_OBJECT rec_driver(const WCHAR *service)
{
    PDRIVER_OBJECT drv = NULL;
    iot_init_root();
    assert_int_equal(io_create_builtin_driver(service, rec_entry, &drv), STATUS_SUCCESS);
    return drv;
}

#endif /* RECDRV_H */
