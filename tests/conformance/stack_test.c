/*
 * stack_test.c - a 3-deep stack built by three separately loaded drivers:
 * upper filter (completion routine) -> function driver (pends, completes
 * from a DPC) -> lower driver (named, with the DOS name).
 */
#include "../iodev/iodev_test.h"
#include "conf.h"

static PDRIVER_OBJECT lower, func, filter;

static int load_stack(void **state)
{
    (void)state;
    iot_init_root();
    assert_int_equal(io_load_driver(iot_driver_path("stk_lower_drv"), L"OddkStkLower", &lower),
                     STATUS_SUCCESS);
    assert_int_equal(io_load_driver(iot_driver_path("stk_func_drv"), L"OddkStkFunc", &func),
                     STATUS_SUCCESS);
    assert_int_equal(io_load_driver(iot_driver_path("stk_filter_drv"), L"OddkStkFilter", &filter),
                     STATUS_SUCCESS);
    return 0;
}

static int unload_stack(void **state)
{
    (void)state;
    assert_int_equal(io_unload_driver(filter), STATUS_SUCCESS);
    assert_int_equal(io_unload_driver(func), STATUS_SUCCESS);
    assert_int_equal(io_unload_driver(lower), STATUS_SUCCESS);
    return 0;
}

static void test_shape(void **state)
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\OddkStkLower");
    PFILE_OBJECT fo;
    PDEVICE_OBJECT top;

    (void)state;
    assert_int_equal(IoGetDeviceObjectPointer(&name, FILE_READ_DATA, &fo, &top), STATUS_SUCCESS);
    assert_ptr_equal(top->DriverObject, filter);
    assert_int_equal(top->StackSize, 3);
    assert_int_equal(top->AlignmentRequirement, FILE_QUAD_ALIGNMENT);
    assert_ptr_equal(fo->DeviceObject->DriverObject, lower);
    assert_ptr_equal(fo->DeviceObject->AttachedDevice->DriverObject, func);
    assert_ptr_equal(fo->DeviceObject->AttachedDevice->AttachedDevice, top);
    ObDereferenceObject(fo);
}

static void test_read_through_stack(void **state)
{
    struct stk_filter_stats st;
    char buf[16];
    ULONG_PTR info = 0;
    HANDLE h;
    int i;

    (void)state;
    assert_int_equal(io_open(L"\\\\.\\OddkStk", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_SUCCESS);
    for (i = 0; i < 3; i++) {
        memset(buf, 0, sizeof(buf));
        assert_int_equal(io_read(h, buf, sizeof(buf), 0, &info), STATUS_SUCCESS);
        assert_int_equal(info, sizeof(buf));
        assert_int_equal(buf[0], 'X');        /* the filter's completion routine ran */
        assert_int_equal(buf[1], 'F');        /* the function driver's DPC filled it */
        assert_int_equal(buf[15], 'F');
    }
    memset(&st, 0, sizeof(st));
    assert_int_equal(io_ioctl(h, IOCTL_STK_FILTER_STATS, NULL, 0, &st, sizeof(st), &info),
                     STATUS_SUCCESS);
    assert_int_equal(st.read_completions, 3);
    assert_int_equal(st.pending_returned, 3);
    assert_int_equal(st.completion_irql, DISPATCH_LEVEL);
    assert_true(st.creates_seen >= 1);
    assert_int_equal(io_close(h), STATUS_SUCCESS);
}

static void test_ioctl_reaches_bottom(void **state)
{
    struct stk_ping p;
    ULONG_PTR info = 0;
    HANDLE h;

    (void)state;
    assert_int_equal(io_open(L"\\??\\OddkStk", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_SUCCESS);
    memset(&p, 0, sizeof(p));
    assert_int_equal(io_ioctl(h, IOCTL_STK_PING, NULL, 0, &p, sizeof(p), &info), STATUS_SUCCESS);
    assert_int_equal(info, sizeof(p));
    assert_true(p.lower_pings >= 1);
    assert_int_equal(p.stack_size_seen, 3);
    /* Both upper drivers skipped their location, so the lower driver
     * runs in the location the filter was given: the last one (3). */
    assert_int_equal(p.current_location, 3);
    assert_int_equal(io_close(h), STATUS_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape),
        cmocka_unit_test(test_read_through_stack),
        cmocka_unit_test(test_ioctl_reaches_bottom),
    };
    return cmocka_run_group_tests(tests, load_stack, unload_stack);
}
