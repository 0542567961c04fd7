/*
 * io/iop.h - the IRP core's internal face (iocore): what the rest of the
 * I/O manager (iodev: create/close/cleanup, PnP) and the reflector may
 * call, and what src/io/irp*.c, csq.c, remlock.c, mdl.c and buffers.c
 * share.
 *
 * IRPs the I/O manager allocates carry a small private header in front of
 * the public IRP (struct io_irp_hdr; AllocationFlags has IO_IRP_HAS_HDR).
 * It says who built the IRP and what the I/O manager must do once the
 * stack has been walked back up (copy out, set the caller's IOSB, signal,
 * free). IRPs a driver lays out in its own memory (IoInitializeIrp) have
 * no header: completion walks their stack and then only sets UserIosb and
 * UserEvent if the driver filled them in.
 */
#ifndef DDK_IO_IOP_H
#define DDK_IO_IOP_H

#include <wdm.h>
#include "krnl/krnl.h"
#include "ke/ke.h"

/* Windows bug-check codes raised by the IRP core. */
#define IO_BUGCHECK_IRQL_NOT_LESS_OR_EQUAL        0x0A
#define IO_BUGCHECK_KMODE_EXCEPTION_NOT_HANDLED   0x1E
#define IO_BUGCHECK_NO_MORE_IRP_STACK_LOCATIONS   0x35
#define IO_BUGCHECK_MULTIPLE_IRP_COMPLETE_REQUESTS 0x44
#define IO_BUGCHECK_CANCEL_STATE_IN_COMPLETED_IRP 0x48
#define IO_BUGCHECK_BAD_POOL_CALLER               0xC2

/* IRP.AllocationFlags bit private to OpenDDK: the IRP has an io_irp_hdr. */
#define IO_IRP_HAS_HDR 0x80

enum io_irp_kind {
    IO_IRP_DRIVER = 0,   /* IoAllocateIrp/IoMakeAssociatedIrp: the allocator frees it */
    IO_IRP_THREADED,     /* IoBuildSynchronousFsdRequest / IoBuildDeviceIoControlRequest */
    IO_IRP_ASYNC,        /* IoBuildAsynchronousFsdRequest */
    IO_IRP_USER,         /* io_user_request */
};

struct io_user_req;

/* Lives immediately before the IRP; 48 bytes so the IRP stays 16-aligned.
 * Owned by whoever owns the IRP and read by completion on the completing
 * thread (ownership passes with the IRP, no lock), except: refs is atomic,
 * and cancel_requested is guarded by the file object's IrpListLock. */
struct io_irp_hdr {
    UCHAR kind;              /* enum io_irp_kind */
    UCHAR size_class;        /* per-thread cache bucket, IO_IRP_NO_CLASS if none */
    UCHAR file_referenced;   /* Tail.Overlay.OriginalFileObject holds our reference */
    UCHAR completed;         /* the stack walk finished (double completion check) */
    UCHAR cancel_requested;  /* io_user_cancel already cancelled it (IrpListLock) */
    UCHAR pad0[3];
    ULONG magic;             /* IO_IRP_MAGIC while allocated */
    volatile LONG refs;      /* IO_IRP_USER: 1 + cancellers holding it; atomic */
    struct io_user_req *req; /* IO_IRP_USER: the request to finish */
    PVOID user_out;          /* threaded buffered IRPs: where Information bytes go */
    ULONG user_out_len;
    ULONG pad1;
    ULONG_PTR pad2;
};
_Static_assert(sizeof(struct io_irp_hdr) == 48, "io_irp_hdr keeps the IRP 16-aligned");
#define IO_IRP_MAGIC 0x48707249u /* "IrpH" */
#define IO_IRP_NO_CLASS 0xff

static inline struct io_irp_hdr *io_irp_hdr(PIRP irp)
{
    if (!(irp->AllocationFlags & IO_IRP_HAS_HDR))
        return NULL;
    return (struct io_irp_hdr *)irp - 1;
}

/* Allocates an IRP with a header (kind IO_IRP_DRIVER). NULL on no memory. */
PIRP io_irp_alloc(CCHAR stack_size);

/* A printable name of the driver owning a device (for bug-check reports). */
const char *io_driver_name(PDEVICE_OBJECT device, char *buf, size_t cap);

/* The top of the device stack device belongs to (follows AttachedDevice). */
PDEVICE_OBJECT io_stack_top(PDEVICE_OBJECT device);

/* Releases what the I/O manager attached to an IRP it built: MDL chain
 * (unlocked and freed), a system buffer with IRP_DEALLOCATE_BUFFER. */
void io_irp_release_buffers(PIRP irp);

/* ------------------------------------------------------------------ */
/* The user-request path                                                */
/* ------------------------------------------------------------------ */

/* Called once when a user request finishes, on the completing thread, at
 * IRQL <= DISPATCH_LEVEL. Must not block. */
typedef void (*io_user_done_fn)(void *ctx, NTSTATUS status, ULONG_PTR information);

struct io_user_params {
    UCHAR major;             /* IRP_MJ_READ, _WRITE, _DEVICE_CONTROL, _INTERNAL_DEVICE_CONTROL */
    UCHAR minor;
    ULONG ioctl;             /* device control only */
    PVOID in;                /* write data / IOCTL input */
    ULONG in_len;
    PVOID out;               /* read buffer / IOCTL output */
    ULONG out_len;
    LARGE_INTEGER offset;    /* read/write */
    ULONG key;               /* read/write */
    KPROCESSOR_MODE mode;    /* RequestorMode: UserMode for client requests */
};

/*
 * io_user_request - send a caller's request to the top of file's stack,
 * building the IRP the way the Windows I/O manager does for the transfer
 * type (METHOD_* of the IOCTL, or DO_BUFFERED_IO / DO_DIRECT_IO of the
 * target device for read/write).
 *
 * Synchronous (done == NULL): waits for completion; returns the final
 * status and fills *iosb (may be NULL).
 * Asynchronous (done != NULL): returns STATUS_PENDING or the final status
 * of an inline completion; done(ctx, status, information) is called
 * exactly once in either case, once everything is copied out. The caller's
 * buffers must stay valid until then.
 *
 * An Information value beyond the caller's buffer is a driver bug: it is
 * clamped to the buffer size and logged. The IRP holds a reference on file
 * (ObReferenceObject) until it is freed. The caller's buffers are
 * registered for ProbeForRead/ProbeForWrite on the calling thread while
 * the dispatch routines run (METHOD_NEITHER, neither-I/O read/write).
 * Returns STATUS_INSUFFICIENT_RESOURCES / STATUS_INVALID_PARAMETER /
 * STATUS_INVALID_USER_BUFFER without sending anything when the request
 * cannot be built. Context: PASSIVE_LEVEL when synchronous.
 */
NTSTATUS io_user_request(PFILE_OBJECT file, const struct io_user_params *params,
                         io_user_done_fn done, void *ctx, PIO_STATUS_BLOCK iosb);

/*
 * io_user_cancel - IoCancelIrp every outstanding user request on file (ctx
 * NULL) or those whose done-context is ctx; each request is cancelled at
 * most once by this function. What CancelIoEx and handle cleanup need.
 * Returns how many IRPs were handed to IoCancelIrp (cancellation itself
 * is up to the drivers). IRQL <= DISPATCH_LEVEL.
 *
 * Outstanding user IRPs are linked on file->IrpList through
 * Irp->ThreadListEntry under file->IrpListLock (a zeroed FILE_OBJECT is
 * fine: the list is initialized on first use).
 */
ULONG io_user_cancel(PFILE_OBJECT file, void *ctx);

/* Probe ranges: buffers.c keeps a thread-local stack of caller ranges that
 * ProbeForRead/ProbeForWrite accept. Push returns a cookie for pop. */
struct io_probe_frame {
    struct io_probe_frame *prev;
    const void *base[2];
    SIZE_T len[2];
    BOOLEAN writable[2];
};
void io_probe_push(struct io_probe_frame *frame);
void io_probe_pop(struct io_probe_frame *frame);

/* Probe without raising: STATUS_SUCCESS, STATUS_DATATYPE_MISALIGNMENT or
 * STATUS_ACCESS_VIOLATION. */
NTSTATUS io_probe(const volatile void *address, SIZE_T length, ULONG alignment, BOOLEAN write);

/* Raises status at address (ExRaiseStatus), or bug checks 0x1E when no
 * SEH emulation is linked in. */
__attribute__((noreturn)) void io_raise(NTSTATUS status, const void *address);

/* Completion's last step for IRPs built by io_user_request (irp_user.c). */
void io_user_finish(PIRP irp, CCHAR boost);

/* ------------------------------------------------------------------ */
/* Pool                                                                 */
/* ------------------------------------------------------------------ */

/* System buffers, MDLs and request records come from the pool (krnl) so
 * that they show up in its tag accounting. The references are weak so the
 * IRP core links in a build without the pool; it then uses malloc/free for
 * both allocation and release, consistently. */
void *io_pool_alloc(SIZE_T size, ULONG tag);
void io_pool_free(void *p, ULONG tag);

/* Pool tags of the IRP core. */
#define IO_TAG_BUFFER  'fBoI'   /* system buffers ("IoBf") */
#define IO_TAG_MDL     'ldMI'   /* "IMdl" */
#define IO_TAG_REQ     'qRoI'   /* async user requests ("IoRq") */
#define IO_TAG_COMPEX  'xCoI'   /* IoSetCompletionRoutineEx contexts */

#endif /* DDK_IO_IOP_H */
