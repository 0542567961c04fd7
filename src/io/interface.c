/*
 * interface.c - device interfaces and interface-change notifications.
 *
 * An interface is (PDO, class GUID, reference string). Registering one
 * names it in the Windows form
 *     \??\<instance id, '\' -> '#'>#{class guid}[\<reference string>]
 * and remembers it (in memory: the DeviceClasses registry tree comes with
 * the PnP manager). Enabling creates the symbolic link
 *     \GLOBAL??\<instance id #>#{guid}  ->  the PDO's device name
 * (without the reference string: an open of "...#{guid}\ref" resolves the
 * link and hands "\ref" to the driver as FileName), and disabling removes
 * it; several reference strings of one (PDO, GUID) share that link, which
 * lives while any of them is enabled.
 *
 * Arrival and removal are announced to IoRegisterPlugPlayNotification
 * callbacks at PASSIVE_LEVEL on a worker, one at a time and in the order
 * the state changes happened: events go on one FIFO, drained by a single
 * work item at a time. Each registration counts the callbacks running on
 * it; IoUnregisterPlugPlayNotification(Ex) waits for them (except from
 * inside its own callback), so no callback runs after it returns.
 *
 * Locking: the interface list and registration list are guarded by
 * io_db_lock; the event FIFO by io_notify_lock (leaf). Callbacks run with
 * no lock held.
 */
#define _GNU_SOURCE
#include <wdm.h>
#include <wdmguid.h>
#include "io/iodev.h"
#include "ke/ke.h"
#include "krnl/krnl.h"
#include "rtl/rtl.h"
#include "pnp/pnp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define io_guid_arrival GUID_DEVICE_INTERFACE_ARRIVAL
#define io_guid_removal GUID_DEVICE_INTERFACE_REMOVAL

#define IO_IFACE_TAG 'fIoI'

struct io_interface {
    LIST_ENTRY link;            /* db: io_ifaces */
    struct io_device *pdo;      /* not referenced: removed when the PDO is deleted */
    GUID guid;
    WCHAR *name;                /* \??\...#{guid}[\ref] */
    size_t base_cch;            /* WCHARs of name without "\ref" */
    bool enabled;               /* db */
};

struct io_notify_reg {
    LIST_ENTRY link;            /* db: io_regs */
    GUID guid;
    PDRIVER_NOTIFICATION_CALLBACK_ROUTINE callback;
    PVOID context;
    PDRIVER_OBJECT driver;      /* referenced while registered */
    bool unregistered;          /* db */
    LONG running;               /* db: callbacks in progress */
    LONG refs;                  /* db: queued events + 1 while registered */
};

struct io_notify_event {
    LIST_ENTRY link;            /* io_notify_lock: io_events */
    struct io_notify_reg *reg;  /* holds a reg reference */
    GUID event;
    GUID class_guid;
    WCHAR *name;
};

static LIST_ENTRY io_ifaces = { &io_ifaces, &io_ifaces };
static LIST_ENTRY io_regs = { &io_regs, &io_regs };

static pthread_mutex_t io_notify_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t io_notify_cond = PTHREAD_COND_INITIALIZER;   /* with io_db_lock */
static LIST_ENTRY io_events = { &io_events, &io_events };
static bool io_drainer_queued;          /* io_notify_lock */
static WORK_QUEUE_ITEM io_drain_item;   /* io_notify_lock */
static pthread_t io_drainer_thread;     /* valid while a callback runs */
static volatile int io_drainer_active;

void io_interfaces_init(void)
{
}

static void io_format_guid(WCHAR *out, const GUID *g)
{
    char buf[40];
    size_t i;

    snprintf(buf, sizeof(buf), "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
             (unsigned)g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2],
             g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
    for (i = 0; buf[i]; i++)
        out[i] = (WCHAR)buf[i];
    out[i] = 0;
}

/* Drops a registration reference (db held). Returns the driver object
 * whose reference the caller must drop after releasing the lock (the last
 * driver reference may unmap a module: never under io_db_lock), or NULL. */
static PDRIVER_OBJECT io_reg_put_locked(struct io_notify_reg *reg)
{
    PDRIVER_OBJECT drv = NULL;

    if (--reg->refs == 0) {
        drv = reg->driver;
        free(reg);
    }
    return drv;
}

/* ------------------------------------------------------------------ */
/* Notification delivery                                               */

static void NTAPI io_notify_drain(PVOID unused)
{
    (void)unused;
    for (;;) {
        struct io_notify_event *ev;
        struct io_notify_reg *reg;
        PDRIVER_OBJECT drv;
        DEVICE_INTERFACE_CHANGE_NOTIFICATION n;
        UNICODE_STRING name;
        bool deliver;

        pthread_mutex_lock(&io_notify_lock);
        if (IsListEmpty(&io_events)) {
            io_drainer_queued = false;
            pthread_mutex_unlock(&io_notify_lock);
            return;
        }
        ev = CONTAINING_RECORD(RemoveHeadList(&io_events), struct io_notify_event, link);
        pthread_mutex_unlock(&io_notify_lock);

        reg = ev->reg;
        io_db_acquire();
        deliver = !reg->unregistered;
        if (deliver)
            reg->running++;
        io_db_release();

        if (deliver) {
            memset(&n, 0, sizeof(n));
            n.Version = 1;
            n.Size = (USHORT)sizeof(n);
            n.Event = ev->event;
            n.InterfaceClassGuid = ev->class_guid;
            name.Buffer = ev->name;
            name.Length = (USHORT)(rtl_wcslen(ev->name) * sizeof(WCHAR));
            name.MaximumLength = (USHORT)(name.Length + sizeof(WCHAR));
            n.SymbolicLinkName = &name;
            io_drainer_thread = pthread_self();
            __atomic_store_n(&io_drainer_active, 1, __ATOMIC_RELEASE);
            reg->callback(&n, reg->context);
            __atomic_store_n(&io_drainer_active, 0, __ATOMIC_RELEASE);
        }

        io_db_acquire();
        if (deliver) {
            reg->running--;
            pthread_cond_broadcast(&io_notify_cond);
        }
        drv = io_reg_put_locked(reg);
        io_db_release();
        if (drv)
            ObDereferenceObject(drv);
        free(ev->name);
        free(ev);
    }
}

/* Queues one event for one registration. Called with io_db_lock held
 * (takes a registration reference under it). */
static void io_notify_queue_locked(struct io_notify_reg *reg, const GUID *event,
                                   const struct io_interface *itf)
{
    struct io_notify_event *ev = calloc(1, sizeof(*ev));
    bool start = false;

    if (ev)
        ev->name = rtl_wcsndup(itf->name, rtl_wcslen(itf->name));
    if (!ev || !ev->name) {
        krnl_log(KRNL_LOG_ERROR, "io: out of memory: interface notification lost");
        if (ev)
            free(ev);
        return;
    }
    ev->reg = reg;
    reg->refs++;
    ev->event = *event;
    ev->class_guid = itf->guid;
    pthread_mutex_lock(&io_notify_lock);
    InsertTailList(&io_events, &ev->link);
    if (!io_drainer_queued) {
        io_drainer_queued = true;
        start = true;
    }
    pthread_mutex_unlock(&io_notify_lock);
    if (start) {
        ExInitializeWorkItem(&io_drain_item, io_notify_drain, NULL);
        ExQueueWorkItem(&io_drain_item, DelayedWorkQueue);
    }
}

static void io_notify_all_locked(const GUID *event, const struct io_interface *itf)
{
    PLIST_ENTRY e;

    for (e = io_regs.Flink; e != &io_regs; e = e->Flink) {
        struct io_notify_reg *reg = CONTAINING_RECORD(e, struct io_notify_reg, link);
        if (!reg->unregistered && IsEqualGUID(&reg->guid, &itf->guid))
            io_notify_queue_locked(reg, event, itf);
    }
}

/* ------------------------------------------------------------------ */
/* Registration and state                                              */

static struct io_interface *io_iface_find_locked(const WCHAR *name, size_t cch)
{
    PLIST_ENTRY e;

    for (e = io_ifaces.Flink; e != &io_ifaces; e = e->Flink) {
        struct io_interface *itf = CONTAINING_RECORD(e, struct io_interface, link);
        if (rtl_wcslen(itf->name) == cch && !rtl_wcsnicmp(itf->name, name, cch))
            return itf;
    }
    return NULL;
}

static NTSTATUS io_ustr_dup_pool(const WCHAR *s, PUNICODE_STRING out)
{
    size_t n = rtl_wcslen(s);

    if ((n + 1) * sizeof(WCHAR) > UNICODE_STRING_MAX_BYTES)
        return STATUS_NAME_TOO_LONG;
    /* The caller frees it with RtlFreeUnicodeString. */
    out->Buffer = ExAllocatePool2(POOL_FLAG_PAGED, (n + 1) * sizeof(WCHAR), IO_IFACE_TAG);
    if (!out->Buffer)
        return STATUS_INSUFFICIENT_RESOURCES;
    memcpy(out->Buffer, s, (n + 1) * sizeof(WCHAR));
    out->Length = (USHORT)(n * sizeof(WCHAR));
    out->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS NTAPI IoRegisterDeviceInterface(PDEVICE_OBJECT PhysicalDeviceObject,
                                                     const GUID *InterfaceClassGuid,
                                                     PUNICODE_STRING ReferenceString,
                                                     PUNICODE_STRING SymbolicLinkName)
{
    struct io_device *pdo = io_dev(PhysicalDeviceObject);
    struct io_interface *itf, *old;
    size_t id_cch, ref_cch = 0, n, i;
    WCHAR guid[40], *name, *p;
    NTSTATUS status;

    ke_check_irql_max(PASSIVE_LEVEL, "IoRegisterDeviceInterface");
    if (!PhysicalDeviceObject || !InterfaceClassGuid || !SymbolicLinkName)
        return STATUS_INVALID_PARAMETER;
    io_iodev_init();
    if (ReferenceString && ReferenceString->Length) {
        if (!ReferenceString->Buffer || (ReferenceString->Length & 1))
            return STATUS_INVALID_PARAMETER;
        ref_cch = ReferenceString->Length / sizeof(WCHAR);
        for (i = 0; i < ref_cch; i++)
            if (ReferenceString->Buffer[i] == L'\\' || ReferenceString->Buffer[i] == L'/' ||
                ReferenceString->Buffer[i] == 0)
                return STATUS_INVALID_PARAMETER;
    }
    io_format_guid(guid, InterfaceClassGuid);

    io_db_acquire();
    if (!pdo->is_pdo || !pdo->instance_id || pdo->delete_pending) {
        io_db_release();
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    id_cch = rtl_wcslen(pdo->instance_id);
    n = 4 + id_cch + 1 + 38 + (ref_cch ? 1 + ref_cch : 0);
    name = malloc((n + 1) * sizeof(WCHAR));
    itf = calloc(1, sizeof(*itf));
    if (!name || !itf) {
        io_db_release();
        free(name);
        free(itf);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    p = name;
    memcpy(p, L"\\??\\", 4 * sizeof(WCHAR));
    p += 4;
    for (i = 0; i < id_cch; i++)
        *p++ = pdo->instance_id[i] == L'\\' ? L'#' : pdo->instance_id[i];
    *p++ = L'#';
    memcpy(p, guid, 38 * sizeof(WCHAR));
    p += 38;
    itf->base_cch = (size_t)(p - name);
    if (ref_cch) {
        *p++ = L'\\';
        memcpy(p, ReferenceString->Buffer, ref_cch * sizeof(WCHAR));
        p += ref_cch;
    }
    *p = 0;

    old = io_iface_find_locked(name, rtl_wcslen(name));
    if (old) {
        /* Registering again returns the same name. */
        free(itf);
    } else {
        itf->pdo = pdo;
        itf->guid = *InterfaceClassGuid;
        itf->name = name;
        InsertTailList(&io_ifaces, &itf->link);
        name = NULL;
    }
    io_db_release();
    status = io_ustr_dup_pool(old ? old->name : itf->name, SymbolicLinkName);
    free(name);
    return status;
}

/* Does any other enabled interface share itf's link? (db held) */
static bool io_iface_link_shared_locked(const struct io_interface *itf)
{
    PLIST_ENTRY e;

    for (e = io_ifaces.Flink; e != &io_ifaces; e = e->Flink) {
        struct io_interface *o = CONTAINING_RECORD(e, struct io_interface, link);
        if (o != itf && o->enabled && o->base_cch == itf->base_cch &&
            !rtl_wcsnicmp(o->name, itf->name, itf->base_cch))
            return true;
    }
    return false;
}

static NTSTATUS io_iface_set_state(struct io_interface *itf, bool enable)
{
    NTSTATUS status = STATUS_SUCCESS;
    bool shared;
    WCHAR *target;

    /* Link changes happen outside io_db_lock (ob calls may call back into
     * io); the state flip and the notifications happen under it, so the
     * events are queued in state order. */
    io_db_acquire();
    if (itf->enabled == enable) {
        io_db_release();
        return enable ? STATUS_OBJECT_NAME_EXISTS : STATUS_OBJECT_NAME_NOT_FOUND;
    }
    shared = io_iface_link_shared_locked(itf);
    target = itf->pdo->name ? rtl_wcsndup(itf->pdo->name, rtl_wcslen(itf->pdo->name)) : NULL;
    io_db_release();

    if (enable && !target) {
        /* A PDO always has a (generated) name on Windows. */
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (!shared) {
        if (enable)
            status = io_ob_symlink_create(itf->name, itf->base_cch, target, rtl_wcslen(target));
        else
            status = io_ob_symlink_delete(itf->name, itf->base_cch);
        if (!enable && status == STATUS_OBJECT_NAME_NOT_FOUND)
            status = STATUS_SUCCESS;
    }
    free(target);
    if (!NT_SUCCESS(status))
        return status;

    io_db_acquire();
    itf->enabled = enable;
    io_notify_all_locked(enable ? &io_guid_arrival : &io_guid_removal, itf);
    io_db_release();
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS NTAPI IoSetDeviceInterfaceState(PUNICODE_STRING SymbolicLinkName,
                                                     BOOLEAN Enable)
{
    struct io_interface *itf;

    ke_check_irql_max(PASSIVE_LEVEL, "IoSetDeviceInterfaceState");
    if (!SymbolicLinkName || !SymbolicLinkName->Buffer || !SymbolicLinkName->Length)
        return STATUS_INVALID_PARAMETER;
    io_db_acquire();
    itf = io_iface_find_locked(SymbolicLinkName->Buffer, SymbolicLinkName->Length / sizeof(WCHAR));
    io_db_release();
    if (!itf)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    /* Enabling an enabled interface: STATUS_OBJECT_NAME_EXISTS (a success
     * code); disabling a disabled one: STATUS_OBJECT_NAME_NOT_FOUND. */
    return io_iface_set_state(itf, Enable != FALSE);
}

void io_interfaces_device_deleted(struct io_device *dev)
{
    for (;;) {
        struct io_interface *itf = NULL;
        PLIST_ENTRY e;

        io_db_acquire();
        for (e = io_ifaces.Flink; e != &io_ifaces; e = e->Flink) {
            struct io_interface *o = CONTAINING_RECORD(e, struct io_interface, link);
            if (o->pdo == dev) {
                itf = o;
                break;
            }
        }
        io_db_release();
        if (!itf)
            return;
        io_iface_set_state(itf, false);
        io_db_acquire();
        RemoveEntryList(&itf->link);
        io_db_release();
        free(itf->name);
        free(itf);
    }
}

NTKERNELAPI NTSTATUS NTAPI IoGetDeviceInterfaces(const GUID *InterfaceClassGuid,
                                                 PDEVICE_OBJECT PhysicalDeviceObject,
                                                 ULONG Flags, PZZWSTR *SymbolicLinkList)
{
    size_t total = 1, off = 0;
    PLIST_ENTRY e;
    WCHAR *list;

    ke_check_irql_max(PASSIVE_LEVEL, "IoGetDeviceInterfaces");
    if (!InterfaceClassGuid || !SymbolicLinkList)
        return STATUS_INVALID_PARAMETER;
    *SymbolicLinkList = NULL;
    io_iodev_init();
    io_db_acquire();
    if (PhysicalDeviceObject && !io_dev(PhysicalDeviceObject)->is_pdo) {
        io_db_release();
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    for (e = io_ifaces.Flink; e != &io_ifaces; e = e->Flink) {
        struct io_interface *itf = CONTAINING_RECORD(e, struct io_interface, link);
        if (IsEqualGUID(&itf->guid, InterfaceClassGuid) &&
            (!PhysicalDeviceObject || &itf->pdo->obj == PhysicalDeviceObject) &&
            (itf->enabled || (Flags & DEVICE_INTERFACE_INCLUDE_NONACTIVE)))
            total += rtl_wcslen(itf->name) + 1;
    }
    /* The caller frees the list with ExFreePool. */
    list = ExAllocatePool2(POOL_FLAG_PAGED, (total + 1) * sizeof(WCHAR), IO_IFACE_TAG);
    if (!list) {
        io_db_release();
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (e = io_ifaces.Flink; e != &io_ifaces; e = e->Flink) {
        struct io_interface *itf = CONTAINING_RECORD(e, struct io_interface, link);
        if (IsEqualGUID(&itf->guid, InterfaceClassGuid) &&
            (!PhysicalDeviceObject || &itf->pdo->obj == PhysicalDeviceObject) &&
            (itf->enabled || (Flags & DEVICE_INTERFACE_INCLUDE_NONACTIVE))) {
            size_t n = rtl_wcslen(itf->name);
            memcpy(list + off, itf->name, (n + 1) * sizeof(WCHAR));
            off += n + 1;
        }
    }
    io_db_release();
    list[off] = 0;
    list[off + 1 <= total ? off + 1 : total] = 0;
    *SymbolicLinkList = list;
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS NTAPI IoGetDeviceInterfaceAlias(PUNICODE_STRING SymbolicLinkName,
                                                     const GUID *AliasInterfaceClassGuid,
                                                     PUNICODE_STRING AliasSymbolicLinkName)
{
    struct io_interface *itf, *alias = NULL;
    const WCHAR *ref;
    size_t ref_cch;
    PLIST_ENTRY e;
    NTSTATUS status;

    ke_check_irql_max(PASSIVE_LEVEL, "IoGetDeviceInterfaceAlias");
    if (!SymbolicLinkName || !SymbolicLinkName->Buffer || !AliasInterfaceClassGuid ||
        !AliasSymbolicLinkName)
        return STATUS_INVALID_PARAMETER;
    io_db_acquire();
    itf = io_iface_find_locked(SymbolicLinkName->Buffer, SymbolicLinkName->Length / sizeof(WCHAR));
    if (!itf) {
        io_db_release();
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    ref = itf->name + itf->base_cch;
    ref_cch = rtl_wcslen(ref);
    for (e = io_ifaces.Flink; e != &io_ifaces; e = e->Flink) {
        struct io_interface *o = CONTAINING_RECORD(e, struct io_interface, link);
        if (o->pdo == itf->pdo && IsEqualGUID(&o->guid, AliasInterfaceClassGuid) &&
            rtl_wcslen(o->name + o->base_cch) == ref_cch &&
            !rtl_wcsnicmp(o->name + o->base_cch, ref, ref_cch)) {
            alias = o;
            break;
        }
    }
    if (!alias) {
        io_db_release();
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    status = io_ustr_dup_pool(alias->name, AliasSymbolicLinkName);
    io_db_release();
    return status;
}

/* ------------------------------------------------------------------ */
/* Notification registration                                           */

NTKERNELAPI NTSTATUS NTAPI IoRegisterPlugPlayNotification(
    IO_NOTIFICATION_EVENT_CATEGORY EventCategory, ULONG EventCategoryFlags,
    PVOID EventCategoryData, PDRIVER_OBJECT DriverObject,
    PDRIVER_NOTIFICATION_CALLBACK_ROUTINE CallbackRoutine, PVOID Context,
    PVOID *NotificationEntry)
{
    struct io_notify_reg *reg;
    PLIST_ENTRY e;

    ke_check_irql_max(PASSIVE_LEVEL, "IoRegisterPlugPlayNotification");
    if (!NotificationEntry)
        return STATUS_INVALID_PARAMETER;
    *NotificationEntry = NULL;
    if (!DriverObject || !CallbackRoutine)
        return STATUS_INVALID_PARAMETER;
    io_iodev_init();
    if (EventCategory == EventCategoryTargetDeviceChange)   /* the PnP manager's */
        return pnp_target_register((PFILE_OBJECT)EventCategoryData, DriverObject,
                                   CallbackRoutine, Context, NotificationEntry);
    if (EventCategory != EventCategoryDeviceInterfaceChange) {
        krnl_log_once(KRNL_LOG_WARN, "io: IoRegisterPlugPlayNotification: only "
                      "EventCategoryDeviceInterfaceChange is implemented");
        return STATUS_NOT_IMPLEMENTED;
    }
    if (!EventCategoryData)
        return STATUS_INVALID_PARAMETER;
    reg = calloc(1, sizeof(*reg));
    if (!reg)
        return STATUS_INSUFFICIENT_RESOURCES;
    reg->guid = *(const GUID *)EventCategoryData;
    reg->callback = CallbackRoutine;
    reg->context = Context;
    reg->driver = DriverObject;
    reg->refs = 1;
    ObReferenceObject(DriverObject);

    io_db_acquire();
    InsertTailList(&io_regs, &reg->link);
    if (EventCategoryFlags & PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES) {
        for (e = io_ifaces.Flink; e != &io_ifaces; e = e->Flink) {
            struct io_interface *itf = CONTAINING_RECORD(e, struct io_interface, link);
            if (itf->enabled && IsEqualGUID(&itf->guid, &reg->guid))
                io_notify_queue_locked(reg, &io_guid_arrival, itf);
        }
    }
    io_db_release();
    *NotificationEntry = reg;
    return STATUS_SUCCESS;
}

static NTSTATUS io_unregister(PVOID NotificationEntry)
{
    struct io_notify_reg *reg = NotificationEntry;
    PDRIVER_OBJECT drv;
    bool in_callback;
    PLIST_ENTRY e;
    bool found = false;

    if (!reg)
        return STATUS_INVALID_PARAMETER;
    if (pnp_target_unregister(NotificationEntry) != STATUS_NOT_FOUND)
        return STATUS_SUCCESS;
    in_callback = __atomic_load_n(&io_drainer_active, __ATOMIC_ACQUIRE) &&
                  pthread_equal(io_drainer_thread, pthread_self());
    io_db_acquire();
    for (e = io_regs.Flink; e != &io_regs; e = e->Flink)
        if (e == &reg->link) {
            found = true;
            break;
        }
    if (!found || reg->unregistered) {
        io_db_release();
        return STATUS_INVALID_PARAMETER;
    }
    reg->unregistered = true;
    RemoveEntryList(&reg->link);
    InitializeListHead(&reg->link);
    /* No callback runs on this registration once we return (except the
     * one we may be called from). */
    while (reg->running > (in_callback ? 1 : 0))
        pthread_cond_wait(&io_notify_cond, &io_db_lock);
    drv = io_reg_put_locked(reg);
    io_db_release();
    if (drv)
        ObDereferenceObject(drv);
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS NTAPI IoUnregisterPlugPlayNotification(PVOID NotificationEntry)
{
    ke_check_irql_max(PASSIVE_LEVEL, "IoUnregisterPlugPlayNotification");
    return io_unregister(NotificationEntry);
}

NTKERNELAPI NTSTATUS NTAPI IoUnregisterPlugPlayNotificationEx(PVOID NotificationEntry)
{
    ke_check_irql_max(PASSIVE_LEVEL, "IoUnregisterPlugPlayNotificationEx");
    return io_unregister(NotificationEntry);
}

void io_interfaces_driver_unloading(struct io_driver *drv)
{
    PLIST_ENTRY e;
    ULONG n = 0;

    io_db_acquire();
    for (e = io_regs.Flink; e != &io_regs; e = e->Flink)
        if (CONTAINING_RECORD(e, struct io_notify_reg, link)->driver == &drv->obj)
            n++;
    io_db_release();
    if (n)
        krnl_log(KRNL_LOG_ERROR, "io: driver %s unloaded with %u PnP notification "
                 "registration(s) still active (IoUnregisterPlugPlayNotification missing)",
                 drv->service_utf8, (unsigned)n);
}
