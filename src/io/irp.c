/*
 * io/irp.c - IRPs: allocation, sending down a device stack and completing
 * back up it.
 *
 * Design. An IRP is one block: a 48-byte private header (iop.h), the
 * public IRP, then its stack locations. Blocks come from a per-thread
 * cache in three size classes (up to 4, 8 and 16 stack locations), so the
 * hot path of a request -- allocate, IoCallDriver through the stack,
 * IoCompleteRequest, free -- takes no lock and makes no malloc call. A
 * block freed on another thread simply joins that thread's cache; each
 * cache is bounded and emptied when its thread exits.
 *
 * IoCallDriver and IoCompleteRequest follow the Windows contract exactly:
 * the caller fills the next stack location, IoCallDriver makes it current
 * and records the device in it; completion walks the locations back up,
 * copies SL_PENDING_RETURNED into Irp->PendingReturned at each level,
 * calls the completion routine of each level per its SL_INVOKE_* bits
 * with the device object of the level that set it (NULL for the IRP's
 * originator), and stops when a routine returns
 * STATUS_MORE_PROCESSING_REQUIRED -- the routine's owner then owns the IRP
 * and completes it again or frees it. When the walk reaches the top, the
 * I/O manager finishes what it built (io_irp_finish): buffered copy-out,
 * the caller's IOSB and event, freeing the IRP.
 *
 * Misuse stops the system as on Windows: no stack location left (0x35),
 * completing twice (0x44), completing with a cancel routine set (0x48),
 * completing with STATUS_PENDING (0x44, parameter 2 = STATUS_PENDING;
 * Windows reports this with the same code), IRQL above DISPATCH_LEVEL
 * (0xA).
 */
#define _GNU_SOURCE
#include "io/iop.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Per-thread IRP cache                                                  */
/* ------------------------------------------------------------------ */

#define IO_IRP_CLASSES     3
#define IO_IRP_CACHE_DEPTH 64

static const CCHAR io_class_stack[IO_IRP_CLASSES] = { 4, 8, 16 };

struct io_free_block {
    struct io_free_block *next;
};

/* Owned by its thread; no lock. */
struct io_irp_cache {
    struct io_free_block *head[IO_IRP_CLASSES];
    int count[IO_IRP_CLASSES];
    int registered;
};

static __thread struct io_irp_cache io_cache;
static pthread_key_t io_cache_key;
static pthread_once_t io_cache_once = PTHREAD_ONCE_INIT;

static void io_cache_drain(void *arg)
{
    struct io_irp_cache *c = arg;
    for (int i = 0; i < IO_IRP_CLASSES; i++) {
        while (c->head[i]) {
            struct io_free_block *b = c->head[i];
            c->head[i] = b->next;
            free(b);
        }
        c->count[i] = 0;
    }
}

static void io_cache_key_init(void)
{
    pthread_key_create(&io_cache_key, io_cache_drain);
}

static size_t io_block_size(CCHAR stack)
{
    return sizeof(struct io_irp_hdr) + IoSizeOfIrp(stack);
}

static int io_size_class(CCHAR stack)
{
    for (int i = 0; i < IO_IRP_CLASSES; i++)
        if (stack <= io_class_stack[i])
            return i;
    return IO_IRP_NO_CLASS;
}

static void *io_block_get(int cls, CCHAR stack)
{
    struct io_irp_cache *c = &io_cache;
    if (cls != IO_IRP_NO_CLASS && c->head[cls]) {
        struct io_free_block *b = c->head[cls];
        c->head[cls] = b->next;
        c->count[cls]--;
        return b;
    }
    CCHAR alloc_stack = cls == IO_IRP_NO_CLASS ? stack : io_class_stack[cls];
    return aligned_alloc(MEMORY_ALLOCATION_ALIGNMENT,
                         (io_block_size(alloc_stack) + 15) & ~(size_t)15);
}

static void io_block_put(void *block, int cls)
{
    struct io_irp_cache *c = &io_cache;
    if (cls == IO_IRP_NO_CLASS || c->count[cls] >= IO_IRP_CACHE_DEPTH) {
        free(block);
        return;
    }
    if (!c->registered) {
        pthread_once(&io_cache_once, io_cache_key_init);
        pthread_setspecific(io_cache_key, c);
        c->registered = 1;
    }
    struct io_free_block *b = block;
    b->next = c->head[cls];
    c->head[cls] = b;
    c->count[cls]++;
}

/* ------------------------------------------------------------------ */
/* Allocation and initialization                                         */
/* ------------------------------------------------------------------ */

static void io_irp_init(PIRP irp, USHORT packet_size, CCHAR stack_size, UCHAR alloc_flags)
{
    memset(irp, 0, packet_size);
    irp->Type = IO_TYPE_IRP;
    irp->Size = packet_size;
    irp->StackCount = stack_size;
    irp->CurrentLocation = (CHAR)(stack_size + 1);
    irp->AllocationFlags = alloc_flags;
    InitializeListHead(&irp->ThreadListEntry);
    irp->Tail.Overlay.CurrentStackLocation = (PIO_STACK_LOCATION)(irp + 1) + stack_size;
}

PIRP io_irp_alloc(CCHAR stack_size)
{
    if (stack_size < 0)
        return NULL;
    int cls = io_size_class(stack_size);
    struct io_irp_hdr *hdr = io_block_get(cls, stack_size);
    if (!hdr)
        return NULL;
    PIRP irp = (PIRP)(hdr + 1);
    memset(hdr, 0, sizeof(*hdr));
    hdr->size_class = (UCHAR)cls;
    hdr->magic = IO_IRP_MAGIC;
    hdr->kind = IO_IRP_DRIVER;
    io_irp_init(irp, IoSizeOfIrp(stack_size), stack_size,
                IO_IRP_HAS_HDR | IRP_ALLOCATED_FIXED_SIZE |
                (cls != IO_IRP_NO_CLASS ? IRP_LOOKASIDE_ALLOCATION : 0));
    return irp;
}

NTKERNELAPI PIRP NTAPI IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota)
{
    PIRP irp = io_irp_alloc(StackSize);
    if (irp && ChargeQuota)
        irp->AllocationFlags |= IRP_QUOTA_CHARGED;
    return irp;
}

NTKERNELAPI PIRP NTAPI IoAllocateIrpEx(PDEVICE_OBJECT DeviceObject, CCHAR StackSize,
                                       BOOLEAN ChargeQuota)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return IoAllocateIrp(StackSize, ChargeQuota);
}

NTKERNELAPI void NTAPI IoInitializeIrp(PIRP Irp, USHORT PacketSize, CCHAR StackSize)
{
    /* Memory the driver owns: no header, the driver frees it. */
    io_irp_init(Irp, PacketSize, StackSize, 0);
}

NTKERNELAPI void NTAPI IoReuseIrp(PIRP Irp, NTSTATUS Iostatus)
{
    UCHAR flags = Irp->AllocationFlags;
    struct io_irp_hdr *hdr = io_irp_hdr(Irp);
    if (hdr && hdr->file_referenced) {
        ObfDereferenceObject(Irp->Tail.Overlay.OriginalFileObject);
        hdr->file_referenced = 0;
    }
    io_irp_init(Irp, Irp->Size, Irp->StackCount, flags);
    Irp->IoStatus.Status = Iostatus;
    if (hdr) {
        hdr->completed = 0;
        hdr->req = NULL;
        hdr->user_out = NULL;
        hdr->user_out_len = 0;
    }
}

const char *io_driver_name(PDEVICE_OBJECT device, char *buf, size_t cap)
{
    size_t n = 0;
    if (device && device->DriverObject && device->DriverObject->DriverName.Buffer) {
        PCUNICODE_STRING s = &device->DriverObject->DriverName;
        size_t chars = s->Length / sizeof(WCHAR);
        /* keep the last path component: \Driver\Foo -> Foo */
        size_t start = 0;
        for (size_t i = 0; i < chars; i++)
            if (s->Buffer[i] == L'\\')
                start = i + 1;
        for (size_t i = start; i < chars && n + 1 < cap; i++)
            buf[n++] = (s->Buffer[i] < 0x80) ? (char)s->Buffer[i] : '?';
    }
    buf[n] = 0;
    return n ? buf : NULL;
}

static void io_bugcheck_irp(ULONG code, PIRP irp, ULONG_PTR p2, ULONG_PTR p3,
                            const char *what)
{
    char name[64];
    PDEVICE_OBJECT dev = NULL;
    if (irp->CurrentLocation >= 1 && irp->CurrentLocation <= irp->StackCount)
        dev = IoGetCurrentIrpStackLocation(irp)->DeviceObject;
    krnl_bugcheck(code, (ULONG_PTR)irp, p2, p3, 0, io_driver_name(dev, name, sizeof(name)),
                  "%s (IRP %p)", what, (void *)irp);
}

NTKERNELAPI void NTAPI IoFreeIrp(PIRP Irp)
{
    struct io_irp_hdr *hdr = io_irp_hdr(Irp);
    if (Irp->Type != IO_TYPE_IRP || !hdr || hdr->magic != IO_IRP_MAGIC)
        krnl_bugcheck(IO_BUGCHECK_BAD_POOL_CALLER, 7, (ULONG_PTR)Irp, 0, 0, NULL,
                      "IoFreeIrp: %p is not an IRP the I/O manager allocated (or was freed already)",
                      (void *)Irp);
    if (hdr->file_referenced)
        ObfDereferenceObject(Irp->Tail.Overlay.OriginalFileObject);
    /* Poison so that a late IoCompleteRequest/IoFreeIrp is caught: the
     * block stays mapped in a cache or the allocator. */
    Irp->Type = 0;
    hdr->magic = 0;
    io_block_put(hdr, hdr->size_class);
}

NTKERNELAPI PIRP NTAPI IoMakeAssociatedIrp(PIRP Irp, CCHAR StackSize)
{
    PIRP assoc = io_irp_alloc(StackSize);
    if (!assoc)
        return NULL;
    assoc->Flags = IRP_ASSOCIATED_IRP;
    assoc->AssociatedIrp.MasterIrp = Irp;
    assoc->RequestorMode = Irp->RequestorMode;
    assoc->Tail.Overlay.Thread = Irp->Tail.Overlay.Thread;
    assoc->Tail.Overlay.OriginalFileObject = Irp->Tail.Overlay.OriginalFileObject;
    return assoc;
}

NTKERNELAPI KPROCESSOR_MODE NTAPI IoGetRequestorMode(PIRP Irp)
{
    return Irp->RequestorMode;
}

NTKERNELAPI BOOLEAN NTAPI IoIsOperationSynchronous(PIRP Irp)
{
    if (Irp->Flags & IRP_PAGING_IO)
        return (Irp->Flags & IRP_SYNCHRONOUS_PAGING_IO) != 0;
    if (Irp->Flags & IRP_SYNCHRONOUS_API)
        return TRUE;
    if (Irp->CurrentLocation <= Irp->StackCount) {
        PFILE_OBJECT fo = IoGetCurrentIrpStackLocation(Irp)->FileObject;
        if (fo && (fo->Flags & FO_SYNCHRONOUS_IO))
            return TRUE;
    }
    return FALSE;
}

NTKERNELAPI ULONG_PTR NTAPI IoGetRemainingStackSize(void)
{
    pthread_attr_t attr;
    void *low;
    size_t size;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
        return 0;
    pthread_attr_getstack(&attr, &low, &size);
    pthread_attr_destroy(&attr);
    ULONG_PTR sp = (ULONG_PTR)__builtin_frame_address(0);
    return sp > (ULONG_PTR)low ? sp - (ULONG_PTR)low : 0;
}

PDEVICE_OBJECT io_stack_top(PDEVICE_OBJECT device)
{
    while (device && device->AttachedDevice)
        device = device->AttachedDevice;
    return device;
}

/* ------------------------------------------------------------------ */
/* Sending                                                               */
/* ------------------------------------------------------------------ */

#undef IoCallDriver
NTKERNELAPI NTSTATUS FASTCALL IofCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    Irp->CurrentLocation--;
    if (Irp->CurrentLocation <= 0)
        io_bugcheck_irp(IO_BUGCHECK_NO_MORE_IRP_STACK_LOCATIONS, Irp, 0, 0,
                        "IoCallDriver: the IRP has no stack location left for the next driver");
    PIO_STACK_LOCATION sp = --Irp->Tail.Overlay.CurrentStackLocation;
    sp->DeviceObject = DeviceObject;

    PDRIVER_DISPATCH dispatch = NULL;
    if (sp->MajorFunction <= IRP_MJ_MAXIMUM_FUNCTION && DeviceObject->DriverObject)
        dispatch = DeviceObject->DriverObject->MajorFunction[sp->MajorFunction];
    if (!dispatch) {
        /* What the I/O manager installs for majors a driver leaves empty. */
        Irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
        Irp->IoStatus.Information = 0;
        IofCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    return dispatch(DeviceObject, Irp);
}

NTKERNELAPI NTSTATUS NTAPI IoCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return IofCallDriver(DeviceObject, Irp);
}

/* ------------------------------------------------------------------ */
/* Completion                                                            */
/* ------------------------------------------------------------------ */

void io_irp_release_buffers(PIRP irp)
{
    if ((irp->Flags & IRP_DEALLOCATE_BUFFER) && irp->AssociatedIrp.SystemBuffer) {
        io_pool_free(irp->AssociatedIrp.SystemBuffer, IO_TAG_BUFFER);
        irp->AssociatedIrp.SystemBuffer = NULL;
        irp->Flags &= ~IRP_DEALLOCATE_BUFFER;
    }
    PMDL mdl = irp->MdlAddress;
    while (mdl) {
        PMDL next = mdl->Next;
        if (mdl->MdlFlags & MDL_PAGES_LOCKED)
            MmUnlockPages(mdl);
        IoFreeMdl(mdl);
        mdl = next;
    }
    irp->MdlAddress = NULL;
}

/* The I/O manager's part, once no driver owns the IRP any more. */
static void io_irp_finish(PIRP irp, CCHAR boost)
{
    if (irp->Flags & IRP_ASSOCIATED_IRP) {
        PIRP master = irp->AssociatedIrp.MasterIrp;
        io_irp_release_buffers(irp);
        IoFreeIrp(irp);
        if (__atomic_sub_fetch(&master->AssociatedIrp.IrpCount, 1, __ATOMIC_ACQ_REL) == 0)
            IofCompleteRequest(master, boost);
        return;
    }

    struct io_irp_hdr *hdr = io_irp_hdr(irp);
    switch (hdr ? hdr->kind : IO_IRP_DRIVER) {
    case IO_IRP_USER:
        io_user_finish(irp, boost);
        return;

    case IO_IRP_THREADED:
    case IO_IRP_ASYNC: {
        IO_STATUS_BLOCK st = irp->IoStatus;
        if ((irp->Flags & (IRP_BUFFERED_IO | IRP_INPUT_OPERATION)) ==
                (IRP_BUFFERED_IO | IRP_INPUT_OPERATION) &&
            !NT_ERROR(st.Status) && hdr->user_out && irp->AssociatedIrp.SystemBuffer) {
            ULONG_PTR n = st.Information;
            if (n > hdr->user_out_len)
                n = hdr->user_out_len;
            memcpy(hdr->user_out, irp->AssociatedIrp.SystemBuffer, n);
        }
        PIO_STATUS_BLOCK iosb = irp->UserIosb;
        PKEVENT event = irp->UserEvent;
        io_irp_release_buffers(irp);
        IoFreeIrp(irp);
        if (iosb)
            *iosb = st;
        if (event)
            KeSetEvent(event, boost, FALSE);
        return;
    }

    case IO_IRP_DRIVER:
    default: {
        /* Allocated by a driver, which frees it. Mark it completed before
         * signalling: the waiter may free it at once. */
        PIO_STATUS_BLOCK iosb = irp->UserIosb;
        PKEVENT event = irp->UserEvent;
        IO_STATUS_BLOCK st = irp->IoStatus;
        irp->CurrentLocation = (CHAR)(irp->StackCount + 2);
        if (hdr)
            hdr->completed = 1;
        if (iosb)
            *iosb = st;
        if (event)
            KeSetEvent(event, boost, FALSE);
        return;
    }
    }
}

#undef IoCompleteRequest
NTKERNELAPI void FASTCALL IofCompleteRequest(PIRP Irp, CCHAR PriorityBoost)
{
    ke_check_irql_max(DISPATCH_LEVEL, "IoCompleteRequest");

    struct io_irp_hdr *hdr = Irp->Type == IO_TYPE_IRP ? io_irp_hdr(Irp) : NULL;
    if (Irp->Type != IO_TYPE_IRP || Irp->CurrentLocation > Irp->StackCount + 1 ||
        (hdr && hdr->completed))
        io_bugcheck_irp(IO_BUGCHECK_MULTIPLE_IRP_COMPLETE_REQUESTS, Irp, 0, 0,
                        "IoCompleteRequest: the IRP was already completed");
    if (Irp->IoStatus.Status == STATUS_PENDING)
        io_bugcheck_irp(IO_BUGCHECK_MULTIPLE_IRP_COMPLETE_REQUESTS, Irp,
                        (ULONG_PTR)STATUS_PENDING, 0,
                        "IoCompleteRequest: completing an IRP with STATUS_PENDING");
    if (Irp->CancelRoutine)
        io_bugcheck_irp(IO_BUGCHECK_CANCEL_STATE_IN_COMPLETED_IRP, Irp,
                        (ULONG_PTR)Irp->CancelRoutine, 0,
                        "IoCompleteRequest: the IRP still has a cancel routine");

    while (Irp->CurrentLocation <= Irp->StackCount) {
        PIO_STACK_LOCATION sp = Irp->Tail.Overlay.CurrentStackLocation;
        PIO_COMPLETION_ROUTINE routine = sp->CompletionRoutine;
        PVOID context = sp->Context;
        UCHAR control = sp->Control;

        Irp->PendingReturned = (control & SL_PENDING_RETURNED) != 0;
        /* This level is finished: clear what completion consumed. */
        sp->MinorFunction = 0;
        sp->Flags = 0;
        sp->Control = 0;
        sp->CompletionRoutine = NULL;
        sp->Context = NULL;

        Irp->CurrentLocation++;
        Irp->Tail.Overlay.CurrentStackLocation++;

        NTSTATUS st = Irp->IoStatus.Status;
        if (routine &&
            ((NT_SUCCESS(st) && (control & SL_INVOKE_ON_SUCCESS)) ||
             (!NT_SUCCESS(st) && (control & SL_INVOKE_ON_ERROR)) ||
             (Irp->Cancel && (control & SL_INVOKE_ON_CANCEL)))) {
            /* The routine belongs to the level above: pass its device
             * (none for the IRP's originator). */
            PDEVICE_OBJECT dev = Irp->CurrentLocation <= Irp->StackCount
                ? Irp->Tail.Overlay.CurrentStackLocation->DeviceObject : NULL;
            if (routine(dev, Irp, context) == STATUS_MORE_PROCESSING_REQUIRED)
                return;
        } else if (Irp->PendingReturned && Irp->CurrentLocation <= Irp->StackCount) {
            IoMarkIrpPending(Irp);
        }
    }

    io_irp_finish(Irp, PriorityBoost);
}

NTKERNELAPI void NTAPI IoCompleteRequest(PIRP Irp, CCHAR PriorityBoost)
{
    IofCompleteRequest(Irp, PriorityBoost);
}

/* ------------------------------------------------------------------ */
/* IoSetCompletionRoutineEx                                              */
/* ------------------------------------------------------------------ */

struct io_compex {
    PIO_COMPLETION_ROUTINE routine;
    PVOID context;
    UCHAR control;           /* the caller's SL_INVOKE_* choice */
};

/* Installed for every outcome so that the context is always freed; calls
 * the driver's routine only for the outcomes it asked for, and otherwise
 * does what completion does for a level without a routine. */
static NTSTATUS NTAPI io_compex_routine(PDEVICE_OBJECT dev, PIRP irp, PVOID context)
{
    struct io_compex c = *(struct io_compex *)context;
    io_pool_free(context, IO_TAG_COMPEX);
    NTSTATUS st = irp->IoStatus.Status;
    if ((NT_SUCCESS(st) && (c.control & SL_INVOKE_ON_SUCCESS)) ||
        (!NT_SUCCESS(st) && (c.control & SL_INVOKE_ON_ERROR)) ||
        (irp->Cancel && (c.control & SL_INVOKE_ON_CANCEL)))
        return c.routine(dev, irp, c.context);
    if (irp->PendingReturned && irp->CurrentLocation <= irp->StackCount)
        IoMarkIrpPending(irp);
    return STATUS_CONTINUE_COMPLETION;
}

/*
 * On Windows the Ex form also keeps the driver loaded until the routine
 * has returned. Here the routine runs before IoCompleteRequest returns to
 * its caller, and the loader (iodev) does not unload a driver with
 * devices attached, so only the Windows calling contract is kept.
 */
NTKERNELAPI NTSTATUS NTAPI IoSetCompletionRoutineEx(
    PDEVICE_OBJECT DeviceObject, PIRP Irp, PIO_COMPLETION_ROUTINE CompletionRoutine,
    PVOID Context, BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    struct io_compex *c = io_pool_alloc(sizeof(*c), IO_TAG_COMPEX);
    if (!c)
        return STATUS_INSUFFICIENT_RESOURCES;
    c->routine = CompletionRoutine;
    c->context = Context;
    c->control = (UCHAR)((InvokeOnSuccess ? SL_INVOKE_ON_SUCCESS : 0) |
                         (InvokeOnError ? SL_INVOKE_ON_ERROR : 0) |
                         (InvokeOnCancel ? SL_INVOKE_ON_CANCEL : 0));
    IoSetCompletionRoutine(Irp, io_compex_routine, c, TRUE, TRUE, TRUE);
    return STATUS_SUCCESS;
}
