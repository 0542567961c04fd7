/*
 * core_kmdf_drv.c - a KMDF test driver for the object model, the
 * function table and control devices. Built twice (core2_kmdf_drv.c
 * includes this file with another name) so that two drivers with the same
 * context type names live in one process.
 *
 * It is a non-PnP driver with one control device, \Device\<CORE_NAME>,
 * linked as \DosDevices\<CORE_NAME>. Until the framework's queues exist,
 * it opts out of the framework's dispatch (WdfDriverInitNoDispatchOverride)
 * and handles IRPs in WDM routines that run the scenarios of
 * wdfcore_ioctl.h; CORE_DEFAULT_DISPATCH keeps the framework's dispatch.
 */
#include <ntddk.h>
#include <wdf.h>
#include "wdfcore_ioctl.h"

#ifndef CORE_NAME
#define CORE_NAME L"WdfCore1"
#endif

typedef struct _CORE_CTX {
    ULONG magic;
    ULONG id;
} CORE_CTX, *PCORE_CTX;
WDF_DECLARE_CONTEXT_TYPE(CORE_CTX)

typedef struct _EXTRA_CTX {
    ULONG64 payload[4];
} EXTRA_CTX;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(EXTRA_CTX, GetExtra)

static WDFDEVICE g_device;
static struct wdfcore_events *g_ev;

static void record(ULONG code)
{
    if (g_ev && g_ev->count < WDFCORE_MAX_EVENTS)
        g_ev->ev[g_ev->count++] = code;
}

static ULONG id_of(WDFOBJECT o)
{
    PCORE_CTX c = WdfObjectGet_CORE_CTX(o);
    return c ? c->id : 0;
}

static VOID NTAPI obj_cleanup(WDFOBJECT o) { record(id_of(o) * 10 + 1); }
static VOID NTAPI obj_destroy(WDFOBJECT o) { record(id_of(o) * 10 + 2); }
static VOID NTAPI extra_cleanup(WDFOBJECT o) { record(id_of(o) * 10 + 3); }
static VOID NTAPI extra_destroy(WDFOBJECT o) { record(id_of(o) * 10 + 4); }

static NTSTATUS make(WDFOBJECT parent, ULONG id, WDFOBJECT *out)
{
    WDF_OBJECT_ATTRIBUTES a;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, CORE_CTX);
    a.EvtCleanupCallback = obj_cleanup;
    a.EvtDestroyCallback = obj_destroy;
    a.ParentObject = parent;
    NTSTATUS st = WdfObjectCreate(&a, out);
    if (NT_SUCCESS(st)) {
        WdfObjectGet_CORE_CTX(*out)->id = id;
        WdfObjectGet_CORE_CTX(*out)->magic = 0xC0DE;
    }
    return st;
}

static void scenario_tree(struct wdfcore_events *ev)
{
    WDFOBJECT parent, child, grandchild;
    WDF_OBJECT_ATTRIBUTES a;
    EXTRA_CTX *extra = NULL;
    g_ev = ev;
    if (!NT_SUCCESS(make(NULL, 1, &parent)) || !NT_SUCCESS(make(parent, 2, &child)) ||
        !NT_SUCCESS(make(child, 3, &grandchild)))
        return;
    /* A second context with its own callbacks, on the child. */
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&a, EXTRA_CTX);
    a.EvtCleanupCallback = extra_cleanup;
    a.EvtDestroyCallback = extra_destroy;
    ev->ctx_ok = NT_SUCCESS(WdfObjectAllocateContext(child, &a, (PVOID *)&extra)) &&
                 extra == GetExtra(child) && extra->payload[0] == 0 &&
                 WdfObjectContextGetObject(extra) == child &&
                 WdfObjectContextGetObject(WdfObjectGet_CORE_CTX(child)) == child &&
                 WdfObjectAllocateContext(child, &a, (PVOID *)&extra) == STATUS_OBJECT_NAME_EXISTS &&
                 GetExtra(parent) == NULL;
    WdfObjectDelete(parent);
    g_ev = NULL;
}

static void scenario_refs(struct wdfcore_events *ev)
{
    WDFOBJECT o;
    g_ev = ev;
    if (!NT_SUCCESS(make(NULL, 1, &o)))
        return;
    WdfObjectReferenceWithTag(o, (PVOID)scenario_refs);
    WdfObjectDelete(o);                  /* cleanup now, destroy later */
    record(99);
    ev->alive_after_delete = WdfObjectGet_CORE_CTX(o)->magic == 0xC0DE;
    WdfObjectDereferenceWithTag(o, (PVOID)scenario_refs);   /* -> destroy */
    g_ev = NULL;
}

/* ---- deferred callbacks ---- */

static KEVENT g_done[4];
static struct wdfcore_deferred *g_def;
static volatile LONG g_ticks;
static WDFTIMER g_periodic;

static VOID NTAPI on_timer(WDFTIMER t) { (void)t; g_def->timer_irql = KeGetCurrentIrql(); KeSetEvent(&g_done[0], 0, FALSE); }
static VOID NTAPI on_ptimer(WDFTIMER t) { (void)t; g_def->passive_timer_irql = KeGetCurrentIrql(); KeSetEvent(&g_done[1], 0, FALSE); }
static VOID NTAPI on_dpc(WDFDPC d) { (void)d; g_def->dpc_irql = KeGetCurrentIrql(); KeSetEvent(&g_done[2], 0, FALSE); }
static VOID NTAPI on_work(WDFWORKITEM w) { (void)w; g_def->work_irql = KeGetCurrentIrql(); KeSetEvent(&g_done[3], 0, FALSE); }
static VOID NTAPI on_tick(WDFTIMER t) { (void)t; InterlockedIncrement(&g_ticks); }

static ULONG wait_done(int i)
{
    LARGE_INTEGER to;
    to.QuadPart = WDF_REL_TIMEOUT_IN_SEC(5);
    return KeWaitForSingleObject(&g_done[i], Executive, KernelMode, FALSE, &to) == STATUS_SUCCESS;
}

static void scenario_deferred(struct wdfcore_deferred *r)
{
    WDF_TIMER_CONFIG tc;
    WDF_DPC_CONFIG dc;
    WDF_WORKITEM_CONFIG wc;
    WDF_OBJECT_ATTRIBUTES a;
    WDFTIMER t, pt;
    WDFDPC dpc;
    WDFWORKITEM wi;

    g_def = r;
    r->timer_irql = r->passive_timer_irql = r->dpc_irql = r->work_irql = 0xFF;
    for (int i = 0; i < 4; i++)
        KeInitializeEvent(&g_done[i], NotificationEvent, FALSE);
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = g_device;
    WDF_TIMER_CONFIG_INIT(&tc, on_timer);
    tc.AutomaticSerialization = FALSE;
    if (!NT_SUCCESS(WdfTimerCreate(&tc, &a, &t)))
        return;
    WDF_TIMER_CONFIG_INIT(&tc, on_ptimer);
    a.ExecutionLevel = WdfExecutionLevelPassive;
    /* serialised with a dispatch-level device: incompatible levels */
    r->incompatible_refused = !NT_SUCCESS(WdfTimerCreate(&tc, &a, &pt));
    tc.AutomaticSerialization = FALSE;
    if (!NT_SUCCESS(WdfTimerCreate(&tc, &a, &pt)))
        return;
    a.ExecutionLevel = WdfExecutionLevelInheritFromParent;
    WDF_DPC_CONFIG_INIT(&dc, on_dpc);
    if (!NT_SUCCESS(WdfDpcCreate(&dc, &a, &dpc)))
        return;
    WDF_WORKITEM_CONFIG_INIT(&wc, on_work);
    wc.AutomaticSerialization = FALSE;
    if (!NT_SUCCESS(WdfWorkItemCreate(&wc, &a, &wi)))
        return;
    r->parent_ok = WdfTimerGetParentObject(t) == g_device && WdfDpcGetParentObject(dpc) == g_device &&
                   WdfWorkItemGetParentObject(wi) == g_device;

    WdfTimerStart(t, WDF_REL_TIMEOUT_IN_MS(1));
    WdfTimerStart(pt, WDF_REL_TIMEOUT_IN_MS(1));
    {
        KIRQL old;
        KeRaiseIrql(DISPATCH_LEVEL, &old);      /* the DPC cannot run before we lower */
        WdfDpcEnqueue(dpc);
        r->dpc_enqueue_twice = WdfDpcEnqueue(dpc);
        KeLowerIrql(old);
    }
    WdfWorkItemEnqueue(wi);
    for (int i = 0; i < 4; i++)
        wait_done(i);
    WdfWorkItemFlush(wi);

    WDF_TIMER_CONFIG_INIT_PERIODIC(&tc, on_tick, 5);
    tc.AutomaticSerialization = FALSE;
    g_ticks = 0;
    if (NT_SUCCESS(WdfTimerCreate(&tc, &a, &g_periodic))) {
        WdfTimerStart(g_periodic, WDF_REL_TIMEOUT_IN_MS(5));
        for (int i = 0; i < 200 && g_ticks < 3; i++) {
            LARGE_INTEGER d;
            d.QuadPart = WDF_REL_TIMEOUT_IN_MS(5);
            KeDelayExecutionThread(KernelMode, FALSE, &d);
        }
        WdfTimerStop(g_periodic, TRUE);
        r->periodic_ticks = (ULONG)g_ticks;
        WdfObjectDelete(g_periodic);
    }
    WdfObjectDelete(t);
    WdfObjectDelete(pt);
    WdfObjectDelete(dpc);
    WdfObjectDelete(wi);
    g_def = NULL;
}

/* ---- locks ---- */

static WDFWAITLOCK g_wl;
static KEVENT g_held, g_release;

static VOID NTAPI hold_lock(WDFWORKITEM w)
{
    (void)w;
    WdfWaitLockAcquire(g_wl, NULL);
    KeSetEvent(&g_held, 0, FALSE);
    KeWaitForSingleObject(&g_release, Executive, KernelMode, FALSE, NULL);
    WdfWaitLockRelease(g_wl);
}

static void scenario_locks(struct wdfcore_locks *r)
{
    WDFSPINLOCK sl;
    WDF_OBJECT_ATTRIBUTES a;
    WDF_WORKITEM_CONFIG wc;
    WDFWORKITEM wi;
    LONGLONG zero = 0, ten_ms = WDF_REL_TIMEOUT_IN_MS(10);

    if (!NT_SUCCESS(WdfSpinLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &sl)))
        return;
    WdfSpinLockAcquire(sl);
    r->spin_irql = KeGetCurrentIrql();
    WdfSpinLockRelease(sl);
    r->after_irql = KeGetCurrentIrql();
    WdfObjectDelete(sl);

    if (!NT_SUCCESS(WdfWaitLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &g_wl)))
        return;
    r->wait_first = WdfWaitLockAcquire(g_wl, &zero);
    if (NT_SUCCESS(r->wait_first))
        WdfWaitLockRelease(g_wl);
    KeInitializeEvent(&g_held, NotificationEvent, FALSE);
    KeInitializeEvent(&g_release, NotificationEvent, FALSE);
    WDF_OBJECT_ATTRIBUTES_INIT(&a);
    a.ParentObject = g_device;
    WDF_WORKITEM_CONFIG_INIT(&wc, hold_lock);
    wc.AutomaticSerialization = FALSE;
    if (NT_SUCCESS(WdfWorkItemCreate(&wc, &a, &wi))) {
        WdfWorkItemEnqueue(wi);
        KeWaitForSingleObject(&g_held, Executive, KernelMode, FALSE, NULL);
        r->wait_busy = WdfWaitLockAcquire(g_wl, &zero);
        r->wait_timed = WdfWaitLockAcquire(g_wl, &ten_ms);
        KeSetEvent(&g_release, 0, FALSE);
        WdfWorkItemFlush(wi);
        WdfObjectDelete(wi);
    }
    WdfObjectDelete(g_wl);
    WdfObjectAcquireLock(g_device);
    WdfObjectReleaseLock(g_device);
    r->device_lock_ok = 1;
}

static NTSTATUS NTAPI core_ioctl(PDEVICE_OBJECT d, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    ULONG code = sl->Parameters.DeviceIoControl.IoControlCode;
    ULONG out_len = sl->Parameters.DeviceIoControl.OutputBufferLength;
    ULONG in_len = sl->Parameters.DeviceIoControl.InputBufferLength;
    PVOID buf = irp->AssociatedIrp.SystemBuffer;
    NTSTATUS st = STATUS_SUCCESS;
    ULONG_PTR info = 0;
    WDFOBJECT o;
    (void)d;

    switch (code) {
    case IOCTL_WDFCORE_TREE:
    case IOCTL_WDFCORE_REFS:
        if (out_len < sizeof(struct wdfcore_events)) {
            st = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        RtlZeroMemory(buf, sizeof(struct wdfcore_events));
        if (code == IOCTL_WDFCORE_TREE)
            scenario_tree(buf);
        else
            scenario_refs(buf);
        info = sizeof(struct wdfcore_events);
        break;
    case IOCTL_WDFCORE_DEFERRED:
        if (out_len < sizeof(struct wdfcore_deferred)) {
            st = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        RtlZeroMemory(buf, sizeof(struct wdfcore_deferred));
        scenario_deferred(buf);
        info = sizeof(struct wdfcore_deferred);
        break;
    case IOCTL_WDFCORE_LOCKS:
        if (out_len < sizeof(struct wdfcore_locks)) {
            st = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        RtlZeroMemory(buf, sizeof(struct wdfcore_locks));
        scenario_locks(buf);
        info = sizeof(struct wdfcore_locks);
        break;
    case IOCTL_WDFCORE_CTX_MAKE:
        if (out_len < sizeof(ULONG64)) {
            st = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        st = make(NULL, 7, &o);
        if (NT_SUCCESS(st)) {
            *(ULONG64 *)buf = (ULONG64)(ULONG_PTR)o;
            info = sizeof(ULONG64);
        }
        break;
    case IOCTL_WDFCORE_CTX_PEEK: {
        if (in_len < sizeof(ULONG64) || out_len < 2 * sizeof(ULONG64)) {
            st = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        PCORE_CTX c = WdfObjectGet_CORE_CTX((WDFOBJECT)(ULONG_PTR)*(ULONG64 *)buf);
        ((ULONG64 *)buf)[0] = (ULONG64)(ULONG_PTR)c;
        ((ULONG64 *)buf)[1] = c ? c->magic : 0;
        info = 2 * sizeof(ULONG64);
        break;
    }
    case IOCTL_WDFCORE_TRAP: {
        /* A slot nobody implements yet, called the way the header's
         * wrappers call any slot. */
        typedef NTSTATUS (WDFAPI *PFN_ANY)(PWDF_DRIVER_GLOBALS, PVOID, PVOID, PVOID);
        NTSTATUS r = ((PFN_ANY)WdfFunctions[WdfInterruptCreateTableIndex])(
            WdfDriverGlobals, NULL, NULL, NULL);
        *(NTSTATUS *)buf = r;
        info = sizeof(NTSTATUS);
        break;
    }
    case IOCTL_WDFCORE_INFO: {
        struct wdfcore_info *i = buf;
        WDF_DRIVER_VERSION_AVAILABLE_PARAMS v;
        if (out_len < sizeof(*i)) {
            st = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        RtlZeroMemory(i, sizeof(*i));
        i->driver = (ULONG64)(ULONG_PTR)WdfGetDriver();
        i->device = (ULONG64)(ULONG_PTR)g_device;
        i->device_driver = (ULONG64)(ULONG_PTR)WdfDeviceGetDriver(g_device);
        i->wdm_driver = (ULONG64)(ULONG_PTR)WdfDriverWdmGetDriverObject(WdfGetDriver());
        i->wdm_device = (ULONG64)(ULONG_PTR)WdfDeviceWdmGetDeviceObject(g_device);
        i->back_device = (ULONG64)(ULONG_PTR)WdfWdmDeviceGetWdfDeviceHandle(
            WdfDeviceWdmGetDeviceObject(g_device));
        WDF_DRIVER_VERSION_AVAILABLE_PARAMS_INIT(&v, 1, 33);
        i->version_33 = WdfDriverIsVersionAvailable(WdfGetDriver(), &v);
        WDF_DRIVER_VERSION_AVAILABLE_PARAMS_INIT(&v, 1, 99);
        i->version_99 = WdfDriverIsVersionAvailable(WdfGetDriver(), &v);
        RtlCopyMemory(i->name, WdfDriverGlobals->DriverName, sizeof(i->name));
        i->globals = (ULONG64)(ULONG_PTR)WdfDriverGlobals;
        info = sizeof(*i);
        break;
    }
    case IOCTL_WDFCORE_BAD_TYPE:
        make(NULL, 1, &o);
        WdfDeviceGetDriver((WDFDEVICE)o);          /* a WDFOBJECT is not a WDFDEVICE */
        break;
    case IOCTL_WDFCORE_STALE:
        make(NULL, 1, &o);
        WdfObjectDelete(o);
        WdfObjectDelete(o);                        /* freed: not a live handle */
        break;
    case IOCTL_WDFCORE_DEREF_DEL:
        make(NULL, 1, &o);
        WdfObjectDereference(o);                   /* deleting by dereference */
        break;
    case IOCTL_WDFCORE_DEL_DRIVER:
        WdfObjectDelete(WdfGetDriver());           /* the driver may not */
        break;
    default:
        st = STATUS_INVALID_DEVICE_REQUEST;
    }
    irp->IoStatus.Status = st;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return st;
}

static NTSTATUS NTAPI core_ok(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static VOID NTAPI core_unload(WDFDRIVER Driver)
{
    (void)Driver;
    /* The control device goes with the driver's object tree. */
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDFDRIVER driver;
    PWDFDEVICE_INIT init;
    NTSTATUS st;
    DECLARE_CONST_UNICODE_STRING(name, L"\\Device\\" CORE_NAME);
    DECLARE_CONST_UNICODE_STRING(link, L"\\DosDevices\\" CORE_NAME);
    DECLARE_CONST_UNICODE_STRING(sddl, L"D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GRGW;;;WD)");

    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags = WdfDriverInitNonPnpDriver;
#ifndef CORE_DEFAULT_DISPATCH
    config.DriverInitFlags |= WdfDriverInitNoDispatchOverride;
#endif
    config.EvtDriverUnload = core_unload;
    config.DriverPoolTag = 'eroC';
    st = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, &driver);
    if (!NT_SUCCESS(st))
        return st;
    init = WdfControlDeviceInitAllocate(driver, &sddl);
    if (!init)
        return STATUS_INSUFFICIENT_RESOURCES;
    WdfDeviceInitSetDeviceType(init, FILE_DEVICE_UNKNOWN);
    WdfDeviceInitSetIoType(init, WdfDeviceIoBuffered);
    WdfDeviceInitSetExclusive(init, FALSE);
    st = WdfDeviceInitAssignName(init, &name);
    if (!NT_SUCCESS(st)) {
        WdfDeviceInitFree(init);
        return st;
    }
    st = WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES, &g_device);
    if (!NT_SUCCESS(st)) {
        WdfDeviceInitFree(init);
        return st;
    }
    st = WdfDeviceCreateSymbolicLink(g_device, &link);
    if (!NT_SUCCESS(st))
        return st;
#ifndef CORE_DEFAULT_DISPATCH
    DriverObject->MajorFunction[IRP_MJ_CREATE] = core_ok;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = core_ok;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = core_ok;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = core_ioctl;
#else
    (void)core_ok;
    (void)core_ioctl;
#endif
    WdfControlFinishInitializing(g_device);
    return STATUS_SUCCESS;
}
