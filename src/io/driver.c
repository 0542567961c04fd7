/*
 * driver.c - driver objects: creation by the loader, driver object
 * extensions, reinitialization callbacks, driver directories, teardown.
 *
 * A DRIVER_OBJECT is the body of an object-manager object named
 * \Driver\<service>, with its DRIVER_EXTENSION and our private state in
 * the same allocation (struct io_driver). Every MajorFunction slot starts
 * at io_invalid_device_request, so an IRP a driver does not handle fails
 * with STATUS_INVALID_DEVICE_REQUEST instead of jumping through NULL.
 *
 * All loaded drivers are on io_drivers (guarded by io_db_lock); a driver
 * pointer handed to an io_* function is validated against that list.
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "io/iodev.h"
#include "ke/ke.h"
#include "krnl/krnl.h"
#include "rtl/rtl.h"

#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

pthread_mutex_t io_db_lock = PTHREAD_MUTEX_INITIALIZER;

/* db: every driver object the loader created. */
static LIST_ENTRY io_drivers = { &io_drivers, &io_drivers };

static const WCHAR io_hw_database[] = L"\\REGISTRY\\MACHINE\\HARDWARE\\DESCRIPTION\\SYSTEM";

NTSTATUS NTAPI io_invalid_device_request(PDEVICE_OBJECT dev, PIRP irp)
{
    (void)dev;
    irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_INVALID_DEVICE_REQUEST;
}

struct io_size_query {
    const void *base;
    ULONG size;
};

static int io_module_size_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    struct io_size_query *q = data;
    ULONG_PTR lo = ~(ULONG_PTR)0, hi = 0;
    int i;

    (void)size;
    for (i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        if (info->dlpi_addr + ph->p_vaddr < lo)
            lo = info->dlpi_addr + ph->p_vaddr;
        if (info->dlpi_addr + ph->p_vaddr + ph->p_memsz > hi)
            hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
    }
    if (lo <= (ULONG_PTR)q->base && (ULONG_PTR)q->base < hi) {
        q->size = (ULONG)(hi - (ULONG_PTR)q->base);
        return 1;
    }
    return 0;
}

/* DriverSize: the extent of the module's loaded segments from its base. */
static ULONG io_module_size(const void *base)
{
    struct io_size_query q = { base, 0 };

    dl_iterate_phdr(io_module_size_cb, &q);
    return q.size;
}

static WCHAR *io_wcat(const WCHAR *a, const WCHAR *b)
{
    size_t na = rtl_wcslen(a), nb = rtl_wcslen(b);
    WCHAR *s = malloc((na + nb + 1) * sizeof(WCHAR));

    if (!s)
        return NULL;
    memcpy(s, a, na * sizeof(WCHAR));
    memcpy(s + na, b, nb * sizeof(WCHAR));
    s[na + nb] = 0;
    return s;
}

static void io_ustr_set(UNICODE_STRING *u, WCHAR *s)
{
    size_t n = rtl_wcslen(s);

    u->Buffer = s;
    u->Length = (USHORT)(n * sizeof(WCHAR));
    u->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
}

NTSTATUS io_driver_object_create(const WCHAR *service, const char *image_path,
                                 void *module, const void *module_base, int model,
                                 struct io_driver **out)
{
    struct io_driver *drv;
    PLIST_ENTRY e;
    NTSTATUS status;
    ULONG i;

    io_iodev_init();

    status = io_ob_create(IO_OBJ_DRIVER, sizeof(*drv), NULL, (void **)&drv);
    if (!NT_SUCCESS(status))
        return status;

    InitializeListHead(&drv->client_exts);
    InitializeListHead(&drv->reinit_list);
    InitializeListHead(&drv->link);
    drv->model = model;
    drv->image_path = image_path ? strdup(image_path) : NULL;
    drv->service_utf8 = rtl_wstr_to_utf8(service, (size_t)-1);
    drv->name_buf = io_wcat(L"\\Driver\\", service);
    drv->service_buf = io_wcat(L"", service);
    drv->regpath_buf = io_wcat(L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\",
                               service);
    if ((image_path && !drv->image_path) || !drv->service_utf8 || !drv->name_buf ||
        !drv->service_buf || !drv->regpath_buf) {
        ObDereferenceObject(&drv->obj);
        return STATUS_INSUFFICIENT_RESOURCES;
    }

    drv->obj.Type = IO_TYPE_DRIVER;
    drv->obj.Size = (CSHORT)sizeof(DRIVER_OBJECT);
    drv->obj.DriverExtension = &drv->ext;
    drv->obj.HardwareDatabase = (PUNICODE_STRING)&drv->hw_database;
    drv->hw_database.Buffer = (PWCH)io_hw_database;
    drv->hw_database.Length = (USHORT)(sizeof(io_hw_database) - sizeof(WCHAR));
    drv->hw_database.MaximumLength = (USHORT)sizeof(io_hw_database);
    io_ustr_set(&drv->obj.DriverName, drv->name_buf);
    drv->ext.DriverObject = &drv->obj;
    io_ustr_set(&drv->ext.ServiceKeyName, drv->service_buf);
    io_ustr_set(&drv->registry_path, drv->regpath_buf);
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        drv->obj.MajorFunction[i] = io_invalid_device_request;

    io_db_acquire();
    for (e = io_drivers.Flink; e != &io_drivers; e = e->Flink) {
        struct io_driver *other = CONTAINING_RECORD(e, struct io_driver, link);
        if (!rtl_wcsicmp(other->service_buf, drv->service_buf)) {
            io_db_release();
            ObDereferenceObject(&drv->obj);
            return STATUS_IMAGE_ALREADY_LOADED;
        }
    }
    InsertTailList(&io_drivers, &drv->link);
    io_db_release();

    status = io_ob_insert_name(drv, drv->name_buf);
    if (!NT_SUCCESS(status)) {
        io_db_acquire();
        RemoveEntryList(&drv->link);
        InitializeListHead(&drv->link);
        io_db_release();
        ObDereferenceObject(&drv->obj);
        return status;
    }
    /* From here the driver object owns the module (its delete procedure
     * unmaps it); on the failures above the caller still did. */
    drv->module = module;
    drv->module_base = module_base;
    if (module_base) {
        drv->obj.DriverStart = (PVOID)module_base;
        drv->obj.DriverSize = io_module_size(module_base);
    }
    *out = drv;
    return STATUS_SUCCESS;
}

/* The object manager frees the body after this: release what we own. */
void io_driver_delete_proc(struct io_driver *drv)
{
    PLIST_ENTRY e;

    /* Nothing of the driver can run any more: no device, no file, no
     * registration refers to it. Whatever pool it still holds is a leak. */
    if (drv->module) {
        /* A DPC routine of the driver may still be returning into the
         * module (a driver that forgot KeFlushQueuedDpcs in its unload):
         * on Windows that is a crash at some later point; here we wait for
         * running DPCs rather than unmap code under them. */
        if (KeGetCurrentIrql() == PASSIVE_LEVEL)
            KeFlushQueuedDpcs();
        if (drv->module_base)
            krnl_pool_report_leaks(drv->module_base, drv->service_utf8 ? drv->service_utf8 : "?");
        dlclose(drv->module);
        if (drv->module_base)
            krnl_pool_module_unloaded(drv->module_base);
        drv->module = NULL;
    }

    while (!IsListEmpty(&drv->client_exts)) {
        e = RemoveHeadList(&drv->client_exts);
        free(CONTAINING_RECORD(e, struct io_driver_client_ext, link));
    }
    while (!IsListEmpty(&drv->reinit_list)) {
        e = RemoveHeadList(&drv->reinit_list);
        free(CONTAINING_RECORD(e, struct io_reinit, link));
    }
    free(drv->image_path);
    free(drv->service_utf8);
    free(drv->name_buf);
    free(drv->service_buf);
    free(drv->regpath_buf);
}

struct io_driver *io_driver_from_object(PDRIVER_OBJECT d)
{
    struct io_driver *found = NULL;
    PLIST_ENTRY e;

    if (!d)
        return NULL;
    io_db_acquire();
    for (e = io_drivers.Flink; e != &io_drivers; e = e->Flink) {
        struct io_driver *drv = CONTAINING_RECORD(e, struct io_driver, link);
        if (&drv->obj == d) {
            found = drv;
            break;
        }
    }
    io_db_release();
    return found;
}

void io_driver_finish_init(struct io_driver *drv)
{
    PDEVICE_OBJECT d;

    io_db_acquire();
    for (d = drv->obj.DeviceObject; d; d = d->NextDevice)
        d->Flags &= ~DO_DEVICE_INITIALIZING;
    drv->obj.Flags |= DRVO_INITIALIZED;
    if (!drv->ext.AddDevice)
        drv->obj.Flags |= DRVO_LEGACY_DRIVER;
    io_db_release();
}

void io_driver_run_reinit(struct io_driver *drv)
{
    /* Each routine runs once per registration; a routine may register
     * itself again, which queues a new call (Windows' Count grows). */
    for (;;) {
        struct io_reinit *r;

        io_db_acquire();
        if (IsListEmpty(&drv->reinit_list)) {
            io_db_release();
            return;
        }
        r = CONTAINING_RECORD(RemoveHeadList(&drv->reinit_list), struct io_reinit, link);
        drv->reinit_count++;
        io_db_release();
        r->routine(&drv->obj, r->context, drv->reinit_count);
        free(r);
    }
}

NTSTATUS io_driver_teardown(struct io_driver *drv, BOOLEAN after_unload)
{
    PDEVICE_OBJECT d;
    ULONG leaked = 0;
    char *service = strdup(drv->service_utf8);

    io_db_acquire();
    drv->unloading = true;
    if (after_unload)
        drv->obj.Flags |= DRVO_UNLOAD_INVOKED;
    io_db_release();

    /* Name each device the driver left behind. */
    for (;;) {
        struct io_device *dev;
        char *name;

        io_db_acquire();
        d = drv->obj.DeviceObject;
        if (!d) {
            io_db_release();
            break;
        }
        dev = io_dev(d);
        name = dev->name ? rtl_wstr_to_utf8(dev->name, (size_t)-1) : NULL;
        if (after_unload) {
            /* Its dispatch routines may still be reached through the
             * device: the device (and through it the driver object and the
             * module) stays; only its name and its place in the driver's
             * list go, so the service can be loaded again. */
            drv->obj.DeviceObject = d->NextDevice;
            d->NextDevice = NULL;
        }
        io_db_release();
        leaked++;
        krnl_log(KRNL_LOG_ERROR, "io: driver %s leaked device object %p (%s) %s",
                 service ? service : "?", (void *)d, name ? name : "unnamed",
                 after_unload ? "after DriverUnload" : "after a failed DriverEntry");
        free(name);
        if (after_unload) {
            if (dev->name)
                io_ob_remove_name(dev);
        } else {
            io_device_force_delete(dev);
        }
    }
    io_interfaces_driver_unloading(drv);

    io_db_acquire();
    RemoveEntryList(&drv->link);
    InitializeListHead(&drv->link);
    io_db_release();
    io_ob_remove_name(drv);

    if (drv->module && io_ob_pointer_count(drv) > 1)
        krnl_log(KRNL_LOG_INFO, "io: driver %s is unloaded; its module stays mapped until "
                 "the last reference to its objects goes%s", service ? service : "?",
                 after_unload && leaked ? " (leaked devices: never)" : "");
    free(service);
    /* The delete procedure reports pool leaks and unmaps the module. */
    ObDereferenceObject(&drv->obj);
    return leaked && after_unload ? STATUS_DEVICE_BUSY : STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Driver object extensions                                            */

NTKERNELAPI NTSTATUS NTAPI IoAllocateDriverObjectExtension(
    PDRIVER_OBJECT DriverObject, PVOID ClientIdentificationAddress,
    ULONG DriverObjectExtensionSize, PVOID *DriverObjectExtension)
{
    struct io_driver *drv = io_drv(DriverObject);
    struct io_driver_client_ext *x;
    size_t hdr = ALIGN_UP_BY(sizeof(*x), 16);
    PLIST_ENTRY e;

    ke_check_irql_max(PASSIVE_LEVEL, "IoAllocateDriverObjectExtension");
    if (!DriverObject || !DriverObjectExtension)
        return STATUS_INVALID_PARAMETER;
    *DriverObjectExtension = NULL;
    x = calloc(1, hdr + DriverObjectExtensionSize);
    if (!x)
        return STATUS_INSUFFICIENT_RESOURCES;
    x->id = ClientIdentificationAddress;
    x->size = DriverObjectExtensionSize;

    io_db_acquire();
    for (e = drv->client_exts.Flink; e != &drv->client_exts; e = e->Flink) {
        if (CONTAINING_RECORD(e, struct io_driver_client_ext, link)->id ==
            ClientIdentificationAddress) {
            io_db_release();
            free(x);
            return STATUS_OBJECT_NAME_COLLISION;
        }
    }
    InsertTailList(&drv->client_exts, &x->link);
    io_db_release();
    *DriverObjectExtension = (char *)x + hdr;
    return STATUS_SUCCESS;
}

NTKERNELAPI PVOID NTAPI IoGetDriverObjectExtension(PDRIVER_OBJECT DriverObject,
                                                   PVOID ClientIdentificationAddress)
{
    struct io_driver *drv = io_drv(DriverObject);
    size_t hdr = ALIGN_UP_BY(sizeof(struct io_driver_client_ext), 16);
    PVOID found = NULL;
    PLIST_ENTRY e;

    ke_check_irql_max(DISPATCH_LEVEL, "IoGetDriverObjectExtension");
    if (!DriverObject)
        return NULL;
    io_db_acquire();
    for (e = drv->client_exts.Flink; e != &drv->client_exts; e = e->Flink) {
        struct io_driver_client_ext *x = CONTAINING_RECORD(e, struct io_driver_client_ext, link);
        if (x->id == ClientIdentificationAddress) {
            found = (char *)x + hdr;
            break;
        }
    }
    io_db_release();
    return found;
}

/* ------------------------------------------------------------------ */
/* Reinitialization                                                    */

NTKERNELAPI VOID NTAPI IoRegisterDriverReinitialization(
    PDRIVER_OBJECT DriverObject, PDRIVER_REINITIALIZE DriverReinitializationRoutine,
    PVOID Context)
{
    struct io_driver *drv = io_drv(DriverObject);
    struct io_reinit *r;

    ke_check_irql_max(PASSIVE_LEVEL, "IoRegisterDriverReinitialization");
    if (!DriverObject || !DriverReinitializationRoutine)
        return;
    r = calloc(1, sizeof(*r));
    if (!r) {
        krnl_log(KRNL_LOG_ERROR, "io: out of memory registering a reinitialization routine");
        return;
    }
    r->routine = DriverReinitializationRoutine;
    r->context = Context;
    io_db_acquire();
    DriverObject->Flags |= DRVO_REINIT_REGISTERED;
    InsertTailList(&drv->reinit_list, &r->link);
    io_db_release();
}

NTKERNELAPI VOID NTAPI IoRegisterBootDriverReinitialization(
    PDRIVER_OBJECT DriverObject, PDRIVER_REINITIALIZE DriverReinitializationRoutine,
    PVOID Context)
{
    /* There is no boot phase here: boot drivers are reinitialized like
     * others, right after their DriverEntry. */
    IoRegisterDriverReinitialization(DriverObject, DriverReinitializationRoutine, Context);
}

/* ------------------------------------------------------------------ */
/* Driver directories and paths                                        */

static NTSTATUS io_mkdir_p(char *path)
{
    char *p;

    for (p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            *p = '/';
            return STATUS_ACCESS_DENIED;
        }
        *p = '/';
    }
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return STATUS_ACCESS_DENIED;
    return STATUS_SUCCESS;
}

NTSTATUS io_driver_directory_path(PDRIVER_OBJECT DriverObject, int type, char *buf,
                                  size_t len)
{
    struct io_driver *drv = io_driver_from_object(DriverObject);
    char *slash;

    if (!drv)
        return STATUS_INVALID_PARAMETER;
    switch (type) {
    case DriverDirectoryImage:
        if (!drv->image_path)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        snprintf(buf, len, "%s", drv->image_path);
        slash = strrchr(buf, '/');
        if (slash && slash != buf)
            *slash = 0;
        else if (slash)
            slash[1] = 0;
        return STATUS_SUCCESS;
    case DriverDirectoryData:
        if ((size_t)snprintf(buf, len, "%s/DriverData/%s", krnl_root(), drv->service_utf8) >= len)
            return STATUS_NAME_TOO_LONG;
        return io_mkdir_p(buf);
    default:
        return STATUS_INVALID_PARAMETER;
    }
}

NTKERNELAPI NTSTATUS NTAPI IoGetDriverDirectory(PDRIVER_OBJECT DriverObject,
                                                DRIVER_DIRECTORY_TYPE DirectoryType,
                                                ULONG Flags, PHANDLE DriverDirectoryHandle)
{
    char path[4096];
    NTSTATUS status;

    ke_check_irql_max(PASSIVE_LEVEL, "IoGetDriverDirectory");
    if (!DriverObject || !DriverDirectoryHandle || Flags != 0)
        return STATUS_INVALID_PARAMETER;
    *DriverDirectoryHandle = NULL;
    if (DirectoryType == DriverDirectorySharedData) {
        krnl_log_once(KRNL_LOG_WARN, "io: IoGetDriverDirectory(DriverDirectorySharedData) "
                      "is not implemented");
        return STATUS_NOT_IMPLEMENTED;
    }
    status = io_driver_directory_path(DriverObject, DirectoryType, path, sizeof(path));
    if (!NT_SUCCESS(status))
        return status;
    return io_open_host_directory(path, DriverDirectoryHandle);
}

NTKERNELAPI NTSTATUS NTAPI IoQueryFullDriverPath(PDRIVER_OBJECT DriverObject,
                                                 PUNICODE_STRING FullPath)
{
    struct io_driver *drv;
    WCHAR *w;
    size_t n;

    ke_check_irql_max(PASSIVE_LEVEL, "IoQueryFullDriverPath");
    if (!DriverObject || !FullPath)
        return STATUS_INVALID_PARAMETER;
    drv = io_driver_from_object(DriverObject);
    if (!drv)
        return STATUS_INVALID_PARAMETER;
    if (!drv->image_path)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    w = rtl_utf8_to_wstr(drv->image_path, (size_t)-1);
    if (!w)
        return STATUS_INSUFFICIENT_RESOURCES;
    n = rtl_wcslen(w);
    if ((n + 1) * sizeof(WCHAR) > UNICODE_STRING_MAX_BYTES) {
        free(w);
        return STATUS_NAME_TOO_LONG;
    }
    /* The caller frees the buffer with ExFreePool. */
    FullPath->Buffer = ExAllocatePool2(POOL_FLAG_PAGED, (n + 1) * sizeof(WCHAR), 'pDoI');
    if (!FullPath->Buffer) {
        free(w);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memcpy(FullPath->Buffer, w, (n + 1) * sizeof(WCHAR));
    FullPath->Length = (USHORT)(n * sizeof(WCHAR));
    FullPath->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
    free(w);
    return STATUS_SUCCESS;
}
