/*
 * pnp/pnpprop.c - device properties and device registry keys:
 * IoGetDeviceProperty, IoOpenDeviceRegistryKey.
 *
 * Properties come from the device node (IDs, enumerator, PDO name, install
 * state, removal policy) or from the values of its hardware key Enum\<id>
 * (DeviceDesc, FriendlyName, Mfg, Class, ClassGUID, Driver,
 * LocationInformation), which are stored as UTF-16 already. Every answer
 * follows the documented buffer contract: too small a buffer gets
 * STATUS_BUFFER_TOO_SMALL with the required size in *ResultLength.
 */
#define _GNU_SOURCE
#include "pnp/pnp_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies len bytes into the caller's buffer under the documented contract. */
static NTSTATUS pnp_prop_out(const void *data, ULONG len, ULONG buflen, PVOID buf,
                             PULONG result)
{
    *result = len;
    if (buflen < len)
        return STATUS_BUFFER_TOO_SMALL;
    if (len)
        memcpy(buf, data, len);
    return STATUS_SUCCESS;
}

/* A UTF-8 (multi-)string of len bytes as UTF-16 property data. */
static NTSTATUS pnp_prop_utf8(const char *s, size_t len, ULONG buflen, PVOID buf,
                              PULONG result)
{
    size_t cch = 0;
    WCHAR *w;
    NTSTATUS st;

    rtl_utf8_to_utf16(NULL, 0, &cch, s, len);
    w = calloc(cch + 1, sizeof(WCHAR));
    if (!w)
        return STATUS_INSUFFICIENT_RESOURCES;
    rtl_utf8_to_utf16(w, cch + 1, &cch, s, len);
    st = pnp_prop_out(w, (ULONG)(cch * sizeof(WCHAR)), buflen, buf, result);
    free(w);
    return st;
}

static NTSTATUS pnp_prop_reg(struct pnp_node *n, const char *value, ULONG buflen, PVOID buf,
                             PULONG result)
{
    struct reg_key *k = NULL;
    ULONG type = 0, needed = 0;
    NTSTATUS st = pnp_enum_key(n, false, &k);
    void *tmp;

    if (!NT_SUCCESS(st))
        return STATUS_OBJECT_NAME_NOT_FOUND;
    st = reg_value_query(&pnp_caller, k, value, &type, NULL, 0, &needed);
    if (!NT_SUCCESS(st) && st != STATUS_BUFFER_OVERFLOW) {
        reg_key_close(k);
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    tmp = malloc(needed ? needed : 1);
    if (!tmp) {
        reg_key_close(k);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    st = reg_value_query(&pnp_caller, k, value, &type, tmp, needed, &needed);
    reg_key_close(k);
    if (NT_SUCCESS(st))
        st = pnp_prop_out(tmp, needed, buflen, buf, result);
    free(tmp);
    return st;
}

NTKERNELAPI NTSTATUS NTAPI IoGetDeviceProperty(PDEVICE_OBJECT DeviceObject,
                                               DEVICE_REGISTRY_PROPERTY DeviceProperty,
                                               ULONG BufferLength, PVOID PropertyBuffer,
                                               PULONG ResultLength)
{
    struct pnp_node *n;
    ULONG dummy;

    ke_check_irql_max(PASSIVE_LEVEL, "IoGetDeviceProperty");
    if (!ResultLength)
        ResultLength = &dummy;
    *ResultLength = 0;
    if (!DeviceObject || (BufferLength && !PropertyBuffer))
        return STATUS_INVALID_PARAMETER;
    n = pnp_find_pdo(DeviceObject);
    if (!n) {
        /* Windows bug-checks (0xCA, 2: invalid PDO) when this is not a PDO
         * the PnP manager knows; a status is kinder to a caller we cannot
         * tell from a PDO deleted meanwhile. */
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    switch (DeviceProperty) {
    case DevicePropertyHardwareID:
        if (!n->hwids)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        return pnp_prop_utf8(n->hwids, pnp_multi_len(n->hwids), BufferLength, PropertyBuffer,
                             ResultLength);
    case DevicePropertyCompatibleIDs:
        if (!n->compat)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        return pnp_prop_utf8(n->compat, pnp_multi_len(n->compat), BufferLength, PropertyBuffer,
                             ResultLength);
    case DevicePropertyDeviceDescription:
        return pnp_prop_reg(n, "DeviceDesc", BufferLength, PropertyBuffer, ResultLength);
    case DevicePropertyFriendlyName:
        return pnp_prop_reg(n, "FriendlyName", BufferLength, PropertyBuffer, ResultLength);
    case DevicePropertyManufacturer:
        return pnp_prop_reg(n, "Mfg", BufferLength, PropertyBuffer, ResultLength);
    case DevicePropertyClassName:
        return pnp_prop_reg(n, "Class", BufferLength, PropertyBuffer, ResultLength);
    case DevicePropertyClassGuid:
        return pnp_prop_reg(n, "ClassGUID", BufferLength, PropertyBuffer, ResultLength);
    case DevicePropertyDriverKeyName:
        return pnp_prop_reg(n, "Driver", BufferLength, PropertyBuffer, ResultLength);
    case DevicePropertyLocationInformation:
        return pnp_prop_reg(n, "LocationInformation", BufferLength, PropertyBuffer,
                            ResultLength);
    case DevicePropertyPhysicalDeviceObjectName: {
        struct io_device *d = io_dev(DeviceObject);
        WCHAR *name = NULL;
        NTSTATUS st;
        io_db_acquire();
        if (d->name)
            name = rtl_wcsndup(d->name, rtl_wcslen(d->name));
        io_db_release();
        if (!name)
            return pnp_prop_out(L"", sizeof(WCHAR), BufferLength, PropertyBuffer, ResultLength);
        st = pnp_prop_out(name, (ULONG)((rtl_wcslen(name) + 1) * sizeof(WCHAR)), BufferLength,
                          PropertyBuffer, ResultLength);
        free(name);
        return st;
    }
    case DevicePropertyEnumeratorName: {
        const char *bs = strchr(n->instance_id, '\\');
        size_t len = bs ? (size_t)(bs - n->instance_id) : strlen(n->instance_id);
        char tmp[PNP_MAX_INSTANCE_ID + 2];
        memcpy(tmp, n->instance_id, len);
        tmp[len] = 0;
        return pnp_prop_utf8(tmp, len + 1, BufferLength, PropertyBuffer, ResultLength);
    }
    case DevicePropertyAddress:
        if (n->root_enumerated || n->address == (ULONG)-1)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        return pnp_prop_out(&n->address, sizeof(ULONG), BufferLength, PropertyBuffer,
                            ResultLength);
    case DevicePropertyInstallState: {
        /* Without the install engine every device we know is installed
         * unless it has no driver. */
        ULONG v = (n->problem == CM_PROB_FAILED_INSTALL) ? InstallStateFailedInstall
                                                         : InstallStateInstalled;
        return pnp_prop_out(&v, sizeof(v), BufferLength, PropertyBuffer, ResultLength);
    }
    case DevicePropertyRemovalPolicy: {
        ULONG v = n->root_enumerated ? RemovalPolicyExpectNoRemoval
                  : n->surprise_ok || n->removable ? RemovalPolicyExpectSurpriseRemoval
                                                   : RemovalPolicyExpectOrderlyRemoval;
        return pnp_prop_out(&v, sizeof(v), BufferLength, PropertyBuffer, ResultLength);
    }
    default:
        return STATUS_INVALID_PARAMETER_2;
    }
}

/* The software key of a device: Driver = {class guid}\NNNN, assigned on
 * first use from the device's ClassGUID. */
static NTSTATUS pnp_driver_key_path(struct pnp_node *n, bool create, char *path, size_t size)
{
    struct reg_key *k = NULL, *ck = NULL;
    char drv[128], guid[64];
    NTSTATUS st = pnp_enum_key(n, false, &k);
    ULONG i;

    if (!NT_SUCCESS(st))
        return STATUS_OBJECT_NAME_NOT_FOUND;
    st = reg_value_query_string(&pnp_caller, k, "Driver", 0, drv, sizeof(drv));
    if (NT_SUCCESS(st)) {
        reg_key_close(k);
        snprintf(path, size, "%s\\%s", PNP_CLASS_PATH, drv);
        return STATUS_SUCCESS;
    }
    if (!create) {
        reg_key_close(k);
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    st = reg_value_query_string(&pnp_caller, k, "ClassGUID", 0, guid, sizeof(guid));
    if (!NT_SUCCESS(st)) {
        /* No class: no software key (Windows has none before install). */
        reg_key_close(k);
        return STATUS_INVALID_PARAMETER;
    }
    for (i = 0; i < 10000; i++) {
        ULONG disp = 0;
        snprintf(drv, sizeof(drv), "%s\\%04u", guid, (unsigned)i);
        snprintf(path, size, "%s\\%s", PNP_CLASS_PATH, drv);
        st = reg_key_create(&pnp_caller, NULL, path, KEY_ALL_ACCESS, REG_CREATE_PARENTS, &disp,
                            &ck);
        if (!NT_SUCCESS(st))
            break;
        reg_key_close(ck);
        if (disp == REG_CREATED_NEW_KEY) {
            st = reg_value_set_string(&pnp_caller, k, "Driver", REG_SZ, drv);
            break;
        }
    }
    reg_key_close(k);
    return st;
}

NTKERNELAPI NTSTATUS NTAPI IoOpenDeviceRegistryKey(PDEVICE_OBJECT DeviceObject,
                                                   ULONG DevInstKeyType,
                                                   ACCESS_MASK DesiredAccess,
                                                   PHANDLE DeviceRegKey)
{
    struct pnp_node *n;
    char path[PNP_MAX_INSTANCE_ID + 256];
    WCHAR *wpath;
    UNICODE_STRING us;
    OBJECT_ATTRIBUTES oa;
    NTSTATUS st;

    ke_check_irql_max(PASSIVE_LEVEL, "IoOpenDeviceRegistryKey");
    if (!DeviceRegKey)
        return STATUS_INVALID_PARAMETER;
    *DeviceRegKey = NULL;
    n = pnp_find_pdo(DeviceObject);
    if (!n)
        return STATUS_INVALID_DEVICE_REQUEST;
    if (DevInstKeyType & PLUGPLAY_REGKEY_CURRENT_HWPROFILE) {
        krnl_log_once(KRNL_LOG_WARN, "pnp: IoOpenDeviceRegistryKey: hardware profiles "
                      "are not implemented");
        return STATUS_NOT_IMPLEMENTED;
    }
    if (DevInstKeyType == PLUGPLAY_REGKEY_DEVICE) {
        snprintf(path, sizeof(path), "%s\\%s\\Device Parameters", PNP_ENUM_PATH,
                 n->instance_id);
    } else if (DevInstKeyType == PLUGPLAY_REGKEY_DRIVER) {
        st = pnp_driver_key_path(n, true, path, sizeof(path));
        if (!NT_SUCCESS(st))
            return st;
    } else {
        return STATUS_INVALID_PARAMETER;
    }
    wpath = rtl_utf8_to_wstr(path, (size_t)-1);
    if (!wpath)
        return STATUS_INSUFFICIENT_RESOURCES;
    us.Buffer = wpath;
    us.Length = (USHORT)(rtl_wcslen(wpath) * sizeof(WCHAR));
    us.MaximumLength = us.Length;
    InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    st = ZwCreateKey(DeviceRegKey, DesiredAccess, &oa, 0, NULL, 0, NULL);
    free(wpath);
    return st;
}
