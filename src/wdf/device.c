/*
 * wdf/device.c - device init and the WDFDEVICE object; for now control
 * (non-PnP) devices, the first device type that needs no PnP manager.
 *
 * WdfDeviceCreate makes the WDM device object (IoCreateDeviceSecure when
 * an SDDL string was given, as a control device must have), stores a
 * pointer to the fx_device in its extension and points every major
 * function of the driver object at fx_dispatch, which hands the IRP to
 * the I/O half of the framework (fx_io_dispatch, wdfio's). A control
 * device stays DO_DEVICE_INITIALIZING (not openable) until
 * WdfControlFinishInitializing. Deleting the WDFDEVICE deletes its
 * children (queues, timers, ...), its symbolic link and the WDM device.
 */
#include "wdf/fx.h"
#include "krnl/krnl.h"
#include <wdmsec.h>
#include <string.h>

/* ---- the hand-off to wdfio (weak until wdfio's land) --------------- */

__attribute__((weak)) NTSTATUS fx_io_dispatch(struct fx_device *dev, PIRP irp)
{
    (void)dev;
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    NTSTATUS st = STATUS_INVALID_DEVICE_REQUEST;
    if (sl->MajorFunction == IRP_MJ_CREATE || sl->MajorFunction == IRP_MJ_CLOSE ||
        sl->MajorFunction == IRP_MJ_CLEANUP)
        st = STATUS_SUCCESS;
    irp->IoStatus.Status = st;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return st;
}

__attribute__((weak)) void fx_io_device_deleting(struct fx_device *dev)
{
    (void)dev;
}

__attribute__((weak)) struct fx_sync_lock *fx_io_object_lock(struct fx_object *o)
{
    (void)o;
    return NULL;
}

struct fx_device_ext {
    ULONG magic;
    struct fx_device *dev;
};
#define FX_DEVEXT_MAGIC 0x56454446u

struct fx_device *fx_device_from_wdm(PDEVICE_OBJECT d)
{
    if (!d || !d->DeviceExtension)
        return NULL;
    struct fx_device_ext *x = d->DeviceExtension;
    return x->magic == FX_DEVEXT_MAGIC ? x->dev : NULL;
}

void fx_device_set_default_queue(struct fx_device *dev, WDFQUEUE queue)
{
    dev->default_queue = queue;
}

static NTSTATUS NTAPI fx_dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    struct fx_device *dev = fx_device_from_wdm(DeviceObject);
    if (!dev) {
        /* A device the driver made with IoCreateDevice itself. */
        Irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    return fx_io_dispatch(dev, Irp);
}

/* ---- device init ---------------------------------------------------- */

static void fx_init_free(PWDFDEVICE_INIT init)
{
    if (!init)
        return;
    fx_ustr_free(&init->name);
    fx_ustr_free(&init->sddl);
    fx_free(init);
}

PWDFDEVICE_INIT WDFAPI imp_WdfControlDeviceInitAllocate(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                        WDFDRIVER Driver,
                                                        CONST UNICODE_STRING *SDDLString)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    (void)fx_handle(g, Driver, FX_TYPE_DRIVER, "WdfControlDeviceInitAllocate");
    FX_REQUIRE(g, SDDLString);
    PWDFDEVICE_INIT init = fx_alloc(g, sizeof(*init));
    if (!init)
        return NULL;
    memset(init, 0, sizeof(*init));
    init->globals = g;
    init->control = true;
    init->device_type = FILE_DEVICE_UNKNOWN;
    init->io_type = WdfDeviceIoBuffered;
    if (!NT_SUCCESS(fx_ustr_dup(g, SDDLString, &init->sddl))) {
        fx_free(init);
        return NULL;
    }
    return init;
}

static PWDFDEVICE_INIT fx_init(struct fx_globals *g, PWDFDEVICE_INIT init)
{
    FX_REQUIRE(g, init);
    if (init->globals != g)
        fx_violation(g, WDF_INVALID_HANDLE, (ULONG_PTR)init, 0,
                     "PWDFDEVICE_INIT %p does not belong to this driver", (void *)init);
    return init;
}

VOID WDFAPI imp_WdfDeviceInitFree(PWDF_DRIVER_GLOBALS DriverGlobals, PWDFDEVICE_INIT DeviceInit)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    fx_init_free(fx_init(g, DeviceInit));
}

VOID WDFAPI imp_WdfDeviceInitSetIoType(PWDF_DRIVER_GLOBALS DriverGlobals,
                                       PWDFDEVICE_INIT DeviceInit, WDF_DEVICE_IO_TYPE IoType)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    PWDFDEVICE_INIT init = fx_init(g, DeviceInit);
    if (IoType <= WdfDeviceIoUndefined || IoType >= WdfDeviceIoMaximum) {
        krnl_log(KRNL_LOG_WARN, "wdf: %s: WdfDeviceInitSetIoType: invalid type %d ignored",
                 g->pub.DriverName, (int)IoType);
        return;
    }
    init->io_type = IoType;
}

VOID WDFAPI imp_WdfDeviceInitSetExclusive(PWDF_DRIVER_GLOBALS DriverGlobals,
                                          PWDFDEVICE_INIT DeviceInit, BOOLEAN IsExclusive)
{
    fx_init(fx_globals(DriverGlobals), DeviceInit)->exclusive = IsExclusive;
}

VOID WDFAPI imp_WdfDeviceInitSetDeviceType(PWDF_DRIVER_GLOBALS DriverGlobals,
                                           PWDFDEVICE_INIT DeviceInit, DEVICE_TYPE DeviceType)
{
    fx_init(fx_globals(DriverGlobals), DeviceInit)->device_type = DeviceType;
}

VOID WDFAPI imp_WdfDeviceInitSetCharacteristics(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                PWDFDEVICE_INIT DeviceInit,
                                                ULONG DeviceCharacteristics, BOOLEAN OrInValues)
{
    PWDFDEVICE_INIT init = fx_init(fx_globals(DriverGlobals), DeviceInit);
    init->characteristics = OrInValues ? init->characteristics | DeviceCharacteristics
                                       : DeviceCharacteristics;
}

NTSTATUS WDFAPI imp_WdfDeviceInitAssignName(PWDF_DRIVER_GLOBALS DriverGlobals,
                                            PWDFDEVICE_INIT DeviceInit,
                                            PCUNICODE_STRING DeviceName)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    PWDFDEVICE_INIT init = fx_init(g, DeviceInit);
    UNICODE_STRING copy;
    NTSTATUS st = fx_ustr_dup(g, DeviceName, &copy);   /* NULL clears the name */
    if (!NT_SUCCESS(st))
        return st;
    fx_ustr_free(&init->name);
    init->name = copy;
    return STATUS_SUCCESS;
}

NTSTATUS WDFAPI imp_WdfDeviceInitAssignSDDLString(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                  PWDFDEVICE_INIT DeviceInit,
                                                  PCUNICODE_STRING SDDLString)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    PWDFDEVICE_INIT init = fx_init(g, DeviceInit);
    UNICODE_STRING copy;
    NTSTATUS st = fx_ustr_dup(g, SDDLString, &copy);
    if (!NT_SUCCESS(st))
        return st;
    fx_ustr_free(&init->sddl);
    init->sddl = copy;
    return STATUS_SUCCESS;
}

VOID WDFAPI imp_WdfDeviceInitSetFileObjectConfig(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                 PWDFDEVICE_INIT DeviceInit,
                                                 PWDF_FILEOBJECT_CONFIG FileObjectConfig,
                                                 PWDF_OBJECT_ATTRIBUTES FileObjectAttributes)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    PWDFDEVICE_INIT init = fx_init(g, DeviceInit);
    FX_REQUIRE(g, FileObjectConfig);
    if (FileObjectConfig->Size != sizeof(WDF_FILEOBJECT_CONFIG)) {
        krnl_log(KRNL_LOG_WARN, "wdf: %s: WDF_FILEOBJECT_CONFIG.Size %u: ignored",
                 g->pub.DriverName, FileObjectConfig->Size);
        return;
    }
    init->has_file_config = true;
    init->file_config = *FileObjectConfig;
    init->has_file_attributes = FileObjectAttributes != NULL;
    if (FileObjectAttributes)
        init->file_attributes = *FileObjectAttributes;
}

VOID WDFAPI imp_WdfDeviceInitSetRequestAttributes(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                  PWDFDEVICE_INIT DeviceInit,
                                                  PWDF_OBJECT_ATTRIBUTES RequestAttributes)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    PWDFDEVICE_INIT init = fx_init(g, DeviceInit);
    FX_REQUIRE(g, RequestAttributes);
    init->has_request_attributes = true;
    init->request_attributes = *RequestAttributes;
}

VOID WDFAPI imp_WdfDeviceInitSetIoInCallerContextCallback(
    PWDF_DRIVER_GLOBALS DriverGlobals, PWDFDEVICE_INIT DeviceInit,
    PFN_WDF_IO_IN_CALLER_CONTEXT EvtIoInCallerContext)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, EvtIoInCallerContext);
    fx_init(g, DeviceInit)->io_in_caller_context = EvtIoInCallerContext;
}

VOID WDFAPI imp_WdfControlDeviceInitSetShutdownNotification(
    PWDF_DRIVER_GLOBALS DriverGlobals, PWDFDEVICE_INIT DeviceInit,
    PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION Notification, UCHAR Flags)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    PWDFDEVICE_INIT init = fx_init(g, DeviceInit);
    FX_REQUIRE(g, Notification);
    /* Stored; the executive has no system shutdown yet to deliver it. */
    init->shutdown_notification = Notification;
    init->shutdown_flags = Flags;
}

/* ---- the device object ---------------------------------------------- */

static void fx_device_dispose(struct fx_object *o)
{
    struct fx_device *dev = (struct fx_device *)o;
    fx_io_device_deleting(dev);
    if (dev->has_symlink) {
        IoDeleteSymbolicLink(&dev->symlink);
        dev->has_symlink = false;
    }
    if (dev->wdm) {
        struct fx_device_ext *x = dev->wdm->DeviceExtension;
        x->magic = 0;
        x->dev = NULL;
        IoDeleteDevice(dev->wdm);
        dev->wdm = NULL;
    }
}

static void fx_device_destroy(struct fx_object *o)
{
    struct fx_device *dev = (struct fx_device *)o;
    fx_ustr_free(&dev->symlink);
    fx_ustr_free(&dev->name);
    pthread_mutex_destroy(&dev->lock.mutex);
}

static const struct fx_object_ops fx_control_device_ops = {
    .type = FX_TYPE_DEVICE,
    .dispose = fx_device_dispose,
    .destroy = fx_device_destroy,
    .no_driver_delete = false,     /* a control device is deleted by its driver */
};

NTSTATUS WDFAPI imp_WdfDeviceCreate(PWDF_DRIVER_GLOBALS DriverGlobals,
                                    PWDFDEVICE_INIT *DeviceInit,
                                    PWDF_OBJECT_ATTRIBUTES DeviceAttributes, WDFDEVICE *Device)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, DeviceInit);
    FX_REQUIRE(g, Device);
    PWDFDEVICE_INIT init = fx_init(g, *DeviceInit);
    *Device = NULL;
    if (!g->driver)
        return STATUS_INVALID_DEVICE_STATE;
    if (!init->control) {
        krnl_log_once(KRNL_LOG_WARN, "wdf: WdfDeviceCreate for a PnP device is not implemented "
                      "(no PnP manager yet)");
        return STATUS_NOT_IMPLEMENTED;
    }
    /* Documented: a device's parent is always the driver. */
    if (DeviceAttributes && DeviceAttributes->ParentObject)
        return STATUS_INVALID_PARAMETER;   /* Windows: STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED */

    struct fx_device *dev;
    NTSTATUS st = fx_object_create(g, &fx_control_device_ops, sizeof(*dev), DeviceAttributes,
                                   &g->driver->obj, (void **)&dev);
    if (!NT_SUCCESS(st))
        return st;
    bool passive = dev->obj.exec_level == WdfExecutionLevelPassive;
    fx_sync_lock_init(&dev->lock, passive);
    dev->control = true;
    dev->io_type = init->io_type;
    dev->has_file_config = init->has_file_config;
    dev->file_config = init->file_config;
    dev->has_file_attributes = init->has_file_attributes;
    dev->file_attributes = init->file_attributes;
    dev->has_request_attributes = init->has_request_attributes;
    dev->request_attributes = init->request_attributes;
    dev->io_in_caller_context = init->io_in_caller_context;
    dev->shutdown_notification = init->shutdown_notification;
    dev->shutdown_flags = init->shutdown_flags;

    PDEVICE_OBJECT wdm = NULL;
    PUNICODE_STRING name = init->name.Buffer ? &init->name : NULL;
    if (init->sddl.Buffer)
        st = IoCreateDeviceSecure(g->wdm_driver, sizeof(struct fx_device_ext), name,
                                  init->device_type, init->characteristics, init->exclusive,
                                  &init->sddl, NULL, &wdm);
    else
        st = IoCreateDevice(g->wdm_driver, sizeof(struct fx_device_ext), name,
                            init->device_type, init->characteristics, init->exclusive, &wdm);
    if (!NT_SUCCESS(st)) {
        fx_object_delete(&dev->obj);
        return st;
    }
    struct fx_device_ext *x = wdm->DeviceExtension;
    x->magic = FX_DEVEXT_MAGIC;
    x->dev = dev;
    dev->wdm = wdm;
    if (init->io_type == WdfDeviceIoBuffered)
        wdm->Flags |= DO_BUFFERED_IO;
    else if (init->io_type == WdfDeviceIoDirect)
        wdm->Flags |= DO_DIRECT_IO;
    /* Every IRP of this driver goes through the framework. */
    if (!(g->pub.DriverFlags & WdfDriverInitNoDispatchOverride))
        for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
            g->wdm_driver->MajorFunction[i] = fx_dispatch;
    dev->name = init->name;            /* ownership moves to the device */
    init->name.Buffer = NULL;
    init->name.Length = init->name.MaximumLength = 0;
    fx_init_free(init);
    *DeviceInit = NULL;
    *Device = (WDFDEVICE)fx_to_handle(&dev->obj);
    return STATUS_SUCCESS;
}

static struct fx_device *fx_dev(struct fx_globals *g, WDFDEVICE h, const char *ddi)
{
    return (struct fx_device *)fx_handle(g, h, FX_TYPE_DEVICE, ddi);
}

NTSTATUS WDFAPI imp_WdfDeviceCreateSymbolicLink(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                WDFDEVICE Device,
                                                PCUNICODE_STRING SymbolicLinkName)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_device *dev = fx_dev(g, Device, "WdfDeviceCreateSymbolicLink");
    FX_REQUIRE(g, SymbolicLinkName);
    if (dev->has_symlink)
        return STATUS_OBJECT_NAME_COLLISION;   /* one link per device, as documented */
    /* The link needs the device's name: a device without one cannot have
     * a symbolic link (Windows fails the same way). */
    UNICODE_STRING *target = &dev->name;
    if (!target->Buffer)
        return STATUS_INVALID_DEVICE_REQUEST;
    NTSTATUS st = fx_ustr_dup(g, SymbolicLinkName, &dev->symlink);
    if (!NT_SUCCESS(st))
        return st;
    st = IoCreateSymbolicLink(&dev->symlink, target);
    if (!NT_SUCCESS(st)) {
        fx_ustr_free(&dev->symlink);
        return st;
    }
    dev->has_symlink = true;
    return STATUS_SUCCESS;
}

VOID WDFAPI imp_WdfControlFinishInitializing(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDEVICE Device)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_device *dev = fx_dev(g, Device, "WdfControlFinishInitializing");
    if (!dev->control)
        fx_violation(g, WDF_INVALID_HANDLE, (ULONG_PTR)Device, 0,
                     "WdfControlFinishInitializing on a device that is not a control device");
    dev->init_finished = true;
    dev->wdm->Flags &= ~DO_DEVICE_INITIALIZING;
}

PDEVICE_OBJECT WDFAPI imp_WdfDeviceWdmGetDeviceObject(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                      WDFDEVICE Device)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    return fx_dev(g, Device, "WdfDeviceWdmGetDeviceObject")->wdm;
}

WDFDEVICE WDFAPI imp_WdfWdmDeviceGetWdfDeviceHandle(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                    PDEVICE_OBJECT DeviceObject)
{
    (void)fx_globals(DriverGlobals);
    struct fx_device *dev = fx_device_from_wdm(DeviceObject);
    return dev ? (WDFDEVICE)fx_to_handle(&dev->obj) : NULL;
}

WDFDRIVER WDFAPI imp_WdfDeviceGetDriver(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDEVICE Device)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_device *dev = fx_dev(g, Device, "WdfDeviceGetDriver");
    return dev->obj.globals->pub.Driver;
}

WDFQUEUE WDFAPI imp_WdfDeviceGetDefaultQueue(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDEVICE Device)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    return fx_dev(g, Device, "WdfDeviceGetDefaultQueue")->default_queue;
}

ULONG WDFAPI imp_WdfDeviceGetCharacteristics(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDEVICE Device)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    return fx_dev(g, Device, "WdfDeviceGetCharacteristics")->wdm->Characteristics;
}

VOID WDFAPI imp_WdfDeviceSetCharacteristics(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDEVICE Device,
                                            ULONG DeviceCharacteristics)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    fx_dev(g, Device, "WdfDeviceSetCharacteristics")->wdm->Characteristics = DeviceCharacteristics;
}

NTSTATUS WDFAPI imp_WdfDeviceCreateDeviceInterface(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                   WDFDEVICE Device, CONST GUID *InterfaceClassGUID,
                                                   PCUNICODE_STRING ReferenceString)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    struct fx_device *dev = fx_dev(g, Device, "WdfDeviceCreateDeviceInterface");
    FX_REQUIRE(g, InterfaceClassGUID);
    (void)ReferenceString;
    /* Interfaces are registered on a PDO; a control device has none, and
     * Windows documents the call as invalid for control devices. PnP
     * devices (with a PDO) come with the PnP issue. */
    if (dev->control)
        return STATUS_INVALID_DEVICE_REQUEST;
    return STATUS_NOT_IMPLEMENTED;
}
