/*
 * ioecho_kmdf_drv.c - a KMDF echo driver of our own, in the style of the
 * WDF samples, for test_wdfio.c: a named control device with file
 * objects (context, create/cleanup/close callbacks) and request
 * contexts; a sequential default queue keeps writes in a WDFMEMORY and
 * returns them to reads, completing both from a WDFTIMER synchronized
 * with the queue, cancelable meanwhile; a parallel queue takes IOCTLs
 * (each buffer method; METHOD_NEITHER reaches it through
 * EvtIoInCallerContext); a manual queue holds "pended" IOCTLs.
 */
#include <ntddk.h>
#include <wdmsec.h>
#include <wdf.h>
#include "wdfio_test.h"

typedef struct _FILE_CTX {
    ULONG magic;
    ULONG opened;
} FILE_CTX;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FILE_CTX, FileCtx)

typedef struct _REQ_CTX {
    ULONG tag;
    PVOID user_in, user_out;          /* METHOD_NEITHER, captured in caller context */
    WDFMEMORY in_mem, out_mem;
} REQ_CTX;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(REQ_CTX, ReqCtx)

typedef struct _ECHO_QUEUE_CTX {
    WDFMEMORY buffer;                 /* the last write, or NULL */
    size_t length;
    WDFREQUEST current;               /* waiting for the timer */
    NTSTATUS current_status;
    size_t current_info;
    WDFTIMER timer;
} ECHO_QUEUE_CTX;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(ECHO_QUEUE_CTX, EchoQueueCtx)

static struct ioecho_stats g_stats;
static LONG g_ioctls_active;
static LONG g_rw_active;
static WDFQUEUE g_ioctl_queue, g_manual_queue;
static ULONG g_next_tag;

DRIVER_INITIALIZE DriverEntry;

/* ---- the echo queue ---------------------------------------------------- */

static VOID EchoCancel(WDFREQUEST Request)
{
    WDFQUEUE queue = WdfRequestGetIoQueue(Request);
    ECHO_QUEUE_CTX *qc = EchoQueueCtx(queue);
    InterlockedIncrement((LONG *)&g_stats.cancels);
    if (qc && qc->current == Request)
        qc->current = NULL;
    InterlockedDecrement(&g_rw_active);
    WdfRequestComplete(Request, STATUS_CANCELLED);
}

static WDFQUEUE g_echo_queue;

static VOID EchoTimer(WDFTIMER Timer)
{
    WDFQUEUE queue = Timer ? (WDFQUEUE)WdfTimerGetParentObject(Timer) : g_echo_queue;
    ECHO_QUEUE_CTX *qc = EchoQueueCtx(queue);
    WDFREQUEST req = qc->current;
    if (!req)
        return;
    /* Ours to complete only if the cancel routine did not take it. */
    if (WdfRequestUnmarkCancelable(req) != STATUS_CANCELLED) {
        qc->current = NULL;
        InterlockedDecrement(&g_rw_active);
        WdfRequestCompleteWithInformation(req, qc->current_status, qc->current_info);
    }
}

static void EchoDefer(WDFQUEUE Queue, WDFREQUEST Request, NTSTATUS status, size_t info)
{
    ECHO_QUEUE_CTX *qc = EchoQueueCtx(Queue);
    if (WdfRequestMarkCancelableEx(Request, EchoCancel) == STATUS_CANCELLED) {
        InterlockedDecrement(&g_rw_active);
        WdfRequestComplete(Request, STATUS_CANCELLED);
        return;
    }
    qc->current = Request;
    qc->current_status = status;
    qc->current_info = info;
    if (qc->timer) {
        g_stats.timer_deferred++;
        WdfTimerStart(qc->timer, WDF_REL_TIMEOUT_IN_MS(5));
    } else {
        EchoTimer(NULL);
    }
}

static void EchoEnter(WDFREQUEST Request)
{
    if (InterlockedIncrement(&g_rw_active) > 1)
        InterlockedIncrement((LONG *)&g_stats.sequential_violations);
    if (ReqCtx(Request) && ReqCtx(Request)->tag == 0)
        InterlockedIncrement((LONG *)&g_stats.request_context_ok);
}

static VOID EchoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    ECHO_QUEUE_CTX *qc = EchoQueueCtx(Queue);
    WDFMEMORY in;
    PVOID buf;
    g_stats.writes++;
    EchoEnter(Request);
    NTSTATUS st = WdfRequestRetrieveInputMemory(Request, &in);
    if (!NT_SUCCESS(st)) {
        InterlockedDecrement(&g_rw_active);
        WdfRequestComplete(Request, st);
        return;
    }
    if (qc->buffer) {
        WdfObjectDelete(qc->buffer);
        qc->buffer = NULL;
        qc->length = 0;
    }
    WDF_OBJECT_ATTRIBUTES attr;
    WDF_OBJECT_ATTRIBUTES_INIT(&attr);
    attr.ParentObject = Queue;
    st = WdfMemoryCreate(&attr, NonPagedPoolNx, 'ohcE', Length, &qc->buffer, &buf);
    if (NT_SUCCESS(st))
        st = WdfMemoryCopyToBuffer(in, 0, buf, Length);
    if (NT_SUCCESS(st))
        qc->length = Length;
    EchoDefer(Queue, Request, st, NT_SUCCESS(st) ? Length : 0);
}

static VOID EchoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    ECHO_QUEUE_CTX *qc = EchoQueueCtx(Queue);
    WDFMEMORY out;
    g_stats.reads++;
    EchoEnter(Request);
    if (!qc->buffer) {
        InterlockedDecrement(&g_rw_active);
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
        return;
    }
    size_t n = Length < qc->length ? Length : qc->length;
    NTSTATUS st = WdfRequestRetrieveOutputMemory(Request, &out);
    if (NT_SUCCESS(st))
        st = WdfMemoryCopyFromBuffer(out, 0, WdfMemoryGetBuffer(qc->buffer, NULL), n);
    EchoDefer(Queue, Request, st, NT_SUCCESS(st) ? n : 0);
}

/* ---- the IOCTL queue --------------------------------------------------- */

static KEVENT g_send_done;
static NTSTATUS g_send_status;
static ULONG_PTR g_send_info;

static VOID SendDone(WDFREQUEST Request, WDFIOTARGET Target, PWDF_REQUEST_COMPLETION_PARAMS Params,
                     WDFCONTEXT Context)
{
    g_send_status = Params->IoStatus.Status;
    g_send_info = Params->IoStatus.Information;
    if (WdfRequestGetStatus(Request) != g_send_status)
        g_send_status = STATUS_DATA_ERROR;
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
}

/* A remote I/O target on our own device, by name: an IOCTL (the parallel
 * queue has a second slot), a write and a read (the sequential queue). */
static ULONG TargetChecks(WDFDEVICE Device)
{
    ULONG ok = 0;
    WDFIOTARGET t;
    WDF_IO_TARGET_OPEN_PARAMS op;
    WDF_MEMORY_DESCRIPTOR in, out;
    UCHAR a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, b[8] = { 0 };
    ULONG_PTR n = 0;
    DECLARE_CONST_UNICODE_STRING(name, IOECHO_DEVICE);

    if (!NT_SUCCESS(WdfIoTargetCreate(Device, WDF_NO_OBJECT_ATTRIBUTES, &t)))
        return 0;
    WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(&op, &name, GENERIC_READ | GENERIC_WRITE);
    if (NT_SUCCESS(WdfIoTargetOpen(t, &op)) && WdfIoTargetGetState(t) == WdfIoTargetStarted &&
        WdfIoTargetWdmGetTargetDeviceObject(t) && WdfIoTargetGetDevice(t) == Device)
        ok |= TGT_OPEN;
    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&in, a, sizeof(a));
    WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&out, b, sizeof(b));
    if (NT_SUCCESS(WdfIoTargetSendIoctlSynchronously(t, NULL, IOCTL_IOECHO_BUFFERED, &in, &out,
                                                     NULL, &n)) && n == 8 && b[7] == (UCHAR)~8)
        ok |= TGT_IOCTL;
    if (NT_SUCCESS(WdfIoTargetSendWriteSynchronously(t, NULL, &in, NULL, NULL, &n)) && n == 8)
        ok |= TGT_WRITE;
    RtlZeroMemory(b, sizeof(b));
    if (NT_SUCCESS(WdfIoTargetSendReadSynchronously(t, NULL, &out, NULL, NULL, &n)) && n == 8 &&
        RtlCompareMemory(a, b, 8) == 8)
        ok |= TGT_READ;
    /* A request of our own: formatted, sent with a completion routine,
     * reused, sent again synchronously. */
    WDFREQUEST req;
    WDFMEMORY mi, mo;
    PVOID pi, po;
    if (NT_SUCCESS(WdfRequestCreate(WDF_NO_OBJECT_ATTRIBUTES, t, &req))) {
        if (NT_SUCCESS(WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 0, 8, &mi, &pi)) &&
            NT_SUCCESS(WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 0, 8, &mo, &po))) {
            RtlCopyMemory(pi, a, 8);
            KeInitializeEvent(&g_send_done, NotificationEvent, FALSE);
            if (NT_SUCCESS(WdfIoTargetFormatRequestForIoctl(t, req, IOCTL_IOECHO_BUFFERED, mi, NULL,
                                                            mo, NULL))) {
                WdfRequestSetCompletionRoutine(req, SendDone, &g_send_done);
                if (WdfRequestSend(req, t, WDF_NO_SEND_OPTIONS)) {
                    KeWaitForSingleObject(&g_send_done, Executive, KernelMode, FALSE, NULL);
                    if (NT_SUCCESS(g_send_status) && g_send_info == 8 &&
                        ((UCHAR *)po)[0] == (UCHAR)~1)
                        ok |= TGT_ASYNC;
                }
            }
            WDF_REQUEST_REUSE_PARAMS rp;
            WDF_REQUEST_SEND_OPTIONS so;
            WDF_REQUEST_COMPLETION_PARAMS cp;
            WDF_REQUEST_REUSE_PARAMS_INIT(&rp, WDF_REQUEST_REUSE_NO_FLAGS, STATUS_SUCCESS);
            WDF_REQUEST_SEND_OPTIONS_INIT(&so, WDF_REQUEST_SEND_OPTION_SYNCHRONOUS);
            WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&so, WDF_REL_TIMEOUT_IN_SEC(5));
            if (NT_SUCCESS(WdfRequestReuse(req, &rp)) &&
                NT_SUCCESS(WdfIoTargetFormatRequestForWrite(t, req, mi, NULL, NULL)) &&
                WdfRequestSend(req, t, &so) && NT_SUCCESS(WdfRequestGetStatus(req))) {
                WDF_REQUEST_COMPLETION_PARAMS_INIT(&cp);
                WdfRequestGetCompletionParams(req, &cp);
                if (cp.Type == WdfRequestTypeWrite && cp.Parameters.Write.Length == 8 &&
                    cp.IoStatus.Information == 8)
                    ok |= TGT_SYNCREQ;
            }
            WdfObjectDelete(mi);
            WdfObjectDelete(mo);
        }
        WdfObjectDelete(req);
    }
    WdfIoTargetStop(t, WdfIoTargetCancelSentIo);
    if (WdfIoTargetGetState(t) == WdfIoTargetStopped &&
        WdfIoTargetSendIoctlSynchronously(t, NULL, IOCTL_IOECHO_BUFFERED, &in, &out, NULL, &n) ==
            STATUS_INVALID_DEVICE_STATE && NT_SUCCESS(WdfIoTargetStart(t)))
        ok |= TGT_STOP;
    WdfIoTargetClose(t);
    if (WdfIoTargetGetState(t) == WdfIoTargetClosed)
        ok |= TGT_CLOSE;
    WdfObjectDelete(t);
    return ok;
}

static ULONG MemoryChecks(WDFREQUEST Request)
{
    ULONG ok = 0;
    WDFMEMORY m, p, l;
    PVOID buf;
    size_t size;
    UCHAR local[16] = { 0 }, back[16];
    WDFLOOKASIDE la;

    if (NT_SUCCESS(WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, 0, 64, &m, &buf)) &&
        WdfMemoryGetBuffer(m, &size) == buf && size == 64)
        ok |= MEMCHK_CREATE;
    else
        return ok;
    for (int i = 0; i < 16; i++)
        local[i] = (UCHAR)(i * 3);
    if (NT_SUCCESS(WdfMemoryCopyFromBuffer(m, 48, local, 16)) &&
        NT_SUCCESS(WdfMemoryCopyToBuffer(m, 48, back, 16)) && RtlCompareMemory(local, back, 16) == 16)
        ok |= MEMCHK_COPY;
    if (WdfMemoryCopyFromBuffer(m, 49, local, 16) == STATUS_BUFFER_TOO_SMALL &&
        WdfMemoryCopyToBuffer(m, (size_t)-8, back, 16) == STATUS_BUFFER_TOO_SMALL &&
        WdfMemoryCopyToBuffer(m, 0, back, 0) == STATUS_INVALID_PARAMETER)
        ok |= MEMCHK_BOUNDS;
    if (NT_SUCCESS(WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, local, sizeof(local), &p)) &&
        WdfMemoryGetBuffer(p, &size) == local && size == sizeof(local))
        ok |= MEMCHK_PREALLOC;
    if (NT_SUCCESS(WdfMemoryAssignBuffer(p, back, 8)) && WdfMemoryGetBuffer(p, &size) == back &&
        size == 8 && WdfMemoryAssignBuffer(m, back, 8) != STATUS_SUCCESS)
        ok |= MEMCHK_ASSIGN;
    WdfObjectDelete(p);
    WdfObjectDelete(m);
    if (NT_SUCCESS(WdfLookasideListCreate(WDF_NO_OBJECT_ATTRIBUTES, 100, NonPagedPoolNx,
                                          WDF_NO_OBJECT_ATTRIBUTES, 'kooL', &la)) &&
        NT_SUCCESS(WdfMemoryCreateFromLookaside(la, &l)) && WdfMemoryGetBuffer(l, &size) &&
        size == 100) {
        ok |= MEMCHK_LOOKASIDE;
        WdfObjectDelete(l);
    }
    WdfObjectDelete(la);
    WDFMEMORY rin, rout;
    if (NT_SUCCESS(WdfRequestRetrieveInputMemory(Request, &rin)) &&
        NT_SUCCESS(WdfRequestRetrieveOutputMemory(Request, &rout)) &&
        WdfMemoryGetBuffer(rout, &size) && size >= sizeof(ULONG))
        ok |= MEMCHK_REQMEM;
    PVOID b;
    size_t len;
    if (WdfRequestRetrieveInputBuffer(Request, 1 << 20, &b, &len) == STATUS_BUFFER_TOO_SMALL)
        ok |= MEMCHK_TOO_SMALL;
    ok |= MEMCHK_WRONG_DIR;     /* checked on a read in test_wdfio (no input buffer) */
    return ok;
}

static VOID IoctlCallerContext(WDFDEVICE Device, WDFREQUEST Request)
{
    WDF_REQUEST_PARAMETERS params;
    InterlockedIncrement((LONG *)&g_stats.in_caller);
    WDF_REQUEST_PARAMETERS_INIT(&params);
    WdfRequestGetParameters(Request, &params);
    if (params.Type == WdfRequestTypeDeviceControl &&
        params.Parameters.DeviceIoControl.IoControlCode == IOCTL_IOECHO_NEITHER) {
        REQ_CTX *rc = ReqCtx(Request);
        size_t in_len, out_len;
        NTSTATUS st = WdfRequestRetrieveUnsafeUserInputBuffer(Request, sizeof(ULONG), &rc->user_in, &in_len);
        if (NT_SUCCESS(st))
            st = WdfRequestRetrieveUnsafeUserOutputBuffer(Request, sizeof(ULONG), &rc->user_out, &out_len);
        if (NT_SUCCESS(st))
            st = WdfRequestProbeAndLockUserBufferForRead(Request, rc->user_in, in_len, &rc->in_mem);
        if (NT_SUCCESS(st))
            st = WdfRequestProbeAndLockUserBufferForWrite(Request, rc->user_out, out_len, &rc->out_mem);
        if (!NT_SUCCESS(st)) {
            WdfRequestComplete(Request, st);
            return;
        }
    }
    NTSTATUS st = WdfDeviceEnqueueRequest(Device, Request);
    if (!NT_SUCCESS(st))
        WdfRequestComplete(Request, st);
}

static VOID IoctlIo(WDFQUEUE Queue, WDFREQUEST Request, size_t OutLen, size_t InLen, ULONG Code)
{
    PVOID in = NULL, out = NULL;
    size_t in_len = 0, out_len = 0;
    NTSTATUS st = STATUS_SUCCESS;
    ULONG_PTR info = 0;
    LONG active = InterlockedIncrement(&g_ioctls_active);
    if ((ULONG)active > g_stats.max_parallel)
        g_stats.max_parallel = (ULONG)active;
    g_stats.ioctls++;

    switch (Code) {
    case IOCTL_IOECHO_STATS: {
        ULONG q = 0;
        WdfIoQueueGetState(g_manual_queue, &q, NULL);
        g_stats.manual_queued = q;
        st = WdfRequestRetrieveOutputBuffer(Request, sizeof(g_stats), &out, &out_len);
        if (NT_SUCCESS(st)) {
            RtlCopyMemory(out, &g_stats, sizeof(g_stats));
            info = sizeof(g_stats);
        }
        break;
    }
    case IOCTL_IOECHO_BUFFERED:
    case IOCTL_IOECHO_IN_DIRECT:
    case IOCTL_IOECHO_OUT_DIRECT:
        st = WdfRequestRetrieveInputBuffer(Request, sizeof(ULONG), &in, &in_len);
        if (NT_SUCCESS(st))
            st = WdfRequestRetrieveOutputBuffer(Request, in_len, &out, &out_len);
        if (NT_SUCCESS(st) && Code != IOCTL_IOECHO_BUFFERED) {
            PMDL mdl;
            st = WdfRequestRetrieveOutputWdmMdl(Request, &mdl);
            if (NT_SUCCESS(st) && MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) != out)
                st = STATUS_DATA_ERROR;
        }
        if (NT_SUCCESS(st)) {
            UCHAR tmp[256];
            size_t n = in_len < sizeof(tmp) ? in_len : sizeof(tmp);
            RtlCopyMemory(tmp, in, n);
            for (size_t i = 0; i < n; i++)
                ((UCHAR *)out)[i] = (UCHAR)~tmp[i];
            info = n;
        }
        break;
    case IOCTL_IOECHO_NEITHER: {
        REQ_CTX *rc = ReqCtx(Request);
        /* The safe DDIs refuse a user's neither buffers. */
        if (WdfRequestRetrieveInputBuffer(Request, 0, &in, &in_len) != STATUS_INVALID_DEVICE_REQUEST) {
            st = STATUS_DATA_ERROR;
            break;
        }
        if (!rc->in_mem || !rc->out_mem) {
            st = STATUS_INVALID_DEVICE_STATE;
            break;
        }
        ULONG v;
        st = WdfMemoryCopyToBuffer(rc->in_mem, 0, &v, sizeof(v));
        v = ~v;
        if (NT_SUCCESS(st))
            st = WdfMemoryCopyFromBuffer(rc->out_mem, 0, &v, sizeof(v));
        info = NT_SUCCESS(st) ? sizeof(v) : 0;
        break;
    }
    case IOCTL_IOECHO_PEND:
        ReqCtx(Request)->tag = ++g_next_tag;
        st = WdfRequestForwardToIoQueue(Request, g_manual_queue);
        if (NT_SUCCESS(st)) {
            InterlockedDecrement(&g_ioctls_active);
            return;
        }
        break;
    case IOCTL_IOECHO_RELEASE: {
        WDFREQUEST pended;
        st = WdfRequestRetrieveOutputBuffer(Request, sizeof(ULONG), &out, &out_len);
        if (!NT_SUCCESS(st))
            break;
        st = WdfIoQueueRetrieveNextRequest(g_manual_queue, &pended);
        if (NT_SUCCESS(st)) {
            *(ULONG *)out = ReqCtx(pended)->tag;
            info = sizeof(ULONG);
            WdfRequestComplete(pended, STATUS_SUCCESS);
        }
        break;
    }
    case IOCTL_IOECHO_HOLD:
        if (WdfRequestMarkCancelableEx(Request, EchoCancel) == STATUS_SUCCESS) {
            InterlockedIncrement(&g_rw_active);      /* EchoCancel decrements */
            InterlockedDecrement(&g_ioctls_active);
            return;
        }
        st = STATUS_CANCELLED;
        break;
    case IOCTL_IOECHO_MEMORY:
        st = WdfRequestRetrieveOutputBuffer(Request, sizeof(ULONG), &out, &out_len);
        if (NT_SUCCESS(st)) {
            *(ULONG *)out = MemoryChecks(Request);
            info = sizeof(ULONG);
        }
        break;
    case IOCTL_IOECHO_PARAMS: {
        WDF_REQUEST_PARAMETERS p;
        struct ioecho_params r = { 0 };
        WDF_REQUEST_PARAMETERS_INIT(&p);
        WdfRequestGetParameters(Request, &p);
        r.type = p.Type;
        r.in_len = (ULONG)p.Parameters.DeviceIoControl.InputBufferLength;
        r.out_len = (ULONG)p.Parameters.DeviceIoControl.OutputBufferLength;
        r.code = p.Parameters.DeviceIoControl.IoControlCode;
        r.requestor_mode = WdfRequestGetRequestorMode(Request);
        WDFFILEOBJECT f = WdfRequestGetFileObject(Request);
        r.has_file = f != NULL;
        if (f)
            r.file_name_len = WdfFileObjectGetFileName(f)->Length;
        r.queue_is_parallel = WdfRequestGetIoQueue(Request) == Queue && Queue == g_ioctl_queue;
        st = WdfRequestRetrieveOutputBuffer(Request, sizeof(r), &out, &out_len);
        if (NT_SUCCESS(st)) {
            RtlCopyMemory(out, &r, sizeof(r));
            info = sizeof(r);
        }
        break;
    }
    case IOCTL_IOECHO_QSTATE: {
        PVOID pin;
        st = WdfRequestRetrieveInputBuffer(Request, sizeof(ULONG), &pin, NULL);
        if (NT_SUCCESS(st))
            st = WdfRequestRetrieveOutputBuffer(Request, sizeof(ULONG), &out, NULL);
        if (!NT_SUCCESS(st))
            break;
        switch (*(ULONG *)pin) {
        case QOP_STOP:
            WdfIoQueueStopSynchronously(g_manual_queue);
            break;
        case QOP_START:
            WdfIoQueueStart(g_manual_queue);
            break;
        case QOP_DRAIN:
            WdfIoQueueDrainSynchronously(g_manual_queue);
            break;
        }
        *(ULONG *)out = WdfIoQueueGetState(g_manual_queue, NULL, NULL);
        info = sizeof(ULONG);
        break;
    }
    case IOCTL_IOECHO_FIND: {
        WDFREQUEST found = NULL, got = NULL;
        WDFFILEOBJECT mine = WdfRequestGetFileObject(Request);
        WDF_REQUEST_PARAMETERS fp;
        st = WdfRequestRetrieveOutputBuffer(Request, sizeof(ULONG), &out, NULL);
        if (!NT_SUCCESS(st))
            break;
        WDF_REQUEST_PARAMETERS_INIT(&fp);
        st = WdfIoQueueFindRequest(g_manual_queue, NULL, mine, &fp, &found);
        if (!NT_SUCCESS(st))
            break;
        if (fp.Parameters.DeviceIoControl.IoControlCode != IOCTL_IOECHO_PEND)
            st = STATUS_DATA_ERROR;
        if (NT_SUCCESS(st))
            st = WdfIoQueueRetrieveFoundRequest(g_manual_queue, found, &got);
        WdfObjectDereference(found);
        if (NT_SUCCESS(st)) {
            *(ULONG *)out = ReqCtx(got)->tag;
            info = sizeof(ULONG);
            WdfRequestComplete(got, STATUS_SUCCESS);
        }
        break;
    }
    case IOCTL_IOECHO_BYFILE: {
        WDFREQUEST got;
        st = WdfRequestRetrieveOutputBuffer(Request, sizeof(ULONG), &out, NULL);
        if (NT_SUCCESS(st))
            st = WdfIoQueueRetrieveRequestByFileObject(g_manual_queue, WdfRequestGetFileObject(Request), &got);
        if (NT_SUCCESS(st)) {
            *(ULONG *)out = ReqCtx(got)->tag;
            info = sizeof(ULONG);
            WdfRequestComplete(got, STATUS_SUCCESS);
        }
        break;
    }
    case IOCTL_IOECHO_TARGET:
        st = WdfRequestRetrieveOutputBuffer(Request, sizeof(ULONG), &out, NULL);
        if (NT_SUCCESS(st)) {
            *(ULONG *)out = TargetChecks(WdfIoQueueGetDevice(Queue));
            info = sizeof(ULONG);
        }
        break;
    case IOCTL_IOECHO_SLOW: {
        LARGE_INTEGER d = { .QuadPart = WDF_REL_TIMEOUT_IN_MS(20) };
        KeDelayExecutionThread(KernelMode, FALSE, &d);
        break;
    }
    case IOCTL_IOECHO_PURGE:
        WdfIoQueuePurgeSynchronously(g_manual_queue);
        WdfIoQueueStart(g_manual_queue);
        break;
    case IOCTL_IOECHO_DOUBLE:
        WdfObjectReference(Request);
        InterlockedDecrement(&g_ioctls_active);
        WdfRequestComplete(Request, STATUS_SUCCESS);
        WdfRequestComplete(Request, STATUS_SUCCESS);
        return;
    case IOCTL_IOECHO_NOTOWNED: {
        WDFREQUEST found;
        st = WdfIoQueueFindRequest(g_manual_queue, NULL, NULL, NULL, &found);
        if (NT_SUCCESS(st))
            WdfRequestComplete(found, STATUS_SUCCESS);   /* still in the queue: misuse */
        break;
    }
    default:
        st = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    (void)OutLen;
    (void)InLen;
    InterlockedDecrement(&g_ioctls_active);
    WdfRequestCompleteWithInformation(Request, st, info);
}

static VOID ManualReady(WDFQUEUE Queue, WDFCONTEXT Context)
{
    InterlockedIncrement((LONG *)&g_stats.ready_notifications);
}

static VOID ManualCanceled(WDFQUEUE Queue, WDFREQUEST Request)
{
    InterlockedIncrement((LONG *)&g_stats.canceled_on_queue);
    WdfRequestComplete(Request, STATUS_CANCELLED);
}

/* ---- files ------------------------------------------------------------- */

static VOID FileCreate(WDFDEVICE Device, WDFREQUEST Request, WDFFILEOBJECT FileObject)
{
    FILE_CTX *fc = FileCtx(FileObject);
    g_stats.creates++;
    if (fc && fc->magic == 0 && WdfFileObjectGetDevice(FileObject) == Device &&
        WdfFileObjectWdmGetFileObject(FileObject) != NULL)
        g_stats.file_context_ok++;
    if (fc) {
        fc->magic = 0xF11E;
        fc->opened = 1;
    }
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

static VOID FileCleanup(WDFFILEOBJECT FileObject)
{
    if (FileCtx(FileObject)->magic == 0xF11E)
        g_stats.cleanups++;
}

static VOID FileClose(WDFFILEOBJECT FileObject)
{
    if (FileCtx(FileObject)->magic == 0xF11E)
        g_stats.closes++;
}

/* ---- driver ------------------------------------------------------------ */

static VOID EchoUnload(WDFDRIVER Driver)
{
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDFDRIVER driver;
    WDFDEVICE device;
    WDFQUEUE queue;
    NTSTATUS st;
    DECLARE_CONST_UNICODE_STRING(name, IOECHO_DEVICE);
    DECLARE_CONST_UNICODE_STRING(link, L"\\DosDevices\\WdfIoEcho");

    WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
    config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
    config.EvtDriverUnload = EchoUnload;
    st = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, &driver);
    if (!NT_SUCCESS(st))
        return st;

    PWDFDEVICE_INIT init = WdfControlDeviceInitAllocate(driver, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
    if (!init)
        return STATUS_INSUFFICIENT_RESOURCES;
    st = WdfDeviceInitAssignName(init, &name);
    if (!NT_SUCCESS(st)) {
        WdfDeviceInitFree(init);
        return st;
    }
    WdfDeviceInitSetIoType(init, WdfDeviceIoBuffered);

    WDF_FILEOBJECT_CONFIG fcfg;
    WDF_OBJECT_ATTRIBUTES fattr;
    WDF_FILEOBJECT_CONFIG_INIT(&fcfg, FileCreate, FileClose, FileCleanup);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&fattr, FILE_CTX);
    WdfDeviceInitSetFileObjectConfig(init, &fcfg, &fattr);

    WDF_OBJECT_ATTRIBUTES rattr;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&rattr, REQ_CTX);
    WdfDeviceInitSetRequestAttributes(init, &rattr);
    WdfDeviceInitSetIoInCallerContextCallback(init, IoctlCallerContext);

    st = WdfDeviceCreate(&init, WDF_NO_OBJECT_ATTRIBUTES, &device);
    if (!NT_SUCCESS(st)) {
        WdfDeviceInitFree(init);
        return st;
    }
    st = WdfDeviceCreateSymbolicLink(device, &link);
    if (!NT_SUCCESS(st))
        return st;

    /* Default queue: sequential, serialized with its timer. */
    WDF_IO_QUEUE_CONFIG qcfg;
    WDF_OBJECT_ATTRIBUTES qattr;
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qcfg, WdfIoQueueDispatchSequential);
    qcfg.EvtIoRead = EchoRead;
    qcfg.EvtIoWrite = EchoWrite;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&qattr, ECHO_QUEUE_CTX);
    qattr.SynchronizationScope = WdfSynchronizationScopeQueue;
    st = WdfIoQueueCreate(device, &qcfg, &qattr, &queue);
    if (!NT_SUCCESS(st))
        return st;
    WDF_TIMER_CONFIG tcfg;
    WDF_OBJECT_ATTRIBUTES tattr;
    WDF_TIMER_CONFIG_INIT(&tcfg, EchoTimer);
    tcfg.AutomaticSerialization = TRUE;
    WDF_OBJECT_ATTRIBUTES_INIT(&tattr);
    tattr.ParentObject = queue;
    g_echo_queue = queue;
    /* Without framework timers (an executive that lacks them), the echo
     * completes inline; the test reads timer_deferred to know which. */
    st = WdfTimerCreate(&tcfg, &tattr, &EchoQueueCtx(queue)->timer);
    if (st != STATUS_NOT_IMPLEMENTED && !NT_SUCCESS(st))
        return st;

    /* IOCTLs: a parallel queue, two at a time. */
    WDF_IO_QUEUE_CONFIG_INIT(&qcfg, WdfIoQueueDispatchParallel);
    qcfg.EvtIoDeviceControl = IoctlIo;
    qcfg.Settings.Parallel.NumberOfPresentedRequests = 2;
    st = WdfIoQueueCreate(device, &qcfg, WDF_NO_OBJECT_ATTRIBUTES, &g_ioctl_queue);
    if (!NT_SUCCESS(st))
        return st;
    st = WdfDeviceConfigureRequestDispatching(device, g_ioctl_queue, WdfRequestTypeDeviceControl);
    if (!NT_SUCCESS(st))
        return st;

    /* Pended IOCTLs wait here until released, purged or cancelled. */
    WDF_IO_QUEUE_CONFIG_INIT(&qcfg, WdfIoQueueDispatchManual);
    qcfg.EvtIoCanceledOnQueue = ManualCanceled;
    st = WdfIoQueueCreate(device, &qcfg, WDF_NO_OBJECT_ATTRIBUTES, &g_manual_queue);
    if (!NT_SUCCESS(st))
        return st;
    st = WdfIoQueueReadyNotify(g_manual_queue, ManualReady, NULL);
    if (!NT_SUCCESS(st))
        return st;

    WdfControlFinishInitializing(device);
    return STATUS_SUCCESS;
}
