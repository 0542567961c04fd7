/*
 * loader.c - loading and unloading driver modules.
 *
 * A driver module is a shared object built by ddk-cc (or ddk_add_driver)
 * with the entry stub, which exports one data symbol, ddk_driver_info
 * (ddk/driver_abi.h). Loading is: dlopen(RTLD_NOW | RTLD_LOCAL) so that
 * every DDI import is bound before any driver code runs and two drivers
 * never see each other's symbols; check the record's magic and ABI
 * version; create the DRIVER_OBJECT \Driver\<service>; call DriverEntry
 * at PASSIVE_LEVEL with the service's registry path; then clear
 * DO_DEVICE_INITIALIZING on the devices DriverEntry created, as the
 * Windows I/O manager does. A DriverEntry that fails gets no DriverUnload
 * call (Windows does not make one either): whatever it left behind is
 * reported as a leak and the module is unmapped.
 *
 * Unloading is DriverUnload, then the leak report (device objects the
 * driver did not delete, by name; pool allocations by tag), then dlclose.
 * The module belongs to the driver object, and every device object holds
 * a reference on its driver object (every file object and queued work
 * item one on its device): the pool report and dlclose happen in the
 * driver object's delete procedure, once nothing can call into the module
 * any more. Normally that is inside io_unload_driver; a file still open
 * on a deleted device delays it to that file's IRP_MJ_CLOSE; a device the
 * driver leaked keeps the module mapped for good, because unmapping code
 * that can still be called turns a leak into a crash.
 *
 * Status mapping (what a caller sees):
 *   file missing                        STATUS_OBJECT_NAME_NOT_FOUND
 *   not a loadable module               STATUS_INVALID_IMAGE_FORMAT
 *   a DDI import the executive lacks    STATUS_DRIVER_ENTRYPOINT_NOT_FOUND
 *   no ddk_driver_info record           STATUS_DRIVER_ENTRYPOINT_NOT_FOUND
 *   bad magic / ABI version / no entry  STATUS_INVALID_IMAGE_FORMAT
 *   service already loaded              STATUS_IMAGE_ALREADY_LOADED
 *   DriverEntry's failure               its own status
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "io/iodev.h"
#include "krnl/krnl.h"
#include "rtl/rtl.h"
#include "store/driverstore.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ddk/driver_abi.h>

static NTSTATUS io_loader_open_module(const char *path, void **module,
                                      const struct ddk_driver_info **info)
{
    struct stat st;
    const char *err;
    void *m;
    const struct ddk_driver_info *di;

    if (stat(path, &st) != 0)
        return errno == ENOENT || errno == ENOTDIR ? STATUS_OBJECT_NAME_NOT_FOUND
                                                   : STATUS_ACCESS_DENIED;
    if (!S_ISREG(st.st_mode))
        return STATUS_INVALID_IMAGE_FORMAT;

    dlerror();
    m = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!m) {
        err = dlerror();
        krnl_log(KRNL_LOG_ERROR, "io: cannot load driver module %s: %s", path,
                 err ? err : "unknown error");
        /* An unresolved import is a DDI this executive does not provide:
         * Windows reports a missing import of a driver the same way. */
        if (err && strstr(err, "undefined symbol"))
            return STATUS_DRIVER_ENTRYPOINT_NOT_FOUND;
        return STATUS_INVALID_IMAGE_FORMAT;
    }

    di = dlsym(m, DDK_DRIVER_INFO_SYMBOL);
    if (!di) {
        krnl_log(KRNL_LOG_ERROR, "io: %s has no %s: not built by ddk-cc", path,
                 DDK_DRIVER_INFO_SYMBOL);
        dlclose(m);
        return STATUS_DRIVER_ENTRYPOINT_NOT_FOUND;
    }
    if (di->magic != DDK_DRIVER_INFO_MAGIC) {
        krnl_log(KRNL_LOG_ERROR, "io: %s: bad driver record magic 0x%08x", path,
                 di->magic);
        dlclose(m);
        return STATUS_INVALID_IMAGE_FORMAT;
    }
    if (di->abi_version != DDK_DRIVER_ABI_VERSION) {
        krnl_log(KRNL_LOG_ERROR, "io: %s: driver ABI version %u, this executive speaks %u",
                 path, di->abi_version, DDK_DRIVER_ABI_VERSION);
        dlclose(m);
        return STATUS_INVALID_IMAGE_FORMAT;
    }
    if (!di->driver_entry) {
        krnl_log(KRNL_LOG_ERROR, "io: %s: driver record without DriverEntry", path);
        dlclose(m);
        return STATUS_INVALID_IMAGE_FORMAT;
    }
    *module = m;
    *info = di;
    return STATUS_SUCCESS;
}

/* Calls DriverEntry the way the I/O manager does: at PASSIVE_LEVEL, and the
 * driver must come back at PASSIVE_LEVEL. */
static NTSTATUS io_loader_call_entry(struct io_driver *drv,
                                     const struct ddk_driver_info *info)
{
    NTSTATUS status;
    KIRQL irql = KeGetCurrentIrql();

    if (irql != PASSIVE_LEVEL)
        krnl_bugcheck(IO_BC_IRQL_NOT_LESS_OR_EQUAL, irql, PASSIVE_LEVEL, 0, 0,
                      drv->service_utf8, "io_load_driver called at IRQL %u", irql);
    drv->obj.DriverInit = (PDRIVER_INITIALIZE)info->driver_entry;
    status = info->driver_entry(&drv->obj, &drv->registry_path);
    irql = KeGetCurrentIrql();
    if (irql != PASSIVE_LEVEL)
        krnl_bugcheck(IO_BC_IRQL_UNEXPECTED_VALUE, irql, 0, 0, 0,
                      drv->service_utf8, "DriverEntry returned at IRQL %u", irql);
    return status;
}

NTSTATUS io_load_driver(const char *path, const WCHAR *service_name,
                        PDRIVER_OBJECT *driver)
{
    char abs[PATH_MAX];
    void *module = NULL;
    const struct ddk_driver_info *info = NULL;
    struct io_driver *drv = NULL;
    NTSTATUS status;

    if (!path || !service_name || !driver || !*service_name)
        return STATUS_INVALID_PARAMETER;
    *driver = NULL;
    if (rtl_wcslen(service_name) > IO_MAX_SERVICE_NAME || rtl_wcschr(service_name, L'\\'))
        return STATUS_OBJECT_NAME_INVALID;
    if (!realpath(path, abs))
        return errno == ENOENT || errno == ENOTDIR ? STATUS_OBJECT_NAME_NOT_FOUND
                                                   : STATUS_OBJECT_PATH_INVALID;

    /* Code integrity: a module from the driver store is checked against
     * its package's signed catalog again before it is mapped (store files
     * are read-only, but not immutable). Modules from elsewhere (tests,
     * the demo) are not store packages and load as before. */
    {
        char why[STORE_REASON_MAX] = "";
        bool in_store;
        if (!NT_SUCCESS(store_verify_image(abs, &in_store, why))) {
            krnl_log(KRNL_LOG_ERROR, "io: refusing to load %s: %s", abs, why);
            return STATUS_INVALID_IMAGE_HASH;
        }
    }

    status = io_loader_open_module(abs, &module, &info);
    if (!NT_SUCCESS(status))
        return status;

    Dl_info dli;
    const void *base = NULL;
    if (dladdr((const void *)info, &dli) && dli.dli_fbase)
        base = dli.dli_fbase;
    status = io_driver_object_create(service_name, abs, module, base, info->model, &drv);
    if (!NT_SUCCESS(status))
        goto fail_module;

    status = io_loader_call_entry(drv, info);
    if (!NT_SUCCESS(status)) {
        krnl_log(KRNL_LOG_WARN, "io: DriverEntry of %s failed: 0x%08x", drv->service_utf8,
                 (unsigned)status);
        /* No DriverUnload: a failing DriverEntry must clean up itself. */
        io_driver_teardown(drv, FALSE);
        return status;
    }

    /* Devices created during DriverEntry are ready now; devices created
     * later (AddDevice, ...) are cleared by their creator. */
    io_driver_finish_init(drv);
    io_driver_run_reinit(drv);
    *driver = &drv->obj;
    return STATUS_SUCCESS;

fail_module:
    dlclose(module);
    return status;
}

NTSTATUS io_unload_driver(PDRIVER_OBJECT driver)
{
    struct io_driver *drv;
    KIRQL irql;

    if (!driver)
        return STATUS_INVALID_PARAMETER;
    drv = io_driver_from_object(driver);
    if (!drv)
        return STATUS_INVALID_PARAMETER;
    if (!driver->DriverUnload) {
        /* Windows refuses to stop a driver that has no unload routine. */
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    irql = KeGetCurrentIrql();
    if (irql != PASSIVE_LEVEL)
        krnl_bugcheck(IO_BC_IRQL_NOT_LESS_OR_EQUAL, irql, PASSIVE_LEVEL, 0, 0,
                      drv->service_utf8, "io_unload_driver called at IRQL %u", irql);
    driver->DriverUnload(driver);
    irql = KeGetCurrentIrql();
    if (irql != PASSIVE_LEVEL)
        krnl_bugcheck(IO_BC_IRQL_UNEXPECTED_VALUE, irql, 0, 0, 0,
                      drv->service_utf8, "DriverUnload returned at IRQL %u", irql);
    return io_driver_teardown(drv, TRUE);
}

NTSTATUS io_create_builtin_driver(const WCHAR *service_name, PDRIVER_INITIALIZE entry,
                                  PDRIVER_OBJECT *driver)
{
    struct io_driver *drv;
    NTSTATUS status;

    if (!service_name || !*service_name || !entry || !driver)
        return STATUS_INVALID_PARAMETER;
    *driver = NULL;
    if (rtl_wcslen(service_name) > IO_MAX_SERVICE_NAME || rtl_wcschr(service_name, L'\\'))
        return STATUS_OBJECT_NAME_INVALID;
    status = io_driver_object_create(service_name, NULL, NULL, NULL, DDK_MODEL_WDM_, &drv);
    if (!NT_SUCCESS(status))
        return status;
    drv->obj.Flags |= DRVO_BUILTIN_DRIVER;
    drv->obj.DriverInit = entry;
    status = entry(&drv->obj, &drv->registry_path);
    if (!NT_SUCCESS(status)) {
        io_driver_teardown(drv, FALSE);
        return status;
    }
    io_driver_finish_init(drv);
    io_driver_run_reinit(drv);
    *driver = &drv->obj;
    return STATUS_SUCCESS;
}
