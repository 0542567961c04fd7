/*
 * test_symlink.c - IoCreateSymbolicLink / IoCreateUnprotectedSymbolicLink /
 * IoDeleteSymbolicLink and the names they make reachable.
 */
#include "recdrv.h"

static PDRIVER_OBJECT drv;

static int setup(void **state)
{
    (void)state;
    if (!drv)
        drv = rec_driver(L"IodevLinkTest");
    rec_reset();
    return 0;
}

static void test_create_open_delete(void **state)
{
    UNICODE_STRING link, ulink, target, bad;
    PDEVICE_OBJECT d;
    HANDLE h;

    (void)state;
    d = rec_device(drv, L"\\Device\\IodevLinkTarget", 0, 0, FALSE);
    iot_us(&link, L"\\DosDevices\\IodevLink");
    iot_us(&ulink, L"\\??\\IodevULink");
    iot_us(&target, L"\\Device\\IodevLinkTarget");
    assert_int_equal(IoCreateSymbolicLink(&link, &target), STATUS_SUCCESS);
    assert_int_equal(IoCreateSymbolicLink(&link, &target), STATUS_OBJECT_NAME_COLLISION);
    assert_int_equal(IoCreateUnprotectedSymbolicLink(&ulink, &target), STATUS_SUCCESS);

    /* \DosDevices\X is \??\X is \GLOBAL??\X is \\.\X. */
    assert_int_equal(io_open(L"\\\\.\\IodevLink", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_SUCCESS);
    assert_ptr_equal(rec.last_device, d);
    assert_int_equal(io_close(h), STATUS_SUCCESS);
    assert_int_equal(io_open(L"\\GLOBAL??\\IodevULink", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_SUCCESS);
    assert_int_equal(io_close(h), STATUS_SUCCESS);

    assert_int_equal(IoDeleteSymbolicLink(&link), STATUS_SUCCESS);
    assert_int_equal(IoDeleteSymbolicLink(&ulink), STATUS_SUCCESS);
    assert_int_equal(IoDeleteSymbolicLink(&link), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(io_open(L"\\\\.\\IodevLink", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_OBJECT_NAME_NOT_FOUND);

    /* A link to a name that does not exist (yet) can be made; it resolves
     * once the device appears. */
    iot_us(&target, L"\\Device\\IodevLinkLater");
    assert_int_equal(IoCreateSymbolicLink(&link, &target), STATUS_SUCCESS);
    assert_int_equal(io_open(L"\\\\.\\IodevLink", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    {
        PDEVICE_OBJECT later = rec_device(drv, L"\\Device\\IodevLinkLater", 0, 0, FALSE);
        assert_int_equal(io_open(L"\\\\.\\IodevLink", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                         STATUS_SUCCESS);
        assert_ptr_equal(rec.last_device, later);
        assert_int_equal(io_close(h), STATUS_SUCCESS);
        IoDeleteDevice(later);
    }
    assert_int_equal(IoDeleteSymbolicLink(&link), STATUS_SUCCESS);

    /* Bad input. */
    assert_int_equal(IoCreateSymbolicLink(NULL, &target), STATUS_INVALID_PARAMETER);
    bad.Buffer = NULL;
    bad.Length = bad.MaximumLength = 0;
    assert_int_equal(IoCreateSymbolicLink(&bad, &target), STATUS_INVALID_PARAMETER);
    assert_int_equal(IoDeleteSymbolicLink(&bad), STATUS_INVALID_PARAMETER);
    IoDeleteDevice(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_create_open_delete, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
