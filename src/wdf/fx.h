/*
 * wdf/fx.h - the framework's internal API (KMDF/UMDF 2 on the executive).
 *
 * Design. Every WDF object is a struct fx_object embedded FIRST in a
 * per-type body (struct fx_device, struct fx_timer, wdfio's queue,
 * request, memory, ...), allocated together with the first context the
 * driver asked for, in one pool block. A handle is the object's address,
 * but is never trusted: every DDI resolves it with fx_handle() /
 * FX_HANDLE(), which looks it up in the table of live objects and checks
 * its type; a handle that is not live (never was, or already destroyed)
 * or of the wrong type is bug check 0x10D (WDF_VIOLATION) sub-code
 * WDF_INVALID_HANDLE with the handle as parameter 2, never a wild access.
 *
 * Lifetime: objects form a tree (parent = the driver by default, or what
 * WDF_OBJECT_ATTRIBUTES.ParentObject / the type says). fx_object_delete
 * (WdfObjectDelete, or the parent's deletion) deletes the children first,
 * then runs the type's dispose hook and the driver's EvtCleanupCallback(s)
 * (object's own first, then each context's), then drops the tree's
 * reference; when the last reference goes (WdfObjectDereference, or the
 * delete itself) the EvtDestroyCallback(s) run and the memory is freed.
 * After cleanup a handle still referenced stays "live" for reference,
 * dereference and context access only (as on Windows) until destroy.
 *
 * Locks (order: fx_tree_lock before fx_handle_lock; both leaf with
 * respect to driver code, never held across a driver callback):
 *  - fx_tree_lock (a mutex, in object.c) guards parent/children links and
 *    the state field of every object.
 *  - the handle table has its own lock.
 * The synchronization lock of an object (the "presentation lock" for
 * SynchronizationScope, WdfObjectAcquireLock) is per device or queue:
 * fx_sync_lock_of() finds it.
 */
#ifndef DDK_WDF_FX_H
#define DDK_WDF_FX_H

#include <wdm.h>
#include <wdf.h>
#include <pthread.h>
#include <stdbool.h>

struct fx_globals;
struct fx_object;

/* ---------------------------------------------------------------- */
/* Function tables (wdf_table.gen.c, table.c)                        */

enum fx_model { FX_MODEL_KMDF = 1, FX_MODEL_UMDF = 2 };

struct fx_function {
    const char *name;
    WDFFUNC fn;
    UCHAR state;          /* 1 implemented, 0 stub (trap), 2 not in this model */
    UCHAR returns_value;  /* trap returns 0 instead of STATUS_NOT_IMPLEMENTED */
};
extern const struct fx_function fx_kmdf_functions[];
extern const struct fx_function fx_umdf_functions[];
extern const ULONG fx_kmdf_function_count;   /* 458: the real table */
extern const ULONG fx_umdf_function_count;   /* 273 */
extern const ULONG fx_kmdf_table_size;       /* real slots + the other model's names */
extern const ULONG fx_umdf_table_size;

/* What an unimplemented slot runs: logs once per slot
 * "WdfXxx (index N) is not implemented" and returns STATUS_NOT_IMPLEMENTED
 * (or 0 for functions that return a value, see gen_wdf.py). */
ULONG_PTR fx_trap(enum fx_model model, ULONG index);

/* wdf_bind / wdf_unbind (table.c) are declared in wdfglobals.h: the
 * entry stub calls them. */

/* ---------------------------------------------------------------- */
/* Objects (object.c)                                                */

enum fx_type {
    FX_TYPE_NONE = 0,
    FX_TYPE_OBJECT,        /* WdfObjectCreate: general object */
    FX_TYPE_DRIVER,
    FX_TYPE_DEVICE,
    FX_TYPE_QUEUE,         /* wdfio */
    FX_TYPE_REQUEST,       /* wdfio */
    FX_TYPE_MEMORY,        /* wdfio */
    FX_TYPE_LOOKASIDE,     /* wdfio */
    FX_TYPE_FILEOBJECT,    /* wdfio */
    FX_TYPE_IOTARGET,      /* wdfio */
    FX_TYPE_TIMER,
    FX_TYPE_WORKITEM,
    FX_TYPE_DPC,
    FX_TYPE_SPINLOCK,
    FX_TYPE_WAITLOCK,
    FX_TYPE_STRING,
    FX_TYPE_COLLECTION,
    FX_TYPE_KEY,
    FX_TYPE_INTERRUPT,
    FX_TYPE_CHILDLIST,
    FX_TYPE_COUNT
};
const char *fx_type_name(enum fx_type type);

enum fx_state { FX_ALIVE = 0, FX_DELETING, FX_CLEANED_UP };

/* Per-type behaviour. All hooks optional. */
struct fx_object_ops {
    enum fx_type type;
    /* Runs at delete, after the children are gone and before the
     * driver's cleanup callbacks: stop timers, flush work, release
     * WDM objects. PASSIVE_LEVEL. */
    void (*dispose)(struct fx_object *obj);
    /* Runs at the last reference, after the driver's destroy callbacks,
     * just before the memory is freed. */
    void (*destroy)(struct fx_object *obj);
    /* Objects the driver may not delete with WdfObjectDelete (the
     * driver, a PnP device, a default queue...): bug check
     * WDF_VIOLATION/WDF_OBJECT_ERROR when it tries. */
    bool no_driver_delete;
};

struct fx_context {
    struct fx_context *next;                /* tree lock */
    struct fx_object *owner;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO type;    /* as resolved by fx_context_type() */
    PFN_WDF_OBJECT_CONTEXT_CLEANUP cleanup;
    PFN_WDF_OBJECT_CONTEXT_DESTROY destroy;
    size_t size;
    _Alignas(16) unsigned char data[];      /* the driver's context, zeroed */
};

struct fx_object {
    ULONG magic;                        /* FX_OBJECT_MAGIC */
    enum fx_type type;
    const struct fx_object_ops *ops;
    struct fx_globals *globals;         /* the owning driver */
    struct fx_object *parent;           /* tree lock; NULL for the driver */
    LIST_ENTRY children;                /* tree lock */
    LIST_ENTRY sibling;                 /* tree lock: in parent->children */
    LONG refs;                          /* atomic; the tree holds one */
    enum fx_state state;                /* tree lock */
    WDF_EXECUTION_LEVEL exec_level;     /* resolved: Passive or Dispatch */
    WDF_SYNCHRONIZATION_SCOPE sync_scope; /* resolved: Device, Queue or None */
    PFN_WDF_OBJECT_CONTEXT_CLEANUP evt_cleanup;   /* from the creating attributes */
    PFN_WDF_OBJECT_CONTEXT_DESTROY evt_destroy;
    struct fx_context *contexts;        /* tree lock; first one lives in this allocation */
    bool driver_may_delete;
};
#define FX_OBJECT_MAGIC 0x4F584657u     /* "WFXO" */

/* Creates an object of body_size bytes (struct fx_object first) with the
 * attributes' context, callbacks, parent, scope and level; default_parent
 * is used when attributes name none (NULL: the driver). Verifies the
 * attributes (Size, parent handle, level/scope allowed for this parent);
 * on success *out holds the zero-filled body, already in its parent's tree
 * and the handle table, with one reference (the tree's). */
NTSTATUS fx_object_create(struct fx_globals *g, const struct fx_object_ops *ops,
                          size_t body_size, PWDF_OBJECT_ATTRIBUTES attributes,
                          struct fx_object *default_parent, void **out);
/* Deletes as WdfObjectDelete does (children first, cleanup callbacks,
 * then drops the tree's reference). Idempotent. PASSIVE_LEVEL. */
void fx_object_delete(struct fx_object *obj);
void fx_object_get(struct fx_object *obj);
void fx_object_put(struct fx_object *obj);

/* Resolves a handle from a driver: bug check 0x10D/0x5 (invalid handle)
 * when it is not a live object of `type` (FX_TYPE_NONE: any type), or
 * 0x10D/0x4 when NULL. `ddi` names the caller in the report. */
struct fx_object *fx_handle(struct fx_globals *g, WDFOBJECT h, enum fx_type type,
                            const char *ddi);
#define FX_HANDLE(g, h, type, body_type) \
    ((body_type *)fx_handle((g), (WDFOBJECT)(h), (type), __func__))
/* Lookup without bug check: NULL when not a live object of that type. */
struct fx_object *fx_handle_try(WDFOBJECT h, enum fx_type type);
static inline WDFOBJECT fx_to_handle(struct fx_object *o) { return (WDFOBJECT)o; }

/* Context of the given type info (NULL if none): by the info's UniqueType
 * address, and, when the address differs, by name and size among the
 * contexts created by the same driver. */
void *fx_object_context(struct fx_object *obj, PCWDF_OBJECT_CONTEXT_TYPE_INFO type);

/* The nearest ancestor (or obj itself) of the type, NULL if none. */
struct fx_object *fx_ancestor(struct fx_object *obj, enum fx_type type);

/* Bug check WDF_VIOLATION for this driver (never returns). */
__attribute__((noreturn)) void fx_violation(struct fx_globals *g, ULONG subcode, ULONG_PTR p2,
                                            ULONG_PTR p3, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Verifier: a required pointer parameter is NULL -> 0x10D/0x4. */
#define FX_REQUIRE(g, p) do { if (!(p)) fx_violation((g), WDF_REQUIRED_PARAMETER_IS_NULL, 0, \
        (ULONG_PTR)__builtin_return_address(0), "%s: %s is NULL", __func__, #p); } while (0)

/* Synchronization: the lock that serialises callbacks of obj (its
 * device's or queue's, by sync_scope), NULL for scope None. Passive-level
 * locks are mutexes, dispatch-level ones spin locks at DISPATCH_LEVEL. */
struct fx_sync_lock {
    bool passive;
    KSPIN_LOCK spin;
    KIRQL old_irql;           /* valid while held (dispatch) */
    pthread_mutex_t mutex;    /* passive */
};
void fx_sync_lock_init(struct fx_sync_lock *l, bool passive);
void fx_sync_lock_acquire(struct fx_sync_lock *l);
void fx_sync_lock_release(struct fx_sync_lock *l);
struct fx_sync_lock *fx_sync_lock_of(struct fx_object *obj);

/* ---------------------------------------------------------------- */
/* Driver (driver.c)                                                 */

struct fx_globals {
    WDF_DRIVER_GLOBALS pub;        /* what the driver sees; first */
    ULONG magic;                   /* FX_GLOBALS_MAGIC */
    enum fx_model model;
    ULONG major, minor;            /* version the driver was built for */
    PDRIVER_OBJECT wdm_driver;
    struct fx_driver *driver;      /* after WdfDriverCreate */
};
#define FX_GLOBALS_MAGIC 0x4C424C47u
/* The globals of a DDI's first argument; checks the magic. */
struct fx_globals *fx_globals(PWDF_DRIVER_GLOBALS g);

/* Deletes the driver's object tree (devices first); wdf_unbind and the
 * framework's DriverUnload call it. */
void fx_driver_teardown(struct fx_globals *g);
/* The globals bound to a WDM driver object, or NULL. */
struct fx_globals *fx_globals_of_driver(PDRIVER_OBJECT d);

struct fx_driver {
    struct fx_object obj;
    WDF_DRIVER_CONFIG config;
    UNICODE_STRING registry_path;  /* own copy */
    struct fx_sync_lock lock;      /* WdfObjectAcquireLock on the driver */
};

/* ---------------------------------------------------------------- */
/* Devices (device.c) and the I/O hand-off to wdfio                  */

struct WDFDEVICE_INIT {
    struct fx_globals *globals;
    bool control;                      /* WdfControlDeviceInitAllocate */
    UNICODE_STRING name;               /* owned, empty if none */
    UNICODE_STRING sddl;               /* owned */
    DEVICE_TYPE device_type;
    ULONG characteristics;
    BOOLEAN exclusive;
    WDF_DEVICE_IO_TYPE io_type;
    bool has_file_config;
    WDF_FILEOBJECT_CONFIG file_config;
    bool has_file_attributes;
    WDF_OBJECT_ATTRIBUTES file_attributes;
    bool has_request_attributes;
    WDF_OBJECT_ATTRIBUTES request_attributes;
    PFN_WDF_IO_IN_CALLER_CONTEXT io_in_caller_context;
    PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION shutdown_notification;
    UCHAR shutdown_flags;
};

struct fx_device {
    struct fx_object obj;
    PDEVICE_OBJECT wdm;                /* IoCreateDevice'd; extension -> this */
    bool control;
    bool init_finished;                /* WdfControlFinishInitializing */
    UNICODE_STRING name;               /* owned; empty when unnamed */
    bool has_symlink;
    UNICODE_STRING symlink;            /* owned */
    WDF_DEVICE_IO_TYPE io_type;
    bool has_file_config;
    WDF_FILEOBJECT_CONFIG file_config;
    bool has_file_attributes;
    WDF_OBJECT_ATTRIBUTES file_attributes;
    bool has_request_attributes;
    WDF_OBJECT_ATTRIBUTES request_attributes;
    PFN_WDF_IO_IN_CALLER_CONTEXT io_in_caller_context;
    PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION shutdown_notification;
    UCHAR shutdown_flags;
    struct fx_sync_lock lock;          /* device-scope synchronization */
    WDFQUEUE default_queue;            /* set by wdfio (fx_device_set_default_queue) */
    void *io;                          /* wdfio's per-device state, owned by wdfio */
};

/* The fx_device behind a WDM device object the framework created, or NULL. */
struct fx_device *fx_device_from_wdm(PDEVICE_OBJECT dev);
void fx_device_set_default_queue(struct fx_device *dev, WDFQUEUE queue);

/* Entry points wdfio implements (weak defaults in device.c until then):
 *  fx_io_dispatch: every IRP sent to a framework device object arrives
 *    here (create, cleanup, close, read, write, ioctl, ...), at the
 *    caller's IRQL; wdfio completes it or queues it and returns
 *    STATUS_PENDING. The default completes create/cleanup/close with
 *    success and everything else with STATUS_INVALID_DEVICE_REQUEST.
 *  fx_io_device_deleting: the device is being deleted (after its child
 *    objects, before the WDM device goes): release dev->io. */
NTSTATUS fx_io_dispatch(struct fx_device *dev, PIRP irp);
/*  fx_io_object_lock: the synchronization lock of an I/O object (a queue:
 *    WdfObjectAcquireLock(queue), queue-scope callbacks), NULL if none. */
struct fx_sync_lock *fx_io_object_lock(struct fx_object *obj);
void fx_io_device_deleting(struct fx_device *dev);

/* ---------------------------------------------------------------- */
/* Helpers                                                           */

/* Pool for framework-internal memory, tagged with the driver's tag. */
void *fx_alloc(struct fx_globals *g, size_t size);
void fx_free(void *p);
NTSTATUS fx_ustr_dup(struct fx_globals *g, PCUNICODE_STRING src, UNICODE_STRING *dst);
void fx_ustr_free(UNICODE_STRING *s);

#endif /* DDK_WDF_FX_H */
