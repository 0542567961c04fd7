/*
 * test_wdfio.c - the WDF I/O half through a KMDF driver of our own
 * (ioecho_kmdf_drv.c), driven like a client would: open, write, read,
 * IOCTLs of every buffer method, asynchronous requests that wait in a
 * manual queue or with the driver, purge, cancellation when the handle
 * goes, and the verifier's bug checks for request misuse.
 */
#include "../iodev/iodev_test.h"
#include "io/iop.h"
#include "wdfio_test.h"
#include "ddk_bugcheck_test.h"

#include <dirent.h>
#include <pthread.h>
#include <sys/wait.h>

/* iotypes.h gained DEVICE_REGISTRY_PROPERTY for wdfiotarget.h: Windows values. */
_Static_assert(DevicePropertyPhysicalDeviceObjectName == 0xb, "DEVICE_REGISTRY_PROPERTY");
_Static_assert(DevicePropertyContainerID == 0x16, "DEVICE_REGISTRY_PROPERTY");

static PDRIVER_OBJECT drv;
static HANDLE h;

static int setup(void **state)
{
    (void)state;
    iot_init_root();
    if (io_load_driver(iot_driver_path("ioecho_kmdf_drv"), L"WdfIoEcho", &drv) != STATUS_SUCCESS)
        return -1;
    if (io_open(IOECHO_LINK, NULL, GENERIC_READ | GENERIC_WRITE, 0, FILE_OPEN, 0, &h) !=
        STATUS_SUCCESS)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    io_close(h);
    return io_unload_driver(drv) == STATUS_SUCCESS ? 0 : -1;
}

static struct ioecho_stats stats(void)
{
    struct ioecho_stats s;
    ULONG_PTR info = 0;
    memset(&s, 0xcc, sizeof(s));
    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_STATS, NULL, 0, &s, sizeof(s), &info),
                     STATUS_SUCCESS);
    assert_int_equal(info, sizeof(s));
    return s;
}

static void echo_pattern(ULONG len, UCHAR seed)
{
    UCHAR *out = malloc(len), *in = malloc(len);
    ULONG_PTR info = 0;
    for (ULONG i = 0; i < len; i++)
        out[i] = (UCHAR)(seed + i * 7);
    memset(in, 0, len);
    assert_int_equal(io_write(h, out, len, 0, &info), STATUS_SUCCESS);
    assert_int_equal(info, len);
    assert_int_equal(io_read(h, in, len, 0, &info), STATUS_SUCCESS);
    assert_int_equal(info, len);
    assert_memory_equal(in, out, len);
    free(out);
    free(in);
}

/* Writes are kept in a WDFMEMORY and come back from reads, both completed
 * from the queue's timer; requests and files carry their contexts. */
static void test_echo_roundtrip(void **state)
{
    (void)state;
    struct ioecho_stats before = stats();
    echo_pattern(512, 1);
    echo_pattern(30 * 1024, 9);
    struct ioecho_stats after = stats();
    assert_int_equal(after.writes - before.writes, 2);
    assert_int_equal(after.reads - before.reads, 2);
    assert_int_equal(after.sequential_violations, 0);
    assert_true(after.request_context_ok >= 4);
    assert_true(after.creates >= 1);
    assert_int_equal(after.file_context_ok, after.creates);
}

/* A zero-length write never reaches a queue that did not ask for it. */
static void test_zero_length(void **state)
{
    (void)state;
    UCHAR b = 0;
    ULONG_PTR info = 77;
    struct ioecho_stats before = stats();
    assert_int_equal(io_write(h, &b, 0, 0, &info), STATUS_SUCCESS);
    assert_int_equal(info, 0);
    assert_int_equal(stats().writes, before.writes);
}

static void ioctl_invert(ULONG code)
{
    UCHAR in[40], out[40];
    ULONG_PTR info = 0;
    for (int i = 0; i < 40; i++)
        in[i] = (UCHAR)i;
    memset(out, 0, sizeof(out));
    assert_int_equal(io_ioctl(h, code, in, sizeof(in), out, sizeof(out), &info), STATUS_SUCCESS);
    assert_int_equal(info, sizeof(in));
    for (int i = 0; i < 40; i++)
        assert_int_equal(out[i], (UCHAR)~i);
}

/* Each buffer method; METHOD_NEITHER through EvtIoInCallerContext with
 * the unsafe DDIs and probe-and-lock. */
static void test_ioctl_methods(void **state)
{
    (void)state;
    ioctl_invert(IOCTL_IOECHO_BUFFERED);
    ioctl_invert(IOCTL_IOECHO_IN_DIRECT);
    ioctl_invert(IOCTL_IOECHO_OUT_DIRECT);

    struct ioecho_stats before = stats();
    ULONG v = 0x12345678, r = 0;
    ULONG_PTR info = 0;
    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_NEITHER, &v, sizeof(v), &r, sizeof(r), &info),
                     STATUS_SUCCESS);
    assert_int_equal(r, ~0x12345678u);
    assert_int_equal(info, sizeof(r));
    assert_true(stats().in_caller > before.in_caller);

    /* minimum length */
    UCHAR small[2] = { 1, 2 }, out[8];
    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_BUFFERED, small, sizeof(small), out, sizeof(out),
                              &info), STATUS_BUFFER_TOO_SMALL);
    /* no queue handler / unknown code */
    assert_int_equal(io_ioctl(h, IOECHO_CTL(0x50, METHOD_BUFFERED), NULL, 0, NULL, 0, &info),
                     STATUS_INVALID_DEVICE_REQUEST);
}

static void test_parameters(void **state)
{
    (void)state;
    struct ioecho_params p;
    UCHAR in[12] = { 0 };
    ULONG_PTR info = 0;
    memset(&p, 0, sizeof(p));
    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_PARAMS, in, sizeof(in), &p, sizeof(p), &info),
                     STATUS_SUCCESS);
    assert_int_equal(p.type, 0xe);   /* WdfRequestTypeDeviceControl */
    assert_int_equal(p.in_len, sizeof(in));
    assert_int_equal(p.out_len, sizeof(p));
    assert_int_equal(p.code, IOCTL_IOECHO_PARAMS);
    assert_int_equal(p.requestor_mode, UserMode);
    assert_int_equal(p.has_file, 1);
    assert_int_equal(p.queue_is_parallel, 1);
}

static void test_memory(void **state)
{
    (void)state;
    ULONG bits = 0;
    UCHAR in[4] = { 0 };
    ULONG_PTR info = 0;
    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_MEMORY, in, sizeof(in), &bits, sizeof(bits), &info),
                     STATUS_SUCCESS);
    assert_int_equal(bits, MEMCHK_ALL);
}

struct async_done {
    KEVENT ev;
    NTSTATUS status;
    int calls;
};

static void on_done(void *ctx, NTSTATUS status, ULONG_PTR information)
{
    struct async_done *d = ctx;
    (void)information;
    d->status = status;
    __atomic_add_fetch(&d->calls, 1, __ATOMIC_SEQ_CST);
    KeSetEvent(&d->ev, IO_NO_INCREMENT, FALSE);
}

static void wait_done(struct async_done *d)
{
    LARGE_INTEGER timeout = { .QuadPart = -5 * 10000000LL };
    assert_int_equal(KeWaitForSingleObject(&d->ev, Executive, KernelMode, FALSE, &timeout),
                     STATUS_SUCCESS);
    assert_int_equal(d->calls, 1);
}

static NTSTATUS submit_ioctl(HANDLE on, ULONG code, struct async_done *d, UCHAR *buf)
{
    struct io_user_params p = { 0 };
    KeInitializeEvent(&d->ev, NotificationEvent, FALSE);
    d->calls = 0;
    p.major = IRP_MJ_DEVICE_CONTROL;
    p.ioctl = code;
    p.in = buf;
    p.in_len = 4;
    p.out = buf;
    p.out_len = 4;
    p.mode = UserMode;
    return io_submit(on, &p, on_done, d);
}

/* A manual queue: requests wait until the driver retrieves them; purge
 * hands the rest to EvtIoCanceledOnQueue. */
static void test_manual_queue(void **state)
{
    (void)state;
    struct async_done a, b;
    UCHAR ba[4], bb[4];
    ULONG tag = 0;
    ULONG_PTR info;
    struct ioecho_stats s0 = stats();

    assert_int_equal(submit_ioctl(h, IOCTL_IOECHO_PEND, &a, ba), STATUS_PENDING);
    assert_int_equal(submit_ioctl(h, IOCTL_IOECHO_PEND, &b, bb), STATUS_PENDING);
    assert_int_equal(stats().manual_queued, 2);
    assert_int_equal(a.calls + b.calls, 0);

    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_RELEASE, NULL, 0, &tag, sizeof(tag), &info),
                     STATUS_SUCCESS);
    wait_done(&a);                       /* first in, first out */
    assert_int_equal(a.status, STATUS_SUCCESS);
    assert_int_equal(b.calls, 0);
    assert_int_equal(stats().manual_queued, 1);

    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_PURGE, NULL, 0, NULL, 0, &info), STATUS_SUCCESS);
    wait_done(&b);
    assert_int_equal(b.status, STATUS_CANCELLED);
    struct ioecho_stats s1 = stats();
    assert_int_equal(s1.canceled_on_queue - s0.canceled_on_queue, 1);
    assert_int_equal(s1.manual_queued, 0);
    /* empty now */
    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_RELEASE, NULL, 0, &tag, sizeof(tag), &info),
                     STATUS_NO_MORE_ENTRIES);
}

/* The client goes away: what waits in a queue and what the driver holds
 * cancelable are both cancelled, then cleanup and close reach the file. */
static void test_cancel_on_close(void **state)
{
    (void)state;
    HANDLE h2;
    struct async_done a, b;
    UCHAR ba[4], bb[4];
    struct ioecho_stats s0 = stats();

    assert_int_equal(io_open(IOECHO_LINK, NULL, GENERIC_READ | GENERIC_WRITE, 0, FILE_OPEN, 0, &h2),
                     STATUS_SUCCESS);
    assert_int_equal(submit_ioctl(h2, IOCTL_IOECHO_PEND, &a, ba), STATUS_PENDING);
    assert_int_equal(submit_ioctl(h2, IOCTL_IOECHO_HOLD, &b, bb), STATUS_PENDING);
    assert_int_equal(io_close(h2), STATUS_SUCCESS);
    wait_done(&a);
    wait_done(&b);
    assert_int_equal(a.status, STATUS_CANCELLED);
    assert_int_equal(b.status, STATUS_CANCELLED);
    struct ioecho_stats s1 = stats();
    assert_int_equal(s1.canceled_on_queue - s0.canceled_on_queue, 1);
    assert_int_equal(s1.cancels - s0.cancels, 1);
    assert_int_equal(s1.cleanups - s0.cleanups, 1);
    assert_int_equal(s1.closes - s0.closes, 1);
}

static ULONG qop(ULONG op)
{
    ULONG state = 0;
    ULONG_PTR info;
    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_QSTATE, &op, sizeof(op), &state, sizeof(state), &info),
                     STATUS_SUCCESS);
    return state;
}

/* Queue states as WdfIoQueueGetState reports them; a stopped queue still
 * accepts; a drained one does not until started; ReadyNotify fires when
 * the empty queue gets a request. */
static void test_queue_states(void **state)
{
    (void)state;
    struct async_done a, b;
    UCHAR ba[4], bb[4];
    ULONG tag = 0;
    ULONG_PTR info;
    ULONG st = qop(QOP_STATE);
    assert_true(st & 0x1);      /* WdfIoQueueAcceptRequests */
    assert_true(st & 0x2);      /* WdfIoQueueDispatchRequests */
    assert_true(st & 0x4);      /* WdfIoQueueNoRequests */
    assert_true(st & 0x8);      /* WdfIoQueueDriverNoRequests */

    ULONG ready0 = stats().ready_notifications;
    st = qop(QOP_STOP);
    assert_true(st & 0x1);
    assert_false(st & 0x2);
    assert_int_equal(submit_ioctl(h, IOCTL_IOECHO_PEND, &a, ba), STATUS_PENDING);
    assert_int_equal(stats().manual_queued, 1);
    assert_int_equal(stats().ready_notifications, ready0 + 1);
    /* stopped: retrieval is refused */
    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_RELEASE, NULL, 0, &tag, sizeof(tag), &info),
                     (NTSTATUS)0xC0200203L /* STATUS_WDF_PAUSED */);
    st = qop(QOP_START);
    assert_true(st & 0x2);
    assert_false(st & 0x4);

    /* Find + RetrieveFound, and by file object */
    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_FIND, NULL, 0, &tag, sizeof(tag), &info),
                     STATUS_SUCCESS);
    wait_done(&a);
    assert_int_equal(a.status, STATUS_SUCCESS);
    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_FIND, NULL, 0, &tag, sizeof(tag), &info),
                     STATUS_NO_MORE_ENTRIES);
    assert_int_equal(submit_ioctl(h, IOCTL_IOECHO_PEND, &b, bb), STATUS_PENDING);
    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_BYFILE, NULL, 0, &tag, sizeof(tag), &info),
                     STATUS_SUCCESS);
    wait_done(&b);
    assert_int_equal(b.status, STATUS_SUCCESS);

    /* drained: empty, no longer accepting; a new request is cancelled */
    st = qop(QOP_DRAIN);
    assert_false(st & 0x1);
    assert_true(st & 0x4);
    NTSTATUS r = submit_ioctl(h, IOCTL_IOECHO_PEND, &a, ba);
    wait_done(&a);
    assert_true(r == STATUS_PENDING || r == a.status);
    assert_int_equal(a.status, (NTSTATUS)0xC0200204L /* STATUS_WDF_BUSY: forward refused */);
    st = qop(QOP_START);
    assert_true(st & 0x1);
}

/* A remote I/O target opened by name (on the driver's own device). */
static void test_io_target(void **state)
{
    (void)state;
    ULONG bits = 0;
    ULONG_PTR info;
    struct ioecho_stats s0 = stats();
    assert_int_equal(io_ioctl(h, IOCTL_IOECHO_TARGET, NULL, 0, &bits, sizeof(bits), &info),
                     STATUS_SUCCESS);
    assert_int_equal(bits, TGT_ALL);
    struct ioecho_stats s1 = stats();
    /* the target's own file: created, cleaned up, closed */
    assert_int_equal(s1.creates - s0.creates, 1);
    assert_int_equal(s1.closes - s0.closes, 1);
}

struct hammer {
    int id;
    int failures;
};

static void *hammer_main(void *arg)
{
    struct hammer *hm = arg;
    for (int i = 0; i < 30; i++) {
        ULONG_PTR info;
        if (io_ioctl(h, IOCTL_IOECHO_SLOW, NULL, 0, NULL, 0, &info) != STATUS_SUCCESS)
            hm->failures++;
        UCHAR b[64];
        memset(b, hm->id, sizeof(b));
        if (io_write(h, b, sizeof(b), 0, &info) != STATUS_SUCCESS)
            hm->failures++;
        if (io_read(h, b, sizeof(b), 0, &info) != STATUS_SUCCESS)
            hm->failures++;
    }
    return NULL;
}

/* Four clients at once: the sequential queue never has two requests with
 * the driver, the parallel one at most NumberOfPresentedRequests (2). */
static void test_concurrency(void **state)
{
    (void)state;
    pthread_t t[4];
    struct hammer hm[4];
    for (int i = 0; i < 4; i++) {
        hm[i] = (struct hammer){ .id = i + 1 };
        assert_int_equal(pthread_create(&t[i], NULL, hammer_main, &hm[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(hm[i].failures, 0);
    }
    struct ioecho_stats s = stats();
    assert_int_equal(s.sequential_violations, 0);
    assert_int_equal(s.max_parallel, 2);
}

/* ---- bug checks ---------------------------------------------------- */

static void expect_child_bugcheck(ULONG code, const char *text, void (*misuse)(void))
{
    ddk_expect_bugcheck_text(code, text, misuse);
}

static void misuse_ioctl(ULONG code, bool pend_first)
{
    PDRIVER_OBJECT d;
    HANDLE hh;
    ULONG_PTR info;
    if (io_load_driver(iot_driver_path("ioecho_kmdf_drv"), L"WdfIoEcho", &d) != STATUS_SUCCESS)
        _exit(3);
    if (io_open(IOECHO_LINK, NULL, GENERIC_READ, 0, FILE_OPEN, 0, &hh) != STATUS_SUCCESS)
        _exit(4);
    if (pend_first) {
        static struct async_done a;
        static UCHAR b[4];
        if (submit_ioctl(hh, IOCTL_IOECHO_PEND, &a, b) != STATUS_PENDING)
            _exit(5);
    }
    io_ioctl(hh, code, NULL, 0, NULL, 0, &info);
}

static void misuse_double(void)
{
    misuse_ioctl(IOCTL_IOECHO_DOUBLE, false);
}

static void misuse_not_owned(void)
{
    misuse_ioctl(IOCTL_IOECHO_NOTOWNED, true);
}

/* Completing a request twice: WDF_VIOLATION, WDF_REQUEST_FATAL_ERROR. */
static void test_bugcheck_double_complete(void **state)
{
    (void)state;
    expect_child_bugcheck(0x10D, "\"0x6\", \"0x2\"", misuse_double);
}

/* Completing a request that is still in a queue: WDF_QUEUE_FATAL_ERROR. */
static void test_bugcheck_not_owned(void **state)
{
    (void)state;
    expect_child_bugcheck(0x10D, "\"parameters\": [\"0xa\"", misuse_not_owned);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo_roundtrip),
        cmocka_unit_test(test_zero_length),
        cmocka_unit_test(test_ioctl_methods),
        cmocka_unit_test(test_parameters),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_manual_queue),
        cmocka_unit_test(test_cancel_on_close),
        cmocka_unit_test(test_queue_states),
        cmocka_unit_test(test_concurrency),
        cmocka_unit_test(test_io_target),
    };
    const struct CMUnitTest bugchecks[] = {
        cmocka_unit_test(test_bugcheck_double_complete),
        cmocka_unit_test(test_bugcheck_not_owned),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    return rc | cmocka_run_group_tests(bugchecks, NULL, NULL);
}
