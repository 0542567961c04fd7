/*
 * handle_test.c - handle validation through a loaded driver: the driver
 * references handles its caller passes (ObReferenceObjectByHandle in the
 * caller's mode) and opens devices itself with ZwCreateFile.
 */
#include "../iodev/iodev_test.h"
#include "conf.h"

static PDRIVER_OBJECT drv;
static HANDLE ctl;

static int setup(void **state)
{
    (void)state;
    iot_init_root();
    assert_int_equal(io_load_driver(iot_driver_path("handle_drv"), L"OddkHandle", &drv),
                     STATUS_SUCCESS);
    assert_int_equal(io_open(L"\\\\.\\OddkHandle", NULL, GENERIC_READ | GENERIC_WRITE, 0,
                             FILE_OPEN, 0, &ctl), STATUS_SUCCESS);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(io_close(ctl), STATUS_SUCCESS);
    assert_int_equal(io_unload_driver(drv), STATUS_SUCCESS);
    return 0;
}

static NTSTATUS check(HANDLE h, ACCESS_MASK desired, ULONG want_device, ULONG *same)
{
    struct hnd_check c = { .handle = h, .desired = desired, .want_device_type = want_device };
    ULONG_PTR info = 0;

    assert_int_equal(io_ioctl(ctl, IOCTL_HND_CHECK, &c, sizeof(c), &c, sizeof(c), &info),
                     STATUS_SUCCESS);
    assert_int_equal(info, sizeof(c));
    if (same)
        *same = c.same_device;
    return c.status;
}

static void test_reference_by_handle(void **state)
{
    HANDLE h, ro;
    ULONG same = 0;

    (void)state;
    assert_int_equal(io_open(L"\\\\.\\OddkHandle", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_SUCCESS);
    assert_int_equal(check(h, FILE_READ_DATA, 0, &same), STATUS_SUCCESS);
    assert_int_equal(same, 1);
    /* Right handle, wrong type. */
    assert_int_equal(check(h, FILE_READ_DATA, 1, NULL), STATUS_OBJECT_TYPE_MISMATCH);
    /* Access the handle was not opened for. */
    assert_int_equal(io_open(L"\\\\.\\OddkHandle", NULL, FILE_WRITE_DATA, 0, FILE_OPEN, 0, &ro),
                     STATUS_SUCCESS);
    assert_int_equal(check(ro, FILE_READ_DATA, 0, NULL), STATUS_ACCESS_DENIED);
    assert_int_equal(io_close(ro), STATUS_SUCCESS);
    /* Closed, forged and NULL handles. */
    assert_int_equal(io_close(h), STATUS_SUCCESS);
    assert_int_equal(check(h, FILE_READ_DATA, 0, NULL), STATUS_INVALID_HANDLE);
    assert_int_equal(check((HANDLE)(ULONG_PTR)0x1234, FILE_READ_DATA, 0, NULL),
                     STATUS_INVALID_HANDLE);
    assert_int_equal(check(NULL, FILE_READ_DATA, 0, NULL), STATUS_INVALID_HANDLE);
}

static void test_kernel_handle_from_user_mode(void **state)
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\OddkHandle");
    OBJECT_ATTRIBUTES oa;
    IO_STATUS_BLOCK iosb;
    HANDLE kh;

    (void)state;
    InitializeObjectAttributes(&oa, &name, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_int_equal(ZwCreateFile(&kh, GENERIC_READ, &oa, &iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0),
                     STATUS_SUCCESS);
    /* A user-mode request may not use a kernel handle. */
    assert_int_equal(check(kh, FILE_READ_DATA, 0, NULL), STATUS_INVALID_HANDLE);
    assert_int_equal(ZwClose(kh), STATUS_SUCCESS);
}

static void test_driver_opens_with_zwcreatefile(void **state)
{
    struct hnd_open o;
    ULONG_PTR info;

    (void)state;
    memset(&o, 0, sizeof(o));
    memcpy(o.path, L"\\??\\OddkHandle", sizeof(L"\\??\\OddkHandle"));
    assert_int_equal(io_ioctl(ctl, IOCTL_HND_OPEN, &o, sizeof(o), &o, sizeof(o), &info),
                     STATUS_SUCCESS);
    assert_int_equal(o.status, STATUS_SUCCESS);
    assert_int_equal(o.information, FILE_OPENED);
    assert_int_equal(o.target_creates, 1);

    memset(&o, 0, sizeof(o));
    memcpy(o.path, L"\\Device\\OddkNoSuch", sizeof(L"\\Device\\OddkNoSuch"));
    assert_int_equal(io_ioctl(ctl, IOCTL_HND_OPEN, &o, sizeof(o), &o, sizeof(o), &info),
                     STATUS_SUCCESS);
    assert_int_equal(o.status, STATUS_OBJECT_NAME_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_by_handle),
        cmocka_unit_test(test_kernel_handle_from_user_mode),
        cmocka_unit_test(test_driver_opens_with_zwcreatefile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
