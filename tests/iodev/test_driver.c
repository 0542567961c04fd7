/*
 * test_driver.c - driver objects as the loader makes them: names,
 * registry path, default dispatch, DO_DEVICE_INITIALIZING, driver object
 * extensions, reinitialization, driver directories, unload.
 */
#include "recdrv.h"
#include "basic_drv.h"

#include <dlfcn.h>
#include <libgen.h>

static int setup(void **state)
{
    (void)state;
    iot_init_root();
    return 0;
}

static void test_load_basic(void **state)
{
    PDRIVER_OBJECT d = NULL, d2 = NULL;
    struct basic_info bi;
    ULONG_PTR n = 0;
    HANDLE h;
    char buf[4096], dir[4096];

    (void)state;
    assert_int_equal(io_load_driver(iot_driver_path("basic_drv"), L"IodevBasic", &d),
                     STATUS_SUCCESS);
    assert_non_null(d);
    assert_int_equal(d->Type, IO_TYPE_DRIVER);
    assert_true(iot_us_eq(&d->DriverName, L"\\Driver\\IodevBasic"));
    assert_ptr_equal(d->DriverExtension->DriverObject, d);
    assert_non_null(d->DriverInit);

    /* Loading the same service twice is refused. */
    assert_int_equal(io_load_driver(iot_driver_path("basic_drv"), L"IodevBasic", &d2),
                     STATUS_IMAGE_ALREADY_LOADED);

    assert_int_equal(io_open(L"\\\\.\\IodevBasic", NULL, GENERIC_READ | GENERIC_WRITE, 0,
                             FILE_OPEN, 0, &h), STATUS_SUCCESS);
    memset(&bi, 0, sizeof(bi));
    assert_int_equal(io_ioctl(h, IOCTL_BASIC_INFO, NULL, 0, &bi, sizeof(bi), &n), STATUS_SUCCESS);
    assert_int_equal(n, sizeof(bi));
    assert_int_equal(rtl_wcscmp(bi.regpath,
        L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\IodevBasic"), 0);
    assert_int_equal(rtl_wcscmp(bi.driver_name, L"\\Driver\\IodevBasic"), 0);
    assert_int_equal(rtl_wcscmp(bi.service_key, L"IodevBasic"), 0);
    assert_int_equal(rtl_wcscmp(bi.hw_database, L"\\REGISTRY\\MACHINE\\HARDWARE\\DESCRIPTION\\SYSTEM"), 0);
    /* Set while DriverEntry ran, cleared by the loader afterwards. */
    assert_true(bi.flags_in_entry & DO_DEVICE_INITIALIZING);
    assert_false(bi.flags_now & DO_DEVICE_INITIALIZING);
    assert_int_equal(bi.reinit_calls, 1);
    assert_int_equal(bi.reinit_count, 1);
    assert_true(bi.ext_ok);
    assert_int_equal((NTSTATUS)bi.ext_dup_status, STATUS_OBJECT_NAME_COLLISION);
    /* No IRP_MJ_WRITE handler: the default routine answers. */
    assert_int_equal(io_write(h, "x", 1, 0, &n), STATUS_INVALID_DEVICE_REQUEST);
    assert_int_equal(io_close(h), STATUS_SUCCESS);

    /* Directories and paths. */
    assert_int_equal(IoGetDriverDirectory(d, DriverDirectoryImage, 0, &h), STATUS_SUCCESS);
    assert_int_equal(io_handle_host_path(h, buf, sizeof(buf)), STATUS_SUCCESS);
    snprintf(dir, sizeof(dir), "%s", iot_driver_path("basic_drv"));
    {
        char real[4096];
        assert_non_null(realpath(dirname(dir), real));
        assert_string_equal(buf, real);
    }
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(IoGetDriverDirectory(d, DriverDirectoryData, 0, &h), STATUS_SUCCESS);
    assert_int_equal(io_handle_host_path(h, buf, sizeof(buf)), STATUS_SUCCESS);
    snprintf(dir, sizeof(dir), "%s/DriverData/IodevBasic", iot_root);
    assert_string_equal(buf, dir);
    {
        struct stat st;
        assert_int_equal(stat(dir, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
    }
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(IoGetDriverDirectory(d, DriverDirectoryData, 1, &h), STATUS_INVALID_PARAMETER);
    assert_int_equal(IoGetDriverDirectory(NULL, DriverDirectoryData, 0, &h),
                     STATUS_INVALID_PARAMETER);
    {
        UNICODE_STRING full;
        char *u8;
        char real[4096];
        assert_int_equal(IoQueryFullDriverPath(d, &full), STATUS_SUCCESS);
        u8 = rtl_wstr_to_utf8(full.Buffer, full.Length / 2);
        assert_non_null(realpath(iot_driver_path("basic_drv"), real));
        assert_string_equal(u8, real);
        free(u8);
        ExFreePool(full.Buffer);
    }

    /* Unload: DriverUnload deleted the device and the link. */
    assert_int_equal(io_unload_driver(d), STATUS_SUCCESS);
    assert_int_equal(io_open(L"\\\\.\\IodevBasic", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    /* The service name is free again. */
    assert_int_equal(io_load_driver(iot_driver_path("basic_drv"), L"IodevBasic", &d),
                     STATUS_SUCCESS);
    assert_int_equal(io_unload_driver(d), STATUS_SUCCESS);
}

static void test_unload_with_open_file(void **state)
{
    PDRIVER_OBJECT d = NULL;
    HANDLE h, h2;
    void *m;

    (void)state;
    assert_int_equal(io_load_driver(iot_driver_path("basic_drv"), L"IodevBasic2", &d),
                     STATUS_SUCCESS);
    assert_true(d->Flags & DRVO_LEGACY_DRIVER);
    assert_non_null(d->DriverStart);
    assert_true(d->DriverSize > 0);
    assert_int_equal(io_open(L"\\Device\\IodevBasic", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h),
                     STATUS_SUCCESS);
    assert_int_equal(io_unload_driver(d), STATUS_SUCCESS);
    /* Unloaded: no name, no new opens... */
    assert_int_equal(io_open(L"\\Driver\\IodevBasic2", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h2),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(io_open(L"\\Device\\IodevBasic", NULL, GENERIC_READ, 0, FILE_OPEN, 0, &h2),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    /* ...but the open file still reaches the driver's code. */
    m = dlopen(iot_driver_path("basic_drv"), RTLD_NOW | RTLD_NOLOAD);
    assert_non_null(m);
    dlclose(m);
    assert_int_equal(io_close(h), STATUS_SUCCESS);
    /* Its close was the last reference: the module is gone now. */
    assert_null(dlopen(iot_driver_path("basic_drv"), RTLD_NOW | RTLD_NOLOAD));
}

static int ext_key;

static NTSTATUS NTAPI noop_entry(PDRIVER_OBJECT drv, PUNICODE_STRING regpath)
{
    (void)drv;
    (void)regpath;
    return STATUS_SUCCESS;
}

static void test_builtin_and_extensions(void **state)
{
    PDRIVER_OBJECT d = NULL;
    PVOID ext = NULL, ext2 = NULL;
    int other;
    HANDLE h;

    (void)state;
    assert_int_equal(io_create_builtin_driver(L"IodevNoUnload", noop_entry, &d), STATUS_SUCCESS);
    assert_true(d->Flags & DRVO_BUILTIN_DRIVER);
    assert_int_equal(IoAllocateDriverObjectExtension(d, &ext_key, 40, &ext), STATUS_SUCCESS);
    assert_non_null(ext);
    assert_int_equal((ULONG_PTR)ext % 16, 0);
    memset(ext, 0xCC, 40);
    assert_ptr_equal(IoGetDriverObjectExtension(d, &ext_key), ext);
    assert_null(IoGetDriverObjectExtension(d, &other));
    assert_int_equal(IoAllocateDriverObjectExtension(d, &ext_key, 8, &ext2),
                     STATUS_OBJECT_NAME_COLLISION);
    assert_null(ext2);
    /* No DriverUnload: the driver cannot be stopped. */
    assert_int_equal(io_unload_driver(d), STATUS_INVALID_DEVICE_REQUEST);
    /* Built-in drivers have no image. */
    assert_int_equal(IoGetDriverDirectory(d, DriverDirectoryImage, 0, &h),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(io_create_builtin_driver(L"IodevNoUnload", noop_entry, &d),
                     STATUS_IMAGE_ALREADY_LOADED);
    assert_int_equal(io_create_builtin_driver(L"Bad\\Name", noop_entry, &d),
                     STATUS_OBJECT_NAME_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_load_basic, setup),
        cmocka_unit_test_setup(test_unload_with_open_file, setup),
        cmocka_unit_test_setup(test_builtin_and_extensions, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
