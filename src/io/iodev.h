/*
 * io/iodev.h - the io layer's object side, internal API: drivers, devices,
 * files, names, interfaces and the loader.
 *
 * The public faces are the DRIVER_OBJECT, DEVICE_OBJECT and FILE_OBJECT of
 * ddk/iotypes.h; each is the first member of a private wrapper here
 * (recovered with CONTAINING_RECORD), which is the body of an object
 * manager object. Private state never goes into the public structs.
 *
 * Locking: one mutex, the device database lock (io_db_lock), guards every
 * field marked "db" below: the driver's device list, attachment links
 * (AttachedDevice / attached_to), delete/unload flags, open counts and the
 * interface tables. It is a leaf lock: never held while calling a driver,
 * the object manager's delete path or a notification callback. Object
 * lifetimes are object-manager references; the lock only keeps links
 * consistent while a reference is taken.
 */
#ifndef DDK_IO_IODEV_H
#define DDK_IO_IODEV_H

#include <wdm.h>
#include <pthread.h>
#include <stdbool.h>

struct se_identity;

/* Bug check codes this layer raises (values are Windows'). */
#define IO_BC_IRQL_NOT_LESS_OR_EQUAL   0x0000000Au
#define IO_BC_IRQL_UNEXPECTED_VALUE    0x000000C8u
#define IO_BC_INVALID_DRIVER_OBJECT    0x00000023u  /* reused: misuse of a device/driver object */
#define IO_BC_MULTIPLE_IRP_COMPLETE    0x00000044u

#define IO_MAX_SERVICE_NAME 255

#ifndef DOE_UNLOAD_PENDING
#define DOE_UNLOAD_PENDING   0x00000001
#define DOE_DELETE_PENDING   0x00000002
#define DOE_REMOVE_PENDING   0x00000004
#define DOE_REMOVE_PROCESSED 0x00000008
#define DOE_START_PENDING    0x00000010
#endif

/* ------------------------------------------------------------------ */
/* Drivers                                                             */

struct io_driver_client_ext {
    LIST_ENTRY link;            /* db: io_driver.client_exts */
    PVOID id;
    ULONG size;
    /* extension follows, 16-byte aligned */
};

struct io_reinit {
    LIST_ENTRY link;            /* db: io_driver.reinit_list */
    PDRIVER_REINITIALIZE routine;
    PVOID context;
};

struct io_driver {
    DRIVER_OBJECT obj;          /* the public face; first */
    DRIVER_EXTENSION ext;       /* obj.DriverExtension points here */
    LIST_ENTRY link;            /* db: io_drivers */
    void *module;               /* dlopen handle; NULL for built-in drivers */
    const void *module_base;    /* load address (pool accounting key) */
    int model;                  /* enum ddk_driver_model */
    char *image_path;           /* absolute path of the module */
    char *service_utf8;         /* service name, for logs and reports */
    WCHAR *name_buf;            /* \Driver\<service> */
    WCHAR *service_buf;         /* <service> */
    WCHAR *regpath_buf;         /* \Registry\Machine\...\Services\<service> */
    UNICODE_STRING registry_path;
    UNICODE_STRING hw_database; /* obj.HardwareDatabase points here */
    LIST_ENTRY client_exts;     /* db */
    LIST_ENTRY reinit_list;     /* db */
    ULONG reinit_count;
    bool unloading;             /* db: DriverUnload called or entry failed */
};

/* ------------------------------------------------------------------ */
/* Devices                                                             */

struct io_device {
    DEVICE_OBJECT obj;          /* the public face; first */
    DEVOBJ_EXTENSION dox;       /* obj.DeviceObjectExtension points here */
    struct io_driver *driver;
    WCHAR *name;                /* \Device\X or NULL; db (freed at delete) */
    PDEVICE_OBJECT attached_to; /* db: the device below us (referenced) */
    GUID class_guid;            /* IoCreateDeviceSecure's override */
    bool has_class_guid;
    bool holds_driver;          /* a reference on driver->obj is ours */
    bool delete_pending;        /* db: IoDeleteDevice called */
    bool is_pdo;                /* db: io_device_set_instance_id */
    WCHAR *instance_id;         /* db: device instance ID (PDOs) */
    ULONG open_count;           /* db: file objects opened on this device */
    /* the device extension follows at ext_offset */
};

/* Recovers the wrapper; NULL for NULL. Does not validate. */
static inline struct io_device *io_dev(PDEVICE_OBJECT d)
{
    return d ? CONTAINING_RECORD(d, struct io_device, obj) : NULL;
}
static inline struct io_driver *io_drv(PDRIVER_OBJECT d)
{
    return d ? CONTAINING_RECORD(d, struct io_driver, obj) : NULL;
}

extern pthread_mutex_t io_db_lock;
static inline void io_db_acquire(void) { pthread_mutex_lock(&io_db_lock); }
static inline void io_db_release(void) { pthread_mutex_unlock(&io_db_lock); }

/* ------------------------------------------------------------------ */
/* Files                                                               */

struct io_file {
    FILE_OBJECT obj;            /* the public face; first */
    PDEVICE_OBJECT opened_on;   /* base device (referenced while the file lives) */
    bool created;               /* IRP_MJ_CREATE succeeded: cleanup/close owed */
    bool cleaned_up;            /* IRP_MJ_CLEANUP sent */
    WCHAR *name_buf;            /* FileName's storage */
    char *host_path;            /* IoGetDriverDirectory handles only */
};

/* ------------------------------------------------------------------ */
/* Object-manager glue (ioob.c): the only file that knows ob's API.     */

enum io_objtype { IO_OBJ_DRIVER, IO_OBJ_DEVICE, IO_OBJ_FILE, IO_OBJ_OTHER };

/* New unnamed object of one of our types, zero-filled, one reference;
 * sd (optional) is copied into the object header. */
NTSTATUS io_ob_create(enum io_objtype type, size_t body_size, PSECURITY_DESCRIPTOR sd,
                      void **body);
PSECURITY_DESCRIPTOR io_ob_security(void *body);
/* Gives an object a permanent name (the namespace holds a reference until
 * io_ob_remove_name). */
NTSTATUS io_ob_insert_name(void *body, const WCHAR *name);
void io_ob_remove_name(void *body);
/* Resolves an absolute path (symbolic links followed) to a referenced
 * object and the remainder below it (malloc'd, "\..." or NULL). */
NTSTATUS io_ob_lookup(const WCHAR *path, size_t cch, void **body, WCHAR **remainder,
                      size_t *remainder_cch);
NTSTATUS io_ob_symlink_create(const WCHAR *link, size_t link_cch, const WCHAR *target,
                              size_t target_cch);
NTSTATUS io_ob_symlink_delete(const WCHAR *link, size_t link_cch);
/* Handles in the process handle table. */
NTSTATUS io_ob_handle_create(void *body, ACCESS_MASK granted, ULONG attributes,
                             HANDLE *handle);
NTSTATUS io_ob_handle_reference(HANDLE handle, enum io_objtype type, ACCESS_MASK desired,
                                KPROCESSOR_MODE mode, void **body, ACCESS_MASK *granted);
NTSTATUS io_ob_handle_close(HANDLE handle, KPROCESSOR_MODE mode);
enum io_objtype io_ob_type_of(void *body);
LONG_PTR io_ob_pointer_count(void *body);

/* Security glue (ioob.c over se): SDDL to a security descriptor we own
 * (freed with io_se_free_sd, NULL allowed) and the access check of an
 * identity (NULL: kernel mode, always granted) against it (NULL sd: the
 * device is not restricted). */
NTSTATUS io_se_parse_sddl(PCUNICODE_STRING sddl, PSECURITY_DESCRIPTOR *sd);
void io_se_free_sd(PSECURITY_DESCRIPTOR sd);
NTSTATUS io_se_access_check(PSECURITY_DESCRIPTOR sd, const struct se_identity *who,
                            ACCESS_MASK desired, ACCESS_MASK *granted);

/* The calling thread's identity (se), and acting for another one while a
 * driver handles its create (returns the previous one). */
const struct se_identity *io_se_current_identity(void);
const struct se_identity *io_se_set_thread_identity(const struct se_identity *who);

/* Callbacks the glue calls (implemented in driver.c/device.c/file.c). */
void io_driver_delete_proc(struct io_driver *drv);
void io_device_delete_proc(struct io_device *dev);
void io_file_last_handle_closed(struct io_file *f);   /* -> IRP_MJ_CLEANUP */
void io_file_delete_proc(struct io_file *f);          /* -> IRP_MJ_CLOSE */

/* ------------------------------------------------------------------ */
/* Driver objects and the loader (driver.c, loader.c)                  */

NTSTATUS io_driver_object_create(const WCHAR *service, const char *image_path,
                                 void *module, const void *module_base, int model,
                                 struct io_driver **out);
struct io_driver *io_driver_from_object(PDRIVER_OBJECT d);
void io_driver_finish_init(struct io_driver *drv);
void io_driver_run_reinit(struct io_driver *drv);
/* Reports leaks, removes the driver object, unmaps the module when safe.
 * after_unload: DriverUnload ran (else DriverEntry failed). Returns
 * STATUS_SUCCESS, or STATUS_DEVICE_BUSY-class status when device objects
 * leaked (the module then stays mapped). */
NTSTATUS io_driver_teardown(struct io_driver *drv, BOOLEAN after_unload);

/* Host path of IoGetDriverDirectory's directory (created for Data). */
NTSTATUS io_driver_directory_path(PDRIVER_OBJECT driver, int type, char *buf, size_t len);

/* Default dispatch routine: completes with STATUS_INVALID_DEVICE_REQUEST. */
NTSTATUS NTAPI io_invalid_device_request(PDEVICE_OBJECT dev, PIRP irp);

/* ------------------------------------------------------------------ */
/* Devices (device.c)                                                  */

/* Forcibly deletes what a driver leaked (teardown). */
void io_device_force_delete(struct io_device *dev);

/* ------------------------------------------------------------------ */
/* Files and the open path (file.c)                                    */

/* Sends an IRP the I/O manager built and waits for it (completion routine
 * + event): returns the final status. Frees the IRP. */
NTSTATUS io_send_irp_sync(PDEVICE_OBJECT dev, PIRP irp, IO_STATUS_BLOCK *iosb);

/* A handle to a host directory (IoGetDriverDirectory): a file object with
 * no device; io_handle_host_path tells where it points. */
NTSTATUS io_open_host_directory(const char *path, HANDLE *handle);
NTSTATUS io_handle_host_path(HANDLE handle, char *buf, size_t len);

/* Translates \\.\X into \??\X, copies anything else. Caller frees. */
WCHAR *io_normalize_path(const WCHAR *path, size_t cch, size_t *out_cch);

/* Interfaces (interface.c): disable every interface of a deleted PDO. */
void io_interfaces_device_deleted(struct io_device *dev);
/* Reports (and keeps) notification registrations an unloading driver did
 * not remove: they keep its driver object, and so its module, alive. */
void io_interfaces_driver_unloading(struct io_driver *drv);

/* Init: called once from the first io entry point. */
void io_iodev_init(void);
void io_interfaces_init(void);

/* ------------------------------------------------------------------ */
/* The internal API for tests, the device manager and the client layer */

/* Loads the driver module at path as service service_name: \Driver\<name>,
 * DriverEntry at PASSIVE_LEVEL. On success *driver is the driver object
 * (owned by the loader until io_unload_driver). */
NTSTATUS io_load_driver(const char *path, const WCHAR *service_name,
                        PDRIVER_OBJECT *driver);
/* A driver that lives in the calling program (Windows' IoCreateDriver):
 * \Driver\<service_name>, entry called at once like a DriverEntry. Unload it
 * with io_unload_driver. */
NTSTATUS io_create_builtin_driver(const WCHAR *service_name, PDRIVER_INITIALIZE entry,
                                  PDRIVER_OBJECT *driver);
/* DriverUnload, leak report, dlclose. STATUS_INVALID_DEVICE_REQUEST when the
 * driver has no unload routine (nothing happens then). */
NTSTATUS io_unload_driver(PDRIVER_OBJECT driver);

/* Makes dev a PDO with the given device instance ID (no PnP manager yet). */
NTSTATUS io_device_set_instance_id(PDEVICE_OBJECT pdo, const WCHAR *instance_id);

/*
 * Opens path (\Device\X, \??\X, \DosDevices\X, \GLOBAL??\X or \\.\X,
 * optionally followed by \remainder) for who (NULL: a kernel-mode caller,
 * no access check). disposition/options are NtCreateFile's
 * CreateDisposition/CreateOptions. Returns a handle in *handle.
 */
NTSTATUS io_open(const WCHAR *path, const struct se_identity *who,
                 ACCESS_MASK desired_access, ULONG share_access,
                 ULONG disposition, ULONG options, HANDLE *handle);
NTSTATUS io_close(HANDLE handle);

/* Synchronous I/O on a handle through the I/O manager's request path.
 * *information (optional) receives IoStatus.Information. */
NTSTATUS io_read(HANDLE handle, void *buffer, ULONG length,
                 LONGLONG offset, ULONG_PTR *information);
NTSTATUS io_write(HANDLE handle, const void *buffer, ULONG length,
                  LONGLONG offset, ULONG_PTR *information);
NTSTATUS io_ioctl(HANDLE handle, ULONG code, const void *in, ULONG in_len,
                  void *out, ULONG out_len, ULONG_PTR *information);

/* Asynchronous I/O on a handle (io_user_request of io/iop.h, after the
 * handle's access check): returns STATUS_PENDING or the final status, and
 * calls done exactly once either way (see io_user_request). The request
 * keeps the file object alive, so the handle may be closed meanwhile:
 * that sends IRP_MJ_CLEANUP with the request still pending. */
struct io_user_params;
typedef void (*io_user_done_fn)(void *ctx, NTSTATUS status, ULONG_PTR information);
NTSTATUS io_submit(HANDLE handle, const struct io_user_params *params, io_user_done_fn done,
                   void *ctx);

#endif /* DDK_IO_IODEV_H */
