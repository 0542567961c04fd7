/*
 * pnptest_drv.c - a WDM PnP driver for tests/pnp, loaded under several
 * service names (lower filter, function driver, upper filter, bus child).
 * Its behaviour comes from the device's "Device Parameters" key (read with
 * IoOpenDeviceRegistryKey): a DWORD named after the service holds flags
 * (PT_* below), "Children" how many child PDOs a bus function driver
 * reports. Every PnP IRP that reaches it is appended to pnptest_log as
 * "<irp>:<service>;", which the test reads through dlsym.
 */
#include <wdm.h>

#define PT_FAIL_ADD    0x01
#define PT_FAIL_START  0x02
#define PT_VETO_REMOVE 0x04
#define PT_VETO_STOP   0x08
#define PT_BUS         0x10

#define PT_MAX_CHILDREN 8

__attribute__((visibility("default"))) char pnptest_log[16384];
static KSPIN_LOCK log_lock;

struct pt_ext {
    BOOLEAN is_pdo;
    PDEVICE_OBJECT self, lower;
    char svc[32];
    ULONG flags;
    /* bus FDOs */
    PDEVICE_OBJECT pdo;          /* our PDO (for IoInvalidateDeviceRelations) */
    PDEVICE_OBJECT children[PT_MAX_CHILDREN];
    BOOLEAN present[PT_MAX_CHILDREN];
    ULONG nchildren;
    /* child PDOs */
    ULONG index;
    BOOLEAN present_on_bus;
    struct pt_ext *bus;
};

static PDEVICE_OBJECT last_bus;
static int ext_id;

/* Per driver object (the module is loaded under several services). */
struct pt_drv {
    ULONG flags, children;
};

static SIZE_T pt_len(const char *s)
{
    SIZE_T n = 0;
    while (s[n])
        n++;
    return n;
}

static void pt_append(const char *s)
{
    SIZE_T n = pt_len(pnptest_log);
    while (*s)
        pnptest_log[n++] = *s++;
    pnptest_log[n] = 0;
}

static void pt_log(const char *what, const char *svc)
{
    KIRQL irql;
    KeAcquireSpinLock(&log_lock, &irql);
    if (pt_len(pnptest_log) + pt_len(what) + pt_len(svc) + 3 < sizeof(pnptest_log)) {
        pt_append(what);
        pt_append(":");
        pt_append(svc);
        pt_append(";");
    }
    KeReleaseSpinLock(&log_lock, irql);
}

static void pt_svc_name(PDRIVER_OBJECT drv, char *out, size_t size)
{
    PUNICODE_STRING s = &drv->DriverExtension->ServiceKeyName;
    size_t i, n = s->Length / sizeof(WCHAR);
    if (n >= size)
        n = size - 1;
    for (i = 0; i < n; i++)
        out[i] = (char)s->Buffer[i];
    out[n] = 0;
}

static ULONG pt_query_dword(HANDLE key, const char *name)
{
    WCHAR wname[64];
    UNICODE_STRING us;
    UCHAR buf[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + 8];
    PKEY_VALUE_PARTIAL_INFORMATION info = (PKEY_VALUE_PARTIAL_INFORMATION)buf;
    ULONG len = 0, i;

    for (i = 0; name[i] && i < 63; i++)
        wname[i] = (WCHAR)name[i];
    wname[i] = 0;
    RtlInitUnicodeString(&us, wname);
    if (!NT_SUCCESS(ZwQueryValueKey(key, &us, KeyValuePartialInformation, info, sizeof(buf),
                                    &len)) ||
        info->Type != REG_DWORD)
        return 0;
    return *(ULONG *)info->Data;
}

static NTSTATUS NTAPI pt_add_device(PDRIVER_OBJECT drv, PDEVICE_OBJECT pdo)
{
    PDEVICE_OBJECT fdo;
    struct pt_ext *x;
    HANDLE key;
    char svc[32];
    ULONG flags = 0, children = 0;
    NTSTATUS st;

    pt_svc_name(drv, svc, sizeof(svc));
    st = IoOpenDeviceRegistryKey(pdo, PLUGPLAY_REGKEY_DEVICE, KEY_READ, &key);
    if (NT_SUCCESS(st)) {
        flags = pt_query_dword(key, svc);
        children = pt_query_dword(key, "Children");
        ZwClose(key);
    }
    {
        struct pt_drv *d = IoGetDriverObjectExtension(drv, &ext_id);
        if (d) {
            flags |= d->flags;
            if (!children)
                children = d->children;
        }
    }
    pt_log("add", svc);
    if (flags & PT_FAIL_ADD)
        return STATUS_INSUFFICIENT_RESOURCES;
    st = IoCreateDevice(drv, sizeof(*x), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &fdo);
    if (!NT_SUCCESS(st))
        return st;
    x = fdo->DeviceExtension;
    RtlZeroMemory(x, sizeof(*x));
    x->self = fdo;
    x->pdo = pdo;
    x->flags = flags;
    RtlCopyMemory(x->svc, svc, sizeof(svc));
    x->nchildren = children > PT_MAX_CHILDREN ? PT_MAX_CHILDREN : children;
    x->lower = IoAttachDeviceToDeviceStack(fdo, pdo);
    if (!x->lower) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI pt_sync_done(PDEVICE_OBJECT dev, PIRP irp, PVOID ctx)
{
    UNREFERENCED_PARAMETER(dev);
    UNREFERENCED_PARAMETER(irp);
    KeSetEvent((PKEVENT)ctx, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS pt_forward_sync(struct pt_ext *x, PIRP irp)
{
    KEVENT ev;
    KeInitializeEvent(&ev, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(irp);
    IoSetCompletionRoutine(irp, pt_sync_done, &ev, TRUE, TRUE, TRUE);
    IoCallDriver(x->lower, irp);
    KeWaitForSingleObject(&ev, Executive, KernelMode, FALSE, NULL);
    return irp->IoStatus.Status;
}

static NTSTATUS pt_complete(PIRP irp, NTSTATUS st)
{
    irp->IoStatus.Status = st;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return st;
}

static WCHAR *pt_wstr(const WCHAR *s, size_t extra_nul)
{
    size_t n = 0;
    WCHAR *w;
    while (s[n])
        n++;
    w = ExAllocatePool2(POOL_FLAG_PAGED, (n + 1 + extra_nul) * sizeof(WCHAR), 'tPnP');
    if (w) {
        RtlCopyMemory(w, s, n * sizeof(WCHAR));
        RtlZeroMemory(w + n, (1 + extra_nul) * sizeof(WCHAR));
    }
    return w;
}

static NTSTATUS pt_child_pnp(PDEVICE_OBJECT dev, PIRP irp)
{
    struct pt_ext *x = dev->DeviceExtension;
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    NTSTATUS st = irp->IoStatus.Status;
    WCHAR *w = NULL;

    switch (sl->MinorFunction) {
    case IRP_MN_START_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
        st = STATUS_SUCCESS;
        break;
    case IRP_MN_SURPRISE_REMOVAL:
        pt_log("childsurprise", "bus");
        st = STATUS_SUCCESS;
        break;
    case IRP_MN_REMOVE_DEVICE:
        pt_log("childremove", "bus");
        st = STATUS_SUCCESS;
        if (!x->present_on_bus) {
            /* Reported missing: the bus driver deletes the PDO now. */
            irp->IoStatus.Status = st;
            IoCompleteRequest(irp, IO_NO_INCREMENT);
            x->bus->children[x->index] = NULL;
            IoDeleteDevice(dev);
            return st;
        }
        break;
    case IRP_MN_QUERY_ID:
        switch (sl->Parameters.QueryId.IdType) {
        case BusQueryDeviceID:
            w = pt_wstr(L"PNPTEST\\CHILD", 0);
            break;
        case BusQueryInstanceID: {
            WCHAR id[2] = { (WCHAR)(L'1' + x->index), 0 };
            w = pt_wstr(id, 0);
            break;
        }
        case BusQueryHardwareIDs:
            w = pt_wstr(L"PNPTEST\\CHILD", 1);
            break;
        case BusQueryCompatibleIDs:
            w = pt_wstr(L"PNPTEST\\GENERIC", 1);
            break;
        default:
            break;
        }
        if (w) {
            irp->IoStatus.Information = (ULONG_PTR)w;
            st = STATUS_SUCCESS;
        }
        break;
    case IRP_MN_QUERY_DEVICE_TEXT:
        if (sl->Parameters.QueryDeviceText.DeviceTextType == DeviceTextDescription) {
            w = pt_wstr(L"PnP test child", 0);
            if (w) {
                irp->IoStatus.Information = (ULONG_PTR)w;
                st = STATUS_SUCCESS;
            }
        }
        break;
    case IRP_MN_QUERY_CAPABILITIES: {
        PDEVICE_CAPABILITIES c = sl->Parameters.DeviceCapabilities.Capabilities;
        c->Removable = TRUE;
        c->SurpriseRemovalOK = TRUE;
        c->Address = x->index;
        st = STATUS_SUCCESS;
        break;
    }
    default:
        break;
    }
    return pt_complete(irp, st);
}

static NTSTATUS NTAPI pt_pnp(PDEVICE_OBJECT dev, PIRP irp)
{
    struct pt_ext *x = dev->DeviceExtension;
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    NTSTATUS st;
    ULONG i;

    if (x->is_pdo)
        return pt_child_pnp(dev, irp);
    switch (sl->MinorFunction) {
    case IRP_MN_START_DEVICE:
        pt_log("start", x->svc);
        st = pt_forward_sync(x, irp);
        if (NT_SUCCESS(st) && (x->flags & PT_FAIL_START))
            st = STATUS_DEVICE_CONFIGURATION_ERROR;
        if (NT_SUCCESS(st) && (x->flags & PT_BUS)) {
            for (i = 0; i < x->nchildren; i++) {
                PDEVICE_OBJECT c;
                struct pt_ext *cx;
                if (x->children[i])
                    continue;
                if (!NT_SUCCESS(IoCreateDevice(dev->DriverObject, sizeof(*cx), NULL,
                                               FILE_DEVICE_UNKNOWN,
                                               FILE_AUTOGENERATED_DEVICE_NAME, FALSE, &c)))
                    continue;
                cx = c->DeviceExtension;
                RtlZeroMemory(cx, sizeof(*cx));
                cx->is_pdo = TRUE;
                cx->self = c;
                cx->index = i;
                cx->present_on_bus = TRUE;
                cx->bus = x;
                c->Flags &= ~DO_DEVICE_INITIALIZING;
                x->children[i] = c;
                x->present[i] = TRUE;
            }
            last_bus = dev;
        }
        irp->IoStatus.Status = st;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
        return st;
    case IRP_MN_QUERY_DEVICE_RELATIONS:
        if (sl->Parameters.QueryDeviceRelations.Type == BusRelations && (x->flags & PT_BUS)) {
            PDEVICE_RELATIONS r = ExAllocatePool2(
                POOL_FLAG_PAGED, sizeof(DEVICE_RELATIONS) + PT_MAX_CHILDREN * sizeof(PVOID),
                'tPnP');
            pt_log("relations", x->svc);
            if (!r)
                return pt_complete(irp, STATUS_INSUFFICIENT_RESOURCES);
            r->Count = 0;
            for (i = 0; i < x->nchildren; i++)
                if (x->children[i] && x->present[i]) {
                    ObReferenceObject(x->children[i]);
                    r->Objects[r->Count++] = x->children[i];
                }
            irp->IoStatus.Information = (ULONG_PTR)r;
            irp->IoStatus.Status = STATUS_SUCCESS;
        }
        IoSkipCurrentIrpStackLocation(irp);
        return IoCallDriver(x->lower, irp);
    case IRP_MN_QUERY_REMOVE_DEVICE:
        pt_log("qremove", x->svc);
        if (x->flags & PT_VETO_REMOVE)
            return pt_complete(irp, STATUS_UNSUCCESSFUL);
        irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        pt_log("cancelremove", x->svc);
        irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_QUERY_STOP_DEVICE:
        pt_log("qstop", x->svc);
        if (x->flags & PT_VETO_STOP)
            return pt_complete(irp, STATUS_UNSUCCESSFUL);
        irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_STOP_DEVICE:
        pt_log("stop", x->svc);
        irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_CANCEL_STOP_DEVICE:
        pt_log("cancelstop", x->svc);
        irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_SURPRISE_REMOVAL:
        pt_log("surprise", x->svc);
        irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    case IRP_MN_REMOVE_DEVICE: {
        PDEVICE_OBJECT lower = x->lower;
        pt_log("remove", x->svc);
        irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(irp);
        st = IoCallDriver(lower, irp);
        for (i = 0; i < x->nchildren; i++)
            if (x->children[i]) {
                IoDeleteDevice(x->children[i]);
                x->children[i] = NULL;
            }
        if (last_bus == dev)
            last_bus = NULL;
        IoDetachDevice(lower);
        IoDeleteDevice(dev);
        return st;
    }
    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(irp);
    return IoCallDriver(x->lower, irp);
}

/* The test's hand on the bus: child idx leaves (or comes back). */
__attribute__((visibility("default"))) void pnptest_set_present(ULONG idx, BOOLEAN present)
{
    struct pt_ext *x;
    if (!last_bus)
        return;
    x = last_bus->DeviceExtension;
    if (idx >= x->nchildren || !x->children[idx])
        return;
    x->present[idx] = present;
    ((struct pt_ext *)x->children[idx]->DeviceExtension)->present_on_bus = present;
    IoInvalidateDeviceRelations(x->pdo, BusRelations);
}

static NTSTATUS NTAPI pt_pass(PDEVICE_OBJECT dev, PIRP irp)
{
    struct pt_ext *x = dev->DeviceExtension;
    if (x->is_pdo)
        return pt_complete(irp, irp->IoStatus.Status);
    IoSkipCurrentIrpStackLocation(irp);
    return IoCallDriver(x->lower, irp);
}

static VOID NTAPI pt_unload(PDRIVER_OBJECT drv)
{
    char svc[32];
    pt_svc_name(drv, svc, sizeof(svc));
    pt_log("unload", svc);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    char svc[32];
    struct pt_drv *d = NULL;
    OBJECT_ATTRIBUTES oa;
    HANDLE key;
    UNICODE_STRING params = RTL_CONSTANT_STRING(L"Parameters");

    KeInitializeSpinLock(&log_lock);
    if (NT_SUCCESS(IoAllocateDriverObjectExtension(drv, &ext_id, sizeof(*d), (PVOID *)&d)))
        RtlZeroMemory(d, sizeof(*d));
    if (d) {
        HANDLE svckey;
        InitializeObjectAttributes(&oa, regpath, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
                                   NULL, NULL);
        if (NT_SUCCESS(ZwOpenKey(&svckey, KEY_READ, &oa))) {
            InitializeObjectAttributes(&oa, &params, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
                                       svckey, NULL);
            if (NT_SUCCESS(ZwOpenKey(&key, KEY_READ, &oa))) {
                d->flags = pt_query_dword(key, "Flags");
                d->children = pt_query_dword(key, "Children");
                ZwClose(key);
            }
            ZwClose(svckey);
        }
    }
    pt_svc_name(drv, svc, sizeof(svc));
    pt_log("entry", svc);
    drv->DriverExtension->AddDevice = pt_add_device;
    drv->MajorFunction[IRP_MJ_PNP] = pt_pnp;
    drv->MajorFunction[IRP_MJ_POWER] = pt_pass;
    drv->DriverUnload = pt_unload;
    return STATUS_SUCCESS;
}
