/*
 * wdf/driver.c - the WDFDRIVER object: WdfDriverCreate and friends, and
 * the framework's DriverUnload.
 *
 * WdfDriverCreate makes the driver object the root of the driver's
 * object tree and takes over DriverUnload: at unload the framework calls
 * EvtDriverUnload, deletes the tree (devices, and with them their WDM
 * device objects), and frees the globals (wdf_unbind). EvtDriverDeviceAdd
 * is kept for the PnP manager (a later issue); a non-PnP driver
 * (WdfDriverInitNonPnpDriver) creates control devices itself.
 */
#include "wdf/fx.h"
#include "krnl/krnl.h"
#include <stdlib.h>
#include <string.h>

static void fx_driver_destroy(struct fx_object *o)
{
    struct fx_driver *d = (struct fx_driver *)o;
    fx_ustr_free(&d->registry_path);
    pthread_mutex_destroy(&d->lock.mutex);
}

static const struct fx_object_ops fx_driver_ops = {
    .type = FX_TYPE_DRIVER,
    .destroy = fx_driver_destroy,
    .no_driver_delete = true,
};

static VOID NTAPI fx_driver_unload(PDRIVER_OBJECT DriverObject)
{
    struct fx_globals *g = fx_globals_of_driver(DriverObject);
    if (!g)
        return;
    if (g->driver && g->driver->config.EvtDriverUnload)
        g->driver->config.EvtDriverUnload((WDFDRIVER)fx_to_handle(&g->driver->obj));
    wdf_unbind(&g->pub);
}

void fx_driver_teardown(struct fx_globals *g)
{
    struct fx_driver *d = g->driver;
    if (!d)
        return;
    fx_object_delete(&d->obj);
    g->driver = NULL;
    g->pub.Driver = NULL;
}

NTSTATUS WDFAPI imp_WdfDriverCreate(PWDF_DRIVER_GLOBALS DriverGlobals,
                                    PDRIVER_OBJECT DriverObject, PCUNICODE_STRING RegistryPath,
                                    PWDF_OBJECT_ATTRIBUTES DriverAttributes,
                                    PWDF_DRIVER_CONFIG DriverConfig, WDFDRIVER *Driver)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    FX_REQUIRE(g, DriverObject);
    FX_REQUIRE(g, RegistryPath);
    FX_REQUIRE(g, DriverConfig);
    if (Driver)
        *Driver = NULL;
    if (DriverConfig->Size != sizeof(WDF_DRIVER_CONFIG))
        return STATUS_INFO_LENGTH_MISMATCH;
    if (g->driver)            /* documented: only once per driver */
        return STATUS_DRIVER_INTERNAL_ERROR;
    if (DriverObject != g->wdm_driver)
        return STATUS_INVALID_PARAMETER;
    if (DriverAttributes && DriverAttributes->ParentObject)
        return STATUS_INVALID_PARAMETER;
    if (DriverConfig->DriverPoolTag)
        g->pub.DriverTag = DriverConfig->DriverPoolTag;
    g->pub.DriverFlags = DriverConfig->DriverInitFlags;
    if (getenv("DDK_WDF_VERIFIER"))
        g->pub.DriverFlags |= WdfVerifyOn | WdfVerifierOn;

    struct fx_driver *d;
    NTSTATUS st = fx_object_create(g, &fx_driver_ops, sizeof(*d), DriverAttributes, NULL,
                                   (void **)&d);
    if (!NT_SUCCESS(st))
        return st;
    d->config = *DriverConfig;
    fx_sync_lock_init(&d->lock, true);
    st = fx_ustr_dup(g, RegistryPath, &d->registry_path);
    if (!NT_SUCCESS(st)) {
        fx_object_delete(&d->obj);
        return st;
    }
    g->driver = d;
    g->pub.Driver = (WDFDRIVER)fx_to_handle(&d->obj);
    if (!(DriverConfig->DriverInitFlags & WdfDriverInitNoDispatchOverride) ||
        !DriverObject->DriverUnload)
        DriverObject->DriverUnload = fx_driver_unload;
    if (Driver)
        *Driver = g->pub.Driver;
    return STATUS_SUCCESS;
}

static struct fx_driver *fx_drv(struct fx_globals *g, WDFDRIVER h, const char *ddi)
{
    return (struct fx_driver *)fx_handle(g, h, FX_TYPE_DRIVER, ddi);
}

PDRIVER_OBJECT WDFAPI imp_WdfDriverWdmGetDriverObject(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                      WDFDRIVER Driver)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    return fx_drv(g, Driver, "WdfDriverWdmGetDriverObject")->obj.globals->wdm_driver;
}

PWSTR WDFAPI imp_WdfDriverGetRegistryPath(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDRIVER Driver)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    return fx_drv(g, Driver, "WdfDriverGetRegistryPath")->registry_path.Buffer;
}

WDFDRIVER WDFAPI imp_WdfWdmDriverGetWdfDriverHandle(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                    PDRIVER_OBJECT DriverObject)
{
    (void)fx_globals(DriverGlobals);
    struct fx_globals *o = fx_globals_of_driver(DriverObject);
    return o ? o->pub.Driver : NULL;
}

BOOLEAN WDFAPI imp_WdfDriverIsVersionAvailable(PWDF_DRIVER_GLOBALS DriverGlobals,
                                               WDFDRIVER Driver,
                                               PWDF_DRIVER_VERSION_AVAILABLE_PARAMS Params)
{
    struct fx_globals *g = fx_globals(DriverGlobals);
    (void)fx_drv(g, Driver, "WdfDriverIsVersionAvailable");
    FX_REQUIRE(g, Params);
    if (Params->Size != sizeof(*Params))
        return FALSE;
    ULONG major = g->model == FX_MODEL_KMDF ? 1 : 2;
    return Params->MajorVersion == major && Params->MinorVersion <= 33;
}
