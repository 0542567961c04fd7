/*
 * wdf/fxio.h - the framework's I/O half (wdfio): queues, requests,
 * memory objects, file objects. Internal API shared by queue.c,
 * request.c, memory.c and fileobject.c; wdfcore reaches it through
 * fx_io_dispatch / fx_io_device_deleting (fx.h) and fx_queue_sync_lock.
 *
 * Design. Every IRP that reaches a framework device goes to
 * fx_io_dispatch. Create, cleanup and close are the file-object path
 * (fileobject.c). Everything else becomes a WDFREQUEST (struct
 * fx_request, a child of the device, with the device's request
 * attributes) and goes to a queue: the one configured for its type
 * (WdfDeviceConfigureRequestDispatching), else the default queue, else
 * it fails with STATUS_INVALID_DEVICE_REQUEST. When the device has an
 * EvtIoInCallerContext, the request goes there first, on the caller's
 * thread, and reaches a queue only through WdfDeviceEnqueueRequest.
 *
 * A queue keeps the requests it has not presented in an IO_CSQ, so that
 * an IRP cancelled while queued is taken out by the cancel-safe queue
 * protocol of io/csq.c (and then handed to EvtIoCanceledOnQueue or
 * completed with STATUS_CANCELLED). Requests the driver owns are on the
 * queue's `owned` list until they are completed, forwarded or requeued;
 * the queue counts them to know when a sequential queue may present the
 * next one, when a parallel queue reached NumberOfPresentedRequests, and
 * when a stop/purge/drain is finished.
 *
 * Presentation runs on the thread that made a request presentable
 * (arrival, completion, start), never nested inside a callback of the
 * same queue on the same thread (a thread-local marks "presenting q"):
 * a completion inside EvtIoRead only sets q->more and the outer
 * presentation loop continues. When the queue has a synchronization lock
 * (scope device or queue) and the completing thread may hold it (any
 * completion outside our own presentation loop), the presentation is
 * handed to a work item instead, so a timer that completes a request
 * under the queue lock never deadlocks on it.
 *
 * Locks: q->lock (spin lock, leaf, never held across a driver callback)
 * guards every field marked "q" below and the request fields marked "q".
 * The sync lock (fx_sync_lock) is held around driver callbacks only.
 */
#ifndef DDK_WDF_FXIO_H
#define DDK_WDF_FXIO_H

#include "wdf/fx.h"

#ifndef STATUS_WDF_PAUSED
#define STATUS_WDF_PAUSED ((NTSTATUS)0xC0200203L)
#endif
#ifndef STATUS_WDF_BUSY
#define STATUS_WDF_BUSY ((NTSTATUS)0xC0200204L)
#endif
#ifndef STATUS_WDF_REQUEST_ALREADY_PENDING
#define STATUS_WDF_REQUEST_ALREADY_PENDING ((NTSTATUS)0xC0200207L)
#endif
#ifndef STATUS_WDF_NO_CALLBACK
#define STATUS_WDF_NO_CALLBACK ((NTSTATUS)0xC020020BL)
#endif

struct fx_queue;
struct fx_request;
struct fx_fileobject;
struct fx_memory;
struct fx_send_state;

/* Per-device I/O state (fx_device.io), created with the first queue or
 * file object. */
struct fx_io_device {
    struct fx_device *device;
    KSPIN_LOCK lock;                          /* guards the fields below */
    struct fx_queue *default_queue;
    struct fx_queue *by_type[IRP_MJ_MAXIMUM_FUNCTION + 1];
    LIST_ENTRY queues;                        /* struct fx_queue.dev_link */
    LIST_ENTRY files;                         /* struct fx_fileobject.link */
};

enum fx_queue_op { FX_QOP_NONE = 0, FX_QOP_STOP, FX_QOP_PURGE, FX_QOP_DRAIN };

struct fx_queue {
    struct fx_object obj;
    struct fx_device *device;
    WDF_IO_QUEUE_CONFIG config;
    bool power_managed;                       /* recorded; no power states yet */
    struct fx_sync_lock sync;                 /* queue-scope presentation lock */
    struct fx_sync_lock *sync_lock;           /* what presentation holds, or NULL */
    LIST_ENTRY dev_link;                      /* fx_io_device.lock */
    KSPIN_LOCK lock;
    KIRQL lock_irql;                          /* q: valid while held (CSQ callbacks) */
    IO_CSQ csq;
    LIST_ENTRY pending;                       /* q: fx_request.link, not yet presented */
    ULONG pending_count;                      /* q */
    LIST_ENTRY owned;                         /* q: fx_request.link, with the driver */
    ULONG owned_count;                        /* q */
    ULONG presented;                          /* q: presented by this queue, not yet done */
    bool accepting;                           /* q */
    bool dispatching;                         /* q: WdfIoQueueStart'ed */
    bool deleting;                            /* q */
    enum fx_queue_op op;                      /* q: a stop/purge/drain in progress */
    PFN_WDF_IO_QUEUE_STATE op_cb;             /* q */
    WDFCONTEXT op_ctx;                        /* q */
    KEVENT op_done;                           /* signalled when op finishes */
    PFN_WDF_IO_QUEUE_STATE ready_cb;          /* q: WdfIoQueueReadyNotify */
    WDFCONTEXT ready_ctx;                     /* q */
    LONG presenting;                          /* q: threads in the presentation loop */
    bool more;                                /* q: state changed while presenting */
    bool work_queued;                         /* q */
    WORK_QUEUE_ITEM work;
};

enum fx_req_state {
    FX_REQ_NEW = 0,        /* created, not in a queue, not with the driver */
    FX_REQ_QUEUED,         /* in a queue's CSQ: the framework owns it */
    FX_REQ_DRIVER,         /* presented or retrieved: the driver owns it */
    FX_REQ_CALLER,         /* in EvtIoInCallerContext */
    FX_REQ_SENT,           /* sent to an I/O target */
    FX_REQ_COMPLETED,
};

struct fx_request {
    struct fx_object obj;
    struct fx_device *device;
    PIRP irp;
    bool framework_owned;                     /* made from an incoming IRP */
    enum fx_req_state state;                  /* q of its queue (or the owner thread) */
    struct fx_queue *queue;                   /* q: the queue it belongs to */
    LIST_ENTRY link;                          /* q: in queue->pending or queue->owned */
    IO_CSQ_IRP_CONTEXT csq_ctx;               /* while queued */
    bool presented;                           /* q: counted in queue->presented */
    bool found;                               /* q: WdfIoQueueFindRequest reference held */
    struct fx_fileobject *file;
    PFN_WDF_REQUEST_CANCEL cancel;            /* driver's cancel routine while cancelable */
    ULONG_PTR information;
    NTSTATUS status;
    struct fx_memory *in_mem, *out_mem;       /* lazily created children */
    PMDL own_mdl_in, own_mdl_out;             /* MDLs we built for buffered requests */
    struct fx_send_state *send;               /* driver-created requests (WdfRequestCreate) */
};

struct fx_memory {
    struct fx_object obj;
    PVOID buffer;
    size_t size;
    ULONG tag;
    bool owns_buffer;      /* freed at destroy */
    bool fixed;            /* request buffers: WdfMemoryAssignBuffer refused */
    bool read_only;        /* a write request's data: CopyFromBuffer refused */
};

struct fx_lookaside {
    struct fx_object obj;
    size_t buffer_size;
    POOL_TYPE pool_type;
    ULONG tag;
    bool has_mem_attributes;
    WDF_OBJECT_ATTRIBUTES mem_attributes;
};

struct fx_fileobject {
    struct fx_object obj;
    struct fx_device *device;
    PFILE_OBJECT wdm;
    LIST_ENTRY link;                          /* fx_io_device.lock */
};

/* iotarget.c. Locks: lock (spin lock) guards state and sending. */
struct fx_iotarget {
    struct fx_object obj;
    struct fx_device *device;
    KSPIN_LOCK lock;
    WDF_IO_TARGET_STATE state;          /* lock */
    ULONG sending;                      /* lock: synchronous sends in flight */
    KEVENT idle;                        /* set when sending drops to 0 */
    PDEVICE_OBJECT target;              /* referenced while open */
    PFILE_OBJECT file;                  /* referenced while open (by name) */
    bool file_is_ours;
};

/* Counts a send in (false: the target refuses, by its state) / out. */
bool fx_iotarget_send_begin(struct fx_iotarget *t, ULONG flags);
void fx_iotarget_send_end(struct fx_iotarget *t);

/* Driver-created requests (request_send.c): what Format* set up. */
struct fx_send_state {
    struct fx_iotarget *target;           /* formatted for (referenced) */
    WDF_REQUEST_TYPE type;
    ULONG code;
    struct fx_memory *in, *out;           /* referenced while formatted */
    size_t in_off, in_len, out_off, out_len;
    PVOID sysbuf;                         /* our METHOD_BUFFERED buffer */
    PMDL mdl;                             /* our MDL for direct I/O */
    PFN_WDF_REQUEST_COMPLETION_ROUTINE routine;
    WDFCONTEXT context;
    WDF_REQUEST_COMPLETION_PARAMS params;
    KEVENT done;
    bool sync;
};

/* queue.c */
struct fx_io_device *fx_io_device_get(struct fx_device *dev);   /* creates; NULL on no memory */
/* Puts a request into a queue (arrival, forward, requeue, enqueue).
 * Fails with STATUS_WDF_BUSY (not accepting) without queueing. */
NTSTATUS fx_queue_insert(struct fx_queue *q, struct fx_request *r, bool front);
/* The request left the driver (completed, forwarded, requeued): account
 * for it and present what is next. */
void fx_queue_request_done(struct fx_queue *q, struct fx_request *r);
/* The two halves: accounting (q->lock), then presenting what is next. */
void fx_queue_detach(struct fx_queue *q, struct fx_request *r);
void fx_queue_kick(struct fx_queue *q);
/* Sends a request arriving at the device to its queue (or fails it). */
void fx_queue_route(struct fx_device *dev, struct fx_request *r);
/* The queue-scope lock, for objects parented to a queue (timers...). */
struct fx_sync_lock *fx_queue_sync_lock(struct fx_object *queue);
/* Cancels what queues hold for a file object (cleanup). */
void fx_queues_flush_file(struct fx_io_device *io, struct fx_fileobject *f);

/* request.c */
NTSTATUS fx_request_from_irp(struct fx_device *dev, PIRP irp, struct fx_request **out);
/* Completes the IRP and deletes the request (framework requests). */
void fx_request_complete(struct fx_request *r, NTSTATUS status, ULONG_PTR info, CCHAR boost);
/* The IRP's cancel routine while the driver owns a cancelable request. */
void fx_request_call_cancel(struct fx_request *r);
extern const struct fx_object_ops fx_request_ops;

/* memory.c: a memory object over a buffer the framework owns elsewhere
 * (a request's), a child of parent that the driver may not delete. */
NTSTATUS fx_memory_wrap(struct fx_globals *g, struct fx_object *parent, PVOID buffer,
                        size_t size, bool read_only, struct fx_memory **out);

/* fileobject.c */
struct fx_fileobject *fx_fileobject_find(struct fx_io_device *io, PFILE_OBJECT f);
NTSTATUS fx_file_dispatch(struct fx_device *dev, PIRP irp);
/* The create request finished with status (fileobject.c cleans up). */
void fx_file_create_done(struct fx_request *r, NTSTATUS status);

#endif /* DDK_WDF_FXIO_H */
