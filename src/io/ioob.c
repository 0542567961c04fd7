/*
 * ioob.c - the io layer's glue to the object manager and to security.
 *
 * Only this file knows ob's and se's internal APIs; the rest of the
 * object side (driver.c, device.c, file.c, ...) goes through io_ob_* and
 * io_se_*. The glue also attaches our procedures to the Driver, Device and
 * File object types: delete procedures release what a body owns, and the
 * File type's close procedure turns "last handle closed" into
 * IRP_MJ_CLEANUP (file.c).
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "io/iodev.h"
#include "krnl/krnl.h"
#include "ob/ob.h"
#include "se/se.h"
#include "rtl/rtl.h"

#include <stdlib.h>
#include <string.h>

static void io_ob_driver_delete(void *body)
{
    io_driver_delete_proc(body);
}

static void io_ob_device_delete(void *body)
{
    io_device_delete_proc(body);
}

static void io_ob_file_delete(void *body)
{
    io_file_delete_proc(body);
}

static void io_ob_file_close(void *body, ULONG handle_count, KPROCESSOR_MODE mode)
{
    (void)mode;
    if (handle_count == 0)
        io_file_last_handle_closed(body);
}

static pthread_once_t io_init_once = PTHREAD_ONCE_INIT;

static void io_init_types(void)
{
    static const struct ob_type_procs drv = { .delete_proc = io_ob_driver_delete };
    static const struct ob_type_procs dev = { .delete_proc = io_ob_device_delete };
    static const struct ob_type_procs file = { .delete_proc = io_ob_file_delete,
                                               .close_proc = io_ob_file_close };

    ob_type_set_procedures(*IoDriverObjectType, &drv);
    ob_type_set_procedures(*IoDeviceObjectType, &dev);
    ob_type_set_procedures(*IoFileObjectType, &file);
    io_interfaces_init();
}

void io_iodev_init(void)
{
    pthread_once(&io_init_once, io_init_types);
}

static POBJECT_TYPE io_ob_type(enum io_objtype t)
{
    switch (t) {
    case IO_OBJ_DRIVER: return *IoDriverObjectType;
    case IO_OBJ_DEVICE: return *IoDeviceObjectType;
    case IO_OBJ_FILE:   return *IoFileObjectType;
    default:            return NULL;
    }
}

enum io_objtype io_ob_type_of(void *body)
{
    POBJECT_TYPE t = ob_object_type(body);

    if (t == *IoDriverObjectType)
        return IO_OBJ_DRIVER;
    if (t == *IoDeviceObjectType)
        return IO_OBJ_DEVICE;
    if (t == *IoFileObjectType)
        return IO_OBJ_FILE;
    return IO_OBJ_OTHER;
}

NTSTATUS io_ob_create(enum io_objtype type, size_t body_size, PSECURITY_DESCRIPTOR sd,
                      void **body)
{
    io_iodev_init();
    if (body_size > 0xFFFFFFF0u)
        return STATUS_INSUFFICIENT_RESOURCES;
    return ob_create_object(io_ob_type(type), (ULONG)body_size, 0, sd, body);
}

LONG_PTR io_ob_pointer_count(void *body)
{
    return ob_pointer_count(body);
}

PSECURITY_DESCRIPTOR io_ob_security(void *body)
{
    return ob_object_security(body);
}

static void io_ustr(UNICODE_STRING *u, const WCHAR *s, size_t cch)
{
    u->Buffer = (PWCH)s;
    u->Length = (USHORT)(cch * sizeof(WCHAR));
    u->MaximumLength = u->Length;
}

NTSTATUS io_ob_insert_name(void *body, const WCHAR *name)
{
    UNICODE_STRING u;
    size_t n = rtl_wcslen(name);

    if (n * sizeof(WCHAR) > UNICODE_STRING_MAX_BYTES)
        return STATUS_NAME_TOO_LONG;
    io_ustr(&u, name, n);
    /* Permanent: device and driver objects have no handles that would keep
     * a temporary name; io removes the name itself (io_ob_remove_name). */
    return ob_insert_object(body, &u, OBJ_PERMANENT);
}

void io_ob_remove_name(void *body)
{
    ob_remove_name(body);
}

NTSTATUS io_ob_lookup(const WCHAR *path, size_t cch, void **body, WCHAR **remainder,
                      size_t *remainder_cch)
{
    UNICODE_STRING u, rem = { 0 };
    NTSTATUS status;

    *body = NULL;
    *remainder = NULL;
    *remainder_cch = 0;
    if (cch * sizeof(WCHAR) > UNICODE_STRING_MAX_BYTES)
        return STATUS_OBJECT_NAME_INVALID;
    io_ustr(&u, path, cch);
    status = ob_lookup(&u, 0, NULL, body, &rem);
    if (!NT_SUCCESS(status))
        return status;
    if (rem.Length) {
        *remainder = rtl_wcsndup(rem.Buffer, rem.Length / sizeof(WCHAR));
        *remainder_cch = rem.Length / sizeof(WCHAR);
        ob_free_string(&rem);
        if (!*remainder) {
            ob_dereference(*body);
            *body = NULL;
            return STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    return STATUS_SUCCESS;
}

NTSTATUS io_ob_symlink_create(const WCHAR *link, size_t link_cch, const WCHAR *target,
                              size_t target_cch)
{
    UNICODE_STRING l, t;

    io_ustr(&l, link, link_cch);
    io_ustr(&t, target, target_cch);
    return ob_create_symlink(&l, &t, OBJ_PERMANENT, NULL);
}

NTSTATUS io_ob_symlink_delete(const WCHAR *link, size_t link_cch)
{
    UNICODE_STRING l;

    io_ustr(&l, link, link_cch);
    return ob_delete_symlink(&l);
}

NTSTATUS io_ob_handle_create(void *body, ACCESS_MASK granted, ULONG attributes,
                             HANDLE *handle)
{
    return ob_open_handle(body, granted, attributes, handle);
}

NTSTATUS io_ob_handle_reference(HANDLE handle, enum io_objtype type, ACCESS_MASK desired,
                                KPROCESSOR_MODE mode, void **body, ACCESS_MASK *granted)
{
    OBJECT_HANDLE_INFORMATION info = { 0 };
    NTSTATUS status;

    status = ob_reference_by_handle(handle, desired, io_ob_type(type), mode, body, &info);
    if (NT_SUCCESS(status) && granted)
        *granted = info.GrantedAccess;
    return status;
}

NTSTATUS io_ob_handle_close(HANDLE handle, KPROCESSOR_MODE mode)
{
    return ob_close_handle(handle, mode);
}

/* ------------------------------------------------------------------ */
/* Security                                                            */

NTSTATUS io_se_parse_sddl(PCUNICODE_STRING sddl, PSECURITY_DESCRIPTOR *sd)
{
    *sd = NULL;
    return se_sddl_to_sd(sddl, sd, NULL);
}

void io_se_free_sd(PSECURITY_DESCRIPTOR sd)
{
    if (sd)
        se_free_sd(sd);
}

NTSTATUS io_se_access_check(PSECURITY_DESCRIPTOR sd, const struct se_identity *who,
                            ACCESS_MASK desired, ACCESS_MASK *granted)
{
    if (!who) {
        *granted = desired;
        return STATUS_SUCCESS;
    }
    return se_access_check(sd, who, desired, &se_file_mapping, granted);
}

const struct se_identity *io_se_current_identity(void)
{
    return se_current_identity();
}

const struct se_identity *io_se_set_thread_identity(const struct se_identity *who)
{
    return se_set_thread_identity(who);
}
