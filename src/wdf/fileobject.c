/*
 * wdf/fileobject.c - WDFFILEOBJECT and the create/cleanup/close path.
 *
 * When a device's WDF_FILEOBJECT_CONFIG asks for file objects (any class
 * but WdfFileObjectNotRequired, or file object attributes given), every
 * successful create gets a WDFFILEOBJECT, child of the device, with the
 * driver's file context; the framework finds it again from the WDM
 * FILE_OBJECT through the device's list (it never uses FsContext or
 * FsContext2, so every class is honoured). EvtDeviceFileCreate receives
 * the create as a request the driver completes; a failed create deletes
 * the file object. At cleanup the framework cancels what the device's
 * queues still hold for the file and the client's outstanding requests
 * (the client is going away), then calls EvtFileCleanup; at close,
 * EvtFileClose, and the object is deleted.
 * AutoForwardCleanupClose only matters to filter drivers, which forward;
 * there are no framework filters yet, so it is recorded and not used.
 */
#include "wdf/fxio.h"
#include "io/iop.h"

static const struct fx_object_ops fx_file_ops = {
    .type = FX_TYPE_FILEOBJECT,
    .no_driver_delete = true,
};

struct fx_fileobject *fx_fileobject_find(struct fx_io_device *io, PFILE_OBJECT f)
{
    struct fx_fileobject *hit = NULL;
    KIRQL irql;
    if (!io || !f)
        return NULL;
    KeAcquireSpinLock(&io->lock, &irql);
    for (PLIST_ENTRY e = io->files.Flink; e != &io->files; e = e->Flink) {
        struct fx_fileobject *c = CONTAINING_RECORD(e, struct fx_fileobject, link);
        if (c->wdm == f) {
            hit = c;
            fx_object_get(&c->obj);
            break;
        }
    }
    KeReleaseSpinLock(&io->lock, irql);
    return hit;
}

static void fx_file_unlink_delete(struct fx_io_device *io, struct fx_fileobject *f)
{
    KIRQL irql;
    KeAcquireSpinLock(&io->lock, &irql);
    if (f->link.Flink) {
        RemoveEntryList(&f->link);
        f->link.Flink = f->link.Blink = NULL;
    }
    KeReleaseSpinLock(&io->lock, irql);
    fx_object_delete(&f->obj);
}

static bool fx_file_wanted(struct fx_device *dev)
{
    if (dev->has_file_config &&
        WdfFileObjectGetNormalizedFileObjClass(dev->file_config.FileObjectClass) !=
            WdfFileObjectNotRequired)
        return true;
    return dev->has_file_attributes;
}

static NTSTATUS fx_complete_irp(PIRP irp, NTSTATUS st)
{
    irp->IoStatus.Status = st;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return st;
}

void fx_file_create_done(struct fx_request *r, NTSTATUS status)
{
    if (NT_SUCCESS(status) || !r->file)
        return;
    struct fx_io_device *io = r->device->io;
    if (io)
        fx_file_unlink_delete(io, r->file);
}

static NTSTATUS fx_file_create(struct fx_device *dev, PIRP irp)
{
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(irp);
    struct fx_globals *g = dev->obj.globals;
    struct fx_io_device *io = fx_io_device_get(dev);
    if (!io)
        return fx_complete_irp(irp, STATUS_INSUFFICIENT_RESOURCES);

    struct fx_fileobject *f = NULL;
    if (fx_file_wanted(dev) && s->FileObject) {
        WDF_OBJECT_ATTRIBUTES attr;
        if (dev->has_file_attributes) {
            attr = dev->file_attributes;
            attr.ParentObject = NULL;
        } else {
            WDF_OBJECT_ATTRIBUTES_INIT(&attr);
        }
        NTSTATUS st = fx_object_create(g, &fx_file_ops, sizeof(*f), &attr, &dev->obj, (void **)&f);
        if (!NT_SUCCESS(st))
            return fx_complete_irp(irp, st);
        f->device = dev;
        f->wdm = s->FileObject;
        KIRQL irql;
        KeAcquireSpinLock(&io->lock, &irql);
        InsertTailList(&io->files, &f->link);
        KeReleaseSpinLock(&io->lock, irql);
    }

    PFN_WDF_DEVICE_FILE_CREATE create = dev->has_file_config ?
        dev->file_config.EvtDeviceFileCreate : NULL;
    if (!create)
        return fx_complete_irp(irp, STATUS_SUCCESS);

    struct fx_request *r;
    NTSTATUS st = fx_request_from_irp(dev, irp, &r);
    if (!NT_SUCCESS(st)) {
        if (f)
            fx_file_unlink_delete(io, f);
        return fx_complete_irp(irp, st);
    }
    IoMarkIrpPending(irp);
    r->state = FX_REQ_DRIVER;           /* the driver completes the create */
    create((WDFDEVICE)fx_to_handle(&dev->obj), (WDFREQUEST)fx_to_handle(&r->obj),
           f ? (WDFFILEOBJECT)fx_to_handle(&f->obj) : NULL);
    return STATUS_PENDING;
}

NTSTATUS fx_file_dispatch(struct fx_device *dev, PIRP irp)
{
    PIO_STACK_LOCATION s = IoGetCurrentIrpStackLocation(irp);
    struct fx_io_device *io = dev->io;
    struct fx_fileobject *f;

    switch (s->MajorFunction) {
    case IRP_MJ_CREATE:
        return fx_file_create(dev, irp);
    case IRP_MJ_CLEANUP:
        f = fx_fileobject_find(io, s->FileObject);
        if (f && io)
            fx_queues_flush_file(io, f);
        if (s->FileObject)
            io_user_cancel(s->FileObject, NULL);
        if (f) {
            if (dev->has_file_config && dev->file_config.EvtFileCleanup)
                dev->file_config.EvtFileCleanup((WDFFILEOBJECT)fx_to_handle(&f->obj));
            fx_object_put(&f->obj);
        }
        return fx_complete_irp(irp, STATUS_SUCCESS);
    case IRP_MJ_CLOSE:
        f = fx_fileobject_find(io, s->FileObject);
        if (f) {
            if (dev->has_file_config && dev->file_config.EvtFileClose)
                dev->file_config.EvtFileClose((WDFFILEOBJECT)fx_to_handle(&f->obj));
            fx_file_unlink_delete(io, f);
            fx_object_put(&f->obj);
        }
        return fx_complete_irp(irp, STATUS_SUCCESS);
    default:
        return fx_complete_irp(irp, STATUS_INVALID_DEVICE_REQUEST);
    }
}

static struct fx_fileobject *fx_file(PWDF_DRIVER_GLOBALS g, WDFFILEOBJECT h, const char *ddi)
{
    return (struct fx_fileobject *)fx_handle(fx_globals(g), (WDFOBJECT)h, FX_TYPE_FILEOBJECT, ddi);
}

PUNICODE_STRING WDFAPI imp_WdfFileObjectGetFileName(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                    WDFFILEOBJECT FileObject)
{
    struct fx_fileobject *f = fx_file(DriverGlobals, FileObject, __func__);
    return f->wdm ? &f->wdm->FileName : NULL;
}

ULONG WDFAPI imp_WdfFileObjectGetFlags(PWDF_DRIVER_GLOBALS DriverGlobals,
                                       WDFFILEOBJECT FileObject)
{
    struct fx_fileobject *f = fx_file(DriverGlobals, FileObject, __func__);
    return f->wdm ? f->wdm->Flags : 0;
}

WDFDEVICE WDFAPI imp_WdfFileObjectGetDevice(PWDF_DRIVER_GLOBALS DriverGlobals,
                                            WDFFILEOBJECT FileObject)
{
    struct fx_fileobject *f = fx_file(DriverGlobals, FileObject, __func__);
    return (WDFDEVICE)fx_to_handle(&f->device->obj);
}

PFILE_OBJECT WDFAPI imp_WdfFileObjectWdmGetFileObject(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                      WDFFILEOBJECT FileObject)
{
    struct fx_fileobject *f = fx_file(DriverGlobals, FileObject, __func__);
    return f->wdm;
}
