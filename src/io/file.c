/*
 * file.c - file objects: the open path, cleanup and close.
 *
 * Opening a device by name (io_open, ZwCreateFile, IoGetDeviceObjectPointer)
 * follows the Windows I/O manager:
 *   1. the name resolves through the object namespace (symbolic links
 *      followed) to a device object plus an optional remainder below it;
 *   2. the device must be usable: not being deleted (STATUS_DELETE_PENDING),
 *      not still initializing and its driver not unloading
 *      (STATUS_NO_SUCH_DEVICE);
 *   3. for a caller with an identity, access is checked against the
 *      device's security descriptor: always for an open of the device
 *      itself, and for an open with a remainder ("\Device\X\name") only when
 *      the device has FILE_DEVICE_SECURE_OPEN (otherwise the namespace below
 *      the device is the driver's business, as Windows documents);
 *   4. an exclusive device admits one open file object at a time;
 *   5. a FILE_OBJECT is created (DeviceObject = the named device,
 *      FileName = the remainder) and IRP_MJ_CREATE with an
 *      IO_SECURITY_CONTEXT goes to the top of the device's stack;
 *   6. on success the caller gets a handle; on failure the file object is
 *      freed without cleanup or close (the driver never accepted it).
 *
 * The end of a file object has two steps, as on Windows: when the last
 * handle closes, IRP_MJ_CLEANUP (I/O may still be pending on the file;
 * the driver is expected to cancel it); when the last reference goes —
 * every IRP on the file holds one — IRP_MJ_CLOSE, then the memory.
 *
 * The I/O manager's own IRPs here (create, cleanup, close) are sent
 * synchronously with a completion routine that stops completion and
 * signals an event; they need nothing from the request path but the
 * public IRP DDIs.
 */
#define _GNU_SOURCE
#include <wdm.h>
#include "io/iodev.h"
#include "ke/ke.h"
#include "io/iop.h"
#include "krnl/krnl.h"
#include "rtl/rtl.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Synchronous IRPs of the I/O manager                                 */

static NTSTATUS NTAPI io_sync_completion(PDEVICE_OBJECT dev, PIRP irp, PVOID context)
{
    (void)dev;
    (void)irp;
    KeSetEvent((PKEVENT)context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

NTSTATUS io_send_irp_sync(PDEVICE_OBJECT dev, PIRP irp, IO_STATUS_BLOCK *iosb)
{
    KEVENT done;
    NTSTATUS status;

    KeInitializeEvent(&done, NotificationEvent, FALSE);
    IoSetCompletionRoutine(irp, io_sync_completion, &done, TRUE, TRUE, TRUE);
    /* Whatever IoCallDriver returns, the IRP is ours again only once the
     * completion routine has run. */
    (void)IoCallDriver(dev, irp);
    KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
    status = irp->IoStatus.Status;
    if (iosb)
        *iosb = irp->IoStatus;
    IoFreeIrp(irp);
    return status;
}

/* Builds an IRP for the file's current stack top. */
static PIRP io_file_irp(PFILE_OBJECT fo, PDEVICE_OBJECT top, UCHAR major)
{
    PIRP irp = IoAllocateIrp(top->StackSize, FALSE);
    PIO_STACK_LOCATION sl;

    if (!irp)
        return NULL;
    irp->Tail.Overlay.OriginalFileObject = fo;
    irp->RequestorMode = KernelMode;
    irp->Flags = IRP_SYNCHRONOUS_API;
    sl = IoGetNextIrpStackLocation(irp);
    sl->MajorFunction = major;
    sl->FileObject = fo;
    return irp;
}

/* ------------------------------------------------------------------ */
/* Cleanup and close                                                   */

static void io_file_send_cleanup(struct io_file *f)
{
    PDEVICE_OBJECT top;
    PIRP irp;

    if (f->cleaned_up)
        return;
    f->cleaned_up = true;
    top = IoGetAttachedDeviceReference(f->opened_on);
    irp = io_file_irp(&f->obj, top, IRP_MJ_CLEANUP);
    if (!irp) {
        krnl_log(KRNL_LOG_ERROR, "io: no memory for IRP_MJ_CLEANUP of file %p",
                 (void *)&f->obj);
    } else {
        irp->Flags |= IRP_CLOSE_OPERATION;
        io_send_irp_sync(top, irp, NULL);
    }
    f->obj.Flags |= FO_CLEANUP_COMPLETE;
    ObDereferenceObject(top);
}

void io_file_last_handle_closed(struct io_file *f)
{
    if (f->created)
        io_file_send_cleanup(f);
}

void io_file_delete_proc(struct io_file *f)
{
    PDEVICE_OBJECT base = f->opened_on;

    if (f->created) {
        PDEVICE_OBJECT top;
        PIRP irp;

        /* A file that never had a handle (IoGetDeviceObjectPointer keeps
         * one until it closes it, so this is the failed-handle path) still
         * owes its cleanup. */
        io_file_send_cleanup(f);
        top = IoGetAttachedDeviceReference(base);
        irp = io_file_irp(&f->obj, top, IRP_MJ_CLOSE);
        if (!irp) {
            krnl_log(KRNL_LOG_ERROR, "io: no memory for IRP_MJ_CLOSE of file %p",
                     (void *)&f->obj);
        } else {
            irp->Flags |= IRP_CLOSE_OPERATION;
            io_send_irp_sync(top, irp, NULL);
        }
        ObDereferenceObject(top);
    }
    if (base) {
        io_db_acquire();
        if (io_dev(base)->open_count)
            io_dev(base)->open_count--;
        base->ReferenceCount = (LONG)io_dev(base)->open_count;
        io_db_release();
        ObDereferenceObject(base);
    }
    free(f->name_buf);
    free(f->host_path);
}

/* ------------------------------------------------------------------ */
/* The open path                                                       */

WCHAR *io_normalize_path(const WCHAR *path, size_t cch, size_t *out_cch)
{
    const WCHAR *rest = path;
    size_t rest_cch = cch, n;
    WCHAR *s;
    bool win32 = false;

    /* \\.\X and \\?\X are the Win32 device namespace: \??\X. */
    if (cch >= 4 && path[0] == L'\\' && path[1] == L'\\' &&
        (path[2] == L'.' || path[2] == L'?') && path[3] == L'\\') {
        rest = path + 4;
        rest_cch = cch - 4;
        win32 = true;
    }
    n = (win32 ? 4 : 0) + rest_cch;
    s = malloc((n + 1) * sizeof(WCHAR));
    if (!s)
        return NULL;
    if (win32)
        memcpy(s, L"\\??\\", 4 * sizeof(WCHAR));
    memcpy(s + (win32 ? 4 : 0), rest, rest_cch * sizeof(WCHAR));
    s[n] = 0;
    *out_cch = n;
    return s;
}

static ACCESS_MASK io_map_file_access(ACCESS_MASK a)
{
    if (a & GENERIC_READ)
        a |= FILE_GENERIC_READ;
    if (a & GENERIC_WRITE)
        a |= FILE_GENERIC_WRITE;
    if (a & GENERIC_EXECUTE)
        a |= FILE_GENERIC_EXECUTE;
    if (a & GENERIC_ALL)
        a |= FILE_ALL_ACCESS;
    return a & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
}

struct io_open_params {
    const struct se_identity *who;   /* NULL: kernel mode */
    KPROCESSOR_MODE mode;
    ACCESS_MASK desired;
    ULONG share;
    ULONG disposition;
    ULONG options;
    ULONG attributes;                /* file attributes */
};

/* Opens a file object on base (referenced by the caller, who keeps that
 * reference); remainder may be NULL. On success *out is a new file object
 * with one reference and *granted the access for its handle. */
static NTSTATUS io_open_device(PDEVICE_OBJECT base, const WCHAR *remainder, size_t rem_cch,
                               const struct io_open_params *p, struct io_file **out,
                               ACCESS_MASK *granted)
{
    struct io_device *dev = io_dev(base);
    struct io_file *f;
    PDEVICE_OBJECT top;
    IO_SECURITY_CONTEXT sc;
    ACCESS_STATE as;
    PIRP irp;
    PIO_STACK_LOCATION sl;
    ACCESS_MASK access;
    NTSTATUS status;

    *out = NULL;

    /* 2. usable? */
    io_db_acquire();
    if (dev->delete_pending)
        status = STATUS_DELETE_PENDING;
    else if (dev->driver->unloading || (base->Flags & DO_DEVICE_INITIALIZING))
        status = STATUS_NO_SUCH_DEVICE;
    else
        status = STATUS_SUCCESS;
    io_db_release();
    if (!NT_SUCCESS(status))
        return status;

    /* A name below a mountable device is a file on a volume: that needs a
     * file system, which does not exist yet. */
    if (rem_cch && (base->DeviceType == FILE_DEVICE_DISK || base->DeviceType == FILE_DEVICE_CD_ROM ||
                    base->DeviceType == FILE_DEVICE_VIRTUAL_DISK ||
                    base->DeviceType == FILE_DEVICE_TAPE || base->DeviceType == FILE_DEVICE_DVD)) {
        krnl_log_once(KRNL_LOG_WARN, "io: opening files on a volume (file systems) is not "
                      "implemented");
        return STATUS_NOT_IMPLEMENTED;
    }

    /* 3. access */
    if (p->desired & MAXIMUM_ALLOWED && !p->who)
        access = FILE_ALL_ACCESS;
    else
        access = io_map_file_access(p->desired);
    if (p->who && (rem_cch == 0 || (base->Characteristics & FILE_DEVICE_SECURE_OPEN))) {
        status = io_se_access_check(io_ob_security(dev), p->who, p->desired, &access);
        if (!NT_SUCCESS(status))
            return status;
    }

    /* 4. exclusive: the open count is reserved now, released by the file
     * object's delete procedure. */
    io_db_acquire();
    if ((base->Flags & DO_EXCLUSIVE) && dev->open_count) {
        io_db_release();
        return STATUS_ACCESS_DENIED;
    }
    dev->open_count++;
    base->ReferenceCount = (LONG)dev->open_count;
    io_db_release();

    /* 5. the file object */
    status = io_ob_create(IO_OBJ_FILE, sizeof(*f), NULL, (void **)&f);
    if (!NT_SUCCESS(status)) {
        io_db_acquire();
        dev->open_count--;
        base->ReferenceCount = (LONG)dev->open_count;
        io_db_release();
        return status;
    }
    f->opened_on = base;
    ObReferenceObject(base);
    f->obj.Type = IO_TYPE_FILE;
    f->obj.Size = (CSHORT)sizeof(FILE_OBJECT);
    f->obj.DeviceObject = base;
    f->obj.ReadAccess = (access & (FILE_READ_DATA | FILE_EXECUTE)) != 0;
    f->obj.WriteAccess = (access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) != 0;
    f->obj.DeleteAccess = (access & DELETE) != 0;
    f->obj.SharedRead = (p->share & FILE_SHARE_READ) != 0;
    f->obj.SharedWrite = (p->share & FILE_SHARE_WRITE) != 0;
    f->obj.SharedDelete = (p->share & FILE_SHARE_DELETE) != 0;
    if (p->options & (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT))
        f->obj.Flags |= FO_SYNCHRONOUS_IO |
                        ((p->options & FILE_SYNCHRONOUS_IO_ALERT) ? FO_ALERTABLE_IO : 0);
    if (p->options & FILE_NO_INTERMEDIATE_BUFFERING)
        f->obj.Flags |= FO_NO_INTERMEDIATE_BUFFERING;
    if (p->options & FILE_WRITE_THROUGH)
        f->obj.Flags |= FO_WRITE_THROUGH;
    if (p->options & FILE_SEQUENTIAL_ONLY)
        f->obj.Flags |= FO_SEQUENTIAL_ONLY;
    if (p->options & FILE_RANDOM_ACCESS)
        f->obj.Flags |= FO_RANDOM_ACCESS;
    KeInitializeEvent(&f->obj.Lock, SynchronizationEvent, FALSE);
    KeInitializeEvent(&f->obj.Event, NotificationEvent, FALSE);
    InitializeListHead(&f->obj.IrpList);
    if (rem_cch) {
        f->name_buf = rtl_wcsndup(remainder, rem_cch);
        if (!f->name_buf) {
            ObDereferenceObject(&f->obj);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        f->obj.FileName.Buffer = f->name_buf;
        f->obj.FileName.Length = (USHORT)(rem_cch * sizeof(WCHAR));
        f->obj.FileName.MaximumLength = (USHORT)((rem_cch + 1) * sizeof(WCHAR));
    }

    /* IRP_MJ_CREATE to the top of the stack. */
    top = IoGetAttachedDeviceReference(base);
    irp = io_file_irp(&f->obj, top, IRP_MJ_CREATE);
    if (!irp) {
        ObDereferenceObject(top);
        ObDereferenceObject(&f->obj);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memset(&as, 0, sizeof(as));
    as.OriginalDesiredAccess = p->desired;
    as.RemainingDesiredAccess = 0;
    as.PreviouslyGrantedAccess = access;
    memset(&sc, 0, sizeof(sc));
    sc.AccessState = &as;
    sc.DesiredAccess = access;
    sc.FullCreateOptions = p->options;
    irp->RequestorMode = p->mode;
    irp->Flags |= IRP_CREATE_OPERATION | IRP_DEFER_IO_COMPLETION;
    sl = IoGetNextIrpStackLocation(irp);
    sl->Parameters.Create.SecurityContext = &sc;
    sl->Parameters.Create.Options = (p->disposition << 24) | (p->options & FILE_VALID_OPTION_FLAGS);
    sl->Parameters.Create.FileAttributes = (USHORT)p->attributes;
    sl->Parameters.Create.ShareAccess = (USHORT)p->share;
    sl->Parameters.Create.EaLength = 0;
    {
        /* The driver's create runs on behalf of the caller: a driver that
         * captures its subject context sees who is opening. */
        const struct se_identity *prev = p->who ? io_se_set_thread_identity(p->who) : NULL;
        status = io_send_irp_sync(top, irp, NULL);
        if (p->who)
            io_se_set_thread_identity(prev);
    }
    ObDereferenceObject(top);
    if (!NT_SUCCESS(status) || status == STATUS_REPARSE) {
        if (status == STATUS_REPARSE)
            status = STATUS_NOT_IMPLEMENTED;
        /* Not opened: the delete procedure sends nothing. */
        ObDereferenceObject(&f->obj);
        return status;
    }
    f->created = true;
    f->obj.Flags |= FO_HANDLE_CREATED;
    *out = f;
    *granted = access;
    return STATUS_SUCCESS;
}

/* Resolves a path to a device and opens it. */
static NTSTATUS io_open_path(const WCHAR *path, size_t cch, const struct io_open_params *p,
                             struct io_file **out, ACCESS_MASK *granted)
{
    WCHAR *norm, *rem = NULL;
    size_t norm_cch, rem_cch = 0;
    void *body = NULL;
    NTSTATUS status;

    io_iodev_init();
    *out = NULL;
    if (!path || !cch)
        return STATUS_OBJECT_NAME_INVALID;
    norm = io_normalize_path(path, cch, &norm_cch);
    if (!norm)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = io_ob_lookup(norm, norm_cch, &body, &rem, &rem_cch);
    free(norm);
    if (!NT_SUCCESS(status))
        return status;
    if (io_ob_type_of(body) != IO_OBJ_DEVICE) {
        /* A file object by name, a directory, an event...: not something
         * NtCreateFile opens. */
        status = STATUS_OBJECT_TYPE_MISMATCH;
    } else {
        status = io_open_device(body, rem, rem_cch, p, out, granted);
    }
    ObDereferenceObject(body);
    free(rem);
    return status;
}

NTSTATUS io_open(const WCHAR *path, const struct se_identity *who, ACCESS_MASK desired_access,
                 ULONG share_access, ULONG disposition, ULONG options, HANDLE *handle)
{
    struct io_open_params p = {
        .who = who, .mode = who ? UserMode : KernelMode, .desired = desired_access,
        .share = share_access, .disposition = disposition, .options = options,
        .attributes = FILE_ATTRIBUTE_NORMAL,
    };
    struct io_file *f;
    ACCESS_MASK granted;
    NTSTATUS status;

    if (!handle)
        return STATUS_INVALID_PARAMETER;
    *handle = NULL;
    if (!path)
        return STATUS_OBJECT_NAME_INVALID;
    if (disposition > FILE_MAXIMUM_DISPOSITION || (options & ~FILE_VALID_OPTION_FLAGS) ||
        (share_access & ~FILE_SHARE_VALID_FLAGS))
        return STATUS_INVALID_PARAMETER;
    status = io_open_path(path, rtl_wcslen(path), &p, &f, &granted);
    if (!NT_SUCCESS(status))
        return status;
    status = io_ob_handle_create(f, granted, 0, handle);
    /* The handle holds its own reference (or, on failure, this drop
     * sends cleanup and close: the driver did accept the open). */
    ObDereferenceObject(&f->obj);
    return status;
}

NTSTATUS io_close(HANDLE handle)
{
    return io_ob_handle_close(handle, UserMode);
}

/* ------------------------------------------------------------------ */
/* Kernel-mode opens                                                   */

NTSYSAPI NTSTATUS NTAPI ZwCreateFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
                                     POBJECT_ATTRIBUTES ObjectAttributes,
                                     PIO_STATUS_BLOCK IoStatusBlock,
                                     PLARGE_INTEGER AllocationSize, ULONG FileAttributes,
                                     ULONG ShareAccess, ULONG CreateDisposition,
                                     ULONG CreateOptions, PVOID EaBuffer, ULONG EaLength)
{
    ke_check_irql_max(PASSIVE_LEVEL, "ZwCreateFile");
    struct io_open_params p = {
        .who = NULL, .mode = KernelMode, .desired = DesiredAccess, .share = ShareAccess,
        .disposition = CreateDisposition, .options = CreateOptions,
        .attributes = FileAttributes,
    };
    struct io_file *f;
    ACCESS_MASK granted;
    NTSTATUS status;

    (void)AllocationSize;
    if (!FileHandle || !ObjectAttributes || !IoStatusBlock)
        return STATUS_INVALID_PARAMETER;
    /* A kernel-mode open skips the access check unless the caller forces
     * it; then it is checked for the identity the thread acts for. */
    if (ObjectAttributes->Attributes & OBJ_FORCE_ACCESS_CHECK) {
        p.who = io_se_current_identity();
    }
    *FileHandle = NULL;
    if (CreateDisposition > FILE_MAXIMUM_DISPOSITION ||
        (CreateOptions & ~FILE_VALID_OPTION_FLAGS) || (ShareAccess & ~FILE_SHARE_VALID_FLAGS) ||
        (EaBuffer == NULL) != (EaLength == 0))
        return STATUS_INVALID_PARAMETER;
    if (EaLength) {
        krnl_log_once(KRNL_LOG_WARN, "io: ZwCreateFile with extended attributes is not implemented");
        return STATUS_NOT_IMPLEMENTED;
    }
    if (ObjectAttributes->RootDirectory) {
        /* Relative opens are file-system opens (a directory handle such as
         * IoGetDriverDirectory's): there is no file system yet. */
        krnl_log_once(KRNL_LOG_WARN, "io: ZwCreateFile relative to a directory handle "
                      "(file systems) is not implemented");
        return STATUS_NOT_IMPLEMENTED;
    }
    if (!ObjectAttributes->ObjectName || !ObjectAttributes->ObjectName->Buffer ||
        !ObjectAttributes->ObjectName->Length)
        return STATUS_OBJECT_NAME_INVALID;
    status = io_open_path(ObjectAttributes->ObjectName->Buffer,
                          ObjectAttributes->ObjectName->Length / sizeof(WCHAR), &p, &f, &granted);
    IoStatusBlock->Status = status;
    IoStatusBlock->Information = 0;
    if (!NT_SUCCESS(status))
        return status;
    status = io_ob_handle_create(f, granted,
                                 ObjectAttributes->Attributes & (OBJ_KERNEL_HANDLE | OBJ_INHERIT),
                                 FileHandle);
    ObDereferenceObject(&f->obj);
    IoStatusBlock->Status = status;
    IoStatusBlock->Information = NT_SUCCESS(status) ? FILE_OPENED : 0;
    return status;
}

NTSYSAPI NTSTATUS NTAPI ZwOpenFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
                                   POBJECT_ATTRIBUTES ObjectAttributes,
                                   PIO_STATUS_BLOCK IoStatusBlock, ULONG ShareAccess,
                                   ULONG OpenOptions)
{
    return ZwCreateFile(FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, NULL, 0,
                        ShareAccess, FILE_OPEN, OpenOptions, NULL, 0);
}

NTKERNELAPI NTSTATUS NTAPI IoGetDeviceObjectPointer(PUNICODE_STRING ObjectName,
                                                    ACCESS_MASK DesiredAccess,
                                                    PFILE_OBJECT *FileObject,
                                                    PDEVICE_OBJECT *DeviceObject)
{
    ke_check_irql_max(PASSIVE_LEVEL, "IoGetDeviceObjectPointer");
    struct io_open_params p = {
        .who = NULL, .mode = KernelMode, .desired = DesiredAccess, .share = 0,
        .disposition = FILE_OPEN, .options = FILE_NON_DIRECTORY_FILE,
        .attributes = 0,
    };
    struct io_file *f;
    ACCESS_MASK granted;
    HANDLE h;
    NTSTATUS status;

    if (!ObjectName || !FileObject || !DeviceObject || !ObjectName->Buffer)
        return STATUS_INVALID_PARAMETER;
    *FileObject = NULL;
    *DeviceObject = NULL;
    status = io_open_path(ObjectName->Buffer, ObjectName->Length / sizeof(WCHAR), &p, &f,
                          &granted);
    if (!NT_SUCCESS(status))
        return status;
    /* Windows opens a kernel handle and closes it again once it holds the
     * file object: the caller's reference keeps the file, and its cleanup
     * has already happened when it finally dereferences it. */
    status = io_ob_handle_create(f, granted, OBJ_KERNEL_HANDLE, &h);
    if (!NT_SUCCESS(status)) {
        ObDereferenceObject(&f->obj);
        return status;
    }
    io_ob_handle_close(h, KernelMode);
    *FileObject = &f->obj;
    *DeviceObject = IoGetRelatedDeviceObject(&f->obj);
    return STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Host directories (IoGetDriverDirectory)                             */

NTSTATUS io_open_host_directory(const char *path, HANDLE *handle)
{
    struct io_file *f;
    NTSTATUS status;

    io_iodev_init();
    status = io_ob_create(IO_OBJ_FILE, sizeof(*f), NULL, (void **)&f);
    if (!NT_SUCCESS(status))
        return status;
    f->obj.Type = IO_TYPE_FILE;
    f->obj.Size = (CSHORT)sizeof(FILE_OBJECT);
    f->host_path = strdup(path);
    if (!f->host_path) {
        ObDereferenceObject(&f->obj);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    status = io_ob_handle_create(f, FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_ADD_FILE |
                                 FILE_ADD_SUBDIRECTORY | SYNCHRONIZE,
                                 OBJ_KERNEL_HANDLE, handle);
    ObDereferenceObject(&f->obj);
    return status;
}

NTSTATUS io_handle_host_path(HANDLE handle, char *buf, size_t len)
{
    struct io_file *f;
    NTSTATUS status;

    status = io_ob_handle_reference(handle, IO_OBJ_FILE, 0, KernelMode, (void **)&f, NULL);
    if (!NT_SUCCESS(status))
        return status;
    if (!f->host_path)
        status = STATUS_OBJECT_TYPE_MISMATCH;
    else if (strlen(f->host_path) >= len)
        status = STATUS_BUFFER_TOO_SMALL;
    else
        strcpy(buf, f->host_path);
    ObDereferenceObject(&f->obj);
    return status;
}

/* ------------------------------------------------------------------ */
/* Synchronous I/O on handles                                          */

static NTSTATUS io_handle_file(HANDLE h, ACCESS_MASK need, struct io_file **f)
{
    NTSTATUS status = io_ob_handle_reference(h, IO_OBJ_FILE, need, UserMode, (void **)f, NULL);

    if (NT_SUCCESS(status) && !(*f)->created) {
        ObDereferenceObject(&(*f)->obj);
        return STATUS_INVALID_DEVICE_REQUEST;   /* a directory handle */
    }
    return status;
}

/* Through the I/O manager's user-request path (iocore): its IRP holds its
 * own reference on the file object until it is freed, so IRP_MJ_CLOSE
 * cannot overtake it. */
static NTSTATUS io_handle_request(HANDLE handle, ACCESS_MASK need,
                                  const struct io_user_params *params, ULONG_PTR *information)
{
    IO_STATUS_BLOCK iosb = { 0 };
    struct io_file *f;
    NTSTATUS status;

    if (information)
        *information = 0;
    status = io_handle_file(handle, need, &f);
    if (!NT_SUCCESS(status))
        return status;
    status = io_user_request(&f->obj, params, NULL, NULL, &iosb);
    if (information && !NT_ERROR(status))
        *information = iosb.Information;
    ObDereferenceObject(&f->obj);
    return status;
}

static ACCESS_MASK io_request_access(const struct io_user_params *p)
{
    ULONG access;
    ACCESS_MASK need = 0;

    switch (p->major) {
    case IRP_MJ_READ:
        return FILE_READ_DATA;
    case IRP_MJ_WRITE:
        return FILE_WRITE_DATA;
    case IRP_MJ_DEVICE_CONTROL:
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        /* The access bits of the control code are checked against the
         * handle, as NtDeviceIoControlFile does. */
        access = (p->ioctl >> 14) & 3;
        if (access & FILE_READ_ACCESS)
            need |= FILE_READ_DATA;
        if (access & FILE_WRITE_ACCESS)
            need |= FILE_WRITE_DATA;
        return need;
    default:
        return 0;
    }
}

NTSTATUS io_submit(HANDLE handle, const struct io_user_params *params, io_user_done_fn done,
                   void *ctx)
{
    struct io_file *f;
    NTSTATUS status;

    if (!params || !done)
        return STATUS_INVALID_PARAMETER;
    status = io_handle_file(handle, io_request_access(params), &f);
    if (!NT_SUCCESS(status))
        return status;
    /* The IRP takes its own reference on the file: ours can go now. */
    status = io_user_request(&f->obj, params, done, ctx, NULL);
    ObDereferenceObject(&f->obj);
    return status;
}

NTSTATUS io_read(HANDLE handle, void *buffer, ULONG length, LONGLONG offset,
                 ULONG_PTR *information)
{
    struct io_user_params p = {
        .major = IRP_MJ_READ, .out = buffer, .out_len = length, .mode = UserMode,
    };

    p.offset.QuadPart = offset;
    return io_handle_request(handle, io_request_access(&p), &p, information);
}

NTSTATUS io_write(HANDLE handle, const void *buffer, ULONG length, LONGLONG offset,
                  ULONG_PTR *information)
{
    struct io_user_params p = {
        .major = IRP_MJ_WRITE, .in = (PVOID)buffer, .in_len = length, .mode = UserMode,
    };

    p.offset.QuadPart = offset;
    return io_handle_request(handle, io_request_access(&p), &p, information);
}

NTSTATUS io_ioctl(HANDLE handle, ULONG code, const void *in, ULONG in_len, void *out,
                  ULONG out_len, ULONG_PTR *information)
{
    struct io_user_params p = {
        .major = IRP_MJ_DEVICE_CONTROL, .ioctl = code, .in = (PVOID)in, .in_len = in_len,
        .out = out, .out_len = out_len, .mode = UserMode,
    };

    return io_handle_request(handle, io_request_access(&p), &p, information);
}

/* ------------------------------------------------------------------ */
/* Zw* I/O on handles (kernel-mode callers)                            */

struct io_zw_req {
    PIO_STATUS_BLOCK iosb;   /* the caller's; written once, at completion */
    PKEVENT event;           /* referenced, or NULL */
};

static void io_zw_done(void *ctx, NTSTATUS status, ULONG_PTR information)
{
    struct io_zw_req *z = ctx;

    z->iosb->Status = status;
    z->iosb->Information = information;
    if (z->event) {
        KeSetEvent(z->event, IO_NO_INCREMENT, FALSE);
        ObDereferenceObject(z->event);
    }
    free(z);
}

/* The file's own mode decides: a file opened for synchronous I/O waits
 * here, any other returns STATUS_PENDING and reports through IoStatusBlock
 * and Event, as NtReadFile & co. do. */
static NTSTATUS io_zw_request(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                              PIO_STATUS_BLOCK IoStatusBlock, struct io_user_params *p)
{
    struct io_zw_req *z;
    struct io_file *f;
    PKEVENT ev = NULL;
    NTSTATUS status;

    ke_check_irql_max(PASSIVE_LEVEL, "ZwReadFile/ZwWriteFile/ZwDeviceIoControlFile");
    if (!IoStatusBlock)
        return STATUS_ACCESS_VIOLATION;
    if (ApcRoutine) {
        krnl_log_once(KRNL_LOG_WARN, "io: Zw* I/O with an APC routine is not implemented");
        return STATUS_NOT_IMPLEMENTED;
    }
    status = io_ob_handle_reference(FileHandle, IO_OBJ_FILE, io_request_access(p), KernelMode,
                                    (void **)&f, NULL);
    if (!NT_SUCCESS(status))
        return status;
    if (!f->created) {
        ObDereferenceObject(&f->obj);
        return STATUS_NOT_IMPLEMENTED;   /* a directory: file systems */
    }
    if (Event) {
        status = ObReferenceObjectByHandle(Event, 0x0002 /* EVENT_MODIFY_STATE */, *ExEventObjectType,
                                           KernelMode, (PVOID *)&ev, NULL);
        if (!NT_SUCCESS(status)) {
            ObDereferenceObject(&f->obj);
            return status;
        }
        KeClearEvent(ev);
    }
    p->mode = KernelMode;
    if (f->obj.Flags & FO_SYNCHRONOUS_IO) {
        status = io_user_request(&f->obj, p, NULL, NULL, IoStatusBlock);
        if (ev) {
            KeSetEvent(ev, IO_NO_INCREMENT, FALSE);
            ObDereferenceObject(ev);
        }
        ObDereferenceObject(&f->obj);
        return status;
    }
    z = calloc(1, sizeof(*z));
    if (!z) {
        if (ev)
            ObDereferenceObject(ev);
        ObDereferenceObject(&f->obj);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    z->iosb = IoStatusBlock;
    z->event = ev;
    status = io_user_request(&f->obj, p, io_zw_done, z, NULL);
    ObDereferenceObject(&f->obj);
    return status;
}

NTSYSAPI NTSTATUS NTAPI ZwReadFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                                   PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,
                                   ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key)
{
    struct io_user_params p = { .major = IRP_MJ_READ, .out = Buffer, .out_len = Length };

    (void)ApcContext;
    if (ByteOffset)
        p.offset = *ByteOffset;
    if (Key)
        p.key = *Key;
    return io_zw_request(FileHandle, Event, ApcRoutine, IoStatusBlock, &p);
}

NTSYSAPI NTSTATUS NTAPI ZwWriteFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
                                    PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,
                                    ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key)
{
    struct io_user_params p = { .major = IRP_MJ_WRITE, .in = Buffer, .in_len = Length };

    (void)ApcContext;
    if (ByteOffset)
        p.offset = *ByteOffset;
    if (Key)
        p.key = *Key;
    return io_zw_request(FileHandle, Event, ApcRoutine, IoStatusBlock, &p);
}

NTSYSAPI NTSTATUS NTAPI ZwDeviceIoControlFile(HANDLE FileHandle, HANDLE Event,
                                              PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                                              PIO_STATUS_BLOCK IoStatusBlock, ULONG IoControlCode,
                                              PVOID InputBuffer, ULONG InputBufferLength,
                                              PVOID OutputBuffer, ULONG OutputBufferLength)
{
    struct io_user_params p = {
        .major = IRP_MJ_DEVICE_CONTROL, .ioctl = IoControlCode, .in = InputBuffer,
        .in_len = InputBufferLength, .out = OutputBuffer, .out_len = OutputBufferLength,
    };

    (void)ApcContext;
    return io_zw_request(FileHandle, Event, ApcRoutine, IoStatusBlock, &p);
}
