/*
 * cleanup_test.c - closing the last handle while a read is pending on it:
 * IRP_MJ_CLEANUP arrives with the read still pending, the driver cancels
 * it, and IRP_MJ_CLOSE arrives only after the read is gone.
 */
#include "../iodev/iodev_test.h"
#include "conf.h"
#include "io/iop.h"

#include <pthread.h>

static PDRIVER_OBJECT drv;

struct reader {
    HANDLE h;
    NTSTATUS status;
    volatile int done;
};

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    char buf[8];
    ULONG_PTR info;

    r->status = io_read(r->h, buf, sizeof(buf), 0, &info);
    __atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static ULONG pending(HANDLE ctl)
{
    ULONG n = 0;
    ULONG_PTR info;
    assert_int_equal(io_ioctl(ctl, IOCTL_CLN_PENDING, NULL, 0, &n, sizeof(n), &info),
                     STATUS_SUCCESS);
    return n;
}

static void test_cleanup_cancels_then_close(void **state)
{
    struct reader r = { 0 };
    pthread_t t;
    HANDLE ctl;
    char log[64];
    ULONG_PTR info;
    int i;

    (void)state;
    iot_init_root();
    assert_int_equal(io_load_driver(iot_driver_path("cleanup_drv"), L"OddkCleanup", &drv),
                     STATUS_SUCCESS);
    assert_int_equal(io_open(L"\\\\.\\OddkCleanup", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &ctl),
                     STATUS_SUCCESS);
    assert_int_equal(io_open(L"\\\\.\\OddkCleanup", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &r.h),
                     STATUS_SUCCESS);
    assert_int_equal(pthread_create(&t, NULL, reader_main, &r), 0);
    for (i = 0; i < 500 && pending(ctl) == 0; i++)
        usleep(2000);
    assert_int_equal(pending(ctl), 1);
    assert_false(__atomic_load_n(&r.done, __ATOMIC_ACQUIRE));

    /* The last handle goes while the read is pending. */
    assert_int_equal(io_close(r.h), STATUS_SUCCESS);
    pthread_join(t, NULL);
    assert_int_equal(r.status, STATUS_CANCELLED);
    assert_int_equal(pending(ctl), 0);

    memset(log, 0, sizeof(log));
    assert_int_equal(io_ioctl(ctl, IOCTL_CLN_LOG, NULL, 0, log, sizeof(log), &info),
                     STATUS_SUCCESS);
    /* cleanup, the cancelled read, then close; never a close with a read
     * still held. */
    assert_string_equal(log, "UXL");
    assert_int_equal(io_close(ctl), STATUS_SUCCESS);
    assert_int_equal(io_unload_driver(drv), STATUS_SUCCESS);
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
    d->calls++;
    KeSetEvent(&d->ev, IO_NO_INCREMENT, FALSE);
}

/* The same without a waiting thread: an asynchronous read, then the handle
 * goes. */
static void test_async_read_then_close(void **state)
{
    struct io_user_params p = { 0 };
    struct async_done d = { .calls = 0 };
    LARGE_INTEGER timeout = { .QuadPart = -5 * 10000000LL };
    char buf[8];
    char log[64];
    ULONG_PTR info;
    HANDLE ctl, h;

    (void)state;
    KeInitializeEvent(&d.ev, NotificationEvent, FALSE);
    assert_int_equal(io_load_driver(iot_driver_path("cleanup_drv"), L"OddkCleanup", &drv),
                     STATUS_SUCCESS);
    assert_int_equal(io_open(L"\\\\.\\OddkCleanup", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &ctl),
                     STATUS_SUCCESS);
    assert_int_equal(io_open(L"\\\\.\\OddkCleanup", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_SUCCESS);
    p.major = IRP_MJ_READ;
    p.out = buf;
    p.out_len = sizeof(buf);
    p.mode = UserMode;
    assert_int_equal(io_submit(h, &p, on_done, &d), STATUS_PENDING);
    assert_int_equal(pending(ctl), 1);
    assert_int_equal(d.calls, 0);
    assert_int_equal(io_close(h), STATUS_SUCCESS);
    assert_int_equal(KeWaitForSingleObject(&d.ev, Executive, KernelMode, FALSE, &timeout),
                     STATUS_SUCCESS);
    assert_int_equal(d.calls, 1);
    assert_int_equal(d.status, STATUS_CANCELLED);
    memset(log, 0, sizeof(log));
    assert_int_equal(io_ioctl(ctl, IOCTL_CLN_LOG, NULL, 0, log, sizeof(log), &info),
                     STATUS_SUCCESS);
    /* The previous test's events are there too: look at the tail. */
    assert_non_null(strstr(log, "UXL"));
    assert_int_equal(log[strlen(log) - 1], 'L');
    assert_int_equal(io_close(ctl), STATUS_SUCCESS);
    assert_int_equal(io_unload_driver(drv), STATUS_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cleanup_cancels_then_close),
        cmocka_unit_test(test_async_read_then_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
